package dev.weft.bench.fuse.peer;

import org.cryptomator.jfuse.api.DirFiller;
import org.cryptomator.jfuse.api.Errno;
import org.cryptomator.jfuse.api.FileInfo;
import org.cryptomator.jfuse.api.Fuse;
import org.cryptomator.jfuse.api.FuseBuilder;
import org.cryptomator.jfuse.api.FuseMountFailedException;
import org.cryptomator.jfuse.api.FuseOperations;
import org.cryptomator.jfuse.api.Stat;
import org.cryptomator.jfuse.api.Statvfs;
import org.cryptomator.jfuse.api.TimeSpec;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeoutException;

/**
 * The Java peer of the FUSE benchmarks: a passthrough file system of one source directory, written against
 * cryptomator's jfuse (libfuse 3's high-level, path-based API, called through FFM).
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp WEFT_BENCH_CLASSPATH \
 *     dev.weft.bench.fuse.peer.JfusePassthrough SOURCE MOUNTPOINT
 * </pre>
 *
 * Mounts in the foreground with libfuse 3's defaults (multi-threaded loop, entry and attribute timeouts of 1 s),
 * plus {@code -o subtype=jfuse} so that the mount shows in {@code /proc/self/mountinfo} as {@code fuse.jfuse}; stays
 * until SIGTERM or SIGINT, whose shutdown hook unmounts.
 *
 * <h2>Passthrough</h2>
 * Data and the hot metadata calls go straight to the C library through FFM ({@link LibC}): {@code open} of the
 * backing file with the flags the client gave (less what the kernel strips: {@code O_CREAT}, {@code O_EXCL},
 * {@code O_NOCTTY}), so {@code O_DIRECT} reaches the backing file; {@code pread}/{@code pwrite} on that descriptor;
 * {@code lstat}/{@code fstat}; {@code unlink}, {@code mkdir}, {@code rmdir}, {@code rename}, {@code chmod},
 * {@code truncate}, and the {@code l*xattr} calls (no FLUSH: see {@link #supportedOperations}). On an
 * {@code O_DIRECT} descriptor the kernel wants the user buffer aligned, and libfuse's buffer is {@code malloc}ed: when it is not {@value #DIRECT_ALIGNMENT}-byte aligned, the call goes through a
 * per-thread aligned bounce buffer and a copy, as bindfs {@code --forward-odirect} does. Directory listing, times and
 * {@code statfs} use {@code java.nio.file}.
 */
public final class JfusePassthrough implements FuseOperations {

    static final String USAGE = "usage: JfusePassthrough SOURCE MOUNTPOINT";
    static final String SUBTYPE = "jfuse";
    static final int DIRECT_ALIGNMENT = 4096;
    /**
     * Where libfuse 3 lives: jfuse's default, {@code System.loadLibrary("fuse3")}, needs the development symlink
     * {@code libfuse3.so}, which only the -dev package installs.
     */
    static final List<Path> LIBFUSE3 = List.of(Path.of("/usr/lib/x86_64-linux-gnu/libfuse3.so.3"),
            Path.of("/lib/x86_64-linux-gnu/libfuse3.so.3"), Path.of("/usr/lib64/libfuse3.so.3"),
            Path.of("/usr/lib/libfuse3.so.3"));

    private final String source;
    private final Errno errno;
    private final ThreadLocal<PerThread> perThread = ThreadLocal.withInitial(PerThread::new);

    /** A libfuse worker thread's own call state, stat buffer and bounce buffer; freed with the thread. */
    private static final class PerThread {
        final Arena arena = Arena.ofAuto();
        final MemorySegment state = LibC.newCallState(arena);
        final MemorySegment stat = arena.allocate(StatLayout.STAT);
        MemorySegment bounce = MemorySegment.NULL;

        MemorySegment bounce(long size) {
            if (bounce.byteSize() < size) {
                bounce = arena.allocate(Math.max(size, 1 << 20), DIRECT_ALIGNMENT);
            }
            return bounce;
        }
    }

    JfusePassthrough(Path source, Errno errno) {
        this.source = source.toString().equals("/") ? "" : source.toString();
        this.errno = errno;
    }

