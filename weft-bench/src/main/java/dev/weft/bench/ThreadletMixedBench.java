package dev.weft.bench;

import dev.weft.sched.ConcurrencyGroup;
import dev.weft.threadlet.Threadlet;
import dev.weft.threadlet.Threadlets;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Threadlet-mixed: 100,000 requests issued by one platform thread (an event loop); 90 % finish at once, 10 % block
 * for 100 µs (a sleep). The score is requests per second, all of them answered.
 *
 * <ul>
 *   <li>{@code weft-threadlet}: each request is a threadlet: the 90 % run inline on the issuing thread, the 10 %
 *       get a context of their own when they sleep and finish on the group's servers.</li>
 *   <li>{@code pool-2}, {@code pool-64}: a fixed pool of 2 or 64 platform threads; every request is handed over.</li>
 *   <li>{@code vt-per-task}: a virtual thread per request on the JDK's default scheduler.</li>
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
public class ThreadletMixedBench {

    public static final int REQUESTS = 100_000;
    /** Every {@code BLOCK_EVERY}th request blocks: 10 %. */
    public static final int BLOCK_EVERY = 10;
    public static final Duration BLOCK = Duration.ofNanos(100_000);

    public static final String WEFT_THREADLET = "weft-threadlet", POOL_2 = "pool-2", POOL_64 = "pool-64",
            VT_PER_TASK = "vt-per-task";

    @Param({WEFT_THREADLET, POOL_2, POOL_64, VT_PER_TASK})
    public String variant;

    ConcurrencyGroup group;
    ExecutorService executor;

    @Setup(Level.Trial)
    public void open() {
        switch (variant) {
            case WEFT_THREADLET -> group = ConcurrencyGroup.builder().name("bench-threadlet-mixed").build();
            case POOL_2 -> executor = Executors.newFixedThreadPool(2);
            case POOL_64 -> executor = Executors.newFixedThreadPool(64);
            case VT_PER_TASK -> executor = Executors.newVirtualThreadPerTaskExecutor();
            default -> throw new IllegalArgumentException("unknown variant " + variant);
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        if (group != null) {
            group.close();
        }
        if (executor != null) {
            executor.shutdownNow();
        }
    }

    /** One request: a little work, and for one in ten a 100 µs sleep. */
    static long request(int i) throws InterruptedException {
        if (i % BLOCK_EVERY == 0) {
            Thread.sleep(BLOCK);
        }
        return i * 31L;
    }

    @Benchmark
    @OperationsPerInvocation(REQUESTS)
    public long requests() throws Exception {
        long sum = 0;
        if (group != null) {
            List<Threadlet<Long>> pending = new ArrayList<>();
            for (int i = 0; i < REQUESTS; i++) {
                int n = i;
                Threadlet<Long> t = Threadlets.exec(group, () -> request(n));
                if (t.isDone()) {
                    sum += t.join();
                } else {
                    pending.add(t);
                }
            }
            for (Threadlet<Long> t : pending) {
                sum += t.join();
            }
        } else {
            List<Future<Long>> all = new ArrayList<>(REQUESTS);
            for (int i = 0; i < REQUESTS; i++) {
                int n = i;
                all.add(executor.submit(() -> request(n)));
            }
            for (Future<Long> f : all) {
                sum += f.get();
            }
        }
        if (sum != 31L * REQUESTS * (REQUESTS - 1) / 2) {
            throw new IllegalStateException("lost requests: sum " + sum);
        }
        return sum;
    }
}
