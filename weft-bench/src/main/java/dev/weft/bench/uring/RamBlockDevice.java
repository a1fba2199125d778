package dev.weft.bench.uring;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An ext4 file system on a loop device whose backing file lives in {@code /dev/shm}: a block device with
 * {@code O_DIRECT} that answers from memory, for uring-randread-ram. On this VM's disk every way of reading
 * tops out at the device's IOPS limit (fio included), which hides what the I/O path costs; in memory the path is
 * the bottleneck, which is what the benchmark compares. Made with {@code losetup}, {@code mkfs.ext4} and
 * {@code mount}, so it needs root; {@link #close} unmounts, detaches and deletes the backing file.
 *
 * <p>The file system is made with its inode tables and journal initialised at once ({@code lazy_itable_init=0,
 * lazy_journal_init=0}), so no kernel thread zeroes them in the background while the benchmark measures.
 */
final class RamBlockDevice implements AutoCloseable {
    private static final Path SHM = Path.of("/dev/shm");

    private final Path image;
    private final String loop;
    private final Path mountPoint;
    private boolean mounted;
    private boolean closed;
    /** Removes the device if the JVM ends first (Ctrl-C, SIGTERM). */
    private final Thread cleanupOnExit = new Thread(() -> {
        try {
            close();
        } catch (IOException | InterruptedException e) {
            System.err.println("weft bench: " + e.getMessage());
        }
    }, "weft-bench-ram-cleanup");

    private RamBlockDevice(Path image, String loop, Path mountPoint) {
        this.image = image;
        this.loop = loop;
        this.mountPoint = mountPoint;
    }

    /** Makes, formats and mounts a device of {@code bytes}; cleans up what it made if a step fails. */
    static RamBlockDevice create(long bytes, PrintStream progress) throws IOException, InterruptedException {
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new IOException("a RAM block device needs root (losetup, mkfs.ext4 and mount): run as root, or"
                    + " use uring-randread, which reads from the work directory's disk");
        }
        if (!Files.isDirectory(SHM)) {
            throw new IOException(SHM + " is missing: the backing file of the RAM device lives there");
        }
        Path image = Files.createTempFile(SHM, "weft-bench-ram-", ".img");
        String loop = null;
        Path mountPoint = null;
        try {
            run(List.of("truncate", "-s", Long.toString(bytes), image.toString()));
            loop = run(List.of("losetup", "--find", "--show", image.toString())).strip();
            run(List.of("mkfs.ext4", "-q", "-F", "-E", "lazy_itable_init=0,lazy_journal_init=0", loop));
            mountPoint = Files.createTempDirectory("weft-bench-ram-");
            run(List.of("mount", loop, mountPoint.toString()));
            RamBlockDevice d = new RamBlockDevice(image, loop, mountPoint);
            d.mounted = true;
            Runtime.getRuntime().addShutdownHook(d.cleanupOnExit);
            progress.println("# RAM device: " + loop + " on " + image + " (" + (bytes >> 20) + " MiB), ext4 mounted at "
                    + mountPoint);
            return d;
        } catch (IOException | InterruptedException | RuntimeException e) {
            new RamBlockDevice(image, loop, mountPoint).close();
            throw e;
        }
    }

    Path mountPoint() {
        return mountPoint;
    }

    /**
     * Unmounts (lazily if a process such as an interrupted fio still has a file open there), detaches the loop
     * device (the kernel finishes detaching once a lazy unmount lets go) and deletes the backing file.
     */
    @Override
    public synchronized void close() throws IOException, InterruptedException {
        if (closed) {
            return;
        }
        closed = true;
        if (Thread.currentThread() != cleanupOnExit) {
            try {
                Runtime.getRuntime().removeShutdownHook(cleanupOnExit);
            } catch (IllegalStateException | IllegalArgumentException e) {
                // the JVM is shutting down, or the hook was never added
            }
        }
        List<String> failures = new ArrayList<>();
        if (mounted) {
            try {
                run(List.of("umount", mountPoint.toString()));
                mounted = false;
            } catch (IOException busy) {
                try {
                    run(List.of("umount", "--lazy", mountPoint.toString()));
                    mounted = false;
                } catch (IOException e) {
                    failures.add(e.getMessage());
                }
            }
        }
        if (loop != null && !mounted) {
            try {
                run(List.of("losetup", "-d", loop));
            } catch (IOException e) {
                failures.add(e.getMessage());
            }
        }
        if (mountPoint != null && !mounted) {
            Files.deleteIfExists(mountPoint);
        }
        Files.deleteIfExists(image);
        if (!failures.isEmpty()) {
            throw new IOException("cleaning up the RAM device: " + String.join("; ", failures));
        }
    }

    /** Runs {@code command}; returns its standard output, or throws with its messages when it fails. */
    private static String run(List<String> command) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException("cannot run " + command.getFirst() + " (" + e.getMessage() + "): it comes with"
                    + " util-linux, mount and e2fsprogs", e);
        }
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " did not finish within 60 s");
        }
        String text = new String(out, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed with status " + p.exitValue() + ": "
                    + text.strip());
        }
        return text;
    }
}