    public static void main(String[] args) throws InterruptedException {
        Path[] dirs;
        try {
            dirs = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("jfuse-passthrough: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        Path library = LIBFUSE3.stream().filter(Files::isReadable).findFirst().orElse(null);
        if (library == null) {
            System.err.println("jfuse-passthrough: libfuse 3 not found (looked for " + LIBFUSE3 + ");"
                    + " install it: apt-get install fuse3");
            System.exit(1);
            return;
        }
        FuseBuilder builder = Fuse.builder();
        builder.setLibraryPath(library.toString());
        Fuse fuse = builder.build(new JfusePassthrough(dirs[0], builder.errno()));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                fuse.close();
            } catch (TimeoutException e) {
                System.err.println("jfuse-passthrough: the FUSE loop did not stop within 10 s of the unmount");
            }
        }, "jfuse-passthrough-unmount"));
        try {
            fuse.mount("jfuse-passthrough", dirs[1], "-o", "subtype=" + SUBTYPE + ",fsname=" + dirs[0]);
        } catch (FuseMountFailedException | IllegalArgumentException e) {
            System.err.println("jfuse-passthrough: mounting " + dirs[0] + " on " + dirs[1] + " failed: "
                    + e.getMessage());
            System.exit(1);
        }
        System.err.println("jfuse-passthrough: " + dirs[0] + " mounted on " + dirs[1] + "; SIGTERM unmounts");
        new CountDownLatch(1).await();
    }

    /** SOURCE and MOUNTPOINT, both existing directories, as absolute paths. */
    static Path[] parse(String[] args) {
        if (args.length != 2) {
            throw new IllegalArgumentException("expected SOURCE and MOUNTPOINT, got " + args.length + " arguments");
        }
        Path[] dirs = new Path[2];
        for (int i = 0; i < 2; i++) {
            Path p = Path.of(args[i]).toAbsolutePath().normalize();
            if (!Files.isDirectory(p)) {
                throw new IllegalArgumentException((i == 0 ? "SOURCE" : "MOUNTPOINT") + " '" + args[i]
                        + "' is not a directory");
            }
            if (p.toString().contains(",")) {
                throw new IllegalArgumentException("'" + args[i] + "' has a comma, which libfuse's -o parsing"
                        + " splits on");
            }
            dirs[i] = p;
        }
        return dirs;
    }

    @Override
    public Errno errno() {
        return errno;
    }

    @Override
    public Set<Operation> supportedOperations() {
        // The xattr calls too, as weft's passthrough and libfuse's passthrough_hp answer them: left out, the kernel
        // would stop sending them after the first ENOSYS, and the peer would do less per file than weft. FLUSH is left
        // out on purpose: on a local backing file system (the benchmarks' ext4) weft answers opens with
        // FOPEN_NOFLUSH and gets no FLUSH; jfuse's FileInfo cannot set that flag, so the peer gets the same effect
        // from the kernel's ENOSYS after the first one (bindfs does the same)
        return EnumSet.of(Operation.GET_ATTR, Operation.OPEN, Operation.CREATE, Operation.READ, Operation.WRITE,
                Operation.RELEASE, Operation.FSYNC, Operation.TRUNCATE, Operation.UNLINK,
                Operation.MKDIR, Operation.RMDIR, Operation.RENAME, Operation.CHMOD, Operation.UTIMENS,
                Operation.READ_DIR, Operation.STATFS, Operation.GET_XATTR, Operation.SET_XATTR,
                Operation.LIST_XATTR, Operation.REMOVE_XATTR);
    }

    /** The backing file's path as a C string, in {@code arena}. */
    private MemorySegment backing(Arena arena, String path) {
        return arena.allocateFrom(source + path);
    }

    private int failed(PerThread t) {
        return -LibC.errno(t.state);
    }

    @Override
    public int getattr(String path, Stat stat, FileInfo fi) {
        PerThread t = perThread.get();
        int r;
        if (fi != null) {
            r = LibC.fstat(t.state, (int) fi.getFh(), t.stat);
        } else {
            try (Arena a = Arena.ofConfined()) {
                r = LibC.lstat(t.state, backing(a, path), t.stat);
            }
        }
        if (r < 0) {
            return failed(t);
        }
        MemorySegment s = t.stat;
        stat.setMode(StatLayout.mode(s));
        stat.setUid(StatLayout.uid(s));
        stat.setGid(StatLayout.gid(s));
        stat.setNLink((short) Math.min(StatLayout.nlink(s), Short.MAX_VALUE));
        stat.setSize(StatLayout.size(s));
        stat.aTime().set(Instant.ofEpochSecond(StatLayout.atimeSec(s), StatLayout.atimeNsec(s)));
        stat.mTime().set(Instant.ofEpochSecond(StatLayout.mtimeSec(s), StatLayout.mtimeNsec(s)));
        stat.cTime().set(Instant.ofEpochSecond(StatLayout.ctimeSec(s), StatLayout.ctimeNsec(s)));
        return 0;
    }

    @Override
    public int open(String path, FileInfo fi) {
        return openBacking(path, fi.getFlags(), 0, fi);
    }

    @Override
    public int create(String path, int mode, FileInfo fi) {
        return openBacking(path, fi.getFlags() | LibC.O_CREAT, mode, fi);
    }

    private int openBacking(String path, int flags, int mode, FileInfo fi) {
        PerThread t = perThread.get();
        int fd;
        try (Arena a = Arena.ofConfined()) {
            fd = LibC.open(t.state, backing(a, path), flags, mode);
        }
        if (fd < 0) {
            return failed(t);
        }
        fi.setFh(fd);
        return 0;
    }

    @Override
    public int read(String path, ByteBuffer buf, long count, long offset, FileInfo fi) {
        PerThread t = perThread.get();
        MemorySegment dst = MemorySegment.ofBuffer(buf);
        int fd = (int) fi.getFh();
        long n;
        if (needsBounce(fi, dst)) {
            MemorySegment bounce = t.bounce(count);
            n = LibC.pread(t.state, fd, bounce, count, offset);
            if (n > 0) {
                MemorySegment.copy(bounce, 0, dst, 0, n);
            }
        } else {
            n = LibC.pread(t.state, fd, dst, count, offset);
        }
        return n < 0 ? failed(t) : (int) n;
    }

    @Override
    public int write(String path, ByteBuffer buf, long count, long offset, FileInfo fi) {
        PerThread t = perThread.get();
        MemorySegment src = MemorySegment.ofBuffer(buf);
        int fd = (int) fi.getFh();
        long n;
        if (needsBounce(fi, src)) {
            MemorySegment bounce = t.bounce(count);
            MemorySegment.copy(src, 0, bounce, 0, count);
            n = LibC.pwrite(t.state, fd, bounce, count, offset);
        } else {
            n = LibC.pwrite(t.state, fd, src, count, offset);
        }
        return n < 0 ? failed(t) : (int) n;
    }

    private static boolean needsBounce(FileInfo fi, MemorySegment buffer) {
        return (fi.getFlags() & LibC.O_DIRECT) != 0 && buffer.address() % DIRECT_ALIGNMENT != 0;
    }

    @Override
    public int getxattr(String path, String name, ByteBuffer value) {
        PerThread t = perThread.get();
        try (Arena a = Arena.ofConfined()) {
            long n = LibC.lgetxattr(t.state, backing(a, path), a.allocateFrom(name), buffer(value), value.remaining());
            return n < 0 ? failed(t) : (int) n;
        }
    }

    @Override
    public int setxattr(String path, String name, ByteBuffer value, int flags) {
        PerThread t = perThread.get();
        try (Arena a = Arena.ofConfined()) {
            return LibC.lsetxattr(t.state, backing(a, path), a.allocateFrom(name), buffer(value), value.remaining(),
                    flags) < 0 ? failed(t) : 0;
        }
    }

    @Override
    public int listxattr(String path, ByteBuffer list) {
        PerThread t = perThread.get();
        try (Arena a = Arena.ofConfined()) {
            long n = LibC.llistxattr(t.state, backing(a, path), buffer(list), list.remaining());
            return n < 0 ? failed(t) : (int) n;
        }
    }

    @Override
    public int removexattr(String path, String name) {
        PerThread t = perThread.get();
        try (Arena a = Arena.ofConfined()) {
            return LibC.lremovexattr(t.state, backing(a, path), a.allocateFrom(name)) < 0 ? failed(t) : 0;
        }
    }

    /** libfuse's buffer as a segment; NULL for a size query (an empty buffer). */
    private static MemorySegment buffer(ByteBuffer b) {
        return b.remaining() == 0 ? MemorySegment.NULL : MemorySegment.ofBuffer(b);
    }

    @Override
    public int release(String path, FileInfo fi) {
        PerThread t = perThread.get();
        return LibC.close(t.state, (int) fi.getFh()) < 0 ? failed(t) : 0;
    }

    @Override
    public int fsync(String path, int datasync, FileInfo fi) {
        PerThread t = perThread.get();
        return LibC.fsync(t.state, (int) fi.getFh(), datasync != 0) < 0 ? failed(t) : 0;
    }

    @Override
    public int truncate(String path, long size, FileInfo fi) {
        PerThread t = perThread.get();
        int r;
        if (fi != null) {
            r = LibC.ftruncate(t.state, (int) fi.getFh(), size);
        } else {
            try (Arena a = Arena.ofConfined()) {
                r = LibC.truncate(t.state, backing(a, path), size);
            }
        }
        return r < 0 ? failed(t) : 0;
    }

    @Override
    public int unlink(String path) {
        PerThread t = perThread.get();
        try (Arena a = Arena.ofConfined()) {
            return LibC.unlink(t.state, backing(a, path)) < 0 ? failed(t) : 0;
        }
    }

    @Override
    public int mkdir(String path, int mode) {
        PerThread t = perThread.get();
        try (Arena a = Arena.ofConfined()) {
            return LibC.mkdir(t.state, backing(a, path), mode) < 0 ? failed(t) : 0;
        }
    }

    @Override
    public int rmdir(String path) {
        PerThread t = perThread.get();
        try (Arena a = Arena.ofConfined()) {
            return LibC.rmdir(t.state, backing(a, path)) < 0 ? failed(t) : 0;
        }
    }

    @Override
    public int rename(String oldpath, String newpath, int flags) {
        if (flags != 0) {
            return -errno.einval(); // RENAME_NOREPLACE / RENAME_EXCHANGE: not needed by the benchmarks
        }
        PerThread t = perThread.get();
        try (Arena a = Arena.ofConfined()) {
            return LibC.rename(t.state, backing(a, oldpath), backing(a, newpath)) < 0 ? failed(t) : 0;
        }
    }

    @Override
    public int chmod(String path, int mode, FileInfo fi) {
        PerThread t = perThread.get();
        try (Arena a = Arena.ofConfined()) {
            return LibC.chmod(t.state, backing(a, path), mode) < 0 ? failed(t) : 0;
        }
    }

    @Override
    public int utimens(String path, TimeSpec atime, TimeSpec mtime, FileInfo fi) {
        try {
            Files.getFileAttributeView(Path.of(source + path), BasicFileAttributeView.class,
                            LinkOption.NOFOLLOW_LINKS)
                    .setTimes(mtime.getOptional().map(FileTime::from).orElse(null),
                            atime.getOptional().map(FileTime::from).orElse(null), null);
            return 0;
        } catch (IOException e) {
            return -errnoOf(e);
        }
    }

    @Override
    public int readdir(String path, DirFiller filler, long offset, FileInfo fi, int flags) {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(Path.of(source + path))) {
            filler.fill(".");
            filler.fill("..");
            for (Path entry : entries) {
                filler.fill(entry.getFileName().toString());
            }
            return 0;
        } catch (IOException e) {
            return -errnoOf(e);
        }
    }

    @Override
    public int statfs(String path, Statvfs statvfs) {
        try {
            FileStore store = Files.getFileStore(Path.of(source.isEmpty() ? "/" : source));
            long block = store.getBlockSize();
            statvfs.setBsize(block);
            statvfs.setFrsize(block);
            statvfs.setBlocks(store.getTotalSpace() / block);
            statvfs.setBfree(store.getUnallocatedSpace() / block);
            statvfs.setBavail(store.getUsableSpace() / block);
            statvfs.setNameMax(255);
            return 0;
        } catch (IOException | UnsupportedOperationException e) {
            return -errno.eio();
        }
    }

    private int errnoOf(IOException e) {
        if (e instanceof NoSuchFileException) {
            return errno.enoent();
        }
        if (e instanceof NotDirectoryException) {
            return errno.enotdir();
        }
        if (e instanceof AccessDeniedException) {
            return errno.eacces();
        }
        return errno.eio();
    }
}
