package dev.weft.bench;

import jdk.internal.vm.Continuation;
import jdk.internal.vm.ContinuationScope;
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

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Ping-pong: the cost of one park/unpark round trip between two threads, i.e. of two context switches. This is
 * the scheduler's hot path for any request/response or producer/consumer exchange: a worker wakes another and
 * parks, and the scheduler must get the woken one running. weft's hand-off policy runs the woken worker on the
 * waker's own server as soon as the waker parks; fifo queues it like the JDK's scheduler does.
 *
 * <p>Each operation starts two threads of the variant that pass a token 1,000 times through a volatile
 * {@code turn} field ({@code while (turn != me) park()}; set {@code turn}, unpark the other), and joins them. The
 * score is per round trip (1,000 per invocation); the start and join of the two threads are spread over the 1,000
 * round trips (for platform threads, their creation adds a few tens of ns per round trip).
 *
 * <p>{@link #continuation} is the floor under any virtual-thread scheduler: one run and yield of a bare
 * {@code jdk.internal.vm.Continuation} (mount, yield, unmount) on the benchmark thread, with no scheduler, queue or
 * wake-up at all. A round trip of two virtual threads costs at least two of these.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PingPongBench {

    /** Round trips per invocation. */
    public static final int ROUNDS = 1_000;

    /** The variant under test, open for the whole trial. */
    @State(Scope.Benchmark)
    public static class Players extends VariantState {
        @Param({Variant.WEFT_HANDOFF, Variant.WEFT_FIFO, Variant.JDK_DEFAULT, Variant.PLATFORM})
        public String scheduler;

        @Override
        protected String scheduler() {
            return scheduler;
        }
    }

    /** The shared state of one game: whose turn it is, and the two players. */
    static final class Table {
        volatile int turn;
        final Thread[] players = new Thread[2];

        void play(int me) {
            int other = 1 - me;
            for (int i = 0; i < ROUNDS; i++) {
                while (turn != me) {
                    LockSupport.park(this);
                }
                turn = other;
                LockSupport.unpark(players[other]);
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation(ROUNDS)
    public void pingpong(Players p) throws InterruptedException {
        Table t = new Table();
        t.players[0] = p.variant.factory().newThread(() -> t.play(0));
        t.players[1] = p.variant.factory().newThread(() -> t.play(1));
        t.players[0].start();
        t.players[1].start();
        t.players[0].join();
        t.players[1].join();
    }

    /** A continuation that yields forever: each {@code run()} resumes it up to its next yield. */
    @State(Scope.Thread)
    public static class Cont {
        final ContinuationScope scope = new ContinuationScope("weft-bench");
        Continuation continuation;

        @Setup(Level.Trial)
        public void create() {
            continuation = new Continuation(scope, () -> {
                for (;;) {
                    Continuation.yield(scope);
                }
            });
        }
    }

    @Benchmark
    public void continuation(Cont c) {
        c.continuation.run();
    }
}
