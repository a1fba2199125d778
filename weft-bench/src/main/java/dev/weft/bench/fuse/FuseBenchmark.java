package dev.weft.bench.fuse;

import dev.weft.bench.fuse.FuseWorkload.FioTiming;
import dev.weft.bench.fuse.FuseWorkload.Score;

import dev.weft.fuse.server.FuseUring;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs one FUSE workload on every {@link FuseVariant} in turn, on the same files.
 *
 * <h2>Work directory</h2>
 * {@code WORK} ({@value #DEFAULT_WORK_DIR}, or {@code -Dweft.bench.fuse-dir=DIR}) must be on a disk file system:
 * tmpfs has no {@code O_DIRECT}. It holds
 * <pre>
 * WORK/source/read.dat, write.dat   256 MiB of random bytes each, written once and kept between runs
 * WORK/source/meta/                 fuse-meta's files (emptied before each variant)
 * WORK/mnt/                         the mount point of every FUSE variant, one at a time
 * WORK/logs/BENCH-VARIANT.server.log, .fio.log, .fio.json   each run's output
 * </pre>
 *
 * <h2>One variant</h2>
 * Start its server ({@link MountedServer}: mounted within {@value #MOUNT_TIMEOUT_SECONDS} s or failed), run fio in
 * its directory, stop the server (SIGTERM; {@code umount -l} if it leaves its mount), read the score from fio's
 * report. Any failure gives the variant no score, with the reason on the progress stream; the others still run.
 * If the benchmark's JVM is stopped (SIGTERM, Ctrl-C), a shutdown hook sends SIGTERM to fio and the server and
 * detaches a mount left behind, and no further variant starts.
 */
public final class FuseBenchmark {

    /** System properties: the work directory, the fio program, the bindfs program. */
    public static final String DIR_PROPERTY = "weft.bench.fuse-dir", FIO_PROPERTY = "weft.bench.fio",
            BINDFS_PROPERTY = "weft.bench.bindfs";
    public static final String DEFAULT_WORK_DIR = "/var/tmp/weft-bench";
    static final int MOUNT_TIMEOUT_SECONDS = 30;
    /** fio's time limit beyond its own run and ramp times (fuse-meta is not time-based). */
    static final Duration FIO_SLACK = Duration.ofMinutes(10);

    /** Where and how a run happens. */
    public record Settings(Path workDir, String fio, FioTiming timing, FuseVariant.Launch launch) {
        Path source() {
            return workDir.resolve("source");
        }

        Path mountPoint() {
            return workDir.resolve("mnt");
        }

        Path logs() {
            return workDir.resolve("logs");
        }
    }

    private FuseBenchmark() {
    }

    /** The settings from the system properties, with {@code jvmArgs} for the Java servers. */
    public static Settings settings(FioTiming timing, List<String> jvmArgs) {
        Path workDir = Path.of(System.getProperty(DIR_PROPERTY, DEFAULT_WORK_DIR)).toAbsolutePath().normalize();
        return new Settings(workDir, System.getProperty(FIO_PROPERTY, "fio"), timing,
                FuseVariant.Launch.ofThisJvm(jvmArgs, System.getProperty(BINDFS_PROPERTY, "bindfs"),
                        workDir.resolve("bin").resolve("libfuse3-passthrough")));
    }

    /** The score of each variant (null when it failed; why is on {@code progress}), keyed and ordered as reported. */
    public static Map<String, Score> run(FuseWorkload w, Settings s, PrintStream progress) {
        Map<String, Score> scores = new LinkedHashMap<>();
        for (FuseVariant v : FuseVariant.values()) {
            scores.put(v.key(), null);
        }
        String setupProblem = prepare(s);
        if (setupProblem != null) {
            progress.println("weft bench: " + w.benchName() + ": " + setupProblem);
            return scores;
        }
        AtomicBoolean stopping = new AtomicBoolean();
        Thread hook = new Thread(() -> {
            stopping.set(true);
            stopAll(s.mountPoint(), progress);
        }, "weft-bench-fuse-cleanup");
        try {
            Runtime.getRuntime().addShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            return scores;
        }
        try {
            for (FuseVariant v : FuseVariant.values()) {
                if (stopping.get()) {
                    progress.println("weft bench: " + w.benchName() + ": the JVM is shutting down; stopped");
                    break;
                }
                String unavailable = v.unavailability(s.launch()).orElse(null);
                if (unavailable != null) {
                    progress.println("weft bench: " + w.benchName() + " " + v.key() + " cannot run: " + unavailable);
                    continue;
                }
                try {
                    Score score = runVariant(w, v, s, progress);
                    scores.put(v.key(), score);
                    progress.println("# " + w.benchName() + " " + v.key() + ": " + describe(score, w.unit()));
                } catch (FioException | MountedServer.MountException | IOException e) {
                    progress.println("weft bench: " + w.benchName() + " " + v.key() + " failed: " + e.getMessage());
                } catch (RuntimeException e) {
                    progress.println("weft bench: " + w.benchName() + " " + v.key() + " failed: " + e);
                    e.printStackTrace(progress);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    progress.println("weft bench: " + w.benchName() + " interrupted");
                    break;
                }
            }
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs or ran
            }
        }
        return scores;
    }

    /** Checks the tools and the work directory and writes the data files; the problem, or null if none. */
    static String prepare(Settings s) {
        if (FuseVariant.findProgram(s.fio()).isEmpty()) {
            return "fio not found (looked for '" + s.fio() + "' on PATH): apt-get install fio";
        }
        try {
            Files.createDirectories(s.source().resolve(FuseWorkload.META_DIR));
            Files.createDirectories(s.mountPoint());
            Files.createDirectories(s.logs());
            String type = Files.getFileStore(s.source()).type();
            if (type.equals("tmpfs") || type.equals("ramfs")) {
                return s.workDir() + " is on " + type + ", which has no O_DIRECT: set -D" + DIR_PROPERTY
                        + "=DIR to a directory on a disk file system (e.g. ext4, xfs)";
            }
            writeDataFile(s.source().resolve(FuseWorkload.READ_FILE));
            writeDataFile(s.source().resolve(FuseWorkload.WRITE_FILE));
            // untimed, so that `native`, which runs first, does not find the device's cache cold alone
            dev.weft.bench.uring.DataFile.warm(s.source().resolve(FuseWorkload.READ_FILE));
            return null;
        } catch (IOException e) {
            return "cannot prepare the work directory " + s.workDir() + ": " + e + " (set -D" + DIR_PROPERTY
                    + "=DIR to a writable directory on a disk file system)";
        }
    }

    /** {@link FuseWorkload#DATA_FILE_BYTES} of random bytes, unless the file has that size already. */
    static void writeDataFile(Path file) throws IOException {
        if (Files.isRegularFile(file) && Files.size(file) == FuseWorkload.DATA_FILE_BYTES) {
            return;
        }
        SplittableRandom random = new SplittableRandom(file.getFileName().toString().hashCode());
        ByteBuffer chunk = ByteBuffer.allocateDirect(1 << 20);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            for (long done = 0; done < FuseWorkload.DATA_FILE_BYTES; done += chunk.capacity()) {
                chunk.clear();
                while (chunk.remaining() >= Long.BYTES) {
                    chunk.putLong(random.nextLong());
                }
                chunk.flip();
                while (chunk.hasRemaining()) {
                    ch.write(chunk);
                }
            }
            ch.force(true);
        }
    }

    private static Score runVariant(FuseWorkload w, FuseVariant v, Settings s, PrintStream progress)
            throws FioException, MountedServer.MountException, IOException, InterruptedException {
        if (w == FuseWorkload.META) {
            emptyDirectory(s.source().resolve(FuseWorkload.META_DIR));
        }
        String prefix = w.benchName() + "-" + v.key();
        Path dir = v.mounts() ? s.mountPoint() : s.source();
        List<String> fio = new ArrayList<>();
        fio.add(s.fio());
        fio.addAll(w.fioArguments(dir.toString(), s.timing()));
        fio.add("--output=" + s.logs().resolve(prefix + ".fio.json"));

        MountedServer server = null;
        Boolean uringWas = null;
        try {
            if (v == FuseVariant.WEFT_URING) {
                uringWas = FuseUring.setEnabled(true);
                progress.println("# " + w.benchName() + " " + v.key() + ": " + FuseUring.ENABLE_PARAMETER
                        + " on for this variant (it was " + (uringWas ? "on" : "off") + ")");
            }
            if (v.mounts()) {
                List<String> command = v.command(s.launch(), s.source(), s.mountPoint());
                progress.println("# " + w.benchName() + " " + v.key() + ": "
                        + String.join(" ", command).replace(s.launch().classPath(), "CLASSPATH")
                        + (command.contains(s.launch().classPath()) ? "   (CLASSPATH: this JVM's)" : ""));
                server = MountedServer.start(v.key(), command, s.mountPoint(), v.fsType(),
                        s.logs().resolve(prefix + ".server.log"), Duration.ofSeconds(MOUNT_TIMEOUT_SECONDS),
                        progress);
            } else {
                progress.println("# " + w.benchName() + " " + v.key() + ": " + dir + " (no FUSE)");
            }
            FioReport report = runFio(fio, s.logs().resolve(prefix + ".fio.json"),
                    s.logs().resolve(prefix + ".fio.log"), timeLimit(s.timing()));
            return w.score(report);
        } finally {
            if (server != null) {
                server.close();
            }
            if (uringWas != null && !uringWas) {
                FuseUring.setEnabled(false);
            }
        }
    }

    private static Duration timeLimit(FioTiming t) {
        return Duration.ofSeconds(t.runtimeSeconds() + t.rampSeconds()).plus(FIO_SLACK);
    }

    /** Runs fio to completion and reads its JSON report. */
    static FioReport runFio(List<String> command, Path json, Path log, Duration limit)
            throws FioException, IOException, InterruptedException {
        Files.deleteIfExists(json);
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new FioException("cannot start fio ('" + command.getFirst() + "'): " + e.getMessage());
        }
        if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            p.waitFor();
            throw new FioException("fio did not finish within " + limit.toSeconds() + " s; its output: " + log);
        }
        if (p.exitValue() != 0) {
            throw new FioException("fio exited with status " + p.exitValue() + "; its output (" + log + "):\n"
                    + tail(log));
        }
        if (!Files.exists(json)) {
            throw new FioException("fio wrote no report to " + json + "; its output (" + log + "):\n" + tail(log));
        }
        return FioReport.parse(Files.readString(json, StandardCharsets.UTF_8));
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return "  " + String.join("\n  ", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "  (cannot read it: " + e.getMessage() + ")";
        }
    }

    /** Removes the files fuse-meta left in {@code dir} (directly on the source, not through a mount). */
    static void emptyDirectory(Path dir) throws IOException {
        Files.createDirectories(dir);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                Files.delete(f);
            }
        }
    }

    /** The shutdown hook's work: SIGTERM to fio and the server, then no mount left behind. */
    private static void stopAll(Path mountPoint, PrintStream progress) {
        List<ProcessHandle> children = ProcessHandle.current().children().toList();
        children.forEach(ProcessHandle::destroy);
        for (ProcessHandle c : children) {
            try {
                c.onExit().get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                c.destroyForcibly();
            }
        }
        MountedServer.detachStaleMount(mountPoint, progress);
    }

    /** A score for the progress stream: "14121.2 IOPS (p50 126 us, p99 309 us)". */
    private static String describe(Score score, String unit) {
        List<String> extra = new ArrayList<>();
        score.latencyNanos().forEach((k, v) -> extra.add(String.format(Locale.ROOT, "%s %.0f us", k, v / 1e3)));
        score.rates().forEach((k, v) -> extra.add(String.format(Locale.ROOT, "%s %.0f", k, v)));
        return String.format(Locale.ROOT, "%.1f %s", score.value(), unit)
                + (extra.isEmpty() ? "" : " (" + String.join(", ", extra) + ")");
    }
}
