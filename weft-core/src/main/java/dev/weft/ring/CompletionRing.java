package dev.weft.ring;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * A bounded multi-producer single-consumer ring whose producers never block and never lose an element: when the
 * array is full, an element goes to an unbounded overflow list, as io_uring puts completions on its CQ overflow list
 * when the completion queue is full. Made with {@code new}; no registration, no static state.
 *
 * <p>Producers: {@link #offer} from any thread (never blocks, never fails), or {@link #tryOffer}, which returns
 * false instead of overflowing (for producers that prefer back-pressure to memory). Consumer, one thread at a time:
 * {@link #poll}, {@link #drain}, {@link #take} (a short spin, then park), {@link #take(long, TimeUnit)}, and the two
 * halves of the wait, {@link #prepareToWait} and {@link #finishWait}, for consumers that park by other means (see
 * {@link RingSelector}). Two threads consuming at once corrupt the ring; that is not checked on the fast path.
 *
 * <h2>Algorithm</h2>
 * The array part is JCTools' {@code MpscArrayQueue}: a power-of-two array indexed by two ever-growing counters. A
 * producer claims slot {@code p} by CAS of {@code producerIndex} from {@code p} to {@code p + 1}, then stores the
 * element into it; the consumer takes the element at {@code consumerIndex}, nulls the slot and advances
 * {@code consumerIndex}. A claimed slot whose element is not stored yet reads null: the consumer, seeing
 * {@code consumerIndex != producerIndex}, spins for it (a producer is between its CAS and its store, a few
 * instructions). Producers do not read {@code consumerIndex} on every offer: {@code producerLimit} caches
 * {@code consumerIndex + capacity} and is refreshed only when a claim would pass it.
 * <p>The overflow list is a linked queue with a null tail when empty: a producer swaps itself in as
 * {@code overflowTail} ({@code getAndSet}) and then links the previous tail's {@code next} to its node, or, if the
 * previous tail was null, publishes its node as {@code overflowHead}. The consumer pops {@code overflowHead}; when
 * the popped node is the last, it clears {@code overflowHead} and CASes {@code overflowTail} from that node to
 * null; if the CAS fails, a producer has swapped in after it and the consumer waits for the link.
 * <p>An offer goes to the overflow list when the array is full, and also, as long as the list is non-empty
 * ({@code overflowTail != null}), without trying the array. The consumer takes from the array first, and pops
 * the overflow list's head only when the array is empty as read <em>after</em> it saw that head.
 *
 * <h2>Per-producer FIFO</h2>
 * Each producer's elements come out in the order it offered them. Take two consecutive offers {@code a} then
 * {@code b} of one producer; there are four cases.
 * <ul>
 *   <li>Both in the array: {@code a}'s CAS came first, so it has the lower index; the consumer takes indexes in
 *       order.</li>
 *   <li>Both in the list: {@code a}'s {@code getAndSet} of the tail came first, so it is nearer the head; the
 *       consumer pops in list order.</li>
 *   <li>{@code a} in the array at index {@code k}, {@code b} in the list: the producer's CAS to {@code k + 1}
 *       happens-before its publication of {@code b}, which the consumer reads (acquire) before it may pop
 *       {@code b}; it then reads {@code producerIndex} again and pops only if it equals {@code consumerIndex}. That
 *       read returns at least {@code k + 1}, so {@code consumerIndex > k}: {@code a} was taken.</li>
 *   <li>{@code a} in the list, {@code b} in the array: {@code b} tried the array, so its producer read
 *       {@code overflowTail == null} after its own {@code getAndSet} put {@code a} there. By coherence of
 *       {@code overflowTail}, that null is the consumer's CAS, which the consumer makes only after popping the last
 *       node, and {@code a} was at or before it: {@code a} was taken before {@code b} could be.</li>
 * </ul>
 * Across producers there is no order but the ring's: the array in index order, interleaved with the list as the
 * rule above allows. The array may receive a few elements while the list is non-empty, from producers that read
 * the tail as null just before; at most one per producer, as each of them sees the non-null tail on its next offer.
 *
 * <h2>Wake-up protocol</h2>
 * A consumer that finds the ring empty spins briefly, then publishes itself in {@code waiter} and checks again
 * before it parks ({@link #prepareToWait}); a producer, after publishing its element, reads {@code waiter} and, if
 * it is set, takes it ({@code getAndSet} to null, so one producer unparks it, not all) and unparks it. The two
 * sides form a Dekker pair of volatile accesses:
 * <pre>
 *   consumer                                  producer
 *   waiter = me            (volatile)         CAS producerIndex / getAndSet overflowTail   (volatile)
 *   load producerIndex,                       load waiter       (volatile)
 *        overflowTail      (volatile)
 * </pre>
 * In the single total order of volatile accesses, one side's store comes before the other side's load: either the
 * consumer sees the element (and does not park), or the producer sees the waiter (and unparks it), or both (a spare
 * unpark: a spurious wake-up, which every park loop allows). The forbidden outcome, the consumer parking on an
 * empty-looking ring while the producer saw no waiter, cannot happen. The producer's element store (release) may
 * still be in flight when the consumer's check sees the claim; the consumer does not park then, and {@link #poll}
 * spins for the element. The jcstress test {@code RingWaiterVsOfferTest} checks this pair.
 *
 * <h2>Memory ordering</h2>
 * Which thread writes each field, and how:
 * <ul>
 *   <li>{@code producerIndex}: producers, by CAS (volatile). The consumer's volatile load of it in {@link #isEmpty}
 *       (which {@link #prepareToWait} calls) is the consumer half of the Dekker pair.</li>
 *   <li>slots: producers store an element with release, pairing with the consumer's acquire load of the slot; the
 *       consumer nulls a slot with a plain store, ordered before its release store of {@code consumerIndex}. On
 *       the fast paths the release store is {@code VarHandle.releaseFence()} then a plain array store, and the
 *       acquire load a plain array load then {@code VarHandle.acquireFence()}: the same orderings, without the
 *       array {@code VarHandle}'s type check (JCTools uses {@code Unsafe} there). Indexes are masked with
 *       {@code buffer.length - 1}, which lets C2 drop the range check.</li>
 *   <li>{@code consumerIndex}: the consumer only, release store, pairing with the producers' acquire load of it
 *       when they refresh {@code producerLimit}: a producer that sees index {@code c} sees slot {@code c - 1}
 *       nulled, so its element store cannot be overwritten by the consumer's null.</li>
 *   <li>{@code producerLimit}: producers, release store, pairing with the producers' acquire load of it (which
 *       passes the {@code consumerIndex} acquire above on to the producer that uses a limit it did not compute).
 *       </li>
 *   <li>{@code overflowTail}: producers by {@code getAndSet}, the consumer by CAS to null (both volatile). The fast
 *       path reads it opaque: coherence is all the FIFO argument needs. The consumer's volatile load in
 *       {@link #isEmpty} is the Dekker partner of a producer's {@code getAndSet}.</li>
 *   <li>{@code overflowHead}: the consumer (plain: only it reads the field), and the producer that found the list
 *       empty, with a release store pairing with the consumer's acquire load of {@code overflowHead}. The
 *       consumer's null comes before the CAS that empties the list, so before that producer's store.</li>
 *   <li>a node's {@code next}: the producer that swapped in after it, release store, pairing with the consumer's
 *       acquire load of {@code next}.</li>
 *   <li>{@code waiter}: the consumer (CAS null to itself, CAS itself to null), and producers (getAndSet to null);
 *       all volatile, for the Dekker pair above.</li>
 *   <li>{@code overflowCount}: producers, {@code getAndAdd}; {@code overflowTaken}: the consumer, release store.
 *       Both only feed {@link #size} and {@link #overflowCount}.</li>
 * </ul>
 *
 * <h2>Declaration order</h2>
 * JCTools' padding by superclasses (HotSpot lays out a superclass's fields first), 128 bytes between groups:
 * <ol>
 *   <li>{@code buffer}, {@code mask}: final, read by everyone.</li>
 *   <li>{@code producerIndex}: CASed by every offer.</li>
 *   <li>{@code producerLimit}, {@code overflowTail}, {@code overflowCount}: read by every offer before its claim;
 *       written when the limit moves (about once per capacity offers) and when overflowing.</li>
 *   <li>{@code waiter}: read by every offer after its publication; written only around a park, so in steady state
 *       that read hits the cache. (On the limit's line it would miss whenever another producer had just moved the
 *       limit; measured, that cost a third of the throughput.)</li>
 *   <li>the consumer's: {@code consumerIndex}, {@code overflowTaken}, {@code overflowHead}.</li>
 * </ol>
 * An offer on the fast path thus touches JCTools' three lines (limit, {@code producerIndex}, slot) and one more that
 * stays in the cache; the overflow check costs no extra line. HotSpot gives the 4-byte holes of a superclass to a
 * subclass's int or reference fields ({@code -XX:+UseEmptySlotsInSupers}, the default), which would pull a field
 * onto another group's line; the {@code int} fillers ({@code p0h}, {@code p3h}, {@code p4h}) close those holes.
 * The slow paths ({@code pollEmptySlot}, {@code offerToOverflow}, {@code wakeWaiter}) are separate methods, so that
 * the inlined fast paths stay as small as JCTools'.
 *
 * @param <E> element type
 */
public final class CompletionRing<E> extends CompletionRingPad5 {

    /** The largest capacity: the array's length is a power of two that an int holds. */
    public static final int MAX_CAPACITY = 1 << 30;

    /**
     * Polls before the consumer parks in {@link #take}: each is an {@code onSpinWait} and a poll, a few µs in all,
     * enough to catch a completion that is about to arrive without a park and unpark, and short enough that a
     * virtual-thread consumer does not hold its carrier for long.
     */
    static final int SPIN_POLLS = 256;

    private static final VarHandle PRODUCER_INDEX;
    private static final VarHandle PRODUCER_LIMIT;
    private static final VarHandle WAITER;
    private static final VarHandle OVERFLOW_TAIL;
    private static final VarHandle OVERFLOW_COUNT;
    private static final VarHandle CONSUMER_INDEX;
    private static final VarHandle OVERFLOW_HEAD;
    private static final VarHandle OVERFLOW_TAKEN;
    private static final VarHandle NEXT;
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Object[].class);

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            PRODUCER_INDEX = l.findVarHandle(CompletionRingProducerIndex.class, "producerIndex", long.class);
            PRODUCER_LIMIT = l.findVarHandle(CompletionRingProducerLimit.class, "producerLimit", long.class);
            WAITER = l.findVarHandle(CompletionRingWaiter.class, "waiter", Thread.class);
            OVERFLOW_TAIL = l.findVarHandle(CompletionRingProducerLimit.class, "overflowTail", OverflowNode.class);
            OVERFLOW_COUNT = l.findVarHandle(CompletionRingProducerLimit.class, "overflowCount", long.class);
            CONSUMER_INDEX = l.findVarHandle(CompletionRingConsumer.class, "consumerIndex", long.class);
            OVERFLOW_HEAD = l.findVarHandle(CompletionRingConsumer.class, "overflowHead", OverflowNode.class);
            OVERFLOW_TAKEN = l.findVarHandle(CompletionRingConsumer.class, "overflowTaken", long.class);
            NEXT = l.findVarHandle(OverflowNode.class, "next", OverflowNode.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * A ring of {@code capacity} rounded up to a power of two (at least 2). The capacity bounds the array only: an
     * offer to a full ring goes to the overflow list.
     *
     * @throws IllegalArgumentException if {@code capacity} is not between 1 and {@link #MAX_CAPACITY}
     */
    public CompletionRing(int capacity) {
        super(arrayLength(capacity));
        // a producer that still reads the default 0 (the ring reached it through a race) refreshes the limit
        PRODUCER_LIMIT.setRelease(this, (long) buffer.length);
    }

    private static int arrayLength(int capacity) {
        if (capacity < 1 || capacity > MAX_CAPACITY) {
            throw new IllegalArgumentException("CompletionRing capacity must be between 1 and " + MAX_CAPACITY
                    + " (it is rounded up to a power of two, at least 2), got " + capacity);
        }
        return capacity <= 2 ? 2 : Integer.highestOneBit(capacity - 1) << 1;
    }

    /** The array's length: the requested capacity rounded up to a power of two, at least 2. */
    public int capacity() {
        return mask + 1;
    }

    // ---- producers

    /**
     * Any thread. Adds {@code e}: into the array if it has room and the overflow list is empty, else onto the
     * overflow list. Never blocks and never fails; unparks the consumer if it is waiting.
     *
     * @throws NullPointerException if {@code e} is null (null means "empty slot")
     */
    public void offer(E e) {
        if (e == null) {
            throw new NullPointerException("CompletionRing.offer(null): a ring holds non-null elements"
                    + " (wrap an absent result, e.g. in a Completion)");
        }
        if (!offerToArray(e)) {
            offerToOverflow(e);
        }
        if (WAITER.getVolatile(this) != null) { // Dekker: after the CAS or getAndSet that published e
            wakeWaiter();
        }
    }

    /**
     * Any thread. Adds {@code e} into the array, or returns false, adding nothing, when the array is full or the
     * overflow list is non-empty; unparks the consumer if it is waiting. For producers that would rather retry or
     * shed load than let the overflow list grow. Mixing it with {@link #offer} keeps each producer's order.
     *
     * @throws NullPointerException if {@code e} is null
     */
    public boolean tryOffer(E e) {
        if (e == null) {
            throw new NullPointerException("CompletionRing.tryOffer(null): a ring holds non-null elements"
                    + " (wrap an absent result, e.g. in a Completion)");
        }
        if (!offerToArray(e)) {
            return false;
        }
        if (WAITER.getVolatile(this) != null) { // Dekker: after the CAS that published e
            wakeWaiter();
        }
        return true;
    }

    /** The array path: false, storing nothing, when the overflow list is non-empty or the array is full. */
    private boolean offerToArray(E e) {
        if (OVERFLOW_TAIL.getOpaque(this) != null) {
            return false; // keeps this producer's order: its earlier elements may be on the list
        }
        final Object[] buffer = this.buffer;
        final int mask = buffer.length - 1; // from the array itself: C2 then drops the range check of [i & mask]
        long limit = (long) PRODUCER_LIMIT.getAcquire(this); // pairs with setRelease(producerLimit) below
        long p;
        do {
            p = (long) PRODUCER_INDEX.getVolatile(this);
            if (p >= limit) {
                // pairs with the consumer's setRelease(consumerIndex): slots below the new limit are nulled
                limit = (long) CONSUMER_INDEX.getAcquire(this) + mask + 1;
                if (p >= limit) {
                    return false;
                }
                PRODUCER_LIMIT.setRelease(this, limit); // pairs with getAcquire(producerLimit) above
            }
        } while (!PRODUCER_INDEX.compareAndSet(this, p, p + 1));
        // a release store of the slot, pairing with the consumer's acquire load of it in poll: spelled as a release
        // fence and a plain array store, which is that store without the VarHandle's array-type check
        VarHandle.releaseFence();
        buffer[(int) p & mask] = e;
        return true;
    }

    /** The overflow path: appends {@code e} to the overflow list. */
    private void offerToOverflow(E e) {
        OVERFLOW_COUNT.getAndAdd(this, 1L); // before the element is visible, so size() never goes negative
        OverflowNode<E> node = new OverflowNode<>(e);
        @SuppressWarnings("unchecked")
        OverflowNode<E> prev = (OverflowNode<E>) OVERFLOW_TAIL.getAndSet(this, node);
        if (prev == null) {
            OVERFLOW_HEAD.setRelease(this, node); // pairs with the consumer's getAcquire(overflowHead)
        } else {
            NEXT.setRelease(prev, node); // pairs with the consumer's getAcquire(next) in popOverflow
        }
    }

    /** A producer that saw a waiter: takes it, so that one producer unparks it, and unparks it. */
    private void wakeWaiter() {
        Thread w = (Thread) WAITER.getAndSet(this, null);
        if (w != null) {
            LockSupport.unpark(w);
        }
    }

    // ---- the consumer

    /** Consumer. The next element, or null when the ring is empty. */
    @SuppressWarnings("unchecked")
    public E poll() {
        final Object[] buffer = this.buffer;
        final long c = (long) CONSUMER_INDEX.get(this); // plain: only this thread writes it
        final int offset = (int) c & (buffer.length - 1); // no range check: see offerToArray
        // an acquire load of the slot, pairing with the producer's release store of it (fence and plain store in
        // offerToArray); spelled as a plain load and an acquire fence, as there
        Object e = buffer[offset];
        VarHandle.acquireFence();
        if (e == null) {
            return pollEmptySlot(buffer, c, offset); // out of line: the hot path stays as small as JCTools' poll
        }
        buffer[offset] = null; // plain (and a null needs no store check): ordered before the release store below
        CONSUMER_INDEX.setRelease(this, c + 1); // pairs with getAcquire(consumerIndex) in offerToArray
        return (E) e;
    }

    /**
     * Consumer: {@link #poll} when slot {@code c} reads null. Either the array is empty (then the overflow list
     * decides), or a producer has claimed the slot and is about to store into it (then wait for it).
     */
    @SuppressWarnings("unchecked")
    private E pollEmptySlot(Object[] buffer, long c, int offset) {
        // the array is empty unless a producer has claimed slot c
        if (c == (long) PRODUCER_INDEX.getVolatile(this)) {
            OverflowNode<E> head = overflowHead();
            if (head == null) {
                return null;
            }
            // the array comes first: pop only if it is empty as read after the head was seen (see Per-producer
            // FIFO); otherwise a producer claimed slot c meanwhile, and its element comes first
            if (c == (long) PRODUCER_INDEX.getVolatile(this)) {
                return popOverflow(head);
            }
        }
        Object e = awaitSlot(buffer, offset);
        buffer[offset] = null; // as in poll
        CONSUMER_INDEX.setRelease(this, c + 1); // as in poll
        return (E) e;
    }

    /** Slot {@code offset} is claimed: its producer is between its CAS and its store. */
    private static Object awaitSlot(Object[] buffer, int offset) {
        Object e;
        while ((e = SLOT.getAcquire(buffer, offset)) == null) {
            Thread.onSpinWait();
        }
        return e;
    }

    /** Consumer: the overflow list's head, or null when the list is empty. */
    @SuppressWarnings("unchecked")
    private OverflowNode<E> overflowHead() {
        if (OVERFLOW_TAIL.getVolatile(this) == null) { // the list is empty
            return null;
        }
        OverflowNode<E> head;
        // pairs with setRelease(overflowHead) in offerToOverflow; null while the first producer is between its
        // getAndSet of the tail and that store
        while ((head = (OverflowNode<E>) OVERFLOW_HEAD.getAcquire(this)) == null) {
            Thread.onSpinWait();
        }
        return head;
    }

    /** Consumer: unlinks {@code head}, the list's first node, and returns its element. */
    @SuppressWarnings("unchecked")
    private E popOverflow(OverflowNode<E> head) {
        E e = head.element;
        OverflowNode<E> next = (OverflowNode<E>) NEXT.getAcquire(head); // pairs with setRelease(next)
        if (next == null) {
            // head may be the last node. Clear overflowHead before the CAS that empties the list: after the CAS,
            // the next producer to find the list empty stores its node there.
            OVERFLOW_HEAD.set(this, null);
            if (!OVERFLOW_TAIL.compareAndSet(this, head, null)) {
                // a producer swapped in after head and is about to link it
                while ((next = (OverflowNode<E>) NEXT.getAcquire(head)) == null) {
                    Thread.onSpinWait();
                }
                OVERFLOW_HEAD.set(this, next);
            }
        } else {
            OVERFLOW_HEAD.set(this, next);
        }
        NEXT.set(head, null); // no producer writes it again; an old-generation garbage node should not hold on
        OVERFLOW_TAKEN.setRelease(this, (long) OVERFLOW_TAKEN.get(this) + 1); // pairs with getAcquire in size()
        return e;
    }

    /**
     * Consumer. Hands up to {@code max} elements, in ring order, to {@code sink}; returns how many. An element is
     * removed before {@code sink} sees it: if {@code sink} throws, that element is gone and the rest stay.
     */
    public int drain(Consumer<? super E> sink, int max) {
        Objects.requireNonNull(sink, "drain: sink is null");
        if (max < 0) {
            throw new IllegalArgumentException("drain: max must be >= 0, got " + max);
        }
        int n = 0;
        while (n < max) {
            E e = poll();
            if (e == null) {
                break;
            }
            n++;
            sink.accept(e);
        }
        return n;
    }

    /**
     * Consumer. The next element, waiting for one if the ring is empty: a short spin (a few hundred polls, a few
     * µs), then park until a producer unparks this thread. Platform and virtual threads alike.
     *
     * @throws InterruptedException if the thread is interrupted while waiting (the interrupt status is cleared)
     */
    public E take() throws InterruptedException {
        E e = poll();
        return e != null ? e : await(false, 0L);
    }

    /**
     * Consumer. As {@link #take()}, but gives up after {@code timeout} and returns null.
     *
     * @throws InterruptedException if the thread is interrupted while waiting (the interrupt status is cleared)
     */
    public E take(long timeout, TimeUnit unit) throws InterruptedException {
        Objects.requireNonNull(unit, "take: unit is null");
        E e = poll();
        return e != null || timeout <= 0 ? e : await(true, unit.toNanos(timeout));
    }

    private E await(boolean timed, long nanos) throws InterruptedException {
        final long deadline = timed ? System.nanoTime() + nanos : 0L;
        for (int i = 0; i < SPIN_POLLS; i++) {
            Thread.onSpinWait();
            E e = poll();
            if (e != null) {
                return e;
            }
            if (timed && (i & 31) == 31 && deadline - System.nanoTime() <= 0) {
                return null;
            }
        }
        final Thread me = Thread.currentThread();
        try {
            for (;;) {
                if (Thread.interrupted()) {
                    throw new InterruptedException("interrupted in CompletionRing.take");
                }
                if (prepareToWait(me)) {
                    if (timed) {
                        long left = deadline - System.nanoTime();
                        if (left <= 0) {
                            return null;
                        }
                        LockSupport.parkNanos(this, left);
                    } else {
                        LockSupport.park(this);
                    }
                }
                E e = poll();
                if (e != null) {
                    return e;
                }
            }
        } finally {
            finishWait(me);
        }
    }

    /**
     * Consumer: the first half of a wait. Publishes {@code waiter} as the thread to unpark (volatile), then checks
     * the ring (volatile loads of {@code producerIndex} and {@code overflowTail}). Returns true when the ring is
     * still empty: the caller may then park, and the first offer that publishes after this call unparks
     * {@code waiter} (once). Returns false when elements are there: poll them. Either way, end the wait with
     * {@link #finishWait} once done waiting; calling this again meanwhile is fine.
     *
     * <p>A ring has one waiter at a time: it may be waited on by one {@link RingSelector} or one {@link #take} at a
     * time, and only by its consumer.
     *
     * @throws IllegalStateException if another thread is published as the waiter (two consumers at once)
     */
    public boolean prepareToWait(Thread waiter) {
        Objects.requireNonNull(waiter, "prepareToWait: waiter is null");
        // Dekker: this volatile store (or the earlier one it finds) comes before the loads in isEmpty()
        Thread previous = (Thread) WAITER.compareAndExchange(this, null, waiter);
        if (previous != null && previous != waiter) {
            throw new IllegalStateException("CompletionRing already has a waiting consumer, " + previous
                    + "; a ring has one consumer, and may wait in one selector or take() at a time (caller: "
                    + waiter + ")");
        }
        return isEmpty();
    }

    /** Consumer: ends a wait begun with {@link #prepareToWait}, withdrawing {@code waiter} if still published. */
    public void finishWait(Thread waiter) {
        WAITER.compareAndSet(this, waiter, null);
    }

    // ---- queries

    /**
     * A snapshot: true when the array and the overflow list are both empty. Exact for the consumer: what it sees
     * as non-empty, {@link #poll} returns. Its loads are the consumer half of the wake-up protocol's Dekker pair.
     */
    public boolean isEmpty() {
        return (long) CONSUMER_INDEX.getVolatile(this) == (long) PRODUCER_INDEX.getVolatile(this)
                && OVERFLOW_TAIL.getVolatile(this) == null;
    }

    /** A snapshot of the number of elements, in the array and on the overflow list (at most Integer.MAX_VALUE). */
    public int size() {
        long after = (long) CONSUMER_INDEX.getVolatile(this);
        long inArray;
        for (;;) {
            long before = after;
            long p = (long) PRODUCER_INDEX.getVolatile(this);
            after = (long) CONSUMER_INDEX.getVolatile(this);
            if (before == after) {
                inArray = Math.clamp(p - after, 0L, (long) buffer.length);
                break;
            }
        }
        long taken = (long) OVERFLOW_TAKEN.getAcquire(this); // pairs with setRelease(overflowTaken)
        long inOverflow = Math.max(0L, (long) OVERFLOW_COUNT.getVolatile(this) - taken);
        return (int) Math.min(Integer.MAX_VALUE, inArray + inOverflow);
    }

    /** How many offers have gone to the overflow list since the ring was made (a snapshot). */
    public long overflowCount() {
        return (long) OVERFLOW_COUNT.getVolatile(this);
    }

    /** A snapshot: whether a consumer is published as the waiter (between prepareToWait and its wake-up). */
    public boolean hasWaiter() {
        return WAITER.getVolatile(this) != null;
    }

    @Override
    public String toString() {
        return "CompletionRing[capacity=" + buffer.length + ", size=" + size() + ", overflowCount="
                + overflowCount() + "]";
    }

    /** A node of the overflow list. {@code element} is final; {@code next} is set once, by the next producer. */
    static final class OverflowNode<E> {
        final E element;
        volatile OverflowNode<E> next;

        OverflowNode(E element) {
            this.element = element;
        }
    }
}

abstract class CompletionRingPad0 {
    /** Fills the 4 bytes after a 12-byte object header, which HotSpot would give to a subclass's int or reference. */
    int p0h;
    long p00, p01, p02, p03, p04, p05, p06, p07, p08, p09, p0a, p0b, p0c, p0d, p0e, p0f;
}

/** Read-only after construction: read by every offer and poll. */
abstract class CompletionRingArray extends CompletionRingPad0 {
    /** The slots; a power-of-two length. */
    final Object[] buffer;
    /** {@code buffer.length - 1} (the hot paths compute it from the array, see the overview). */
    final int mask;

    CompletionRingArray(int length) {
        this.buffer = new Object[length];
        this.mask = length - 1;
    }
}

abstract class CompletionRingPad1 extends CompletionRingArray {
    long p10, p11, p12, p13, p14, p15, p16, p17, p18, p19, p1a, p1b, p1c, p1d, p1e, p1f;

    CompletionRingPad1(int length) {
        super(length);
    }
}

abstract class CompletionRingProducerIndex extends CompletionRingPad1 {
    /** Next slot to claim; CAS by producers. */
    volatile long producerIndex;

    CompletionRingProducerIndex(int length) {
        super(length);
    }
}

abstract class CompletionRingPad2 extends CompletionRingProducerIndex {
    long p20, p21, p22, p23, p24, p25, p26, p27, p28, p29, p2a, p2b, p2c, p2d, p2e, p2f;

    CompletionRingPad2(int length) {
        super(length);
    }
}

/** Read by every offer before its claim; written when the limit moves and when an offer overflows. */
abstract class CompletionRingProducerLimit extends CompletionRingPad2 {
    /** consumerIndex + capacity as a producer last read it; producers, release. */
    volatile long producerLimit;
    /** Offers that went to the overflow list; producers, getAndAdd. */
    volatile long overflowCount;
    /** The overflow list's last node, null when the list is empty; producers (getAndSet), the consumer (CAS). */
    volatile CompletionRing.OverflowNode<?> overflowTail;
    /** Fills the 4 bytes after overflowTail (with compressed references), which HotSpot would give to waiter. */
    int p3h;

    CompletionRingProducerLimit(int length) {
        super(length);
    }
}

abstract class CompletionRingPad3 extends CompletionRingProducerLimit {
    long p30, p31, p32, p33, p34, p35, p36, p37, p38, p39, p3a, p3b, p3c, p3d, p3e, p3f;

    CompletionRingPad3(int length) {
        super(length);
    }
}

/** Read by every offer after its publication, written only around a park: in steady state, a cache hit. */
abstract class CompletionRingWaiter extends CompletionRingPad3 {
    /** The consumer waiting to be unparked, or null; the consumer (CAS), producers (getAndSet to null). */
    volatile Thread waiter;
    /** Fills the 4 bytes after waiter (with compressed references), which HotSpot would give to overflowHead. */
    int p4h;

    CompletionRingWaiter(int length) {
        super(length);
    }
}

abstract class CompletionRingPad4 extends CompletionRingWaiter {
    long p40, p41, p42, p43, p44, p45, p46, p47, p48, p49, p4a, p4b, p4c, p4d, p4e, p4f;

    CompletionRingPad4(int length) {
        super(length);
    }
}

/** The consumer's line. */
abstract class CompletionRingConsumer extends CompletionRingPad4 {
    /** Next slot to take; the consumer, release. */
    volatile long consumerIndex;
    /** Elements popped from the overflow list; the consumer, release. */
    volatile long overflowTaken;
    /** The overflow list's first node; the consumer, and the producer that found the list empty (release). */
    volatile CompletionRing.OverflowNode<?> overflowHead;

    CompletionRingConsumer(int length) {
        super(length);
    }
}

abstract class CompletionRingPad5 extends CompletionRingConsumer {
    long p50, p51, p52, p53, p54, p55, p56, p57, p58, p59, p5a, p5b, p5c, p5d, p5e, p5f;

    CompletionRingPad5(int length) {
        super(length);
    }
}
