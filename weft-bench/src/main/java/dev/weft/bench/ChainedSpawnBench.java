package dev.weft.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * Chained spawn: the latency of starting a thread from a thread, when nothing else is runnable. Each link of the
 * chain starts the next and ends, so at any time about one thread is runnable: the cost is thread creation, the
 * scheduler's submit of a new thread from inside a running one, and getting it running (for weft's hand-off
 * policy, on the same server right after the parent ends; elsewhere, possibly after waking an idle carrier).
 *
 * <p>Each operation is one chain of 1,000 threads; the last one counts down a latch the benchmark thread waits on.
 * Score: µs per chain (divide by 1,000 for one spawn).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
public class ChainedSpawnBench extends VariantState {

    public static final int DEPTH = 1_000;

    @Param({Variant.WEFT_HANDOFF, Variant.WEFT_FIFO, Variant.JDK_DEFAULT, Variant.PLATFORM})
    public String scheduler;

    @Override
    protected String scheduler() {
        return scheduler;
    }

    /** Link {@code depth} of the chain (1-based): starts the next link, or signals the end. */
    private static void link(ThreadFactory factory, int depth, CountDownLatch end) {
        if (depth == DEPTH) {
            end.countDown();
        } else {
            factory.newThread(() -> link(factory, depth + 1, end)).start();
        }
    }

    @Benchmark
    public void chainedSpawn() throws InterruptedException {
        CountDownLatch end = new CountDownLatch(1);
        ThreadFactory factory = variant.factory();
        factory.newThread(() -> link(factory, 1, end)).start();
        end.await();
    }
}
