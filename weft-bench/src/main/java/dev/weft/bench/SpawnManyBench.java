package dev.weft.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

import java.util.concurrent.TimeUnit;

/**
 * Spawn-many: the throughput of starting threads from outside the scheduler. A platform thread (the benchmark
 * thread) starts 10,000 short threads as fast as it can and then joins them all: this measures thread creation,
 * the scheduler's external submit path (for weft: from a thread that is not a server, into the group's queues,
 * waking idle servers), running a trivial body, and termination and join bookkeeping, with the servers busy
 * draining while the submitter keeps adding.
 *
 * <p>Score: µs per batch of 10,000 (divide by 10,000 for one thread).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
public class SpawnManyBench extends VariantState {

    public static final int THREADS = 10_000;

    @Param({Variant.WEFT_HANDOFF, Variant.WEFT_FIFO, Variant.JDK_DEFAULT, Variant.PLATFORM})
    public String scheduler;

    @Override
    protected String scheduler() {
        return scheduler;
    }

    /** The threads' body: empty, so the cost measured is the threads' own. */
    private static void body() {
    }

    @Benchmark
    public void spawnMany() throws InterruptedException {
        Variant.joinAll(variant.startAll(THREADS, SpawnManyBench::body));
    }
}
