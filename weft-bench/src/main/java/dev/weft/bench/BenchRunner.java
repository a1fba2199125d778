package dev.weft.bench;

import dev.weft.bench.fuse.FuseBenchmark;
import dev.weft.bench.fuse.FuseVariant;
import dev.weft.bench.fuse.FuseWorkload;
import dev.weft.bench.uring.RandReadVariant;
import dev.weft.bench.uring.UringRandRead;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;
import org.openjdk.jmh.util.ListStatistics;

import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Runs weft's JMH benchmarks through the JMH Java API, and its FUSE benchmarks through fio, and reports them, for
 * {@code bin/weft bench}.
 *
 * <pre>
 * BenchRunner NAME [--quick] [--json]
 *   NAME     one of {@link #names()}, or {@code all} for each in turn
 *   --quick  a short profile: each benchmark (all its variants) in under a minute on 2 cores
 *   --json   one line of JSON per benchmark on stdout, and nothing else there:
 *            {"bench":"pingpong","unit":"ns","lower_is_better":true,"results":{"weft-handoff":123.4,...}}
 *            (throughput benchmarks such as ring: "unit":"ops/us","lower_is_better":false)
 * </pre>
 *
 * Without {@code --json}, stdout gets a table per benchmark: variant, score, error (99.9% confidence half-width),
 * unit, ratio to the baseline variant (jdk-default; spin-0 for idle-wake). JMH's progress goes to stderr in both
 * modes, and so does, with {@code --json}, the table. Each benchmark is one JMH run with its variants as a
 * parameter; every fork gets {@link #FORK_JVM_ARGS} appended to its JVM arguments.
 *
 * <p>Exit status ({@link #run} returns it; {@link #main} exits with it unless it is 0): 0 when every variant of
 * every benchmark produced a result, 1 when some failed (JMH reported the error on stderr; the JSON has
 * {@code null} for it), 2 for a usage error such as an unknown name.
 *
 * <p>idle-wake leaves the group idle for 30 µs before each wake; {@code -Dweft.bench.idle-gap-us=30,100,300} on
 * the JVM that runs this class measures more gaps (keys {@code spin-N/gap-Gus} for all but the first). JMH itself
 * refuses to start while another JMH run holds its lock file ({@code /tmp/jmh.lock}); that is reported as a
 * failure (exit status 1).
 *
 * <p>The fuse-* benchmarks are not JMH: {@link dev.weft.bench.fuse.FuseBenchmark} runs fio on the kernel's file
 * system and on each FUSE server mounted over it (variants: {@link dev.weft.bench.fuse.FuseVariant}; fio command
 * lines: {@link dev.weft.bench.fuse.FuseWorkload}, also in the table's header). They need root, /dev/fuse, fio and
 * bindfs, and a work directory on a disk file system ({@code -Dweft.bench.fuse-dir}, default
 * {@code /var/tmp/weft-bench}). The reports are the same; a variant that cannot run is {@code null}, and exit
 * status 1.
 *
 * <p>uring-randread is not JMH either: {@link dev.weft.bench.uring.UringRandRead} runs 64 readers of 4 KiB random
 * O_DIRECT reads in this JVM (weft-uring, FileChannel on virtual and on platform threads) and fio's io_uring engine,
 * on a 1 GiB file in the same work directory ({@code -Dweft.bench.uring-dir}). The JVM needs weft's flags
 * ({@link #FORK_JVM_ARGS}), as {@code bin/weft} gives it.
 */
public final class BenchRunner {

    /**
     * What a forked benchmark JVM needs: weft's flags, and the Continuation baseline's export; plus the flag that
     * keeps JMH's own use of {@code sun.misc.Unsafe} from printing a deprecation warning in every fork.
     */
    public static final List<String> FORK_JVM_ARGS = List.of(
            "--add-opens", "java.base/java.lang=ALL-UNNAMED",
            "--enable-native-access=ALL-UNNAMED",
            "--add-exports", "java.base/jdk.internal.vm=ALL-UNNAMED",
            "--sun-misc-unsafe-memory-access=allow");

    /** System property: idle gaps (µs, comma-separated) for idle-wake; the first gives the plain spin-N keys. */
    public static final String IDLE_GAPS_PROPERTY = "weft.bench.idle-gap-us";
    static final String DEFAULT_IDLE_GAP_US = "30";

    static final int EXIT_OK = 0, EXIT_FAILED = 1, EXIT_USAGE = 2;

    /** Measurement settings of one run (times are per iteration, and unused in single-shot mode). */
    record Profile(String name, Mode mode, int forks, int warmupIterations, long warmupMillis,
                   int measurementIterations, long measurementMillis) {
        static final Profile DEFAULT = new Profile("default", Mode.AverageTime, 1, 3, 1000, 5, 1000);
        static final Profile QUICK = new Profile("quick", Mode.AverageTime, 1, 2, 500, 3, 500);

        String describe() {
            String fork = forks == 1 ? "fork" : "forks";
            return mode == Mode.SingleShotTime
                    ? String.format(Locale.ROOT, "%s profile: %d %s, single-shot ops: warmup %d, measurement %d",
                    name, forks, fork, warmupIterations, measurementIterations)
                    : String.format(Locale.ROOT, "%s profile: %d %s, warmup %dx%d ms, measurement %dx%d ms",
                    name, forks, fork, warmupIterations, warmupMillis, measurementIterations, measurementMillis);
        }
    }

    /** One row of a report: a variant's score and error in the benchmark's unit, and extra columns for the table. */
    record Row(String key, double score, double error, Map<String, String> extra) {
    }

    /** A finished benchmark: its rows in report order (null for a variant without result), and its wall time. */
    record Report(Bench bench, Map<String, Row> rows, Profile profile, double wallSeconds) {
        /** Every variant has a finite score: a missing row or a NaN (say, a counter that recorded nothing) fails. */
        boolean complete() {
            return rows.values().stream().allMatch(r -> r != null && Double.isFinite(r.score()));
        }

        Map<String, Double> scores() {
            Map<String, Double> m = new LinkedHashMap<>();
            rows.forEach((k, r) -> m.put(k, r == null ? null : r.score()));
            return m;
        }
    }

    /** A benchmark the runner knows: its JMH class, the parameter that names its variants, and how to report it. */
    static class Bench {
        final String name;
        final String what;
        final Class<?> type;
        final TimeUnit unit;
        final String param;
        final List<String> values;
        final String baseline;
        final List<String> extraKeys;

        Bench(String name, String what, Class<?> type, TimeUnit unit, String param, List<String> values,
              String baseline, List<String> extraKeys) {
            this.name = name;
            this.what = what;
            this.type = type;
            this.unit = unit;
            this.param = param;
            this.values = values;
            this.baseline = baseline;
            this.extraKeys = extraKeys;
        }

        /** The variant the ratio of {@code key} is taken against. */
        String baselineOf(String key) {
            return baseline;
        }

        /** The result keys, in report order. */
        List<String> keys() {
            List<String> keys = new ArrayList<>(values);
            keys.addAll(extraKeys);
            return keys;
        }

        /** The key of a result: its variant, or for a benchmark method without the parameter, the method name. */
        String keyOf(RunResult r) {
            String v = r.getParams().getParam(param);
            if (v != null) {
                return v;
            }
            String method = r.getParams().getBenchmark();
            return method.substring(method.lastIndexOf('.') + 1);
        }

        Row row(RunResult r) {
            Result p = r.getPrimaryResult();
            return new Row(keyOf(r), p.getScore(), p.getScoreError(), Map.of());
        }

        Profile adjust(Profile p) {
            return p;
        }

        void configure(ChainedOptionsBuilder b) {
            b.param(param, values.toArray(String[]::new));
        }

        String unitLabel() {
            return BenchRunner.unitLabel(unit);
        }

        /** True for times per operation; false for throughput. */
        boolean lowerIsBetter() {
            return true;
        }

        /** Runs the benchmark under a requested profile: through JMH, unless the benchmark has its own runner. */
        Report measure(Profile requested, PrintStream progress) throws RunnerException {
            return runOne(this, requested, progress);
        }

        /** What the table's header says after the name, for a run under profile {@code p}. */
        String title(Profile p) {
            return what;
        }

        /** How the run was measured, for the table's last line ({@code p} is the report's profile). */
        String describe(Profile p) {
            return p.describe();
        }
    }

    /**
     * Skynet: one tree takes 1 to 3 s on 2 cores, so an iteration is one tree (single shot), and the quick profile
     * times 1 + 3 trees per variant.
     */
    static final class Skynet extends Bench {
        Skynet() {
            super("skynet", "1,000,000-thread tree of fan-out 10, joined and summed (ms per tree)",
                    SkynetBench.class, TimeUnit.MILLISECONDS, "scheduler", Variant.VIRTUAL, Variant.JDK_DEFAULT,
                    List.of());
        }

        @Override
        Profile adjust(Profile p) {
            return p.equals(Profile.QUICK)
                    ? new Profile(p.name(), Mode.SingleShotTime, 1, 1, 0, 3, 0)
                    : new Profile(p.name(), Mode.SingleShotTime, p.forks(), p.warmupIterations(), 0,
                    p.measurementIterations(), 0);
        }
    }

    /** Idle-wake: variants are spin budgets, and the score comes from the benchmark's own per-wake counters. */
    static final class IdleWake extends Bench {
        final List<String> gaps;

        IdleWake(List<String> gaps) {
            super("idle-wake", "wake-up latency of an idle group from a platform thread, by idle spin budget"
                            + " (ns per wake; cpu/wake = servers' CPU time per idle+wake cycle)",
                    IdleWakeBench.class, TimeUnit.NANOSECONDS, "spinNanos",
                    List.of("0", "5000", "20000", "50000", "100000"), "spin-0", List.of());
            this.gaps = gaps;
        }

        @Override
        List<String> keys() {
            List<String> keys = new ArrayList<>();
            for (String gap : gaps) {
                for (String v : values) {
                    keys.add(key(v, gap));
                }
            }
            return keys;
        }

        private String key(String spin, String gap) {
            return "spin-" + spin + (gap.equals(gaps.getFirst()) ? "" : "/gap-" + gap + "us");
        }

        /** No spin at the same gap: a ratio across gaps would mix two idle times. */
        @Override
        String baselineOf(String key) {
            int slash = key.indexOf('/');
            return slash < 0 ? baseline : baseline + key.substring(slash);
        }

        @Override
        String keyOf(RunResult r) {
            return key(r.getParams().getParam(param), r.getParams().getParam("gapMicros"));
        }

        @Override
        void configure(ChainedOptionsBuilder b) {
            super.configure(b);
            b.param("gapMicros", gaps.toArray(String[]::new));
        }

        @Override
        Row row(RunResult r) {
            ListStatistics wake = new ListStatistics();
            ListStatistics cpu = new ListStatistics();
            ListStatistics idle = new ListStatistics();
            ListStatistics p50 = new ListStatistics();
            ListStatistics p99 = new ListStatistics();
            for (BenchmarkResult fork : r.getBenchmarkResults()) {
                for (IterationResult it : fork.getIterationResults()) {
                    Map<String, Result> s = it.getSecondaryResults();
                    double wakes = s.get("wakes").getScore();
                    if (wakes > 0) {
                        wake.addValue(s.get("wakeNanos").getScore() / wakes);
                        cpu.addValue(s.get("serverCpuNanos").getScore() / wakes);
                        idle.addValue(s.get("idleNanos").getScore() / wakes);
                        p50.addValue(s.get("wakeP50Nanos").getScore());
                        p99.addValue(s.get("wakeP99Nanos").getScore());
                    }
                }
            }
            // the table: latency percentiles (means of the iterations' own), then the cost
            Map<String, String> extra = new LinkedHashMap<>();
            extra.put("p50", formatTime(p50.getMean()));
            extra.put("p99", formatTime(p99.getMean()));
            extra.put("cpu/wake", formatTime(cpu.getMean()) + " ± " + formatTime(cpu.getMeanErrorAt(0.999)));
            extra.put("idle gap", formatTime(idle.getMean()));
            extra.put("cycle", formatTime(r.getPrimaryResult().getScore()));
            return new Row(keyOf(r), wake.getMean(), wake.getMeanErrorAt(0.999), extra);
        }
    }

    /**
     * Ring: throughput (transfers per µs, higher is better) of a JMH group of two producers and one consumer. The
     * score is the consumer's {@code transfers} counter, not JMH's primary result, which would also count refused
     * offers and empty polls. Three threads on two cores vary more from fork to fork than from iteration to
     * iteration, so the profiles run three short forks (quick: 1 + 2 iterations of 500 ms each, about 30 s for the
     * four variants).
     */
    static final class Ring extends Bench {
        Ring() {
            super("ring", "2 producers, 1 consumer through one queue (transfers per us; bounded queues hold "
                            + RingBench.CAPACITY + ")",
                    RingBench.class, TimeUnit.MICROSECONDS, "queue", RingBench.QUEUES, RingBench.JCTOOLS_MPSC,
                    List.of());
        }

        @Override
        Profile adjust(Profile p) {
            return p.equals(Profile.QUICK)
                    ? new Profile(p.name(), Mode.Throughput, 3, 1, 500, 2, 500)
                    : new Profile(p.name(), Mode.Throughput, Math.max(3, p.forks()), p.warmupIterations(),
                    p.warmupMillis(), p.measurementIterations(), p.measurementMillis());
        }

        @Override
        String unitLabel() {
            return "ops/" + BenchRunner.unitLabel(unit);
        }

        @Override
        boolean lowerIsBetter() {
            return false;
        }

        @Override
        Row row(RunResult r) {
            Map<String, Result> s = r.getSecondaryResults();
            Result transfers = s.get("transfers");
            Result rejected = s.get("rejected");
            Result empty = s.get("empty");
            Map<String, String> extra = new LinkedHashMap<>();
            extra.put("refused offers/us", rejected == null ? "-" : formatScore(rejected.getScore()));
            extra.put("empty polls/us", empty == null ? "-" : formatScore(empty.getScore()));
            return transfers == null
                    ? new Row(keyOf(r), Double.NaN, Double.NaN, extra)
                    : new Row(keyOf(r), transfers.getScore(), transfers.getScoreError(), extra);
        }
    }

    /**
     * Threadlet-null: one benchmark method per variant (no parameter); the key is the method name in kebab case
     * ({@code weftThreadlet} is {@code weft-threadlet}).
     */
    static final class ThreadletNull extends Bench {
        ThreadletNull() {
            super("threadlet-null", "a task that does not block, and its result, from a platform thread (ns per"
                            + " call); continuation = a new bare Continuation run to its end; vt-inline-floor = a"
                            + " new virtual thread run inline to its end, without weft",
                    ThreadletNullBench.class, TimeUnit.NANOSECONDS, "method",
                    List.of("weft-threadlet", "direct-call", "continuation", "vt-inline-floor", "jdk-vt-start-join",
                            "executor-submit-get", "cf-supply-join"), "continuation", List.of());
        }

        @Override
        String keyOf(RunResult r) {
            String method = r.getParams().getBenchmark();
            return method.substring(method.lastIndexOf('.') + 1).replaceAll("([a-z])([A-Z])", "$1-$2")
                    .toLowerCase(Locale.ROOT);
        }

        @Override
        void configure(ChainedOptionsBuilder b) {
            // no parameter: the variants are methods
        }
    }

    /**
     * Threadlet-mixed: throughput, in requests per second (higher is better), of 100,000 requests of which 10 %
     * block for 100 µs. One invocation is one batch (up to a second for pool-2), so iterations are 1 s.
     */
    static final class ThreadletMixed extends Bench {
        ThreadletMixed() {
            super("threadlet-mixed", "100,000 requests from one platform thread, 10 % blocking 100 us"
                            + " (requests per second)",
                    ThreadletMixedBench.class, TimeUnit.SECONDS, "variant",
                    List.of(ThreadletMixedBench.WEFT_THREADLET, ThreadletMixedBench.POOL_2,
                            ThreadletMixedBench.POOL_64, ThreadletMixedBench.VT_PER_TASK),
                    ThreadletMixedBench.VT_PER_TASK, List.of());
        }

        @Override
        Profile adjust(Profile p) {
            return p.equals(Profile.QUICK)
                    ? new Profile(p.name(), Mode.Throughput, 1, 2, 1000, 3, 1000)
                    : new Profile(p.name(), Mode.Throughput, p.forks(), p.warmupIterations(), p.warmupMillis(),
                    p.measurementIterations(), p.measurementMillis());
        }

        @Override
        String unitLabel() {
            return "requests/s";
        }

        @Override
        boolean lowerIsBetter() {
            return false;
        }
    }

    /**
     * A FUSE benchmark: fio on every {@link FuseVariant} (baseline native, the kernel's own file system), through
     * {@link FuseBenchmark} instead of JMH. Higher is better; the table's header quotes fio's exact command line,
     * and its extra columns are fio's completion-latency percentiles, or fuse-meta's per-phase rates. There is no
     * error estimate: one fio run per variant.
     */
    static final class Fuse extends Bench {
        final FuseWorkload workload;

        Fuse(FuseWorkload workload) {
            super(workload.benchName(), workload.what(), FuseBenchmark.class, TimeUnit.SECONDS, "variant",
                    FuseVariant.keys(), FuseVariant.NATIVE.key(), List.of());
            this.workload = workload;
        }

        static FuseWorkload.FioTiming timing(Profile p) {
            return p.equals(Profile.QUICK) ? FuseWorkload.FioTiming.QUICK : FuseWorkload.FioTiming.DEFAULT;
        }

        @Override
        Report measure(Profile requested, PrintStream progress) {
            FuseBenchmark.Settings settings = FuseBenchmark.settings(timing(requested), FORK_JVM_ARGS);
            progress.println("# weft bench " + name + " (" + requested.name() + " profile): " + title(requested));
            progress.println("# work directory " + settings.workDir() + " (-D" + FuseBenchmark.DIR_PROPERTY + ")");
            long start = System.nanoTime();
            Map<String, FuseWorkload.Score> scores = FuseBenchmark.run(workload, settings, progress);
            double wall = (System.nanoTime() - start) / 1e9;
            Map<String, Row> rows = new LinkedHashMap<>();
            scores.forEach((key, s) -> rows.put(key, s == null ? null : row(key, s)));
            return new Report(this, rows, requested, wall);
        }

        private static Row row(String key, FuseWorkload.Score s) {
            Map<String, String> extra = new LinkedHashMap<>();
            s.latencyNanos().forEach((k, v) -> extra.put(k, formatTime(v)));
            s.rates().forEach((k, v) -> extra.put(k, formatScore(v)));
            return new Row(key, s.value(), Double.NaN, extra);
        }

        @Override
        String unitLabel() {
            return workload.unit();
        }

        @Override
        boolean lowerIsBetter() {
            return false;
        }

        @Override
        String title(Profile p) {
            return what + "\n  " + workload.commandLine(timing(p)) + "\n  (DIR: the variant's mount point;"
                    + " native: the source directory)";
        }

        @Override
        String describe(Profile p) {
            FuseWorkload.FioTiming t = timing(p);
            return String.format(Locale.ROOT, "%s profile: one fio run per variant, %s", p.name(),
                    workload == FuseWorkload.META ? t.metaFilesPerJob() + " files per job"
                            : t.rampSeconds() + " s ramp + " + t.runtimeSeconds() + " s measured");
        }
    }

    /**
     * uring-randread: 4 KiB random O_DIRECT reads by 64 readers, through {@link UringRandRead} instead of JMH: the
     * Java variants run in this JVM over a fixed window after a warm-up, fio-io_uring is fio (its command line is in
     * the table's header). Higher is better; baseline filechannel-vt. There is no error estimate: one run per
     * variant.
     */
    static final class Uring extends Bench {
        private final UringRandRead.Device device;

        Uring(UringRandRead.Device device) {
            super(device.bench(), device == UringRandRead.Device.RAM ? UringRandRead.WHAT_RAM : UringRandRead.WHAT,
                    UringRandRead.class, TimeUnit.SECONDS, "variant", RandReadVariant.keys(),
                    RandReadVariant.FILECHANNEL_VT.key(), List.of());
            this.device = device;
        }

        static UringRandRead.Timing timing(Profile p) {
            return p.equals(Profile.QUICK) ? UringRandRead.Timing.QUICK : UringRandRead.Timing.DEFAULT;
        }

        @Override
        Report measure(Profile requested, PrintStream progress) {
            UringRandRead.Settings settings = UringRandRead.settings(timing(requested));
            progress.println("# weft bench " + name + " (" + requested.name() + " profile): " + what);
            progress.println(device == UringRandRead.Device.RAM
                    ? "# data file on a RAM device made for the run; fio logs in " + settings.logs()
                    : "# data file " + settings.dataFile() + " (-D" + UringRandRead.DIR_PROPERTY + "=WORK)");
            long start = System.nanoTime();
            Map<String, UringRandRead.Score> scores = UringRandRead.run(device, settings, progress);
            double wall = (System.nanoTime() - start) / 1e9;
            Map<String, Row> rows = new LinkedHashMap<>();
            scores.forEach((key, s) -> rows.put(key, s == null ? null
                    : new Row(key, s.iops(), Double.NaN, Map.of("reads", Long.toString(s.reads())))));
            return new Report(this, rows, requested, wall);
        }

        @Override
        String unitLabel() {
            return "IOPS";
        }

        @Override
        boolean lowerIsBetter() {
            return false;
        }

        @Override
        String title(Profile p) {
            return what + "\n  " + UringRandRead.commandLine(timing(p)) + (device == UringRandRead.Device.RAM
                    ? "\n  (FILE: " + UringRandRead.DATA_FILE + " on the RAM device; root only)"
                    : "\n  (FILE: WORK/" + UringRandRead.DATA_FILE + "; WORK: " + UringRandRead.DEFAULT_WORK_DIR
                    + " or -D" + UringRandRead.DIR_PROPERTY + ")");
        }

        @Override
        String describe(Profile p) {
            UringRandRead.Timing t = timing(p);
            return String.format(Locale.ROOT, "%s profile: one run per variant, %d readers, %d s warm-up + %d s"
                    + " measured", p.name(), UringRandRead.READERS, t.warmupSeconds(), t.measuredSeconds());
        }
    }

    private static final List<Bench> BENCHES = List.of(
            new Bench("pingpong", "park/unpark round trip between two threads (ns per round trip);"
                    + " continuation = one bare Continuation run+yield",
                    PingPongBench.class, TimeUnit.NANOSECONDS, "scheduler", Variant.ALL, Variant.JDK_DEFAULT,
                    List.of("continuation")),
            new Bench("yield-many", "200 threads x 1,000 Thread.yield() (ns per yield)",
                    YieldManyBench.class, TimeUnit.NANOSECONDS, "scheduler", Variant.ALL, Variant.JDK_DEFAULT,
                    List.of()),
            new Bench("chained-spawn", "chain of 1,000 threads, each starting the next (us per chain)",
                    ChainedSpawnBench.class, TimeUnit.MICROSECONDS, "scheduler", Variant.ALL, Variant.JDK_DEFAULT,
                    List.of()),
            new Bench("spawn-many", "10,000 threads started from a platform thread and joined (us per batch)",
                    SpawnManyBench.class, TimeUnit.MICROSECONDS, "scheduler", Variant.ALL, Variant.JDK_DEFAULT,
                    List.of()),
            new Skynet(),
            new IdleWake(List.of(DEFAULT_IDLE_GAP_US)),
            new Ring(),
            new ThreadletNull(),
            new ThreadletMixed(),
            new Fuse(FuseWorkload.RANDREAD),
            new Fuse(FuseWorkload.SEQREAD),
            new Fuse(FuseWorkload.RANDWRITE),
            new Fuse(FuseWorkload.META),
            new Uring(UringRandRead.Device.DISK),
            new Uring(UringRandRead.Device.RAM));

    private BenchRunner() {
    }

    /** The benchmark names, in the order {@code all} runs them. */
    public static List<String> names() {
        return BENCHES.stream().map(b -> b.name).toList();
    }

    /** Runs {@code NAME [--quick] [--json]}; exits with the status of {@link #run} when it is not 0. */
    public static void main(String[] args) {
        int status = run(args, System.out, System.err);
        if (status != EXIT_OK) {
            System.exit(status);
        }
    }

    /** Runs {@code NAME [--quick] [--json]}, reporting on {@code out} and {@code err}; returns the exit status. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Invocation inv;
        try {
            inv = parse(args);
        } catch (UsageException e) {
            err.println("weft bench: " + e.getMessage());
            err.println(usage());
            return EXIT_USAGE;
        }
        if (inv.help()) {
            out.println(usage());
            return EXIT_OK;
        }
        List<Bench> benches;
        try {
            benches = resolve(inv.names());
        } catch (UsageException e) {
            err.println("weft bench: " + e.getMessage());
            return EXIT_USAGE;
        }
        Profile profile = inv.quick() ? Profile.QUICK : Profile.DEFAULT;
        int status = EXIT_OK;
        for (Bench bench : benches) {
            Report report;
            try {
                report = bench.measure(profile, err);
            } catch (RunnerException e) {
                err.println("weft bench: " + bench.name + " failed: " + e.getMessage());
                if (e.getCause() != null) {
                    e.printStackTrace(err);
                }
                report = new Report(bench, emptyRows(bench), bench.adjust(profile), Double.NaN);
            }
            if (!report.complete()) {
                status = EXIT_FAILED;
                err.println("weft bench: " + bench.name + ": no result for "
                        + report.rows().entrySet().stream()
                        .filter(e -> e.getValue() == null || !Double.isFinite(e.getValue().score()))
                        .map(Map.Entry::getKey).toList() + " (see the errors above)");
            }
            if (inv.json()) {
                out.println(jsonLine(bench.name, bench.unitLabel(), bench.lowerIsBetter(), report.scores()));
                err.print(table(report));
            } else {
                out.print(table(report));
            }
            out.flush();
        }
        return status;
    }

    // ---- arguments

    /** Parsed arguments: benchmark names (one, or "all"), and the flags. */
    record Invocation(List<String> names, boolean quick, boolean json, boolean help) {
    }

    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    static String usage() {
        return "usage: weft bench NAME [--quick] [--json]\n"
                + "  NAME     " + String.join(", ", names()) + ", or all\n"
                + "  --quick  short profile (each benchmark under a minute)\n"
                + "  --json   one JSON line per benchmark on stdout";
    }

    static Invocation parse(String[] args) throws UsageException {
        boolean quick = false, json = false, help = false;
        String name = null;
        for (String a : args) {
            switch (a) {
                case "--quick" -> quick = true;
                case "--json" -> json = true;
                case "-h", "--help" -> help = true;
                default -> {
                    if (a.startsWith("-")) {
                        throw new UsageException("unknown option '" + a + "'");
                    }
                    if (name != null) {
                        throw new UsageException("one benchmark name expected, got '" + name + "' and '" + a + "'");
                    }
                    name = a;
                }
            }
        }
        if (name == null && !help) {
            throw new UsageException("no benchmark name given");
        }
        List<String> names = name == null ? List.of() : name.equals("all") ? names() : List.of(name);
        return new Invocation(names, quick, json, help);
    }

    static List<Bench> resolve(List<String> names) throws UsageException {
        List<Bench> out = new ArrayList<>();
        for (String n : names) {
            Bench b = BENCHES.stream().filter(x -> x.name.equals(n)).findFirst()
                    .orElseThrow(() -> new UsageException("unknown benchmark '" + n + "'; valid names: "
                            + String.join(", ", names()) + ", all"));
            out.add(b.name.equals("idle-wake") ? new IdleWake(idleGaps()) : b);
        }
        return out;
    }

    private static List<String> idleGaps() throws UsageException {
        String prop = System.getProperty(IDLE_GAPS_PROPERTY, DEFAULT_IDLE_GAP_US);
        List<String> gaps = Arrays.stream(prop.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
        for (String g : gaps) {
            if (!g.matches("\\d{1,7}")) {
                throw new UsageException(IDLE_GAPS_PROPERTY + ": '" + g + "' is not a number of microseconds");
            }
        }
        if (gaps.isEmpty()) {
            throw new UsageException(IDLE_GAPS_PROPERTY + " is empty");
        }
        return gaps;
    }

    // ---- running

    private static Report runOne(Bench bench, Profile requested, PrintStream progress) throws RunnerException {
        Profile p = bench.adjust(requested);
        ChainedOptionsBuilder b = new OptionsBuilder()
                .include("^" + Pattern.quote(bench.type.getName()) + "\\.")
                .forks(p.forks())
                .warmupIterations(p.warmupIterations())
                .warmupTime(TimeValue.milliseconds(p.warmupMillis()))
                .measurementIterations(p.measurementIterations())
                .measurementTime(TimeValue.milliseconds(p.measurementMillis()))
                .mode(p.mode())
                .timeUnit(bench.unit)
                .jvmArgsAppend(FORK_JVM_ARGS.toArray(String[]::new))
                .shouldFailOnError(false)
                .verbosity(VerboseMode.NORMAL);
        bench.configure(b);
        progress.println("# weft bench " + bench.name + " (" + p.name() + " profile): " + bench.what);

        // JMH writes its progress through this format; anything else printed to System.out meanwhile (by JMH or
        // a fork) goes to stderr too, so stdout carries nothing but the report
        PrintStream stdout = System.out;
        long start = System.nanoTime();
        Collection<RunResult> results;
        System.setOut(progress);
        try {
            results = new Runner(b.build(), OutputFormatFactory.createFormatInstance(progress, VerboseMode.NORMAL))
                    .run();
        } finally {
            System.setOut(stdout);
        }
        double wall = (System.nanoTime() - start) / 1e9;
        progress.printf(Locale.ROOT, "# weft bench %s: %.1f s wall%n", bench.name, wall);

        Map<String, Row> rows = emptyRows(bench);
        for (RunResult r : results) {
            Row row = bench.row(r);
            if (rows.containsKey(row.key())) {
                rows.put(row.key(), row);
            }
        }
        return new Report(bench, rows, p, wall);
    }

    private static Map<String, Row> emptyRows(Bench bench) {
        Map<String, Row> rows = new LinkedHashMap<>();
        for (String k : bench.keys()) {
            rows.put(k, null);
        }
        return rows;
    }

    // ---- output

    static String unitLabel(TimeUnit unit) {
        return switch (unit) {
            case NANOSECONDS -> "ns";
            case MICROSECONDS -> "us";
            case MILLISECONDS -> "ms";
            case SECONDS -> "s";
            default -> unit.name().toLowerCase(Locale.ROOT);
        };
    }

    /**
     * One JSON object on one line: {@code {"bench":..,"unit":..,"lower_is_better":..,"results":{key:number,..}}};
     * a null or non-finite score is written as {@code null}.
     */
    static String jsonLine(String bench, String unit, boolean lowerIsBetter, Map<String, Double> results) {
        StringBuilder sb = new StringBuilder();
        sb.append("{\"bench\":").append(jsonString(bench))
                .append(",\"unit\":").append(jsonString(unit))
                .append(",\"lower_is_better\":").append(lowerIsBetter)
                .append(",\"results\":{");
        boolean first = true;
        for (Map.Entry<String, Double> e : results.entrySet()) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            sb.append(jsonString(e.getKey())).append(':').append(jsonNumber(e.getValue()));
        }
        return sb.append("}}").toString();
    }

    static String jsonString(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    /** A plain JSON number rounded to what a benchmark can tell apart, or {@code null} if there is none. */
    static String jsonNumber(Double v) {
        if (v == null || v.isNaN() || v.isInfinite()) {
            return "null";
        }
        return round(v).toPlainString();
    }

    /**
     * Rounds a score: whole numbers from 1000 up, else 4 significant digits, at most 1 decimal from 100 up
     * (12345.6 -> 12346, 123.456 -> 123.5, 12.3456 -> 12.35, 0.012345 -> 0.01235). No exponent, no trailing zeros.
     */
    static BigDecimal round(double v) {
        BigDecimal d = new BigDecimal(v);
        double a = Math.abs(v);
        if (a >= 1000) {
            d = d.setScale(0, RoundingMode.HALF_EVEN);
        } else if (a >= 100) {
            d = d.setScale(1, RoundingMode.HALF_EVEN);
        } else if (a > 0) {
            d = d.round(new MathContext(4, RoundingMode.HALF_EVEN));
        } else {
            return BigDecimal.ZERO;
        }
        d = d.stripTrailingZeros();
        return d.scale() < 0 ? d.setScale(0) : d;
    }

    /** A number for the table: like the JSON, with a '-' when there is none. */
    static String formatScore(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "-" : round(v).toPlainString();
    }

    /** A duration in ns for the extra columns, in a readable unit. */
    static String formatTime(double nanos) {
        if (Double.isNaN(nanos)) {
            return "-";
        }
        double a = Math.abs(nanos);
        if (a >= 1e6) {
            return round(nanos / 1e6).toPlainString() + " ms";
        }
        if (a >= 1e3) {
            return round(nanos / 1e3).toPlainString() + " us";
        }
        return round(nanos).toPlainString() + " ns";
    }

    /** The human-readable report of one benchmark. */
    static String table(Report report) {
        Bench bench = report.bench();
        List<String> extraCols = new ArrayList<>();
        for (Row r : report.rows().values()) {
            if (r != null) {
                for (String c : r.extra().keySet()) {
                    if (!extraCols.contains(c)) {
                        extraCols.add(c);
                    }
                }
            }
        }
        List<String[]> lines = new ArrayList<>();
        List<String> header = new ArrayList<>(List.of("variant", "score", "error", "unit", "vs " + bench.baseline));
        header.addAll(extraCols);
        lines.add(header.toArray(String[]::new));
        for (Map.Entry<String, Row> e : report.rows().entrySet()) {
            Row r = e.getValue();
            Row base = report.rows().get(bench.baselineOf(e.getKey()));
            List<String> cells = new ArrayList<>();
            cells.add(e.getKey());
            if (r == null) {
                cells.addAll(List.of("failed", "", "", ""));
                extraCols.forEach(c -> cells.add(""));
            } else {
                cells.add(formatScore(r.score()));
                cells.add(Double.isNaN(r.error()) ? "-" : "± " + formatScore(r.error()));
                cells.add(bench.unitLabel());
                cells.add(base == null || !(base.score() > 0) ? "-"
                        : String.format(Locale.ROOT, "%.2fx", r.score() / base.score()));
                extraCols.forEach(c -> cells.add(r.extra().getOrDefault(c, "")));
            }
            lines.add(cells.toArray(String[]::new));
        }
        int cols = lines.getFirst().length;
        int[] width = new int[cols];
        for (String[] l : lines) {
            for (int i = 0; i < cols; i++) {
                width[i] = Math.max(width[i], l[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        // the title's first line says which way is better; further lines (a FUSE benchmark's fio command) follow
        String title = bench.title(report.profile());
        int firstLineEnd = title.indexOf('\n') < 0 ? title.length() : title.indexOf('\n');
        sb.append(bench.name).append(": ").append(title, 0, firstLineEnd)
                .append(bench.lowerIsBetter() ? ", lower is better" : ", higher is better")
                .append(title, firstLineEnd, title.length()).append('\n');
        for (String[] l : lines) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < cols; i++) {
                String cell = l[i];
                boolean left = i == 0 || i == 3;
                line.append(left ? String.format("%-" + width[i] + "s", cell) : String.format("%" + width[i] + "s", cell));
                line.append(i < cols - 1 ? "  " : "");
            }
            sb.append(line.toString().stripTrailing()).append('\n');
        }
        sb.append(String.format(Locale.ROOT, "(%s; wall time %.1f s)%n", bench.describe(report.profile()),
                report.wallSeconds()));
        return sb.toString();
    }

    /** For tests: the report of a finished run, from scores alone. */
    static Report report(String bench, Map<String, Row> rows, Profile profile, double wall) {
        Bench b = BENCHES.stream().filter(x -> x.name.equals(bench)).findFirst().orElseThrow();
        return new Report(b, rows, profile, wall);
    }
}
