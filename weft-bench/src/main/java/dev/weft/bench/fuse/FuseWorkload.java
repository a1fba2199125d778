package dev.weft.bench.fuse;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The four fio workloads of the FUSE benchmarks, each run unchanged in every variant's directory ({@code DIR}: the
 * source directory for native, the mount point otherwise), on the same files. The exact fio command lines, as
 * {@link #commandLine} prints them into the table's header ({@code T} = {@link FioTiming#runtimeSeconds},
 * {@code R} = {@link FioTiming#rampSeconds}, {@code N} = {@link FioTiming#metaFilesPerJob}; the default profile
 * has T=20, R=2, N=5000, the quick one T=5, R=1, N=2000; N stays well under a 20,000 open-file limit, as the
 * weft passthrough holds a descriptor per inode the kernel remembers, like libfuse's passthrough_hp):
 *
 * <pre>
 * fuse-randread   fio --output-format=json --name=randread --filename=DIR/read.dat --size=256m --rw=randread --bs=4k
 *                     --ioengine=psync --direct=1 --numjobs=2 --group_reporting --time_based --runtime=T --ramp_time=R
 * fuse-seqread    fio --output-format=json --name=seqread --filename=DIR/read.dat --size=256m --rw=read --bs=1m
 *                     --ioengine=psync --direct=1 --numjobs=1 --time_based --runtime=T --ramp_time=R
 * fuse-randwrite  fio --output-format=json --name=randwrite --filename=DIR/write.dat --size=256m --rw=randwrite --bs=4k
 *                     --ioengine=psync --direct=1 --numjobs=2 --group_reporting --time_based --runtime=T --ramp_time=R
 *                     --fallocate=none
 * fuse-meta       fio --output-format=json --directory=DIR/meta --numjobs=2 --group_reporting --nrfiles=N
 *                     --filesize=4k --bs=4k --openfiles=1 --fallocate=none --create_fsync=0
 *                     --name=create --ioengine=filecreate --rw=write
 *                     --name=stat --stonewall --ioengine=filestat --rw=read
 *                     --filename_format=create.$jobnum.$filenum
 *                     --name=unlink --stonewall --ioengine=filedelete --rw=read
 *                     --filename_format=create.$jobnum.$filenum
 * </pre>
 *
 * plus {@code --output=FILE} for the report. The data files (256 MiB each, random bytes) exist before the first
 * variant runs, so fio never lays them out itself.
 *
 * <h2>fuse-meta</h2>
 * fio's {@code filecreate}, {@code filestat} and {@code filedelete} engines (fio 3.23 or later), one stonewalled
 * phase each, on the same files: {@code create} times {@code open(O_CREAT)} + {@code close} of N empty files per
 * job; {@code stat} first lays the files out to 4 KiB (untimed: fio's setup of a read job writes files shorter than
 * {@code filesize}; {@code --create_fsync=0} spares an fsync per file there), then times one {@code stat()} per
 * file; {@code unlink} times one {@code unlink()} per file. The
 * score is all timed operations over the three phases' run times (fio's per-phase {@code runtime}, in ms, of the
 * slower of the two jobs); the table also shows each phase's own rate.
 */
public enum FuseWorkload {
    RANDREAD("fuse-randread", "4 KiB random reads, psync, 2 jobs, O_DIRECT (IOPS)", "IOPS"),
    SEQREAD("fuse-seqread", "1 MiB sequential reads, psync, 1 job, O_DIRECT (MiB/s)", "MiB/s"),
    RANDWRITE("fuse-randwrite", "4 KiB random writes, psync, 2 jobs, O_DIRECT (IOPS)", "IOPS"),
    META("fuse-meta", "create + stat + unlink of small files, 2 jobs (operations per second)", "ops/s");

    /** The file the read workloads read and the one randwrite overwrites, in the source directory. */
    public static final String READ_FILE = "read.dat", WRITE_FILE = "write.dat";
    /** The directory fuse-meta works in, in the source directory. */
    public static final String META_DIR = "meta";
    /** Size of each data file. */
    public static final long DATA_FILE_BYTES = 256L << 20;

    /** The phases (fio jobs) of fuse-meta, in order. */
    static final List<String> META_PHASES = List.of("create", "stat", "unlink");

    private final String benchName;
    private final String what;
    private final String unit;

    FuseWorkload(String benchName, String what, String unit) {
        this.benchName = benchName;
        this.what = what;
        this.unit = unit;
    }

    /** The benchmark's name for {@code bin/weft bench}. */
    public String benchName() {
        return benchName;
    }

    public String what() {
        return what;
    }

    /** The unit of the score (higher is better for all four). */
    public String unit() {
        return unit;
    }

    /** How long fio runs: time-based workloads for T s after R s of ramp; fuse-meta on N files per job. */
    public record FioTiming(int runtimeSeconds, int rampSeconds, int metaFilesPerJob) {
        public static final FioTiming DEFAULT = new FioTiming(20, 2, 5_000);
        public static final FioTiming QUICK = new FioTiming(5, 1, 2_000);
    }

    /** The score of one run, with latency percentiles (ns) and per-phase rates for the table; maps may be empty. */
    public record Score(double value, Map<String, Double> latencyNanos, Map<String, Double> rates) {
    }

    /** fio's arguments (without the program and without {@code --output}) for a run in {@code dir}. */
    public List<String> fioArguments(String dir, FioTiming t) {
        List<String> a = new ArrayList<>(List.of("--output-format=json"));
        List<String> timed = List.of("--time_based", "--runtime=" + t.runtimeSeconds(),
                "--ramp_time=" + t.rampSeconds());
        switch (this) {
            case RANDREAD -> {
                a.addAll(List.of("--name=randread", "--filename=" + dir + "/" + READ_FILE, "--size=256m",
                        "--rw=randread", "--bs=4k", "--ioengine=psync", "--direct=1", "--numjobs=2",
                        "--group_reporting"));
                a.addAll(timed);
            }
            case SEQREAD -> {
                a.addAll(List.of("--name=seqread", "--filename=" + dir + "/" + READ_FILE, "--size=256m",
                        "--rw=read", "--bs=1m", "--ioengine=psync", "--direct=1", "--numjobs=1"));
                a.addAll(timed);
            }
            case RANDWRITE -> {
                a.addAll(List.of("--name=randwrite", "--filename=" + dir + "/" + WRITE_FILE, "--size=256m",
                        "--rw=randwrite", "--bs=4k", "--ioengine=psync", "--direct=1", "--numjobs=2",
                        "--group_reporting"));
                a.addAll(timed);
                a.add("--fallocate=none");
            }
            case META -> {
                String files = "--filename_format=create.$jobnum.$filenum";
                a.addAll(List.of("--directory=" + dir + "/" + META_DIR, "--numjobs=2", "--group_reporting",
                        "--nrfiles=" + t.metaFilesPerJob(), "--filesize=4k", "--bs=4k", "--openfiles=1",
                        "--fallocate=none", "--create_fsync=0",
                        "--name=create", "--ioengine=filecreate", "--rw=write",
                        "--name=stat", "--stonewall", "--ioengine=filestat", "--rw=read", files,
                        "--name=unlink", "--stonewall", "--ioengine=filedelete", "--rw=read", files));
            }
        }
        return a;
    }

    /** The command line as the table's header quotes it, with {@code DIR} for the variant's directory. */
    public String commandLine(FioTiming t) {
        return "fio " + String.join(" ", fioArguments("DIR", t));
    }

    /** The score of a finished run, from fio's report. */
    public Score score(FioReport report) throws FioException {
        report.requireNoErrors();
        Map<String, Double> latency = new LinkedHashMap<>();
        Map<String, Double> rates = new LinkedHashMap<>();
        double value;
        switch (this) {
            case RANDREAD, SEQREAD -> {
                FioReport.Direction read = report.job(this == RANDREAD ? "randread" : "seqread").read();
                requireIos(read, this == RANDREAD ? "randread" : "seqread");
                value = this == RANDREAD ? read.iops() : read.bytesPerSecond() / (1 << 20);
                latency.put("p50", read.clatP50Nanos());
                latency.put("p99", read.clatP99Nanos());
            }
            case RANDWRITE -> {
                FioReport.Direction write = report.job("randwrite").write();
                requireIos(write, "randwrite");
                value = write.iops();
                latency.put("p50", write.clatP50Nanos());
                latency.put("p99", write.clatP99Nanos());
            }
            case META -> {
                long ios = 0, millis = 0;
                for (String phase : META_PHASES) {
                    FioReport.Job j = report.job(phase);
                    if (j.ios() == 0 || j.runtimeMillis() == 0) {
                        throw new FioException("fio job '" + phase + "' did no timed operation (" + j.ios()
                                + " I/Os in " + j.runtimeMillis() + " ms)");
                    }
                    ios += j.ios();
                    millis += j.runtimeMillis();
                    rates.put(phase + "/s", j.ios() * 1000.0 / j.runtimeMillis());
                }
                value = ios * 1000.0 / millis;
            }
            default -> throw new AssertionError(this);
        }
        latency.values().removeIf(v -> v.isNaN());
        return new Score(value, latency, rates);
    }

    private static void requireIos(FioReport.Direction d, String job) throws FioException {
        if (d.ios() == 0) {
            throw new FioException("fio job '" + job + "' did no I/O in its measured time");
        }
    }
}
