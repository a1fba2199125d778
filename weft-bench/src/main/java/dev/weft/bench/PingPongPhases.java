package dev.weft.bench;

import java.io.PrintStream;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.locks.LockSupport;

/**
 * Where the time of one {@code pingpong} game goes: the benchmark's games of 1,000 round trips, timed from inside.
 * Not a JMH benchmark but the probe behind README's "pingpong on this VM": for each variant it prints the cost of
 * each 50 round trips of a game (the first ones pay for a second server still spinning), the start of a game (from
 * {@code start()} to the first player's first run), its end (from the first player's last round to the joining
 * platform thread's return from {@code join}), and on which CPUs the joining thread and the game ran.
 *
 * <pre>java --add-opens java.base/java.lang=ALL-UNNAMED --enable-native-access=ALL-UNNAMED \
 *     -cp "weft-cli/target/weft-cli-0.1.0-SNAPSHOT.jar:$(cat weft-cli/target/classpath.txt)" \
 *     dev.weft.bench.PingPongPhases [games]</pre>
 */
public final class PingPongPhases {

    static final int ROUNDS = PingPongBench.ROUNDS;
    static final int SEGMENT = 50;

    private static final MethodHandle SCHED_GETCPU = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().find("sched_getcpu").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT));

    private PingPongPhases() {
    }

    static int cpu() {
        try {
            return (int) SCHED_GETCPU.invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** One game, as {@link PingPongBench}'s, with timestamps. */
    static final class Game {
        volatile int turn;
        final Thread[] players = new Thread[2];
        final long[] segmentEnds = new long[ROUNDS / SEGMENT + 1];
        volatile long firstRun;
        volatile int firstCpu;
        volatile int lastCpu;

        void play(int me) {
            int other = 1 - me;
            if (me == 0) {
                firstRun = System.nanoTime();
                firstCpu = cpu();
            }
            for (int i = 0; i < ROUNDS; i++) {
                while (turn != me) {
                    LockSupport.park(this);
                }
                if (me == 0 && i % SEGMENT == 0) {
                    segmentEnds[i / SEGMENT] = System.nanoTime();
                }
                turn = other;
                LockSupport.unpark(players[other]);
            }
            if (me == 0) {
                segmentEnds[ROUNDS / SEGMENT] = System.nanoTime(); // the last round
                lastCpu = cpu();
            }
        }
    }

    /** What {@link #measure} found for one variant. */
    record Phases(String variant, double[] segmentNs, long[] startNs, long[] endNs, int endsOnGameCpu,
                  Map<String, Integer> cpus) {

        void print(PrintStream out) {
            StringBuilder seg = new StringBuilder();
            for (int i = 0; i < segmentNs.length; i++) {
                seg.append(String.format(" %d:%.0f", (i + 1) * SEGMENT, segmentNs[i]));
            }
            out.printf("%s: ns per round trip, by %d rounds:%s%n", variant, SEGMENT, seg);
            out.printf("%s: start -> first run (us) %s; last round -> joined (us) %s%n", variant, percentiles(startNs),
                    percentiles(endNs));
            out.printf("%s: joiner woke on the CPU the game ended on in %d of %d games; CPUs (joiner before join, "
                    + "game start, game end, joiner after join): %s%n", variant, endsOnGameCpu, endNs.length, cpus);
        }
    }

    static String percentiles(long[] ns) {
        long[] s = ns.clone();
        Arrays.sort(s);
        return String.format("p10 %.1f p50 %.1f p90 %.1f", s[s.length / 10] / 1e3, s[s.length / 2] / 1e3,
                s[s.length * 9 / 10] / 1e3);
    }

    /** Plays {@code games} games after as many for warm-up, each from this (platform) thread. */
    static Phases measure(String variant, ThreadFactory factory, int games) throws InterruptedException {
        int segments = ROUNDS / SEGMENT;
        double[] segmentSums = new double[segments];
        long[] start = new long[games];
        long[] end = new long[games];
        int sameCpu = 0;
        Map<String, Integer> cpus = new TreeMap<>();
        for (int k = 0; k < 2 * games; k++) {
            Game g = new Game();
            g.players[0] = factory.newThread(() -> g.play(0));
            g.players[1] = factory.newThread(() -> g.play(1));
            long t0 = System.nanoTime();
            g.players[0].start();
            g.players[1].start();
            int before = cpu();
            g.players[0].join();
            g.players[1].join();
            long joined = System.nanoTime();
            int after = cpu();
            if (k < games) {
                continue; // warm-up
            }
            int i = k - games;
            start[i] = g.firstRun - t0;
            end[i] = joined - g.segmentEnds[segments];
            for (int s = 0; s < segments; s++) {
                segmentSums[s] += (double) (g.segmentEnds[s + 1] - g.segmentEnds[s]) / SEGMENT;
            }
            if (after == g.lastCpu) {
                sameCpu++;
            }
            cpus.merge(before + "/" + g.firstCpu + "/" + g.lastCpu + "/" + after, 1, Integer::sum);
        }
        double[] segmentNs = new double[segments];
        for (int s = 0; s < segments; s++) {
            segmentNs[s] = segmentSums[s] / games;
        }
        return new Phases(variant, segmentNs, start, end, sameCpu, cpus);
    }

    public static void main(String[] args) throws Exception {
        int games = args.length > 0 ? Integer.parseInt(args[0]) : 2_000;
        if (games < 10) {
            throw new IllegalArgumentException("games must be at least 10, got " + games);
        }
        for (String name : new String[] {Variant.WEFT_HANDOFF, Variant.JDK_DEFAULT}) {
            try (Variant v = Variant.open(name)) {
                measure(name, v.factory(), games).print(System.out);
            }
        }
    }
}
