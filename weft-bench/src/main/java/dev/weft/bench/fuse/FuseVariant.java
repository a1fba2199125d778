package dev.weft.bench.fuse;

import dev.weft.bench.fuse.peer.JfusePassthrough;
import dev.weft.bench.fuse.peer.Libfuse3Peer;
import dev.weft.fuse.server.FuseUring;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.jar.JarFile;

/**
 * The file systems each FUSE benchmark runs on, in report order. All but {@code native} are a server process that
 * mounts the source directory on the mount point, started by {@link #command}; the mount is ready when it shows in
 * {@code /proc/self/mountinfo} with {@link #fsType}.
 *
 * <pre>
 * native          the source directory itself, no FUSE (the baseline)
 * weft            JAVA JVM_ARGS -cp CLASSPATH dev.weft.cli.Main mount SOURCE MOUNTPOINT            (bin/weft mount ...)
 * weft-lifo       JAVA JVM_ARGS -cp CLASSPATH dev.weft.cli.Main mount --idle lifo SOURCE MOUNTPOINT
 * weft-threadlet  JAVA JVM_ARGS -cp CLASSPATH dev.weft.cli.Main mount --dispatch threadlet SOURCE MOUNTPOINT
 * weft-uring      JAVA JVM_ARGS -cp CLASSPATH dev.weft.cli.Main mount --transport uring SOURCE MOUNTPOINT
 * weft-passthrough-io  JAVA JVM_ARGS -cp CLASSPATH dev.weft.cli.Main mount --passthrough-io SOURCE MOUNTPOINT
 * bindfs          bindfs -f --multithreaded --forward-odirect=4096 -o subtype=bindfs SOURCE MOUNTPOINT
 * libfuse3        LIBFUSE3_PEER SOURCE MOUNTPOINT       (weft-bench's C passthrough on libfuse 3, see Libfuse3Peer)
 * jfuse           JAVA JVM_ARGS -cp CLASSPATH dev.weft.bench.fuse.peer.JfusePassthrough SOURCE MOUNTPOINT
 * </pre>
 *
 * JAVA, JVM_ARGS and CLASSPATH are those of the benchmark's own JVM ({@link Launch#ofThisJvm}): run through
 * {@code bin/weft bench}, exactly the command line {@code bin/weft mount} runs. bindfs is single-threaded and clears
 * {@code O_DIRECT} on the backing file by default; {@code --multithreaded} and {@code --forward-odirect} make it
 * serve requests concurrently and open the backing file with {@code O_DIRECT} as weft and the jfuse peer do (bindfs
 * then reads through an aligned bounce buffer, as the peer does). weft-uring is FUSE over io_uring: the benchmark
 * turns the fuse module's {@code enable_uring} on for it (root) and back to what it was after. weft-passthrough-io
 * is the exception to the benchmarks' rule that every I/O crosses the server: with FUSE_PASSTHROUGH the kernel
 * reads and writes open files itself, so it shows what that option gives, not what a server does.
 */
public enum FuseVariant {
    NATIVE("native", null),
    WEFT("weft", "fuse.weft"),
    WEFT_LIFO("weft-lifo", "fuse.weft"),
    WEFT_THREADLET("weft-threadlet", "fuse.weft"),
    WEFT_URING("weft-uring", "fuse.weft"),
    WEFT_PASSTHROUGH_IO("weft-passthrough-io", "fuse.weft"),
    BINDFS("bindfs", "fuse.bindfs"),
    LIBFUSE3("libfuse3", "fuse.libfuse3"),
    JFUSE("jfuse", "fuse.jfuse");

    /** The main class of {@code bin/weft}. */
    public static final String WEFT_MAIN = "dev.weft.cli.Main";

    private final String key;
    private final String fsType;

    FuseVariant(String key, String fsType) {
        this.key = key;
        this.fsType = fsType;
    }

    /** The variant's name in the report. */
    public String key() {
        return key;
    }

    /** The file system type of its mount in mountinfo; null for native, which mounts nothing. */
    public String fsType() {
        return fsType;
    }

    public boolean mounts() {
        return fsType != null;
    }

    /** The report's keys, in order. */
    public static List<String> keys() {
        return Arrays.stream(values()).map(FuseVariant::key).toList();
    }

    /**
     * How to start the servers: the JVM (program, arguments, class path) of the Java ones, the bindfs program, and
     * where the C peer's binary is (built there on first use, {@link Libfuse3Peer}).
     */
    public record Launch(Path java, List<String> jvmArgs, String classPath, String bindfs, Path libfuse3Peer) {

