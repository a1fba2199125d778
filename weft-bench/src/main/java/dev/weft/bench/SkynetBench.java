package dev.weft.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * Skynet: the classic "one million threads" benchmark. A root thread starts 10 children, each starts 10 more, and
 * so on for six levels down to 1,000,000 leaves (1,111,111 threads in all); leaf {@code i} returns {@code i}, every
 * inner node joins its 10 children and returns their sum, so the root's result must be 0 + 1 + ... + 999,999 =
 * 499,999,500,000. It mixes everything at scale: creation from inside workers, deep run queues, hundreds of
 * thousands of threads blocked in {@code join} at once, and the wake-ups of parents by their last child.
 *
 * <p>Children are started through the variant's factory from inside the workers (for the weft variants, the group's
 * builder; equivalently {@code Thread.ofVirtual()} would land on the same group). Platform threads are not a
 * variant: a million of them is not practical. Score: ms per tree. The benchmark throws when the sum is wrong.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
public class SkynetBench extends VariantState {

    public static final int FAN_OUT = 10;
    public static final long LEAVES = 1_000_000;
    public static final long EXPECTED_SUM = LEAVES * (LEAVES - 1) / 2; // 499_999_500_000

    @Param({Variant.WEFT_HANDOFF, Variant.WEFT_FIFO, Variant.JDK_DEFAULT})
    public String scheduler;

    @Override
    protected String scheduler() {
        return scheduler;
    }

    /** The sum of the subtree of leaves {@code num .. num + size - 1}, computed by a thread per node. */
    static long node(ThreadFactory factory, long num, long size) {
        if (size == 1) {
            return num;
        }
        long childSize = size / FAN_OUT;
        long[] sums = new long[FAN_OUT];
        Thread[] children = new Thread[FAN_OUT];
        for (int i = 0; i < FAN_OUT; i++) {
            int slot = i;
            long childNum = num + i * childSize;
            children[i] = factory.newThread(() -> sums[slot] = node(factory, childNum, childSize));
            children[i].start();
        }
        long sum = 0;
        for (int i = 0; i < FAN_OUT; i++) {
            joinUninterruptibly(children[i]);
            sum += sums[i]; // join happens-before: the child's write is visible
        }
        return sum;
    }

    private static void joinUninterruptibly(Thread t) {
        boolean interrupted = false;
        for (;;) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Benchmark
    public long skynet() throws InterruptedException {
        long[] result = new long[1];
        ThreadFactory factory = variant.factory();
        Thread root = factory.newThread(() -> result[0] = node(factory, 0, LEAVES));
        root.start();
        root.join();
        if (result[0] != EXPECTED_SUM) {
            throw new IllegalStateException("skynet on " + scheduler + ": sum " + result[0] + ", expected "
                    + EXPECTED_SUM);
        }
        return result[0];
    }
}
