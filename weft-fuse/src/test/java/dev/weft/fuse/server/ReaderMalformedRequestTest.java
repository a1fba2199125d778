package dev.weft.fuse.server;

import dev.weft.fuse.kernel.FuseChannel;
import dev.weft.fuse.proto.FuseOpcode;
import dev.weft.fuse.proto.LinuxErrno;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

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
 * A reader thread fed by a test that plays the kernel over a {@code SOCK_SEQPACKET} socket pair (one message per
 * read, as {@code /dev/fuse}): malformed and truncated requests get an error reply (or none when even the header is
 * unreadable), and the server goes on to answer a valid request after them.
 */
class ReaderMalformedRequestTest {
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

    private final Arena arena = Arena.ofShared();
    private final List<String> reported = Collections.synchronizedList(new ArrayList<>());
    private int serverFd, kernelFd;
    private Thread reader;

    @BeforeEach
    void start() throws Throwable {
        MemorySegment sv = arena.allocate(JAVA_INT, 2);
        assertEquals(0, (int) SOCKETPAIR.invokeExact(AF_UNIX, SOCK_SEQPACKET, 0, sv));
        serverFd = sv.getAtIndex(JAVA_INT, 0);
        kernelFd = sv.getAtIndex(JAVA_INT, 1);
        MemoryFilesystem fs = new MemoryFilesystem().put("a", "x");
        Reader r = new Reader(0, FuseChannel.forDescriptor(serverFd), new Operations(fs), new InFlightRequests(),
                Dispatch.INLINE, null, null, new RequestBuffers.Pool(arena, 1), (msg, t) -> reported.add(msg), () -> { },
                0, arena.allocate(FuseChannel.POLLFD_SIZE, 8));
        reader = Thread.ofPlatform().start(r);
    }

    @AfterEach
    void stop() throws Throwable {
        int ignored = (int) CLOSE.invokeExact(kernelFd); // the reader reads end of file and returns
        reader.join(10_000);
        assertFalse(reader.isAlive(), "the reader stops at end of file");
        ignored = (int) CLOSE.invokeExact(serverFd);
        arena.close();
    }

    private MemorySegment request(FuseOpcode op, long unique, long nodeid, long bodySize, long statedLen) {
        MemorySegment m = arena.allocate(FUSE_IN_HEADER.byteSize() + bodySize, 8);
        IN_HEADER_LEN.set(m, (int) statedLen);
        IN_HEADER_OPCODE.set(m, op.code());
        IN_HEADER_UNIQUE.set(m, unique);
        IN_HEADER_NODEID.set(m, nodeid);
        return m;
    }

    private void send(MemorySegment m, long length) throws Throwable {
        assertEquals(length, (long) WRITE.invokeExact(kernelFd, m, length));
    }

    /** Reads one reply: {error, unique}. */
    private long[] reply() throws Throwable {
        MemorySegment buf = arena.allocate(64 * 1024, 8);
        long n = (long) READ.invokeExact(kernelFd, buf, buf.byteSize());
        assertTrue(n >= FUSE_OUT_HEADER.byteSize(), "reply of " + n + " bytes");
        assertEquals(n, Integer.toUnsignedLong((int) OUT_HEADER_LEN.get(buf)), "out header len matches");
        return new long[]{(int) OUT_HEADER_ERROR.get(buf), (long) OUT_HEADER_UNIQUE.get(buf)};
    }

    private void assertServerStillAnswers(long unique) throws Throwable {
        MemorySegment getattr = request(FuseOpcode.GETATTR, unique, ROOT_ID, FUSE_GETATTR_IN.byteSize(),
                FUSE_IN_HEADER.byteSize() + FUSE_GETATTR_IN.byteSize());
        send(getattr, getattr.byteSize());
        assertArrayEquals(new long[]{0, unique}, reply(), "GETATTR of the root succeeds");
    }

    @Test
    void aRequestShorterThanTheHeaderGetsNoReplyAndTheServerGoesOn() throws Throwable {
        MemorySegment m = arena.allocate(16, 8);
        send(m, 16);
        assertServerStillAnswers(7);
        assertTrue(reported.stream().anyMatch(s -> s.contains("shorter than fuse_in_header")), reported.toString());
    }

    @Test
    void aStatedLengthBeyondTheReadIsTruncatedEio() throws Throwable {
        MemorySegment m = request(FuseOpcode.GETATTR, 11, ROOT_ID, FUSE_GETATTR_IN.byteSize(), 4096);
        send(m, m.byteSize());
        assertArrayEquals(new long[]{-LinuxErrno.EIO, 11}, reply());
        assertServerStillAnswers(12);
    }

    @Test
    void aNameWithoutItsNulIsEinval() throws Throwable {
        MemorySegment m = request(FuseOpcode.LOOKUP, 21, ROOT_ID, 8, FUSE_IN_HEADER.byteSize() + 8);
        m.asSlice(FUSE_IN_HEADER.byteSize(), 8).fill((byte) 'a');
        send(m, m.byteSize());
        assertArrayEquals(new long[]{-LinuxErrno.EINVAL, 21}, reply());
        assertServerStillAnswers(22);
    }

