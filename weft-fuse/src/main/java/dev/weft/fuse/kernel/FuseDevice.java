package dev.weft.fuse.kernel;

import dev.weft.fuse.proto.LinuxErrno;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A FUSE connection: {@code /dev/fuse} opened and mounted at a directory with {@code mount(2)} (as root), read and
 * written by the server. No libfuse: the mount data is what {@code fusermount3} would pass,
 * {@code fd=N,rootmode=40000,user_id=U,group_id=G} and the options.
 *
 * <h2>Reading</h2>
 * {@link #read} returns one whole request per call (the kernel's contract for {@code /dev/fuse}) or a negative
 * errno ({@link LinuxErrno}): {@code -ENOENT} (the request was interrupted before it was read: read again),
 * {@code -EINTR} (read again), {@code -ENODEV} (the file system was unmounted: stop).
 *
 * <h2>Threads</h2>
 * {@link #read} and {@link #write} may be called from several threads at once (the kernel serialises them per
 * request); {@link #close} unmounts (lazily, {@code MNT_DETACH}) and then closes the descriptor.
 */
public final class FuseDevice implements AutoCloseable {

    /** Mount options. */
    public record Options(String fsname, boolean allowOther, boolean defaultPermissions, boolean readOnly) {
        public Options {
            Objects.requireNonNull(fsname, "fsname");
            if (fsname.isEmpty() || fsname.contains(",") || fsname.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("fsname must be non-empty without ',' or NUL, got '" + fsname + "'");
            }
        }

        public static Options defaults() {
            return new Options("weft", false, false, false);
        }
    }

    /** How to mount. */
    public enum Mounter {
        /** {@code mount(2)} as root, {@code fusermount3} otherwise. */
        AUTO,
        /** {@code mount(2)}: needs CAP_SYS_ADMIN. */
        MOUNT_SYSCALL,
        /** The setuid helper {@code fusermount3} of the fuse3 package: any user. */
        FUSERMOUNT
    }

    private final int fd;
    private final Path mountpoint;
    private final FuseChannel channel;
    private final boolean viaFusermount;
    private volatile boolean mounted;

    private FuseDevice(int fd, Path mountpoint, boolean viaFusermount) {
        this.fd = fd;
        this.mountpoint = mountpoint;
        this.viaFusermount = viaFusermount;
        this.channel = new FuseChannel(fd, false);
        this.mounted = true;
    }

    /**
     * Opens {@code /dev/fuse} and mounts it at {@code mountpoint} (an existing directory) with {@code mount(2)}.
     *
     * @throws IOException naming the cause: no {@code /dev/fuse}, not root (mount(2) needs CAP_SYS_ADMIN; mounting
     *                     through {@code fusermount3} otherwise: see {@link Mounter}), not a directory
     */
    public static FuseDevice mount(Path mountpoint, Options options) throws IOException {
        return mount(mountpoint, options, Mounter.AUTO);
    }

    /**
     * Mounts at {@code mountpoint} with {@code mounter}.
     *
     * @throws IOException naming the cause: no {@code /dev/fuse}, not root for {@link Mounter#MOUNT_SYSCALL}, no
     *                     {@code fusermount3} for {@link Mounter#FUSERMOUNT}, not a directory
     */
    public static FuseDevice mount(Path mountpoint, Options options, Mounter mounter) throws IOException {
        Path dir = mountpoint.toAbsolutePath().normalize();
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("mount point " + dir + " is not a directory");
        }
        if (mounter == Mounter.FUSERMOUNT || (mounter == Mounter.AUTO && !isRoot())) {
            StringBuilder o = new StringBuilder(options.readOnly() ? "ro" : "rw")
                    .append(",nosuid,nodev,fsname=").append(options.fsname()).append(",subtype=weft");
            if (options.allowOther()) {
                o.append(",allow_other");
            }
            if (options.defaultPermissions()) {
                o.append(",default_permissions");
            }
            return new FuseDevice(Fusermount.mount(dir, o.toString()), dir, true);
        }
        LibC.Result open = LibC.open("/dev/fuse", LibC.O_RDWR | LibC.O_CLOEXEC);
        if (open.failed()) {
            throw new IOException("cannot open /dev/fuse: " + LibC.strerror(open.errno())
                    + (open.errno() == LinuxErrno.ENOENT ? " (load the fuse kernel module: modprobe fuse)" : ""));
        }
        int fd = (int) open.value();
        int uid = (int) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        int gid = (int) Files.getAttribute(Path.of("/proc/self"), "unix:gid");
        StringBuilder data = new StringBuilder()
                .append("fd=").append(fd).append(",rootmode=40000,user_id=").append(uid)
                .append(",group_id=").append(gid);
        if (options.allowOther()) {
            data.append(",allow_other");
        }
        if (options.defaultPermissions()) {
            data.append(",default_permissions");
        }
        long flags = LibC.MS_NOSUID | LibC.MS_NODEV | (options.readOnly() ? LibC.MS_RDONLY : 0);
        LibC.Result m = LibC.mount(options.fsname(), dir.toString(), "fuse.weft", flags, data.toString());
        if (m.failed()) {
            LibC.close(fd);
            throw new IOException("mount(2) of a FUSE file system at " + dir + " failed: "
                    + LibC.strerror(m.errno())
                    + (m.errno() == LinuxErrno.EPERM
                    ? " (mounting with mount(2) needs root; other users mount through fusermount3)" : ""));
        }
        return new FuseDevice(fd, dir, false);
    }

    public Path mountpoint() {
        return mountpoint;
    }

    /** The mount's own descriptor as a channel; closing the channel leaves it open (see {@link #close}). */
    public FuseChannel channel() {
        return channel;
    }

    /** A new descriptor on this connection ({@code FUSE_DEV_IOC_CLONE}), for one more server thread. */
    public FuseChannel cloneChannel() throws IOException {
        return FuseChannel.cloneOf(fd, false);
    }

    /** {@link #cloneChannel()} with {@code O_NONBLOCK}: reads return {@code -EAGAIN} when no request is queued. */
    public FuseChannel cloneNonBlockingChannel() throws IOException {
        return FuseChannel.cloneOf(fd, true);
    }

    /**
     * Reads one request into {@code buf} (at least {@code FUSE_MIN_READ_BUFFER} bytes, 8-byte aligned).
     *
     * @param callState a segment from {@link #newCallState}, owned by the calling thread
     * @return the request's length, or a negative errno (see the class comment)
     */
    public long read(MemorySegment callState, MemorySegment buf) {
        return channel.read(callState, buf);
    }

    /**
     * Writes one reply of {@code length} bytes from {@code buf}.
     *
     * @return {@code length}, or a negative errno ({@code -ENOENT}: the request was interrupted and the reply is
     * dropped, which is not an error)
     */
    public long write(MemorySegment callState, MemorySegment buf, long length) {
        return channel.write(callState, buf, length);
    }

    /** A call-state segment for {@link #read} and {@link #write}, allocated in {@code arena}. */
    public static MemorySegment newCallState(java.lang.foreign.Arena arena) {
        return FuseChannel.newCallState(arena);
    }

    /** Detaches the mount (lazily: busy files keep it until closed); the server's reads then return -ENODEV. */
    public synchronized void unmount() throws IOException { // a shutdown hook and close() may race here
        if (!mounted) {
            return;
        }
        if (viaFusermount && !isRoot()) {
            Fusermount.unmount(mountpoint);
            mounted = false;
            return;
        }
        LibC.Result r = LibC.umount2(mountpoint.toString(), LibC.MNT_DETACH);
        if (r.failed() && r.errno() != LinuxErrno.EINVAL) { // not mounted any more
            throw new IOException("umount2(" + mountpoint + ") failed: " + LibC.strerror(r.errno()));
        }
        mounted = false;
    }

    private static boolean isRoot() throws IOException {
        return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() == 0;
    }

    @Override
    public void close() throws IOException {
        try {
            unmount();
        } finally {
            LibC.close(fd);
        }
    }
}
