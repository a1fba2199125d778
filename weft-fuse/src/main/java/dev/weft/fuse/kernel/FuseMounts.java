package dev.weft.fuse.kernel;

import dev.weft.fuse.proto.LinuxErrno;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * FUSE mounts as {@code /proc/self/mountinfo} lists them, and their removal: what {@code weft umount} does, for a
 * live server or one that died (its mount point then answers {@code ENOTCONN}).
 */
public final class FuseMounts {

    /** One FUSE mount: where, its type ({@code fuse.weft}, {@code fuse.bindfs}, ...), and its connection number. */
    public record Mount(Path mountpoint, String fstype, int connection) {
        /** {@code /sys/fs/fuse/connections/N/abort}: writing to it ends every request of the connection. */
        public Path abortFile() {
            return Path.of("/sys/fs/fuse/connections", Integer.toString(connection), "abort");
        }
    }

    private FuseMounts() {
    }

    /** The FUSE mount at {@code mountpoint}, if there is one (the last one, when mounts are stacked). */
    public static Optional<Mount> find(Path mountpoint) throws IOException {
        String want = kernelPath(mountpoint).toString();
        Mount found = null;
        for (Mount m : list()) {
            if (m.mountpoint().toString().equals(want)) {
                found = m;
            }
        }
        return Optional.ofNullable(found);
    }

    /**
     * {@code mountpoint} as mountinfo names it: absolute, with the symlinks of its parent resolved. The mount point
     * itself is not resolved, as it may be a dead mount (stat fails with ENOTCONN).
     */
    static Path kernelPath(Path mountpoint) {
        Path p = mountpoint.toAbsolutePath().normalize();
        Path parent = p.getParent();
        if (parent == null) {
            return p;
        }
        try {
            return parent.toRealPath().resolve(p.getFileName());
        } catch (IOException e) {
            return p; // a parent that cannot be resolved: compare the path as given
        }
    }

    /** Where the fusectl file system shows each FUSE connection. */
    static final Path CONNECTIONS = Path.of("/sys/fs/fuse/connections");

    /**
     * Writes to the connection's {@code abort} file. systemd mounts fusectl at boot; where nothing did, it is mounted
     * here first, as {@code mount -t fusectl none /sys/fs/fuse/connections} would (root only), and left mounted.
     */
    private static void abort(Mount m) throws IOException {
        if (!Files.exists(m.abortFile()) && Files.isDirectory(CONNECTIONS) && !fusectlMounted()) {
            LibC.mount("fusectl", CONNECTIONS.toString(), "fusectl", 0, ""); // failing: the write below says why
        }
        try {
            Files.writeString(m.abortFile(), "1");
        } catch (IOException e) {
            throw new IOException("cannot abort FUSE connection " + m.connection() + " of " + m.mountpoint()
                    + " through " + m.abortFile() + ": " + e.getMessage() + " (fusectl must be mounted there, and "
                    + "mounting it needs root: mount -t fusectl none " + CONNECTIONS + ")", e);
        }
    }

    /** Whether fusectl is mounted at {@link #CONNECTIONS} (a connection already gone has no directory there). */
    private static boolean fusectlMounted() throws IOException {
        return mountinfo().stream()
                .map(l -> l.split(" "))
                .anyMatch(f -> f.length > 4 && f[4].equals(CONNECTIONS.toString()) && List.of(f).contains("fusectl"));
    }

    /** The lines of {@code /proc/self/mountinfo}: this mount namespace's mounts. */
    private static List<String> mountinfo() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/mountinfo"), StandardCharsets.UTF_8);
    }

    /** Every FUSE mount of this mount namespace. */
    public static List<Mount> list() throws IOException {
        return mountinfo().stream()
                .map(FuseMounts::parse).flatMap(Optional::stream).toList();
    }

    /**
     * Parses one mountinfo line: {@code ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE
     * SUPER_OPTIONS}; a FUSE mount's minor device number is its connection number.
     */
    static Optional<Mount> parse(String line) {
        String[] f = line.split(" ");
        int dash = List.of(f).indexOf("-");
        if (f.length < 5 || dash < 0 || dash + 1 >= f.length) {
            return Optional.empty();
        }
        String fstype = f[dash + 1];
        if (!fstype.equals("fuse") && !fstype.startsWith("fuse.") && !fstype.equals("fuseblk")) {
            return Optional.empty();
        }
        String[] dev = f[2].split(":");
        if (dev.length != 2) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Mount(Path.of(unescape(f[4])), fstype, Integer.parseInt(dev[1])));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** mountinfo escapes space, tab, newline and backslash as {@code \ooo}. */
    private static String unescape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length() && s.substring(i + 1, i + 4)
                    .chars().allMatch(d -> d >= '0' && d <= '7')) {
                b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /**
     * Unmounts the FUSE mount at {@code mountpoint}: aborts its connection first when {@code abort} is set (every
     * process waiting on the server gets {@code ENOTCONN} instead of hanging: for a server that hangs), then
     * detaches it ({@code MNT_DETACH}), which works for a mount whose server died.
     *
     * @throws IOException naming the cause: no FUSE mount there, or umount2 failed
     */
    public static void unmount(Path mountpoint, boolean abort) throws IOException {
        Mount m = find(mountpoint).orElseThrow(() -> new IOException("no FUSE file system is mounted at "
                + mountpoint.toAbsolutePath().normalize()));
        if (abort) {
            abort(m);
        }
        LibC.Result r = LibC.umount2(m.mountpoint().toString(), LibC.MNT_DETACH);
        if (r.failed() && r.errno() == LinuxErrno.EPERM) {
            // not root: the user's own mount, made through fusermount3, is unmounted through it
            Fusermount.unmount(m.mountpoint());
            return;
        }
        if (r.failed() && r.errno() != LinuxErrno.EINVAL) {
            throw new IOException("umount2(" + m.mountpoint() + ") failed: " + LibC.strerror(r.errno()));
        }
    }
}
