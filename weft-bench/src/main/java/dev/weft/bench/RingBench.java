package dev.weft.bench;

import dev.weft.ring.CompletionRing;
import org.jctools.queues.MpscArrayQueue;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * Ring: throughput of a completion ring with two producers and one consumer, against the queues one would
 * otherwise use for it. The structure is JCTools' {@code QueueThroughputBackoffNone}: one JMH group per trial, two
 * threads offering the same element as fast as they can and one polling as fast as it can, with no back-off.
 *
 * <p>The score is {@link Polls#transfers}: the consumer's polls that got an element, per µs. Offers that a full
 * bounded queue refuses ({@link Offers#rejected}) and polls of an empty queue ({@link Polls#empty}) are counted
 * apart and are not transfers; JMH's primary result (all invocations of both methods) is not used. Unlike
 * JCTools' benchmark, a thread whose offer was refused or whose poll found nothing yields ({@link #backOff}: this
 * machine has two cores for three threads); {@code -Dweft.bench.ring.spin=true} on the forks restores the busy
 * retry.
 *
 * <p>Variants, bounded ones with {@link #CAPACITY} slots:
 * <ul>
 *   <li>{@code weft-ring}: {@link CompletionRing}, offered with {@link CompletionRing#tryOffer}, which is
 *       {@code offer}'s array path (the overflow-list check, the claim, the element store, the waiter check) with
 *       "refuse" in place of "overflow". With plain {@code offer}, producers faster than the consumer would grow
 *       the overflow list without bound, and the benchmark would measure the allocator, not the ring.</li>
 *   <li>{@code jctools-mpsc}: JCTools' {@code MpscArrayQueue}, the reference lock-free MPSC array queue.</li>
 *   <li>{@code array-blocking-queue}: {@link ArrayBlockingQueue}, the JDK's bounded queue (one lock).</li>
 *   <li>{@code concurrent-linked-queue}: {@link ConcurrentLinkedQueue}, the JDK's lock-free queue. Unbounded: its
 *       offers never fail, so when producers outrun the consumer it grows for the rest of the iteration (as in
 *       JCTools' benchmark); it is emptied between iterations.</li>
 * </ul>
 * Each variant runs in a fork of its own, so every call site sees one queue class.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Group)
public class RingBench {

    public static final String WEFT_RING = "weft-ring";
    public static final String JCTOOLS_MPSC = "jctools-mpsc";
    public static final String ARRAY_BLOCKING_QUEUE = "array-blocking-queue";
    public static final String CONCURRENT_LINKED_QUEUE = "concurrent-linked-queue";
    public static final List<String> QUEUES =
            List.of(WEFT_RING, JCTOOLS_MPSC, ARRAY_BLOCKING_QUEUE, CONCURRENT_LINKED_QUEUE);

    /** Slots of the bounded variants. */
    public static final int CAPACITY = 8192;

    /** What is transferred: one shared element, so no allocation is measured. */
    static final Integer ELEMENT = 1;

    /** System property: true to retry at once after a refused offer or an empty poll (JCTools' BackoffNone). */
    public static final String SPIN_PROPERTY = "weft.bench.ring.spin";
    static final boolean SPIN = Boolean.getBoolean(SPIN_PROPERTY);

    @Param({WEFT_RING, JCTOOLS_MPSC, ARRAY_BLOCKING_QUEUE, CONCURRENT_LINKED_QUEUE})
    public String queue;

    Transfer transfer;

    @Setup(Level.Trial)
    public void create() {
        transfer = Transfer.of(queue, CAPACITY);
    }

    /** Empties an unbounded queue between iterations (safe from any thread: it is multi-consumer). */
    @TearDown(Level.Iteration)
    public void emptyUnbounded() {
        if (transfer instanceof QueueTransfer q && q.queue instanceof ConcurrentLinkedQueue<?> clq) {
            clq.clear();
        }
    }

    /** A producer's counters: offers the queue refused because it was full. */
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class Offers {
        public long rejected;

        @Setup(Level.Iteration)
        public void reset() {
            rejected = 0;
        }
    }

    /** The consumer's counters: polls that got an element (the score), and polls of an empty queue. */
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class Polls {
        public long transfers;
        public long empty;

        @Setup(Level.Iteration)
        public void reset() {
            transfers = 0;
            empty = 0;
        }
    }

    @Benchmark
    @Group("transfer")
    @GroupThreads(2)
    public void offer(Offers counters) {
        if (!transfer.offer(ELEMENT)) {
            counters.rejected++;
            backOff();
        }
    }

    @Benchmark
    @Group("transfer")
    @GroupThreads(1)
    public void poll(Polls counters) {
        if (transfer.poll() == null) {
            counters.empty++;
            backOff();
        } else {
            counters.transfers++;
        }
    }

    /**
     * After a refused offer or an empty poll: gives the core to a thread that can make progress. Three busy threads
     * share two cores here; without this, the score follows the OS time slices (a descheduled consumer stops all
     * transfers while both producers spin on a full queue) more than the queue, and varies two- to five-fold from
     * fork to fork.
     */
    private static void backOff() {
        if (!SPIN) {
            Thread.yield();
        }
    }

    /** The two operations of a variant; each fork loads one subclass, so calls through it are monomorphic. */
    abstract static class Transfer {
        /** Producer: true when the element was added, false when a full queue refused it. */
        abstract boolean offer(Integer e);

        /** The single consumer: the next element, or null. */
        abstract Integer poll();

        static Transfer of(String queue, int capacity) {
            return switch (queue) {
                case WEFT_RING -> new RingTransfer(new CompletionRing<>(capacity));
                case JCTOOLS_MPSC -> new QueueTransfer(new MpscArrayQueue<>(capacity));
                case ARRAY_BLOCKING_QUEUE -> new QueueTransfer(new ArrayBlockingQueue<>(capacity));
                case CONCURRENT_LINKED_QUEUE -> new QueueTransfer(new ConcurrentLinkedQueue<>());
                default -> throw new IllegalArgumentException("unknown queue '" + queue + "'; expected one of "
                        + QUEUES);
            };
        }
    }

    static final class RingTransfer extends Transfer {
        final CompletionRing<Integer> ring;

        RingTransfer(CompletionRing<Integer> ring) {
            this.ring = ring;
        }

        @Override
        boolean offer(Integer e) {
            return ring.tryOffer(e);
        }

        @Override
        Integer poll() {
            return ring.poll();
        }
    }

    static final class QueueTransfer extends Transfer {
        final Queue<Integer> queue;

        QueueTransfer(Queue<Integer> queue) {
            this.queue = queue;
        }

        @Override
        boolean offer(Integer e) {
            return queue.offer(e);
        }

        @Override
        Integer poll() {
            return queue.poll();
        }
    }
}