    @Test
    void aBodyShorterThanItsStructIsEinval() throws Throwable {
        MemorySegment m = request(FuseOpcode.READ, 31, 2, 8, FUSE_IN_HEADER.byteSize() + 8);
        send(m, m.byteSize());
        assertArrayEquals(new long[]{-LinuxErrno.EINVAL, 31}, reply());
        assertServerStillAnswers(32);
    }

    @Test
    void aWriteWhosePayloadDisagreesWithItsSizeIsEinval() throws Throwable {
        long body = FUSE_WRITE_IN.byteSize() + 10;
        MemorySegment m = request(FuseOpcode.WRITE, 41, 2, body, FUSE_IN_HEADER.byteSize() + body);
        WRITE_IN_SIZE.set(m.asSlice(FUSE_IN_HEADER.byteSize()), 4096);
        send(m, m.byteSize());
        assertArrayEquals(new long[]{-LinuxErrno.EINVAL, 41}, reply());
        assertServerStillAnswers(42);
    }

    @Test
    void anUnknownOpcodeIsEnosys() throws Throwable {
        MemorySegment m = arena.allocate(FUSE_IN_HEADER.byteSize(), 8);
        IN_HEADER_LEN.set(m, (int) FUSE_IN_HEADER.byteSize());
        IN_HEADER_OPCODE.set(m, 3999);
        IN_HEADER_UNIQUE.set(m, 51L);
        send(m, m.byteSize());
        assertArrayEquals(new long[]{-LinuxErrno.ENOSYS, 51}, reply());
        assertServerStillAnswers(52);
    }

    @Test
    void aSecondInitIsRefused() throws Throwable {
        MemorySegment m = request(FuseOpcode.INIT, 61, 0, FUSE_INIT_IN.byteSize(),
                FUSE_IN_HEADER.byteSize() + FUSE_INIT_IN.byteSize());
        send(m, m.byteSize());
        assertArrayEquals(new long[]{-LinuxErrno.EINVAL, 61}, reply());
        assertServerStillAnswers(62);
    }

    @Test
    void anInterruptedRequestWhoseHandlerFinishesGetsTheHandlersReply() throws Throwable {
        // the INTERRUPT comes first (another reader thread may take it first): the GETATTR is marked interrupted
        // when it registers, its handler ignores that and finishes, and its result is the reply, not EINTR
        MemorySegment interrupt = request(FuseOpcode.INTERRUPT, 70, 0, FUSE_INTERRUPT_IN.byteSize(),
                FUSE_IN_HEADER.byteSize() + FUSE_INTERRUPT_IN.byteSize());
        interrupt.set(JAVA_LONG, FUSE_IN_HEADER.byteSize(), 71L);
        send(interrupt, interrupt.byteSize());
        assertServerStillAnswers(71);
    }

    @Test
    void garbageOfEveryLengthNeverStopsTheServer() throws Throwable {
        // a drainer takes the replies (most garbage gets an error reply) until the final GETATTR's
        java.util.concurrent.CompletableFuture<long[]> last = new java.util.concurrent.CompletableFuture<>();
        Thread drainer = Thread.ofPlatform().start(() -> {
            try {
                long[] r;
                do {
                    r = reply();
                } while (r[1] != 99_999);
                last.complete(r);
            } catch (Throwable t) {
                last.completeExceptionally(t);
            }
        });
        java.util.Random random = new java.util.Random(42);
        for (int i = 0; i < 2000; i++) {
            int len = 1 + random.nextInt(300); // a 0-byte message would read as end of file
            MemorySegment m = arena.allocate(Math.max(len, 1), 8);
            for (int j = 0; j < len; j++) {
                m.set(JAVA_BYTE, j, (byte) random.nextInt());
            }
            if (len >= FUSE_IN_HEADER.byteSize()) {
                IN_HEADER_UNIQUE.set(m, 1000L + i);
                if (random.nextBoolean()) {
                    IN_HEADER_LEN.set(m, len); // half state their length right, so decoding gets past the header
                }
                int opcode = random.nextInt(50);
                boolean silent = opcode == FuseOpcode.DESTROY.code() || opcode == FuseOpcode.FORGET.code()
                        || opcode == FuseOpcode.BATCH_FORGET.code() || opcode == FuseOpcode.INTERRUPT.code();
                IN_HEADER_OPCODE.set(m, silent ? FuseOpcode.GETATTR.code() : opcode);
            }
            send(m, len);
        }
        MemorySegment getattr = request(FuseOpcode.GETATTR, 99_999, ROOT_ID, FUSE_GETATTR_IN.byteSize(),
                FUSE_IN_HEADER.byteSize() + FUSE_GETATTR_IN.byteSize());
        send(getattr, getattr.byteSize());
        assertArrayEquals(new long[]{0, 99_999}, last.get(30, java.util.concurrent.TimeUnit.SECONDS),
                "after 2000 garbage requests the server answers GETATTR of the root");
        drainer.join();
        assertTrue(reader.isAlive());
    }
}
