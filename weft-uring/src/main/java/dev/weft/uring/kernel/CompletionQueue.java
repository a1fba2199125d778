package dev.weft.uring.kernel;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

import static dev.weft.uring.kernel.IoUringLayout.CQE_FLAGS;
import static dev.weft.uring.kernel.IoUringLayout.CQE_RES;
import static dev.weft.uring.kernel.IoUringLayout.CQE_USER_DATA;
import static dev.weft.uring.kernel.IoUringLayout.IO_URING_CQE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The completion side of a ring: the CQ ring's head, tail and overflow words and its CQE array.
 *
 * <h2>Memory ordering</h2>
 * <ul>
 *   <li>The tail is written by the kernel only, with {@code smp_store_release(&rings->cq.tail, ...)} in
 *       {@code io_commit_cqring} after it has written the CQEs; {@link #tailAcquire} pairs with it, so the CQEs before
 *       the tail read afterwards with plain loads are complete.</li>
 *   <li>The head is written by the owner only, with {@code setRelease} in {@link #advanceHeadRelease}, after it has
 *       read the CQEs it passes; the kernel reads it before reusing a slot ({@code io_cqe_cache_refill} /
 *       {@code __io_cqring_events}), so a slot is overwritten only after the owner has read it.</li>
 *   <li>{@code overflow} counts CQEs the kernel had to drop; with {@code IORING_FEAT_NODROP} (5.5) it stays 0 unless
 *       the kernel could not even allocate an overflow entry.</li>
 * </ul>
 */
public final class CompletionQueue {
    private static final VarHandle U32 = JAVA_INT.varHandle();
    private static final long CQE_SIZE = IO_URING_CQE.byteSize();

    private final MemorySegment ring;
    private final long headOffset;
    private final long tailOffset;
    private final long overflowOffset;
    private final long cqesOffset;
    private final int entries;
    private final int mask;
    /** CQEs consumed by the owner; equal to the shared head after each {@link #advanceHeadRelease}. Owner only. */
    private int head;

    public CompletionQueue(RingMappings mappings, MemorySegment params) {
        this.ring = mappings.cqRing();
        this.headOffset = IoUringLayout.paramsCqOff(params, "head");
        this.tailOffset = IoUringLayout.paramsCqOff(params, "tail");
        this.overflowOffset = IoUringLayout.paramsCqOff(params, "overflow");
        this.cqesOffset = IoUringLayout.paramsCqOff(params, "cqes");
        this.entries = ring.get(JAVA_INT, IoUringLayout.paramsCqOff(params, "ring_entries"));
        this.mask = ring.get(JAVA_INT, IoUringLayout.paramsCqOff(params, "ring_mask"));
        this.head = (int) U32.get(ring, headOffset);
    }

    /** {@code *cq.kring_entries}. */
    public int entries() {
        return entries;
    }

    /** The kernel's tail: CQEs before it are complete. Pairs with the kernel's release in io_commit_cqring. */
    public int tailAcquire() {
        return (int) U32.getAcquire(ring, tailOffset);
    }

    /** The owner's head: the sequence number of the next CQE to consume. */
    public int head() {
        return head;
    }

    /** CQEs posted and not yet consumed. */
    public int ready() {
        return tailAcquire() - head;
    }

    /** The base offset of the CQE with sequence number {@code seq}, for {@link #userData}, {@link #res}, {@link #flags}. */
    public long cqeOffset(int seq) {
        return cqesOffset + (seq & mask) * CQE_SIZE;
    }

    public long userData(long cqeOffset) {
        return (long) CQE_USER_DATA.get(ring, cqeOffset);
    }

    public int res(long cqeOffset) {
        return (int) CQE_RES.get(ring, cqeOffset);
    }

    public int flags(long cqeOffset) {
        return (int) CQE_FLAGS.get(ring, cqeOffset);
    }

    /** Consumes {@code n} CQEs: the kernel may reuse their slots once it reads the new head. */
    public void advanceHeadRelease(int n) {
        head += n;
        U32.setRelease(ring, headOffset, head);
    }

    /** {@code *cq.koverflow}: CQEs the kernel dropped. */
    public int droppedCompletions() {
        return (int) U32.getAcquire(ring, overflowOffset);
    }
}
