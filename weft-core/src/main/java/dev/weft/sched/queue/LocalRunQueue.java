package dev.weft.sched.queue;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.Consumer;

/**
 * A server's bounded run queue: one producer (the owning server), many consumers (the owner and thieves).
 * The design is Go's {@code runq} ({@code runtime/proc.go}: {@code runqput}, {@code runqget}, {@code runqgrab}).
 *
 * <h2>Algorithm</h2>
 * A power-of-two ring indexed by two ever-growing counters. The owner appends at {@code tail}; every consumer,
 * the owner included, removes from {@code head} by CAS, so a FIFO order holds for everyone. A thief takes half of
 * what it sees in one CAS ({@link #stealHalfInto}): it copies the elements first, then claims them by moving
 * {@code head}; if the CAS fails the copy may be stale and is discarded. The copy is never torn: a slot the thief
 * read can only have been rewritten by the owner after {@code head} moved past it, and then the CAS fails.
 *
 * <h2>Memory ordering</h2>
 * {@code tail}: written only by the owner, with a release store that pairs with the consumers' acquire loads of
 * {@code tail}, so an element written before it is visible to whoever sees the new tail.
 * {@code head}: moved by CAS (volatile) by any consumer; the owner reads it with acquire before reusing a slot.
 * Elements are plain: their visibility rides on the {@code tail} and {@code head} accesses around them.
 *
 * <h2>Declaration order</h2>
 * {@code head} and {@code tail} sit on cache lines of their own (JCTools' padding by superclasses: HotSpot lays out
 * a superclass's fields first), so the owner's {@code tail} stores do not slow thieves reading {@code head}, nor
 * another server's queue that the allocator happened to place next to this one.
 *
 * @param <T> element type
 */
public final class LocalRunQueue<T> extends LocalRunQueueTail {

    private static final VarHandle HEAD;
    private static final VarHandle TAIL;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            HEAD = l.findVarHandle(LocalRunQueueHead.class, "head", int.class);
            TAIL = l.findVarHandle(LocalRunQueueTail.class, "tail", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Object[] buffer;
    private final int mask;

    /** @param capacity a power of two, at least 2 */
    public LocalRunQueue(int capacity) {
        if (capacity < 2 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two >= 2, got " + capacity);
        }
        this.buffer = new Object[capacity];
        this.mask = capacity - 1;
    }

    public int capacity() {
        return buffer.length;
    }

    /** Owner only. False when full: the caller spills (see {@link #drainHalfTo}). */
    public boolean offer(T element) {
        int h = (int) HEAD.getAcquire(this); // pairs with the consumers' CAS on head: the slot is free to reuse
        int t = (int) TAIL.getOpaque(this);  // only the owner writes tail
        if (t - h >= buffer.length) {
            return false;
        }
        buffer[t & mask] = element;
        TAIL.setRelease(this, t + 1); // pairs with getAcquire(tail) in poll, stealHalfInto, size
        return true;
    }

    /** Any consumer. The oldest element, or null when empty. */
    @SuppressWarnings("unchecked")
    public T poll() {
        for (;;) {
            int h = (int) HEAD.getAcquire(this);
            int t = (int) TAIL.getAcquire(this);
            if (t == h) {
                return null;
            }
            Object e = buffer[h & mask];
            if (HEAD.compareAndSet(this, h, h + 1)) {
                return (T) e;
            }
        }
    }

    /**
     * Thief: moves half (rounded up) of this queue into {@code dst}, which must be empty and owned by the caller.
     * Returns how many moved.
     */
    public int stealHalfInto(LocalRunQueue<T> dst) {
        int dt = (int) TAIL.getOpaque(dst); // the caller owns dst
        for (;;) {
            int h = (int) HEAD.getAcquire(this);
            int t = (int) TAIL.getAcquire(this);
            int n = t - h;
            n -= n / 2;
            if (n <= 0) {
                return 0;
            }
            if (n > buffer.length / 2 + 1 || n > dst.buffer.length - (dt - (int) HEAD.getAcquire(dst))) {
                continue; // h and t read at different times: inconsistent, read again
            }
            for (int i = 0; i < n; i++) {
                dst.buffer[(dt + i) & dst.mask] = buffer[(h + i) & mask];
            }
            if (HEAD.compareAndSet(this, h, h + n)) {
                TAIL.setRelease(dst, dt + n); // pairs with getAcquire(tail) of dst's consumers
                return n;
            }
        }
    }

    /**
     * Owner: claims half of the queue and hands it, oldest first, to {@code sink} (the shared queue), for when the
     * queue is full. Returns how many moved.
     */
    @SuppressWarnings("unchecked")
    public int drainHalfTo(Consumer<? super T> sink) {
        for (;;) {
            int h = (int) HEAD.getAcquire(this);
            int t = (int) TAIL.getOpaque(this);
            int n = (t - h) / 2;
            if (n <= 0) {
                return 0;
            }
            Object[] batch = new Object[n];
            for (int i = 0; i < n; i++) {
                batch[i] = buffer[(h + i) & mask];
            }
            if (HEAD.compareAndSet(this, h, h + n)) {
                for (Object e : batch) {
                    sink.accept((T) e);
                }
                return n;
            }
        }
    }

    /** A racy snapshot of the number of elements. */
    public int size() {
        int h = (int) HEAD.getAcquire(this);
        int t = (int) TAIL.getAcquire(this);
        int n = t - h;
        return n < 0 ? 0 : n;
    }

    public boolean isEmpty() {
        return size() == 0;
    }
}

abstract class LocalRunQueuePad0 {
    /** Fills the 4 bytes after a 12-byte object header, which HotSpot would give to a subclass's int or reference. */
    int p0h;
    long p00, p01, p02, p03, p04, p05, p06, p07, p08, p09, p0a, p0b, p0c, p0d, p0e, p0f;
}

abstract class LocalRunQueueHead extends LocalRunQueuePad0 {
    /** Next slot to consume; CAS by the owner and thieves. */
    volatile int head;
}

abstract class LocalRunQueuePad1 extends LocalRunQueueHead {
    /** Fills the 4 bytes after {@code head}, which HotSpot would give to {@code tail}. */
    int p1h;
    long p10, p11, p12, p13, p14, p15, p16, p17, p18, p19, p1a, p1b, p1c, p1d, p1e, p1f;
}

abstract class LocalRunQueueTail extends LocalRunQueuePad1 {
    /** Next slot to fill; written only by the owner (release). */
    volatile int tail;
    long p20, p21, p22, p23, p24, p25, p26, p27, p28, p29, p2a, p2b, p2c, p2d, p2e, p2f;
}
