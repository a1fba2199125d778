package dev.weft.bench.fuse;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A FUSE server running as a child process with its mount ready, until {@link #close}.
 *
 * <p>{@link #start} launches the command with stdout and stderr into a log file, then polls
 * {@code /proc/self/mountinfo} every {@value #POLL_MILLIS} ms until the mount point shows with the expected file
 * system type; it fails, stopping the process, if the process exits first or the timeout passes. {@link #close}
 * sends SIGTERM ({@link Process#destroy}), waits up to {@link #TERM_GRACE} for the exit, then SIGKILL; a mount still
 * there afterwards is detached with {@code umount -l} and reported, so no variant leaves a mount behind for the next.
 */
public final class MountedServer implements AutoCloseable {

    static final long POLL_MILLIS = 50;
    static final Duration TERM_GRACE = Duration.ofSeconds(15);

    private final String name;
    private final Process process;
    private final Path mountPoint;
    private final Path log;
    private final PrintStream progress;
    private boolean closed;

    /** Why a server could not be started and mounted; the message says what happened and its output. */
    public static final class MountException extends Exception {
        MountException(String message) {
            super(message);
        }
    }

    private MountedServer(String name, Process process, Path mountPoint, Path log, PrintStream progress) {
        this.name = name;
        this.process = process;
        this.mountPoint = mountPoint;
        this.log = log;
        this.progress = progress;
    }

    /**
     * Starts {@code command} and waits until {@code mountPoint} is mounted with {@code fsType}.
     *
     * @throws MountException if the process cannot start, exits before mounting, or does not mount in time
     */
    public static MountedServer start(String name, List<String> command, Path mountPoint, String fsType, Path log,
                                      Duration timeout, PrintStream progress) throws MountException {
        detachStaleMount(mountPoint, progress);
        Process p;
        try {
            Files.createDirectories(log.getParent());
            Files.writeString(log, "# " + String.join(" ", command) + "\n", StandardCharsets.UTF_8);
            p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new MountException(name + ": cannot start '" + command.getFirst() + "': " + e.getMessage());
        }
        MountedServer server = new MountedServer(name, p, mountPoint, log, progress);
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                Optional<MountTable.Mount> m = MountTable.find(mountPoint);
                if (m.isPresent() && m.get().fsType().equals(fsType)) {
                    return server;
                }
                if (!p.isAlive()) {
                    throw new MountException(name + ": the server exited with status " + p.exitValue()
                            + " before mounting " + mountPoint + "; its output (" + log + "):\n" + server.tail());
                }
                if (System.nanoTime() - deadline > 0) {
                    String found = m.map(x -> " (found " + x.fsType() + ")").orElse("");
                    throw new MountException(String.format(Locale.ROOT, "%s: no %s mount on %s after %.1f s%s;"
                                    + " its output (%s):%n%s", name, fsType, mountPoint, timeout.toMillis() / 1e3,
                            found, log, server.tail()));
                }
                Thread.sleep(POLL_MILLIS);
            }
        } catch (MountException | RuntimeException e) {
            server.close();
            throw e;
        } catch (InterruptedException e) {
            server.close();
            Thread.currentThread().interrupt();
            throw new MountException(name + ": interrupted while waiting for the mount");
        }
    }

    public long pid() {
        return process.pid();
    }

    /** SIGTERM, wait, SIGKILL if needed; then makes sure nothing is mounted on the mount point any more. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        process.destroy();
        try {
            if (!process.waitFor(TERM_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                progress.println("weft bench: " + name + " (pid " + process.pid() + ") still runs "
                        + TERM_GRACE.toSeconds() + " s after SIGTERM; sending SIGKILL");
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        if (MountTable.find(mountPoint).isPresent() && isOurs()) {
            progress.println("weft bench: " + name + " left its mount on " + mountPoint + " after it stopped;"
                    + " detaching it with umount -l");
            umountLazy(mountPoint, progress);
        }
    }

    /** Whether the topmost mount on the mount point is still a FUSE one (and not what was under it before). */
    private boolean isOurs() {
        return MountTable.find(mountPoint).map(m -> m.fsType().startsWith("fuse")).orElse(false);
    }

    /** The last lines of the server's output (the log's first line is its command). */
    String tail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            lines = lines.subList(Math.min(1, lines.size()), lines.size()); // less the command line start() wrote
            List<String> last = lines.subList(Math.max(0, lines.size() - 20), lines.size());
            return last.isEmpty() ? "  (no output)" : "  " + String.join("\n  ", last);
        } catch (IOException e) {
            return "  (cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    /** A FUSE mount left on {@code mountPoint} by an earlier run is detached before a new server mounts there. */
    static void detachStaleMount(Path mountPoint, PrintStream progress) {
        Optional<MountTable.Mount> m = MountTable.find(mountPoint);
        if (m.isPresent() && m.get().fsType().startsWith("fuse")) {
            progress.println("weft bench: " + mountPoint + " still has a " + m.get().fsType()
                    + " mount from an earlier run; detaching it with umount -l");
            umountLazy(mountPoint, progress);
        }
    }

    static void umountLazy(Path mountPoint, PrintStream progress) {
        try {
            Process p = new ProcessBuilder("umount", "-l", mountPoint.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (p.waitFor() != 0) {
                progress.println("weft bench: umount -l " + mountPoint + " failed (status " + p.exitValue() + "): "
                        + out + "; unmount it by hand before the next run");
            }
        } catch (IOException e) {
            progress.println("weft bench: cannot run umount -l " + mountPoint + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
