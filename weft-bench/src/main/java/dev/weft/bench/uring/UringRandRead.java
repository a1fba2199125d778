package dev.weft.bench.uring;

import com.sun.nio.file.ExtendedOpenOption;
import dev.weft.bench.fuse.FioException;
import dev.weft.bench.fuse.FioReport;
import dev.weft.sched.ConcurrencyGroup;
import dev.weft.uring.IoUringAvailability;
import dev.weft.uring.UringFile;
import dev.weft.uring.UringOptions;
import dev.weft.uring.UringServerPoller;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * uring-randread: 4 KiB random reads with {@code O_DIRECT} of one 1 GiB file, {@value #READERS} at a time, in IOPS
 * (higher is better), for each {@link RandReadVariant} in turn.
 *
 * <h2>The Java variants</h2>
 * Run in this JVM, one after the other, on one descriptor of the file shared by their {@value #READERS} readers;
 * each reader has its own block-aligned buffer and loops: a random block ({@link AlignedBlocks}), one read, wait,
 * count ({@link TimedReaders}). The score is the reads completed in the measured window that follows the warm-up,
 * over the window. weft-uring's readers are workers of a {@code UringServerPoller.groupBuilder()} group (one server
 * per CPU, each with its own ring): a read parks the worker while its server goes on. filechannel-vt's are virtual
 * threads of the JDK's scheduler, whose carriers block in {@code pread} (the JDK lends more carriers meanwhile);
 * filechannel-platform's are platform threads.
 *
 * <h2>fio</h2>
 * fio-io_uring is fio's io_uring engine keeping {@value #READERS} reads in flight from one thread, on the same file
 * with the same warm-up ({@code --ramp_time}) and window ({@code --runtime}):
 * <pre>
 * fio --name=r --filename=FILE --rw=randread --bs=4k --direct=1 --ioengine=io_uring --iodepth=64 --numjobs=1
 *     --time_based --runtime=T --ramp_time=R --output-format=json
 * </pre>
 * Its report (stdout) goes to {@code WORK/logs/uring-randread-fio-io_uring.fio.json}, its messages (stderr) to
 * {@code .fio.log} beside it; the score is the job's read IOPS.
 *
 * <h2>Work directory</h2>
 * {@code WORK} ({@value #DEFAULT_WORK_DIR}, or {@code -Dweft.bench.uring-dir=DIR}; shared with the FUSE benchmarks)
 * must be on a disk file system ({@link DataFile}). The data file is {@code WORK/uring/randread.dat}, written on
 * first use (a few seconds) and reused while it is 1 GiB.
 *
 * <p>A variant that cannot run (io_uring unavailable, fio missing, a read that fails) has no score, with the reason
 * on the progress stream; the others still run.
 */
public final class UringRandRead {

    /** The benchmark's name. */
    public static final String BENCH = "uring-randread";
    /** What the table's header says. */
    public static final String WHAT = "4 KiB random reads, O_DIRECT, 64 concurrent readers, 1 GiB file (IOPS)";
    /** System properties: the work directory; the fio program (the FUSE benchmarks' property). */
    public static final String DIR_PROPERTY = "weft.bench.uring-dir", FIO_PROPERTY = "weft.bench.fio";
    public static final String DEFAULT_WORK_DIR = "/var/tmp/weft-bench";
    /** The data file, in the work directory. */
    public static final String DATA_FILE = "uring/randread.dat";
    public static final long FILE_BYTES = 1L << 30;
    /** Concurrent readers (fio: its queue depth). */
    public static final int READERS = 64;
    /** fio's time limit beyond its own ramp and run times. */
    static final Duration FIO_SLACK = Duration.ofMinutes(2);

    /**
     * Warm-up and measured window, in seconds, of a profile. The warm-up covers the JIT: perf showed C2 compiler
     * threads taking a sixth of the CPU three to seven seconds into the first Java variant, and none after.
     */
    public record Timing(int warmupSeconds, int measuredSeconds) {
        public static final Timing QUICK = new Timing(3, 5);
        public static final Timing DEFAULT = new Timing(5, 20);

        public Timing {
            if (warmupSeconds < 0 || measuredSeconds < 1) {
                throw new IllegalArgumentException("warm-up must be >= 0 s and the window >= 1 s, got "
                        + warmupSeconds + " s and " + measuredSeconds + " s");
            }
        }
    }

    /** Where the data file lives. */
    public enum Device {
        /** In the work directory, on its disk. */
        DISK(BENCH),
        /** On a RAM-backed block device the benchmark makes ({@link RamBlockDevice}; root only). */
        RAM(BENCH + "-ram");

        private final String bench;

        Device(String bench) {
            this.bench = bench;
        }

        /** The benchmark's name on this device. */
        public String bench() {
            return bench;
        }
    }

    /** What the table's header says on the RAM device. */
    public static final String WHAT_RAM = "4 KiB random reads, O_DIRECT, 64 concurrent readers, 1 GiB file on ext4 on"
            + " a loop device in RAM (IOPS)";
    /** The RAM device's size: the data file and ext4's own blocks. */
    static final long RAM_DEVICE_BYTES = FILE_BYTES + (256L << 20);

    /** Where and how a run happens: the data file in {@code dataDir}, fio's logs in {@code workDir}. */
    public record Settings(Path workDir, Path dataDir, String fio, Timing timing) {
        public Path dataFile() {
            return dataDir.resolve(DATA_FILE);
        }

        public Path logs() {
            return workDir.resolve("logs");
        }
    }

    /** A variant's result: reads per second, and the reads counted. */
    public record Score(double iops, long reads) {
    }

    private UringRandRead() {
    }

    /** The settings from the system properties. */
    public static Settings settings(Timing timing) {
        Path work = Path.of(System.getProperty(DIR_PROPERTY, DEFAULT_WORK_DIR)).toAbsolutePath().normalize();
        return new Settings(work, work, System.getProperty(FIO_PROPERTY, "fio"), timing);
    }

    /** fio's arguments after the program name, for the data file {@code file}. */
    public static List<String> fioArguments(String file, Timing t) {
        return List.of("--name=r", "--filename=" + file, "--rw=randread", "--bs=4k", "--direct=1",
                "--ioengine=io_uring", "--iodepth=" + READERS, "--numjobs=1", "--time_based",
                "--runtime=" + t.measuredSeconds(), "--ramp_time=" + t.warmupSeconds(), "--output-format=json");
    }

    /** fio's command line as the table's header shows it, with FILE for the data file. */
    public static String commandLine(Timing t) {
        return "fio " + String.join(" ", fioArguments("FILE", t));
    }

    /**
     * The score of each variant on {@code device} (null when it could not run; why is on {@code progress}), in
     * report order. On {@link Device#RAM} the data file goes on a RAM device made for the run and removed after.
     */
    public static Map<String, Score> run(Device device, Settings s, PrintStream progress) {
        if (device == Device.DISK) {
            return run(s, progress);
        }
        try (RamBlockDevice ram = RamBlockDevice.create(RAM_DEVICE_BYTES, progress)) {
            return run(new Settings(s.workDir(), ram.mountPoint(), s.fio(), s.timing()), progress);
        } catch (IOException e) {
            progress.println("weft bench: " + Device.RAM.bench() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            progress.println("weft bench: " + Device.RAM.bench() + " interrupted");
        }
        Map<String, Score> none = new LinkedHashMap<>();
        RandReadVariant.keys().forEach(k -> none.put(k, null));
        return none;
    }

    /** The score of each variant (null when it could not run; why is on {@code progress}), in report order. */
    public static Map<String, Score> run(Settings s, PrintStream progress) {
        Map<String, Score> scores = new LinkedHashMap<>();
        for (RandReadVariant v : RandReadVariant.values()) {
            scores.put(v.key(), null);
        }
        Path file = s.dataFile();
        try {
            long start = System.nanoTime();
            if (DataFile.prepare(file, FILE_BYTES, DIR_PROPERTY)) {
                progress.printf(Locale.ROOT, "# %s: wrote %s (1 GiB) in %.1f s%n", BENCH, file,
                        (System.nanoTime() - start) / 1e9);
            }
            progress.printf(Locale.ROOT, "# %s: read %s once, untimed, in %.1f s (the first variant is not to find"
                    + " the device's cache cold)%n", BENCH, file, DataFile.warm(file));
        } catch (IOException e) {
            progress.println("weft bench: " + BENCH + ": " + e.getMessage());
            return scores;
        }
        AlignedBlocks blocks = new AlignedBlocks(FILE_BYTES, AlignedBlocks.BLOCK_BYTES);
        for (RandReadVariant v : RandReadVariant.values()) {
            try {
                progress.println("# " + BENCH + " " + v.key() + ": " + v.what());
                Score score = switch (v) {
                    case WEFT_URING -> weftUring(file, blocks, s.timing(), progress, false);
                    case WEFT_URING_FIXED -> weftUring(file, blocks, s.timing(), progress, true);
                    case FILECHANNEL_VT -> fileChannel(file, blocks, s.timing(), Thread.ofVirtual().name("randread-vt-", 0));
                    case FILECHANNEL_PLATFORM -> fileChannel(file, blocks, s.timing(),
                            Thread.ofPlatform().daemon(true).name("randread-platform-", 0));
                    case FIO_IO_URING -> fio(file, s, progress);
                };
                scores.put(v.key(), score);
                progress.printf(Locale.ROOT, "# %s %s: %.0f IOPS (%d reads)%n", BENCH, v.key(), score.iops(),
                        score.reads());
            } catch (IOException | FioException | UnsupportedOperationException e) {
                progress.println("weft bench: " + BENCH + " " + v.key() + " failed: " + e.getMessage());
            } catch (RuntimeException e) {
                progress.println("weft bench: " + BENCH + " " + v.key() + " failed: " + e);
                e.printStackTrace(progress);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                progress.println("weft bench: " + BENCH + " interrupted");
                break;
            }
        }
        return scores;
    }

    private static Score weftUring(Path file, AlignedBlocks blocks, Timing t, PrintStream progress, boolean fixed)
            throws IOException, InterruptedException {
        IoUringAvailability.ensureAvailable(); // else UringFile would quietly fall back to FileChannel
        try (Arena buffers = Arena.ofShared()) {
            // fixed: one registered segment the readers' buffers are slices of; else each reader allocates its own
            MemorySegment registered = buffers.allocate((long) READERS * blocks.blockBytes(), blocks.blockBytes());
            UringOptions options = fixed ? UringOptions.DEFAULTS.withRegisteredBuffers(registered)
                    : UringOptions.DEFAULTS;
            AtomicInteger nextSlice = new AtomicInteger();
            try (ConcurrencyGroup group = UringServerPoller.groupBuilder(options).name(BENCH).build();
                 UringFile f = fixed
                         ? UringFile.open(file, UringFile.Mode.READ, UringFile.Option.DIRECT, UringFile.Option.REGISTERED)
                         : UringFile.open(file, UringFile.Mode.READ, UringFile.Option.DIRECT)) {
                progress.println("# " + BENCH + (fixed ? " weft-uring-fixed: " : " weft-uring: ") + group.serverCount()
                        + " servers, a ring of " + options.ringEntries() + " entries each");
                return score(TimedReaders.run(READERS, group.threadBuilder().name("randread-weft-", 0), () -> {
                    Arena arena = Arena.ofConfined();
                    MemorySegment buffer = fixed
                            ? registered.asSlice((long) nextSlice.getAndIncrement() * blocks.blockBytes(),
                            blocks.blockBytes())
                            : blocks.newSegment(arena);
                    return new TimedReaders.BlockReader() {
                        @Override
                        public void read(long position) throws IOException {
                            requireWholeBlock(f.read(position, buffer), position, blocks);
                        }

                        @Override
                        public void close() {
                            arena.close();
                        }
                    };
                }, blocks, Duration.ofSeconds(t.warmupSeconds()), Duration.ofSeconds(t.measuredSeconds())));
            }
        }
    }

    private static Score fileChannel(Path file, AlignedBlocks blocks, Timing t, Thread.Builder threads)
            throws IOException, InterruptedException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, ExtendedOpenOption.DIRECT)) {
            return score(TimedReaders.run(READERS, threads, () -> {
                ByteBuffer buffer = blocks.newDirectBuffer();
                return new TimedReaders.BlockReader() {
                    @Override
                    public void read(long position) throws IOException {
                        buffer.clear();
                        requireWholeBlock(ch.read(buffer, position), position, blocks);
                    }

                    @Override
                    public void close() {
                    }
                };
            }, blocks, Duration.ofSeconds(t.warmupSeconds()), Duration.ofSeconds(t.measuredSeconds())));
        }
    }

    private static void requireWholeBlock(int n, long position, AlignedBlocks blocks) throws IOException {
        if (n != blocks.blockBytes()) {
            throw new IOException("read of " + blocks.blockBytes() + " bytes at " + position + " returned " + n
                    + ": the data file changed size while the benchmark ran");
        }
    }

    private static Score score(TimedReaders.Window w) {
        return new Score(w.perSecond(), w.reads());
    }

    private static Score fio(Path file, Settings s, PrintStream progress)
            throws IOException, FioException, InterruptedException {
        Files.createDirectories(s.logs());
        Path json = s.logs().resolve(BENCH + "-fio-io_uring.fio.json");
        Path log = s.logs().resolve(BENCH + "-fio-io_uring.fio.log");
        List<String> command = new ArrayList<>();
        command.add(s.fio());
        command.addAll(fioArguments(file.toString(), s.timing()));
        progress.println("# " + BENCH + " fio-io_uring: " + String.join(" ", command));
        Files.deleteIfExists(json);
        Process p;
        try {
            p = new ProcessBuilder(command).redirectOutput(json.toFile()).redirectError(log.toFile()).start();
        } catch (IOException e) {
            throw new FioException("cannot start fio ('" + s.fio() + "': " + e.getMessage() + "): apt-get install"
                    + " fio, or set -D" + FIO_PROPERTY + "=PATH");
        }
        Duration limit = Duration.ofSeconds(s.timing().warmupSeconds() + s.timing().measuredSeconds())
                .plus(FIO_SLACK);
        try {
            if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new FioException("fio did not finish within " + limit.toSeconds() + " s; its messages: " + log);
            }
        } finally {
            if (p.isAlive()) {
                p.destroyForcibly();
                p.waitFor();
            }
        }
        if (p.exitValue() != 0) {
            throw new FioException("fio exited with status " + p.exitValue() + "; its messages (" + log + "): "
                    + Files.readString(log, StandardCharsets.UTF_8).strip());
        }
        FioReport report = FioReport.parse(Files.readString(json, StandardCharsets.UTF_8));
        report.requireNoErrors();
        FioReport.Direction read = report.job("r").read();
        return new Score(read.iops(), read.ios());
    }
}
