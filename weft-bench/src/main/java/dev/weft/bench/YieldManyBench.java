package dev.weft.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

import java.util.concurrent.TimeUnit;

/**
 * Yield-many: the cost of one {@code Thread.yield()} when many runnable threads share few CPUs. A virtual thread
 * that yields goes back to its scheduler's run queue and the next runnable one is mounted, so this measures the
 * scheduler's queue round trip (submit, pick next, mount, unmount) under a deep run queue, with no wake-ups. For
 * platform threads it is a {@code sched_yield} system call among 200 OS threads.
 *
 * <p>Each operation starts 200 threads of the variant that each yield 1,000 times, and joins them; the score is per
 * yield (200,000 per invocation; the 200 starts and joins are spread over them).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public class YieldManyBench extends VariantState {

    public static final int THREADS = 200;
    public static final int YIELDS = 1_000;

    @Param({Variant.WEFT_HANDOFF, Variant.WEFT_FIFO, Variant.JDK_DEFAULT, Variant.PLATFORM})
    public String scheduler;

    @Override
    protected String scheduler() {
        return scheduler;
    }

    private static void yieldLoop() {
        for (int i = 0; i < YIELDS; i++) {
            Thread.yield();
        }
    }

    @Benchmark
    @OperationsPerInvocation(THREADS * YIELDS)
    public void yieldMany() throws InterruptedException {
        Variant.joinAll(variant.startAll(THREADS, YieldManyBench::yieldLoop));
    }
}