        /**
         * This JVM's program and class path with {@code jvmArgs}, {@code bindfs} (a name on PATH or a path) and the
         * C peer's binary.
         */
        public static Launch ofThisJvm(List<String> jvmArgs, String bindfs, Path libfuse3Peer) {
            return new Launch(Path.of(System.getProperty("java.home"), "bin", "java"), List.copyOf(jvmArgs),
                    System.getProperty("java.class.path"), bindfs, libfuse3Peer);
        }
    }

    /** The server's command line, or an empty list for native. */
    public List<String> command(Launch l, Path source, Path mountPoint) {
        List<String> c = new ArrayList<>();
        switch (this) {
            case NATIVE -> {
                return List.of();
            }
            case WEFT, WEFT_LIFO, WEFT_THREADLET, WEFT_URING, WEFT_PASSTHROUGH_IO -> {
                java(c, l, WEFT_MAIN);
                c.add("mount");
                if (this == WEFT_LIFO) {
                    c.addAll(List.of("--idle", "lifo"));
                } else if (this == WEFT_THREADLET) {
                    c.addAll(List.of("--dispatch", "threadlet"));
                } else if (this == WEFT_URING) {
                    c.addAll(List.of("--transport", "uring"));
                } else if (this == WEFT_PASSTHROUGH_IO) {
                    c.add("--passthrough-io");
                }
            }
            case BINDFS -> c.addAll(List.of(l.bindfs(), "-f", "--multithreaded", "--forward-odirect=4096",
                    "-o", "subtype=bindfs"));
            case LIBFUSE3 -> c.add(l.libfuse3Peer().toString());
            case JFUSE -> java(c, l, JfusePassthrough.class.getName());
        }
        c.add(source.toString());
        c.add(mountPoint.toString());
        return c;
    }

    private static void java(List<String> c, Launch l, String mainClass) {
        c.add(l.java().toString());
        c.addAll(l.jvmArgs());
        c.add("-cp");
        c.add(l.classPath());
        c.add(mainClass);
    }

    /**
     * Why this variant cannot start here (with the fix), or empty if nothing is known to be missing. For
     * {@code libfuse3} this builds the peer first if it is not built yet.
     */
    public Optional<String> unavailability(Launch l) {
        if (!mounts()) {
            return Optional.empty();
        }
        if (!Files.exists(Path.of("/dev/fuse"))) {
            return Optional.of("/dev/fuse does not exist: load the fuse module (modprobe fuse) or run where FUSE is"
                    + " available");
        }
        return switch (this) {
            case WEFT, WEFT_LIFO, WEFT_THREADLET, WEFT_URING, WEFT_PASSTHROUGH_IO -> !onClassPath(l.classPath(),
                    WEFT_MAIN)
                    ? Optional.of(WEFT_MAIN + " (weft-cli) is not on the class path; run the benchmark through"
                    + " bin/weft bench, whose class path has it")
                    : this == WEFT_URING && !Files.exists(FuseUring.ENABLE_PARAMETER)
                    ? Optional.of(FuseUring.ENABLE_PARAMETER + " is missing: this kernel has no FUSE over io_uring"
                    + " (Linux 6.14+ with CONFIG_FUSE_IO_URING)")
                    : Optional.empty();
            case BINDFS -> findProgram(l.bindfs()).isPresent()
                    ? Optional.empty()
                    : Optional.of("bindfs not found (looked for '" + l.bindfs() + "' on PATH): apt-get install bindfs");
            case LIBFUSE3 -> Libfuse3Peer.ensureBuilt(l.libfuse3Peer());
            default -> Optional.empty();
        };
    }

    /** Whether a class path entry (directory or jar) holds {@code className}. */
    static boolean onClassPath(String classPath, String className) {
        String entry = className.replace('.', '/') + ".class";
        for (String e : classPath.split(File.pathSeparator)) {
            if (e.isEmpty()) {
                continue;
            }
            Path p = Path.of(e);
            if (Files.isDirectory(p)) {
                if (Files.exists(p.resolve(entry))) {
                    return true;
                }
            } else if (Files.isRegularFile(p)) {
                try (JarFile jar = new JarFile(p.toFile())) {
                    if (jar.getEntry(entry) != null) {
                        return true;
                    }
                } catch (IOException ignored) {
                    // not a readable jar: it holds nothing
                }
            }
        }
        return false;
    }

    /** {@code program} itself if it has a '/', else the first executable of that name on PATH. */
    static Optional<Path> findProgram(String program) {
        if (program.contains("/")) {
            Path p = Path.of(program);
            return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
        }
        String path = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        for (String dir : path.split(File.pathSeparator)) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, program);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
