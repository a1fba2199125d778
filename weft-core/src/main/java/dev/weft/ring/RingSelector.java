package dev.weft.ring;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One consumer waiting on several {@link CompletionRing}s at once, as {@code select}/{@code epoll} wait on several
 * descriptors: {@link #select} returns the index of a ring that has elements, {@link #poll} and {@link #take}
 * return the next element from any of them.
 *
 * <p>The selector is the consumer of all its rings: it and everything else that consumes them must run on one
 * thread at a time. Fairness: each scan starts after the ring that last gave an element (or was last selected), so
 * a busy ring cannot starve the others; {@link #poll} takes one element per ring per turn.
 *
 * <h2>Waiting</h2>
 * The ring's own wake-up protocol, on every ring: after a short spin, the selector publishes its thread as the
 * waiter of each ring ({@link CompletionRing#prepareToWait}, a volatile store followed by volatile loads of that
 * ring's state), parks only if every ring was still empty after its own publication, and withdraws from every ring
 * ({@link CompletionRing#finishWait}) before it returns. A producer on any ring, having published an element, sees
 * the waiter and unparks it (the Dekker argument in {@link CompletionRing}, ring by ring). A ring has one waiter
 * field, so a ring may be in at most one selector at a time while that selector waits (and not in a concurrent
 * {@code take}): the second waiter would be refused with an {@link IllegalStateException}. A ring may belong to
 * several selectors that its one consumer uses in turn.
 *
 * @param <E> element type
 */
public final class RingSelector<E> {

    private final CompletionRing<? extends E>[] rings;
    /** Where the next scan starts; consumer only. */
    private int start;

    /**
     * A selector over {@code rings}, in that order (indexes returned by {@link #select} are into this list).
     *
     * @throws IllegalArgumentException if {@code rings} is empty or holds a ring twice
     * @throws NullPointerException     if {@code rings} or one of them is null
     */
    @SuppressWarnings("unchecked")
    public RingSelector(List<? extends CompletionRing<? extends E>> rings) {
        Objects.requireNonNull(rings, "RingSelector: rings is null");
        if (rings.isEmpty()) {
            throw new IllegalArgumentException("RingSelector needs at least one ring, got an empty list");
        }
        this.rings = rings.toArray(new CompletionRing[0]);
        Map<CompletionRing<?>, Integer> seen = new IdentityHashMap<>();
        for (int i = 0; i < this.rings.length; i++) {
            if (this.rings[i] == null) {
                throw new NullPointerException("RingSelector: rings[" + i + "] is null");
            }
            Integer first = seen.putIfAbsent(this.rings[i], i);
            if (first != null) {
                throw new IllegalArgumentException("RingSelector: rings[" + first + "] and rings[" + i
                        + "] are the same ring; list each ring once");
            }
        }
    }

    /** How many rings the selector waits on. */
    public int ringCount() {
        return rings.length;
    }

    /** The ring at {@code index}, as given to the constructor. */
    public CompletionRing<? extends E> ring(int index) {
        return rings[Objects.checkIndex(index, rings.length)];
    }

    /**
     * Consumer. The index of a ring that has elements, waiting until one has (a short spin, then park).
     *
     * @throws InterruptedException if the thread is interrupted while waiting (the interrupt status is cleared)
     */
    public int select() throws InterruptedException {
        return await(false, 0L);
    }

    /**
     * Consumer. As {@link #select()}, but gives up after {@code timeout} and returns -1.
     *
     * @throws InterruptedException if the thread is interrupted while waiting (the interrupt status is cleared)
     */
    public int select(long timeout, TimeUnit unit) throws InterruptedException {
        Objects.requireNonNull(unit, "select: unit is null");
        return timeout <= 0 ? scan() : await(true, unit.toNanos(timeout));
    }

    /** Consumer. The next element from any ring (one per ring per turn), or null when all are empty. */
    public E poll() {
        final CompletionRing<? extends E>[] rings = this.rings;
        final int n = rings.length;
        int i = start;
        for (int k = 0; k < n; k++) {
            E e = rings[i].poll();
            if (++i == n) {
                i = 0;
            }
            if (e != null) {
                start = i;
                return e;
            }
        }
        return null;
    }

    /**
     * Consumer. The next element from any ring, waiting for one if all are empty.
     *
     * @throws InterruptedException if the thread is interrupted while waiting (the interrupt status is cleared)
     */
    public E take() throws InterruptedException {
        for (;;) {
            E e = poll();
            if (e != null) {
                return e;
            }
            select(); // a ring has elements now: the next poll finds them
        }
    }

    /**
     * Consumer. As {@link #take()}, but gives up after {@code timeout} and returns null.
     *
     * @throws InterruptedException if the thread is interrupted while waiting (the interrupt status is cleared)
     */
    public E take(long timeout, TimeUnit unit) throws InterruptedException {
        Objects.requireNonNull(unit, "take: unit is null");
        final long deadline = System.nanoTime() + unit.toNanos(timeout);
        for (;;) {
            E e = poll();
            if (e != null) {
                return e;
            }
            if (select(deadline - System.nanoTime(), TimeUnit.NANOSECONDS) < 0) {
                return null;
            }
        }
    }

    /** The first non-empty ring from {@code start} on, or -1; the next scan (or poll) starts after it. */
    private int scan() {
        final CompletionRing<? extends E>[] rings = this.rings;
        final int n = rings.length;
        int i = start;
        for (int k = 0; k < n; k++) {
            boolean ready = !rings[i].isEmpty();
            int next = i + 1 == n ? 0 : i + 1;
            if (ready) {
                start = next;
                return i;
            }
            i = next;
        }
        return -1;
    }

    private int await(boolean timed, long nanos) throws InterruptedException {
        final long deadline = timed ? System.nanoTime() + nanos : 0L;
        int i = scan();
        for (int s = 0; i < 0 && s < CompletionRing.SPIN_POLLS; s++) {
            Thread.onSpinWait();
            i = scan();
            if (timed && (s & 31) == 31 && deadline - System.nanoTime() <= 0) {
                return scan();
            }
        }
        if (i >= 0) {
            return i;
        }
        final Thread me = Thread.currentThread();
        int published = 0; // rings[0 .. published) may hold me as their waiter
        try {
            for (;;) {
                if (Thread.interrupted()) {
                    throw new InterruptedException("interrupted in RingSelector.select");
                }
                // publish on every ring, each followed by that ring's own check (its Dekker pair), then park
                boolean allEmpty = true;
                for (int k = 0; k < rings.length && allEmpty; k++) {
                    published = Math.max(published, k + 1);
                    allEmpty = rings[k].prepareToWait(me);
                }
                if (allEmpty) {
                    if (timed) {
                        long left = deadline - System.nanoTime();
                        if (left <= 0) {
                            return -1;
                        }
                        LockSupport.parkNanos(this, left);
                    } else {
                        LockSupport.park(this);
                    }
                }
                i = scan();
                if (i >= 0) {
                    return i;
                }
            }
        } finally {
            for (int k = 0; k < published; k++) {
                rings[k].finishWait(me);
            }
        }
    }
}
