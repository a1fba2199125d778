package dev.weft.uring.kernel;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The submission side of a ring: the SQ ring's head, tail and flags words, its index array, and the SQE array.
 *
 * <h2>Algorithm</h2>
 * As liburing's {@code io_uring_get_sqe} and {@code __io_uring_flush_sq}: the owner fills the SQE at
 * {@code tail & mask} and counts it in {@link #claim}'s private tail; {@link #publishTailRelease} then makes every
 * filled SQE visible to the kernel at once by storing that tail into the shared tail word. The index array
 * ({@code array[i]}: which SQE the i-th ring slot names) is set to the identity once, at construction, as liburing
 * does since 2.5, so a slot and its SQE have the same index and the array is never written again.
 *
 * <h2>Memory ordering</h2>
 * <ul>
 *   <li>The shared tail is written by the owner only, with {@code setRelease} in {@link #publishTailRelease}: the
 *       SQE stores before it are visible to the kernel's {@code smp_load_acquire(&rings->sq.tail)} in
 *       {@code io_sqring_entries} (io_uring/io_uring.c).</li>
 *   <li>The shared head is written by the kernel only ({@code smp_store_release(&rings->sq.head, ...)} in
 *       {@code io_commit_sqring}); {@link #headAcquire} pairs with it, so an SQE slot is reused only after the kernel
 *       has finished reading it.</li>
 *   <li>The flags word is set and cleared by the kernel with atomic read-modify-writes; {@link #flagsAcquire} reads
 *       it.</li>
 * </ul>
 * Everything else (the private tail, the SQEs between the published and the private tail) is the owner thread's.
 */
public final class SubmissionQueue {
    /** A {@code __u32} of a ring word, with (segment, byte offset) coordinates. */
    private static final VarHandle U32 = JAVA_INT.varHandle();

    private final MemorySegment ring;
    private final MemorySegment sqes;
    private final long headOffset;
    private final long tailOffset;
    private final long flagsOffset;
    private final long droppedOffset;
    private final int entries;
    private final int mask;
    /** 64 bytes, or 128 with IORING_SETUP_SQE128. */
    private final long sqeSize;
    /** SQEs filled by the owner: the next one goes at {@code tail & mask}. Owner only. */
    private int tail;
    /** The value of the last {@link #publishTailRelease}. Owner only. */
    private int publishedTail;

    public SubmissionQueue(RingMappings mappings, MemorySegment params) {
        this.ring = mappings.sqRing();
        this.sqes = mappings.sqes();
        this.headOffset = IoUringLayout.paramsSqOff(params, "head");
        this.tailOffset = IoUringLayout.paramsSqOff(params, "tail");
        this.flagsOffset = IoUringLayout.paramsSqOff(params, "flags");
        this.droppedOffset = IoUringLayout.paramsSqOff(params, "dropped");
        this.entries = ring.get(JAVA_INT, IoUringLayout.paramsSqOff(params, "ring_entries"));
        this.mask = ring.get(JAVA_INT, IoUringLayout.paramsSqOff(params, "ring_mask"));
        this.sqeSize = IoUringLayout.sqeSize(IoUringLayout.paramsFlags(params));
        long array = IoUringLayout.paramsSqOff(params, "array");
        for (int i = 0; i < entries; i++) {
            ring.setAtIndex(JAVA_INT, array / JAVA_INT.byteSize() + i, i);
        }
        this.tail = (int) U32.get(ring, tailOffset);
        this.publishedTail = tail;
    }

    /** {@code *sq.kring_entries}: the number of SQE slots. */
    public int entries() {
        return entries;
    }

    /** The SQE array; an SQE's fields are at {@link #claim}'s base offset plus the {@code IO_URING_SQE} offsets. */
    public MemorySegment sqes() {
        return sqes;
    }

    /** The kernel's head: SQEs before it have been consumed. Pairs with the kernel's release in io_commit_sqring. */
    public int headAcquire() {
        return (int) U32.getAcquire(ring, headOffset);
    }

    /** SQEs filled by the owner that the kernel has not yet consumed (published or not). */
    public int pending() {
        return tail - headAcquire();
    }

    /** The sequence number the next claimed SQE will have (the private tail). */
    public int tail() {
        return tail;
    }

    /** SQEs filled since the last {@link #publishTailRelease}. */
    public int unpublished() {
        return tail - publishedTail;
    }

    /** Free SQE slots. */
    public int free() {
        return entries - pending();
    }

    /**
     * Takes the next SQE slot, zeroes it and returns its base offset in {@link #sqes}. The caller has checked
     * {@link #free} {@code > 0}. The SQE reaches the kernel at the next {@link #publishTailRelease}.
     */
    public long claim() {
        long base = (tail & mask) * sqeSize;
        sqes.asSlice(base, sqeSize).fill((byte) 0);
        tail++;
        return base;
    }

    /** The base offset of the most recently claimed SQE if it is not yet published, else -1. */
    public long lastUnpublished() {
        return tail == publishedTail ? -1 : ((tail - 1) & mask) * sqeSize;
    }

    /**
     * Makes the filled SQEs visible to the kernel: a release store of the private tail into the shared tail, which
     * pairs with the kernel's {@code smp_load_acquire(&rings->sq.tail)}. Returns the SQEs now waiting for
     * {@code io_uring_enter}.
     */
    public int publishTailRelease() {
        if (publishedTail != tail) {
            U32.setRelease(ring, tailOffset, tail);
            publishedTail = tail;
        }
        return pending();
    }

    /** The SQ ring flags ({@code IORING_SQ_CQ_OVERFLOW}, {@code IORING_SQ_TASKRUN}). */
    public int flagsAcquire() {
        return (int) U32.getAcquire(ring, flagsOffset);
    }

    /** {@code *sq.kdropped}: SQEs the kernel found invalid and skipped (an invalid index in the array). */
    public int dropped() {
        return (int) U32.getAcquire(ring, droppedOffset);
    }
}
