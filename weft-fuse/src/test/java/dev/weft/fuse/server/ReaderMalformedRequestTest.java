package dev.weft.fuse.server;

import dev.weft.fuse.proto.FuseOpcode;
import dev.weft.fuse.proto.LinuxErrno;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;

import static dev.weft.fuse.proto.FuseKernelLayout.*;
import static java.lang.foreign.ValueLayout.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * A reader thread fed by a test that plays the kernel ({@link SocketKernel}): malformed and truncated requests get
 * an error reply (or none when even the header is unreadable), and the server goes on to answer a valid request
 * after them.
 */
class ReaderMalformedRequestTest {
    private SocketKernel kernel;

    @BeforeEach
    void start() throws Throwable {
        kernel = new SocketKernel(new MemoryFilesystem().put("a", "x"), Dispatch.INLINE, 1);
    }

    @AfterEach
    void stop() throws Throwable {
        kernel.close(); // and the reader stops at end of file
    }

    /** A request of {@code bodySize} body bytes whose header states {@code statedLen}. */
    private MemorySegment request(FuseOpcode op, long unique, long nodeid, long bodySize, long statedLen) {
        MemorySegment m = kernel.request(op, unique, nodeid, bodySize);
        IN_HEADER_LEN.set(m, (int) statedLen);
        return m;
    }

    private void send(MemorySegment m, long length) throws Throwable {
        kernel.send(m, length);
    }

    /** Reads one reply: {error, unique}. */
    private long[] reply() throws Throwable {
        SocketKernel.Reply r = kernel.reply();
        return new long[]{r.error(), r.unique()};
    }

    private void assertServerStillAnswers(long unique) throws Throwable {
        kernel.assertNextReplyIsGetattrOfTheRoot(unique);
    }

    @Test
    void aRequestShorterThanTheHeaderGetsNoReplyAndTheServerGoesOn() throws Throwable {
        MemorySegment m = kernel.allocate(16);
        send(m, 16);
        assertServerStillAnswers(7);
        assertTrue(kernel.reported.stream().anyMatch(s -> s.contains("shorter than fuse_in_header")),
                kernel.reported.toString());
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
        MemorySegment m = kernel.allocate(FUSE_IN_HEADER.byteSize());
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
            MemorySegment m = kernel.allocate(Math.max(len, 1));
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
        assertTrue(kernel.readersAlive());
    }
}
