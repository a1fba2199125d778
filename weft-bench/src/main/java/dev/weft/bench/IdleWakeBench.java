package dev.weft.bench;

import dev.weft.sched.ConcurrencyGroup;
import dev.weft.sched.Server;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Idle wake: what the idle spin budget of a group's servers buys and costs; the measurement behind
 * {@code ConcurrencyGroup.Builder.DEFAULT_IDLE_SPIN}.
 *
 * <p>A server with nothing to run spins for the budget before it parks its OS thread. Work that arrives while it
 * spins is picked up in well under a microsecond; work that arrives after it parked waits for an OS wake-up (a
 * futex wake and a context switch, typically several µs, more in a VM). Spinning burns CPU, on every idle server,
 * for up to the budget after each idle period begins.
 *
 * <p>Each operation: the group (hand-off policy, one server per processor, idle spin {@code spinNanos}) is left
 * fully idle for {@code gapMicros} after the previous worker woke; then the benchmark thread (a platform thread,
 * so the wake comes from outside the group, like an I/O completion or a request) starts a worker and parks; the
 * worker records the time it started running and unparks the benchmark thread. Counted per wake:
 * <ul>
 *   <li>{@code wakeNanos}: from just before {@code start()} to the worker's first instruction: the wake latency,
 *       the figure reported;</li>
 *   <li>{@code serverCpuNanos}: CPU time the group's servers used over the whole cycle (idle gap, wake, run), from
 *       {@link ThreadMXBean#getThreadCpuTime}: the price of the spin;</li>
 *   <li>{@code idleNanos}: the idle gap actually left (from the previous worker's start to this start);</li>
 *   <li>{@code wakeP50Nanos}, {@code wakeP99Nanos}: median and 99th percentile of the iteration's wake latencies
 *       (the mean alone is at the mercy of a few preempted wakes on a busy machine).</li>
 * </ul>
 * JMH's own score is the whole cycle (gap + wake + the benchmark thread's own wake-up) and only a sanity check.
 *
 * <p>The gap is waited out by the benchmark thread partly parked (long gaps) and finally spinning, since a parked
 * platform thread oversleeps by the kernel's timer slack (50 µs and more). Its floor is the benchmark thread's own
 * wake-up after the previous worker unparked it (tens of µs in a VM): see the reported actual gap.
 *
 * <p>On a machine with no more processors than servers, the benchmark thread shares a processor with spinning
 * servers, and so does any other busy process. The wake goes to the server on top of the idle stack; when that one
 * is preempted, the worker waits for a processor to free up, and with the other server spinning on the other
 * processor that can be the rest of its spin budget (on a busy 2-CPU machine, a fifth to a third of the wakes took
 * about the budget). That is part of the price of spinning on a small or shared machine, hence the p50 and p99.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class IdleWakeBench {

    /** Parks shorter than this are not worth it: the kernel would oversleep anyway. */
    private static final long MIN_PARK_NANOS = 150_000;
    /** What a park oversleeps by, about (timer slack plus wake-up); the rest of a long gap is spun. */
    private static final long PARK_SLACK_NANOS = 100_000;

    /** The group under test and the hand-shake between the benchmark thread and the worker. */
    @State(Scope.Benchmark)
    public static class Group {
        @Param({"0", "5000", "20000", "50000", "100000"})
        public long spinNanos;

        /** Idle time left before each wake, from the previous worker's start (at least the waker's own wake-up). */
        @Param({"30"})
        public long gapMicros;

        Variant variant;
        private List<Server> servers;
        private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        volatile long wokeAt;
        Thread waiter;
        long lastWokeAt;
        long lastCpu;

        @Setup(Level.Trial)
        public void open() {
            if (!threads.isThreadCpuTimeSupported()) {
                throw new IllegalStateException("this JVM cannot measure thread CPU time");
            }
            threads.setThreadCpuTimeEnabled(true);
            ConcurrencyGroup group = Variant.group("handoff", Duration.ofNanos(spinNanos));
            variant = Variant.weft("spin-" + spinNanos, group);
            servers = new ArrayList<>();
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (t instanceof Server s && s.group() == group) {
                    servers.add(s);
                }
            }
            if (servers.size() != group.serverCount()) {
                throw new IllegalStateException("found " + servers.size() + " servers of " + group + ", expected "
                        + group.serverCount());
            }
        }

        @Setup(Level.Iteration)
        public void startIteration() {
            waiter = Thread.currentThread();
            lastWokeAt = System.nanoTime();
            lastCpu = serverCpuNanos();
        }

        @TearDown(Level.Trial)
        public void close() {
            variant.close();
        }

        /** CPU time used so far by the group's servers (spares are never lent here). */
        long serverCpuNanos() {
            long sum = 0;
            for (Server s : servers) {
                sum += Math.max(0, threads.getThreadCpuTime(s.threadId()));
            }
            return sum;
        }

        /** The worker's body: note the time, wake the benchmark thread. */
        void wake() {
            wokeAt = System.nanoTime();
            LockSupport.unpark(waiter);
        }
    }

    /**
     * Per-iteration counters, read by JMH after each iteration: sums, which the runner divides by {@link #wakes},
     * and the median and 99th percentile of the iteration's wake latencies.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Wakes {
        public long wakes;
        public long wakeNanos;
        public long serverCpuNanos;
        public long idleNanos;
        public long wakeP50Nanos;
        public long wakeP99Nanos;

        private long[] samples = new long[1 << 14];

        @Setup(Level.Iteration)
        public void reset() {
            wakes = 0;
            wakeNanos = 0;
            serverCpuNanos = 0;
            idleNanos = 0;
            wakeP50Nanos = 0;
            wakeP99Nanos = 0;
        }

        void record(long latency) {
            int i = (int) wakes++;
            if (i == samples.length) {
                samples = Arrays.copyOf(samples, i * 2);
            }
            samples[i] = latency;
            wakeNanos += latency;
        }

        @TearDown(Level.Iteration)
        public void percentiles() {
            int n = (int) wakes;
            if (n > 0) {
                Arrays.sort(samples, 0, n);
                wakeP50Nanos = samples[(n - 1) / 2];
                wakeP99Nanos = samples[(int) Math.min(n - 1, Math.ceil(n * 0.99) - 1)];
            }
        }
    }

    @Benchmark
    public void idleWake(Group g, Wakes counters) {
        // leave the group idle for the gap
        long wakeAt = g.lastWokeAt + g.gapMicros * 1_000;
        long left = wakeAt - System.nanoTime();
        if (left > MIN_PARK_NANOS) {
            LockSupport.parkNanos(left - PARK_SLACK_NANOS);
        }
        while (System.nanoTime() - wakeAt < 0) {
            Thread.onSpinWait();
        }
        long cpu = g.serverCpuNanos();

        // wake it
        g.wokeAt = 0;
        long start = System.nanoTime();
        g.variant.start(g::wake);
        long wokeAt;
        while ((wokeAt = g.wokeAt) == 0) {
            LockSupport.park(g);
        }

        counters.record(wokeAt - start);
        counters.idleNanos += start - g.lastWokeAt;
        counters.serverCpuNanos += cpu - g.lastCpu;
        g.lastCpu = cpu;
        g.lastWokeAt = wokeAt;
    }
}
