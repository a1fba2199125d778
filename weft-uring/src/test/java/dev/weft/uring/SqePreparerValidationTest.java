package dev.weft.uring;

import dev.weft.uring.kernel.IoUringLayout;
import dev.weft.uring.kernel.LinuxCalls;
import dev.weft.uring.kernel.StatxLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Malformed input to the preparers: each is refused with a message that names the argument, and the queue is left
 * as it was (nothing half-written reaches the kernel).
 */
class SqePreparerValidationTest extends RingTestBase {

    @Override
    protected int ringEntries() {
        return 4;
    }

    /** {@code call} throws {@code type} with a message containing every fragment, and queues nothing. */
    private <T extends RuntimeException> void refused(Class<T> type, Executable call, String... fragments) {
        int before = ring.pendingSubmissions();
        T e = assertThrows(type, call);
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), () -> "\"" + f + "\" missing from: " + e.getMessage());
        }
        assertEquals(before, ring.pendingSubmissions(), "a refused call queued an SQE");
    }

    @Test
    void aNegativeLengthIsRefused() {
        MemorySegment buf = arena.allocate(64);
        refused(IllegalArgumentException.class, () -> ring.sqe().read(1, 0, buf, -1, 0), "length -1", "negative");
        refused(IllegalArgumentException.class, () -> ring.sqe().write(1, 0, buf, -5, 0), "length -5");
    }

    @Test
    void aLengthBeyondTheBufferIsRefused() {
        MemorySegment buf = arena.allocate(64);
        refused(IllegalArgumentException.class, () -> ring.sqe().read(1, 0, buf, 65, 0), "length 65",
                "buffer.byteSize() (64)");
    }

    @Test
    void aHeapSegmentWhereNativeMemoryIsNeededIsRefused() {
        MemorySegment heap = MemorySegment.ofArray(new byte[64]);
        refused(IllegalArgumentException.class, () -> ring.sqe().read(1, 0, heap, 0), "buffer is a heap segment",
                "Arena");
        refused(IllegalArgumentException.class, () -> ring.sqe().write(1, 0, heap, 0), "buffer is a heap segment");
        refused(IllegalArgumentException.class, () -> ring.sqe().openat(1, LinuxCalls.AT_FDCWD,
                MemorySegment.ofArray("/tmp\0".getBytes(StandardCharsets.UTF_8)), 0, 0), "path is a heap segment");
        refused(IllegalArgumentException.class, () -> ring.sqe().statx(1, LinuxCalls.AT_FDCWD,
                arena.allocateFrom("/tmp"), 0, 0, MemorySegment.ofArray(new byte[256])), "statxBuffer is a heap");
        refused(IllegalArgumentException.class, () -> ring.sqe().readv(1, 0,
                MemorySegment.ofArray(new long[4]), 2, 0), "iovecs is a heap segment");
        refused(IllegalArgumentException.class, () -> ring.registerBuffers(heap), "buffers[0] is a heap segment");
    }

    @Test
    void badNumbersAreRefusedByName() {
        MemorySegment buf = arena.allocate(64);
        refused(IllegalArgumentException.class, () -> ring.sqe().read(1, -3, buf, 0), "fd -3");
        refused(IllegalArgumentException.class, () -> ring.sqe().read(1, 0, buf, -2), "fileOffset -2", "-1");
        refused(IllegalArgumentException.class, () -> ring.sqe().openat(1, -7, arena.allocateFrom("x"), 0, 0),
                "dirfd -7", "AT_FDCWD");
        refused(IllegalArgumentException.class, () -> ring.sqe().openat(1, LinuxCalls.AT_FDCWD,
                arena.allocateFrom("x"), LinuxCalls.O_CREAT, 0100644), "mode 0100644");
        refused(IllegalArgumentException.class, () -> ring.sqe().fallocate(1, 0, 0, -1, 10), "offset -1");
        refused(IllegalArgumentException.class, () -> ring.sqe().fallocate(1, 0, 0, 0, 0), "length 0");
        refused(IllegalArgumentException.class, () -> ring.sqe().nop(IoUring.WAKEUP_USER_DATA), "reserved",
                "WAKEUP_USER_DATA");
    }

    @Test
    void malformedPathsIovecsAndStatxBuffersAreRefused() {
        MemorySegment unterminated = arena.allocate(4);
        unterminated.fill((byte) 'a');
        refused(IllegalArgumentException.class, () -> ring.sqe().openat(1, LinuxCalls.AT_FDCWD, unterminated, 0, 0),
                "path has no NUL terminator", "allocateFrom");
        MemorySegment iovecs = arena.allocate(IoUringLayout.iovecs(2));
        refused(IllegalArgumentException.class, () -> ring.sqe().readv(1, 0, iovecs, 3, 0), "too small",
                "iovecCount 3");
        refused(IllegalArgumentException.class, () -> ring.sqe().writev(1, 0, iovecs, 0, 0), "iovecCount 0");
        refused(IllegalArgumentException.class, () -> ring.sqe().writev(1, 0, iovecs, 2000, 0), "UIO_MAXIOV");
        refused(IllegalArgumentException.class, () -> ring.sqe().statx(1, LinuxCalls.AT_FDCWD,
                arena.allocateFrom("/"), 0, StatxLayout.STATX_BASIC_STATS, arena.allocate(100)), "statxBuffer",
                "256");
    }

    @Test
    void registeredResourcesMustExist() {
        MemorySegment buf = arena.allocate(64);
        refused(IllegalArgumentException.class, () -> ring.sqe().readFixed(1, 0, buf, 0, 0), "bufferIndex 0",
                "registerBuffers");
        refused(IllegalArgumentException.class, () -> ring.sqe().closeDirect(1, 0), "fileSlot 0",
                "registerFileSlots");
        ring.registerBuffers(arena.allocate(4096, 4096));
        refused(IllegalArgumentException.class, () -> ring.sqe().readFixed(1, 0, buf, 0, 0),
                "not inside registered buffer 0");
        ring.sqe().read(1, 5, buf, 0);
        refused(IllegalStateException.class, () -> ring.sqe().fixedFile(), "registered file table",
                "registerFiles");
    }

    @Test
    void optionsNeedAnUnsubmittedSqe() {
        refused(IllegalStateException.class, () -> ring.sqe().link(), "link() has no SQE");
        ring.sqe().nop(1);
        ring.submit();
        refused(IllegalStateException.class, () -> ring.sqe().link(), "before submit()");
        RingTestSupport.submitAndAwait(ring, 1);
    }

    @Test
    void aFullQueueSaysToSubmit() {
        int room = ring.sqEntries() - 1; // one SQE is kept for the wake-up read
        for (int i = 0; i < room; i++) {
            ring.sqe().nop(i);
        }
        refused(IllegalStateException.class, () -> ring.sqe().nop(99), "submission queue is full", "submit()");
        assertEquals(room, ring.submit());
        assertEquals(room, RingTestSupport.submitAndAwait(ring, room).size());
    }

    @Test
    void waitingForMoreThanTheCqHoldsIsRefused() {
        refused(IllegalArgumentException.class, () -> ring.submitAndWait(ring.cqEntries() + 1),
                "minCompletions " + (ring.cqEntries() + 1));
        refused(IllegalArgumentException.class, () -> ring.submitAndWait(-1), "minCompletions -1");
    }
}
