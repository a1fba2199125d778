package dev.weft.fuse.server;

import dev.weft.fuse.FuseFilesystem;
import dev.weft.fuse.kernel.FuseChannel;
import dev.weft.fuse.proto.FuseOpcode;
import dev.weft.threadlet.Threadlets;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static dev.weft.fuse.proto.FuseKernelLayout.*;
import static java.lang.foreign.ValueLayout.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * A test that plays the kernel for reader threads over a {@code SOCK_SEQPACKET} socket pair (one message per read,
 * as {@code /dev/fuse}): the readers share one descriptor, one {@link InFlightRequests} and one file system, as a
 * server's readers do. {@link #close} ends them (end of file) and checks that they stopped.
 */
final class SocketKernel implements AutoCloseable {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle SOCKETPAIR = LINKER.downcallHandle(LINKER.defaultLookup().find("socketpair")
            .orElseThrow(), FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle READ = LINKER.downcallHandle(LINKER.defaultLookup().find("read").orElseThrow(),
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle WRITE = LINKER.downcallHandle(LINKER.defaultLookup().find("write")
            .orElseThrow(), FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle CLOSE = LINKER.downcallHandle(LINKER.defaultLookup().find("close")
            .orElseThrow(), FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final int AF_UNIX = 1, SOCK_SEQPACKET = 5;

    /** A reply as the test reads it: {@code fuse_out_header.error} (0 or a negative errno) and {@code unique}. */
    record Reply(int error, long unique) {
    }

    private final Arena arena = Arena.ofShared();
    /** What the readers reported to their error handler. */
    final List<String> reported = Collections.synchronizedList(new ArrayList<>());
    private final List<Thread> readers = new ArrayList<>();
    private final int serverFd;
    private final int kernelFd;

    /** Starts {@code readerCount} readers of {@code fs} with {@code dispatch} (threadlets in weft's default group). */
    SocketKernel(FuseFilesystem fs, Dispatch dispatch, int readerCount) throws Throwable {
        MemorySegment sv = arena.allocate(JAVA_INT, 2);
        assertEquals(0, (int) SOCKETPAIR.invokeExact(AF_UNIX, SOCK_SEQPACKET, 0, sv));
        serverFd = sv.getAtIndex(JAVA_INT, 0);
        kernelFd = sv.getAtIndex(JAVA_INT, 1);
        Operations ops = new Operations(fs);
        InFlightRequests inFlight = new InFlightRequests();
        RequestBuffers.Pool pool = new RequestBuffers.Pool(arena, readerCount + 2);
        FuseChannel channel = FuseChannel.forDescriptor(serverFd);
        for (int i = 0; i < readerCount; i++) {
            Reader r = new Reader(i, channel, ops, inFlight, dispatch,
                    dispatch == Dispatch.THREADLET ? Threadlets.defaultGroup() : null, null, pool,
                    (msg, t) -> reported.add(msg), () -> { }, 0, arena.allocate(FuseChannel.POLLFD_SIZE, 8));
            readers.add(Thread.ofPlatform().name("socket-kernel-reader-" + i).start(r));
        }
    }

    /** A request with a zeroed body of {@code bodySize} bytes whose header states its true length. */
    MemorySegment request(FuseOpcode op, long unique, long nodeid, long bodySize) {
        MemorySegment m = arena.allocate(FUSE_IN_HEADER.byteSize() + bodySize, 8);
        IN_HEADER_LEN.set(m, (int) m.byteSize());
        IN_HEADER_OPCODE.set(m, op.code());
        IN_HEADER_UNIQUE.set(m, unique);
        IN_HEADER_NODEID.set(m, nodeid);
        return m;
    }

    /** The body of {@code request} (after {@code fuse_in_header}), to fill in. */
    static MemorySegment body(MemorySegment request) {
        return request.asSlice(FUSE_IN_HEADER.byteSize());
    }

    void send(MemorySegment m) throws Throwable {
        send(m, m.byteSize());
    }

    /** Sends the first {@code length} bytes of {@code m} as one message (one read of the server's). */
    void send(MemorySegment m, long length) throws Throwable {
        assertEquals(length, (long) WRITE.invokeExact(kernelFd, m, length));
    }

    /** A zeroed buffer of {@code size} bytes, 8-byte aligned, freed with this. */
    MemorySegment allocate(long size) {
        return arena.allocate(size, 8);
    }

    boolean readersAlive() {
        return readers.stream().allMatch(Thread::isAlive);
    }

    /** Reads the next reply (blocking). */
    Reply reply() throws Throwable {
        MemorySegment buf = arena.allocate(64 * 1024, 8);
        long n = (long) READ.invokeExact(kernelFd, buf, buf.byteSize());
        assertTrue(n >= FUSE_OUT_HEADER.byteSize(), "reply of " + n + " bytes");
        assertEquals(n, Integer.toUnsignedLong((int) OUT_HEADER_LEN.get(buf)), "out header len matches");
        return new Reply((int) OUT_HEADER_ERROR.get(buf), (long) OUT_HEADER_UNIQUE.get(buf));
    }

    /** Sends GETATTR of the root as {@code unique} and asserts that the next reply is its success. */
    void assertNextReplyIsGetattrOfTheRoot(long unique) throws Throwable {
        send(request(FuseOpcode.GETATTR, unique, ROOT_ID, FUSE_GETATTR_IN.byteSize()));
        assertEquals(new Reply(0, unique), reply(), "the next reply is that of GETATTR " + unique);
    }

    @Override
    public void close() throws InterruptedException {
        closeFd(kernelFd); // the readers read end of file and return
        for (Thread t : readers) {
            t.join(10_000);
            assertFalse(t.isAlive(), t.getName() + " stops at end of file");
        }
        closeFd(serverFd);
        // under threadlet dispatch a handler that moved to the default group's servers may still be in the last
        // steps after its reply (giving its buffers back), holding the arena a moment after the readers ended
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            try {
                arena.close();
                return;
            } catch (IllegalStateException inUse) {
                if (System.nanoTime() > deadline) {
                    throw inUse;
                }
                Thread.sleep(5);
            }
        }
    }

    private static void closeFd(int fd) {
        try {
            int ignored = (int) CLOSE.invokeExact(fd);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
