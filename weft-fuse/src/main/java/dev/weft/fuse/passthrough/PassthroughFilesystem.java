package dev.weft.fuse.passthrough;

import dev.weft.fuse.FuseAttr;
import dev.weft.fuse.FuseBackingFiles;
import dev.weft.fuse.FuseConnectionInfo;
import dev.weft.fuse.FuseContext;
import dev.weft.fuse.FuseDirFiller;
import dev.weft.fuse.FuseDirPlusFiller;
import dev.weft.fuse.FuseEntry;
import dev.weft.fuse.FuseException;
import dev.weft.fuse.FuseFilesystem;
import dev.weft.fuse.FuseName;
import dev.weft.fuse.FuseOpen;
import dev.weft.fuse.FuseSetAttr;
import dev.weft.fuse.FuseStatfs;
import dev.weft.fuse.posix.AtCalls;
import dev.weft.fuse.posix.DirentParser;
import dev.weft.fuse.posix.Errno;
import dev.weft.fuse.posix.FdCalls;
import dev.weft.fuse.posix.Fcntl;
import dev.weft.fuse.posix.FileMode;
import dev.weft.fuse.posix.ProcessCalls;
import dev.weft.fuse.posix.StatvfsLayout;
import dev.weft.uring.kernel.StatxLayout;
import dev.weft.fuse.posix.TimespecLayout;
import dev.weft.fuse.posix.XattrCalls;
import dev.weft.fuse.proto.FuseKernelLayout;
import dev.weft.fuse.proto.LinuxErrno;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * Mirrors a source directory of the host, inode for inode, as libfuse's {@code example/passthrough_hp.cc} does.
 *
 * <h2>Inodes</h2>
 * Each inode the kernel holds a nodeid for keeps an {@code O_PATH | O_NOFOLLOW} descriptor of the source inode
 * ({@link InodeTable}); inodes are found by the source's {@code (st_dev, st_ino)}, so hard links share a nodeid.
 * Nodeid 1 is the source directory. Every entry reply counts one lookup and FORGET gives them back; at zero the
 * descriptor is closed. Mount points inside the source are not crossed: a lookup that lands on another device or
 * another mount (a bind mount, also of the same file system: {@code stx_mnt_id}) fails with {@code EOPNOTSUPP} (as
 * in {@code passthrough_hp}, which checks the device), since inode numbers of two file systems could collide and a
 * bind mount could bring in a directory from outside the source.
 *
 * <h2>Staying inside the source</h2>
 * The server resolves nothing but single names relative to a directory descriptor it holds, and never follows a
 * symlink itself:
 * <ul>
 *   <li>names are refused ({@code EINVAL}) unless they are one component: no {@code '/'}, not empty; {@code "."}
 *       and {@code ".."} are refused too, except by LOOKUP;</li>
 *   <li>a name is opened with {@code openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS)} and {@code O_NOFOLLOW}
 *       ({@code openat(O_NOFOLLOW)} on kernels without {@code openat2}): a symlink is looked up as the link itself,
 *       and creating over one fails with {@code ELOOP};</li>
 *   <li>LOOKUP of {@code ".."} in the root gives the root; elsewhere it gives the parent only if that is an inode
 *       the server already holds or one whose chain of parents reaches the root;</li>
 *   <li>an inode's data is opened by reopening its own descriptor through {@code /proc/self/fd/N}, which reaches
 *       exactly that inode; a symlink is refused with {@code ELOOP} before any call.</li>
 * </ul>
 * Symlinks are listed, looked up and read with READLINK as they are; following one, to a relative or an absolute
 * target, is the client kernel's business, as FUSE intends, so an absolute target names a path of the client's
 * view, never the server's.
 *
 * <h2>Permissions and ownership</h2>
 * Operations run with the server's credentials. A server running as root should be mounted with
 * {@code default_permissions} (as {@code passthrough_hp} always is), so that the kernel checks each caller's
 * permissions before asking; ACCESS answers for the server's own credentials, which is what its calls will use.
 * New nodes are given to the caller after creation ({@link CallerOwnership}).
 *
 * <h2>Handles</h2>
 * An open file's {@code fh} is the descriptor itself, opened with the request's flags; an open directory's is a key
 * into a table of {@link DirHandle}s. Reads and writes go straight between the descriptor and the request's
 * buffers.
 *
 * <h2>Threads</h2>
 * Every handler may run on any thread, concurrently with the others. Shared state is the inode table (its own lock),
 * the directory-handle table (a concurrent map; each handle has its own lock) and immutable configuration; native
 * scratch buffers are per thread ({@link Scratch}).
 */
public final class PassthroughFilesystem implements FuseFilesystem, AutoCloseable {
    /** {@code PATH_MAX} of {@code /usr/include/linux/limits.h}: the longest symlink target READLINK returns. */
    private static final int PATH_MAX = 4096;
    /** How many parents a {@code ".."} lookup climbs before giving up on reaching the root. */
    private static final int MAX_PARENT_CLIMB = PATH_MAX / 2;
    private static final int STAT_AT = Fcntl.AT_EMPTY_PATH | Fcntl.AT_SYMLINK_NOFOLLOW;
    /** What {@link #register} and the LOOKUP fast path ask {@code statx} for: the attributes and the mount. */
    private static final int REGISTER_MASK = StatxLayout.STATX_BASIC_STATS | StatxLayout.STATX_MNT_ID;
    /** The LOOKUP fast path's {@code statx} of a name: the name itself, never followed or automounted. */
    private static final int LOOKUP_AT = Fcntl.AT_SYMLINK_NOFOLLOW | Fcntl.AT_NO_AUTOMOUNT;
    private static final MemorySegment DOT = Arena.global().allocateFrom(".");
    private static final MemorySegment DOT_DOT = Arena.global().allocateFrom("..");

    private final Path source;
    private final java.util.concurrent.atomic.LongAdder lookupsFromTable = new java.util.concurrent.atomic.LongAdder();
    private final InodeTable inodes;
    private final InodePruner pruner;
    /** The open-file limit the budget and the handle cap are reckoned from (see the constructor). */
    private final long fileLimit;
    /** {@link PassthroughOptions#inodeBudget}: 0 for the default. */
    private final int givenBudget;
    /**
     * Open passthroughs of this process that use the default inode budget: the descriptor limit is the process's,
     * so they split it (each gets the default over their number, read afresh at every check).
     */
    private static final java.util.concurrent.atomic.AtomicInteger DEFAULT_BUDGET_SHARERS =
            new java.util.concurrent.atomic.AtomicInteger();
    private final boolean sharesDefaultBudget;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CallerOwnership ownership;
    private final Map<Long, DirHandle> dirs = new ConcurrentHashMap<>();
    private final AtomicLong nextDirHandle = new AtomicLong(1);
    private final long entrySeconds;
    private final int entryNanos;
    private final long attrSeconds;
    private final int attrNanos;
    private final boolean keepCache;
    /** The source's file system reports nothing at close: opens are answered with {@code FOPEN_NOFLUSH}. */
    private final boolean flushIsNoOp;
    /**
     * The source's mount ({@code stx_mnt_id}), or {@link #NO_MOUNT_ID} before Linux 5.8: a lookup that lands on
     * another mount is a mount point, also a bind mount of the same file system, which the device alone misses.
     */
    private final long rootMountId;
    /** The descriptors of open files (their {@code fh}), until RELEASE or {@link #close()} closes them. */
    private final java.util.Set<Integer> openFiles = ConcurrentHashMap.newKeySet();
    private static final long NO_MOUNT_ID = -1;
    /** Whether the kernel leaves the caller's umask to the server ({@code FUSE_DONT_MASK}); set by {@link #init}. */
    private volatile boolean applyCallerUmask;
    /** The connection has {@code FUSE_WRITEBACK_CACHE}: see {@link #backingOpenFlags}. */
    private volatile boolean writebackCache;
    /**
     * Where backing files are registered when the server asked for passthrough I/O and the kernel granted it, else
     * null; set by {@link #init}. See {@link #passthrough}.
     */
    private volatile FuseBackingFiles backing;
    /** The kernel leaves set-ID bits to us and marks the requests ({@code FUSE_HANDLE_KILLPRIV_V2}); set by init. */
    private volatile boolean killPrivV2;
    /** Open files (their {@code fh}) in passthrough, with the inode whose backing file they hold. */
    private final Map<Integer, Inode> passthroughFiles = new ConcurrentHashMap<>();
    private final AtomicBoolean passthroughRefusalReported = new AtomicBoolean();

    /** A passthrough of {@code source} with {@link PassthroughOptions#defaults()}. */
    public PassthroughFilesystem(Path source) throws IOException {
        this(source, PassthroughOptions.defaults());
    }

    /**
     * The open-file limit the constructor asks for: each inode the kernel remembers holds one descriptor, so a
     * default limit (often 1,024 soft, or a container's 20,000 hard) caps the files in use through the mount. Raising
     * the hard limit needs CAP_SYS_RESOURCE (root); otherwise the soft limit goes up to the hard one.
     */
    static final long OPEN_FILE_LIMIT = 1 << 20;

    /**
     * Opens {@code source} (symlinks in that path are followed, once, here).
     *
     * @throws IOException {@code source} is not an openable directory, or {@code /proc} is not mounted
     */
    public PassthroughFilesystem(Path source, PassthroughOptions options) throws IOException {
        // one O_PATH descriptor per inode the kernel remembers: lift the open-file limit as far as allowed
        this(source, options, ProcessCalls.raiseOpenFileLimit(OPEN_FILE_LIMIT));
    }

    /**
     * With {@code fileLimit} as the open-file limit the budget and the handle cap are reckoned from (the process's,
     * after raising it; tests give a smaller one where root could raise it to a million).
     */
    PassthroughFilesystem(Path source, PassthroughOptions options, long fileLimit) throws IOException {
        Objects.requireNonNull(options, "options");
        this.source = source.toAbsolutePath();
        int rootFd;
        try (Arena a = Arena.ofConfined()) {
            rootFd = AtCalls.openat(Fcntl.AT_FDCWD, a.allocateFrom(this.source.toString()),
                    Fcntl.O_PATH | Fcntl.O_DIRECTORY | Fcntl.O_CLOEXEC, 0);
        }
        if (rootFd < 0) {
            throw new IOException("cannot open the passthrough source " + this.source + ": " + Errno.strerror(rootFd)
                    + (rootFd == -LinuxErrno.ENOTDIR ? "; pass a directory"
                    : "; pass an existing, searchable directory"));
        }
        MemorySegment statx = Scratch.current().statx;
        int r = AtCalls.statx(rootFd, AtCalls.EMPTY_PATH, STAT_AT,
                StatxLayout.STATX_BASIC_STATS | StatxLayout.STATX_MNT_ID, statx);
        if (r < 0) {
            FdCalls.close(rootFd);
            throw new IOException("cannot stat the passthrough source " + this.source + ": " + Errno.strerror(r));
        }
        this.rootMountId = (StatxLayout.mask(statx) & StatxLayout.STATX_MNT_ID) != 0
                ? StatxLayout.mountId(statx) : NO_MOUNT_ID;
        long dev = StatxLayout.device(statx);
        long ino = StatxLayout.ino(statx);
        int type = FileMode.type(StatxLayout.mode(statx));
        r = AtCalls.statx(Fcntl.AT_FDCWD, Scratch.current().procPath(rootFd), 0, StatxLayout.STATX_INO, statx);
        if (r < 0 || StatxLayout.ino(statx) != ino) {
            FdCalls.close(rootFd);
            throw new IOException("/proc/self/fd does not reach the source (" + (r < 0 ? Errno.strerror(r)
                    : "another inode") + "); the passthrough reopens files through it: mount proc on /proc");
        }
        int umask;
        try {
            umask = ProcessCalls.umask();
        } catch (IOException e) {
            FdCalls.close(rootFd);
            throw e;
        }
        this.inodes = new InodeTable(rootFd, dev, ino, type);
        this.fileLimit = fileLimit;
        this.givenBudget = options.inodeBudget();
        this.sharesDefaultBudget = givenBudget == 0;
        this.pruner = new InodePruner(inodes, () -> budgetInForce(configuredBudget(), limitShare(), openHandles()));
        this.ownership = new CallerOwnership(ProcessCalls.geteuid(), ProcessCalls.getegid(), umask);
        this.entrySeconds = options.entryTimeout().getSeconds();
        this.entryNanos = options.entryTimeout().getNano();
        this.attrSeconds = options.attrTimeout().getSeconds();
        this.attrNanos = options.attrTimeout().getNano();
        this.keepCache = options.keepCache();
        this.flushIsNoOp = flushIsNoOp(FdCalls.fstatfsType(rootFd));
        if (sharesDefaultBudget) {
            DEFAULT_BUDGET_SHARERS.incrementAndGet(); // last: a constructor that failed shares nothing
        }
    }

    /**
     * Whether closing a file of a file system of type {@code fsType} ({@code statfs.f_type}) can report nothing
     * ({@code close(dup(fd))}, what FLUSH does, has no effect): local file systems without a {@code flush} file
     * operation (ext2/3/4, XFS, Btrfs, tmpfs, ramfs). On those the passthrough answers opens with
     * {@code FOPEN_NOFLUSH}, and the kernel skips the FLUSH round trip at every close; on others (NFS, SMB, FUSE, f2fs,
     * unknown ones) FLUSH still reports what a close would.
     */
    static boolean flushIsNoOp(long fsType) {
        return fsType == 0xEF53L // EXT2/3/4_SUPER_MAGIC
                || fsType == 0x58465342L // XFS_SUPER_MAGIC
                || fsType == 0x9123683EL // BTRFS_SUPER_MAGIC
                || fsType == 0x01021994L // TMPFS_MAGIC
                || fsType == 0x858458F6L; // RAMFS_MAGIC
    }

    /** Yes: see {@link #maybeAsCaller}. */
    @Override
    public boolean handlesKillPrivV2() {
        return true;
    }

    /** Yes: {@link #open} opens the backing file with the caller's {@code O_TRUNC}. */
    @Override
    public boolean truncatesOnOpen() {
        return true;
    }

    /**
     * Whether a truncating open for {@code ctx}'s caller is made as that caller without {@code CAP_FSETID}: as the
     * kernel says ({@code FUSE_OPEN_KILL_SUIDGID}) when it handles set-ID bits with us
     * ({@code FUSE_HANDLE_KILLPRIV_V2}); without that (passthrough I/O), when the caller is not root.
     */
    private boolean killOnTruncatingOpen(FuseContext ctx, FuseOpen open) {
        return killPrivV2 ? open.killSuidgid() : ctx.uid() != 0;
    }

    /**
     * {@code call} made as {@code ctx}'s caller without {@code CAP_FSETID} when {@code kill}, else as the server: see
     * {@link ProcessCalls#asCallerWithoutFsetid}. For fallocate and copy_file_range, for which the kernel sends no
     * flag, {@code kill} is "the caller is not root".
     */
    private static long maybeAsCaller(FuseContext ctx, boolean kill, LongSupplier call) {
        return kill ? ProcessCalls.asCallerWithoutFsetid(ctx.gid(), call) : call.getAsLong();
    }

    /** The source directory, absolute. */
    public Path source() {
        return source;
    }

    /**
     * Three quarters of the open-file limit: the rest is for open files, directories being listed and the JVM's own
     * descriptors. 0 (never prune) when the limit is unknown.
     */
    static int defaultInodeBudget(long openFileLimit) {
        return openFileLimit <= 0 ? 0 : (int) Math.min(Integer.MAX_VALUE, openFileLimit / 4 * 3);
    }

    /**
     * The inode budget in force: {@code budget}, lowered while the open files and directories ({@code handles}, one
     * descriptor each, which cannot be pruned) leave less than that of {@code limit} (the process's open-file limit,
     * or this passthrough's share of it) beside a reserve of a sixteenth of it, for the JVM's own descriptors and
     * the lookups that come between two passes; never below a sixty-fourth of the limit. A client that holds
     * thousands of files open through the mount then makes the pruner keep fewer inodes, so that lookups still find
     * descriptors, as long as the inodes the kernel keeps in use fit beside the open files (with the budget alone,
     * stress-ng's {@code open} stressor run in the mount held 8,300 files open through it while other stressors had
     * up to 14,800 inodes looked up, and their calls failed with {@code EMFILE}; see README for what still does).
     * 0 (never) stays 0; an unknown limit changes nothing.
     */
    static int budgetInForce(int budget, long limit, int handles) {
        if (budget <= 0 || limit <= 0) {
            return budget;
        }
        long room = limit - handles - limit / 16;
        return (int) Math.min(budget, Math.max(room, Math.max(1, limit / 64)));
    }

    /**
     * The budget before open files lower it: the one given, or the default over the open passthroughs that use it
     * (read afresh at every check, as their number changes).
     */
    private int configuredBudget() {
        return givenBudget > 0 ? givenBudget : defaultInodeBudget(fileLimit) / defaultBudgetSharers();
    }

    /** The part of the descriptor limit this passthrough reckons with: the whole, or its share of the default's. */
    private long limitShare() {
        return sharesDefaultBudget ? fileLimit / defaultBudgetSharers() : fileLimit;
    }

    private static int defaultBudgetSharers() {
        return Math.max(1, DEFAULT_BUDGET_SHARERS.get());
    }

    /** Open files and directories: one descriptor each. */
    private int openHandles() {
        return openFiles.size() + dirs.size();
    }

    /**
     * How many files and directories may be open through the mount at once: seven eighths of {@code limit} (the
     * process's open-file limit, or this passthrough's share of it); the rest stays for inodes, so that a client
     * that opens files until it gets an error (stress-ng's {@code open} stressor does) does not make every other
     * client's lookups, creates and links fail with {@code EMFILE} too. {@link Integer#MAX_VALUE} when the limit is
     * unknown.
     */
    static int handleCap(long limit) {
        return limit <= 0 ? Integer.MAX_VALUE : (int) Math.min(Integer.MAX_VALUE, limit - limit / 8);
    }

    /** The {@link #handleCap} in force now (of this passthrough's {@link #limitShare}). */
    int handleCapNow() {
        return handleCap(limitShare());
    }

    /** Before an open that takes a handle's descriptor: fails with {@code ENFILE} at the {@link #handleCap}. */
    private void requireHandleRoom() throws FuseException {
        if (openHandles() >= handleCapNow()) {
            throw new FuseException(LinuxErrno.ENFILE, "the passthrough has " + openHandles()
                    + " files and directories open, as many as its share of the descriptor limit allows");
        }
    }

    @Override
    public void init(FuseConnectionInfo connection) {
        applyCallerUmask = connection.has(FuseKernelLayout.FUSE_DONT_MASK);
        writebackCache = connection.has(FuseKernelLayout.FUSE_WRITEBACK_CACHE);
        backing = connection.backingFiles();
        killPrivV2 = connection.has(FuseKernelLayout.FUSE_HANDLE_KILLPRIV_V2);
        pruner.start(connection.notifier());
    }

    /**
     * The flags to open the backing file with. With the write-back cache the kernel reads pages of a file opened
     * write-only (to fill a page written in part) and writes each page at its own offset, also for O_APPEND (it
     * keeps the size itself): so write-only becomes read-write and O_APPEND goes, as in libfuse's passthrough.
     */
    private int backingOpenFlags(int flags) {
        if (!writebackCache) {
            return flags;
        }
        if ((flags & Fcntl.O_ACCMODE) == Fcntl.O_WRONLY) {
            flags = (flags & ~Fcntl.O_ACCMODE) | Fcntl.O_RDWR;
        }
        return flags & ~Fcntl.O_APPEND;
    }

    /** Unmounted: releases everything, as {@link #close()}. */
    @Override
    public void destroy() {
        close();
    }

    /**
     * Closes every open file and directory the kernel did not release (a connection aborted, or unmounted with
     * files open, sends no RELEASE for them) and every inode descriptor. Later requests fail with {@code ESTALE}.
     */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true) && sharesDefaultBudget) {
            DEFAULT_BUDGET_SHARERS.decrementAndGet();
        }
        pruner.close();
        passthroughFiles.clear(); // backing ids end with the connection
        for (Integer fd : openFiles) {
            if (openFiles.remove(fd)) {
                FdCalls.close(fd);
            }
        }
        for (Long fh : dirs.keySet()) {
            DirHandle h = dirs.remove(fh);
            if (h != null) {
                h.close();
            }
        }
        inodes.close();
    }

    // ------------------------------------------------------------------------------------------------------------
    // Names
    // ------------------------------------------------------------------------------------------------------------

    @Override
    public void lookup(FuseContext ctx, long parent, FuseName name, FuseEntry entry) throws FuseException {
        Inode p = inodes.get(parent);
        if (name.isDotOrDotDot()) {
            boolean dotDot = name.length() == 2;
            if (!dotDot || p == inodes.root()) {
                MemorySegment statx = statx(p.fd);
                inodes.addLookup(p);
                fillEntry(p, statx, entry);
            } else {
                lookupParent(p, entry);
            }
            return;
        }
        MemorySegment c = NativeArgs.component(name);
        int found = lookupKnown(p, c, entry);
        if (found == 0) {
            return;
        }
        int fd = found == -LinuxErrno.ENOENT ? found
                : AtCalls.openBeneath(p.fd, c, Fcntl.O_PATH | Fcntl.O_CLOEXEC, 0);
        if (fd == -LinuxErrno.ENOENT && (entrySeconds > 0 || entryNanos > 0)) {
            // a negative entry (nodeid 0): the kernel caches the name's absence for the entry timeout, as
            // passthrough_hp does, instead of asking again at every open or stat of a name about to be created
            entry.nodeid(0).generation(0).entryValidFor(entrySeconds, entryNanos);
            return;
        }
        opened(fd);
        register(fd, entry);
    }

    /**
     * LOOKUP's fast path, for a name whose inode the table holds (most lookups: the kernel asks again for every name
     * whose entry timed out): a {@code statx} of the name finds {@code (dev, ino)}; if the table holds that inode on
     * the source's own mount, one lookup of it is counted, which keeps it (and its number) alive, and a second
     * {@code statx} of the name checks that the name still leads to it. Two calls instead of three ({@code openat2},
     * {@code statx} of the descriptor, {@code close}). The second is what makes it sound: between the first
     * {@code statx} and the count, the name's inode may have been freed and its number given to one the table
     * registered since (a change made to the source outside the mount), and two live inodes never share a number.
     * {@code name} is a single component, not "." or "..", and is not followed if it is a symlink, so the
     * {@code statx} stays in {@code dir}. A name on another mount (a bind mount of a directory of the source
     * included: same {@code dev}, another {@code stx_mnt_id}) goes the slow way, which refuses it.
     *
     * @return 0 when {@code entry} is filled; {@code -ENOENT} when the name does not exist; else another value
     *         (the caller opens the name, which gives the inode, or the error to reply)
     */
    private int lookupKnown(Inode dir, MemorySegment name, FuseEntry entry) {
        MemorySegment statx = Scratch.current().statx;
        int r = AtCalls.statx(dir.fd, name, LOOKUP_AT, REGISTER_MASK, statx);
        if (r < 0) {
            return r;
        }
        if (!onSourceMount(statx)) {
            return 1;
        }
        long dev = StatxLayout.device(statx), ino = StatxLayout.ino(statx);
        Inode known = inodes.acquireIfKnown(dev, ino);
        if (known == null) {
            return 1;
        }
        r = AtCalls.statx(dir.fd, name, LOOKUP_AT, REGISTER_MASK, statx);
        if (r < 0 || StatxLayout.device(statx) != dev || StatxLayout.ino(statx) != ino || !onSourceMount(statx)) {
            inodes.forget(known.nodeid, 1); // the name moved on meanwhile: give the count back, go the slow way
            return r == -LinuxErrno.ENOENT ? r : 1;
        }
        fillEntry(known, statx, entry);
        lookupsFromTable.increment();
        return 0;
    }

    /** Whether a {@code statx} result lies on the source's own mount (the same device and mount id). */
    private boolean onSourceMount(MemorySegment statx) {
        return StatxLayout.device(statx) == inodes.root().dev && (rootMountId == NO_MOUNT_ID
                || (StatxLayout.mask(statx) & StatxLayout.STATX_MNT_ID) == 0
                || StatxLayout.mountId(statx) == rootMountId);
    }

    /** LOOKUP of ".." in a directory other than the root: its parent, if that lies inside the source. */
    private void lookupParent(Inode dir, FuseEntry entry) throws FuseException {
        int fd = opened(AtCalls.openat(dir.fd, DOT_DOT, Fcntl.O_PATH | Fcntl.O_DIRECTORY | Fcntl.O_CLOEXEC, 0));
        try {
            MemorySegment statx = statx(fd);
            Inode known = inodes.acquireIfKnown(StatxLayout.device(statx), StatxLayout.ino(statx));
            if (known != null) {
                FdCalls.close(fd);
                fillEntry(known, statx, entry);
                return;
            }
            if (!climbsToRoot(fd)) {
                throw new FuseException(LinuxErrno.ENOENT, "the parent of nodeid " + dir.nodeid
                        + " is outside the source");
            }
        } catch (FuseException e) {
            FdCalls.close(fd);
            throw e;
        }
        register(fd, entry);
    }

    /** Whether following ".." from {@code dirFd} reaches the source root before the file system's root. */
    private boolean climbsToRoot(int dirFd) throws FuseException {
        Inode root = inodes.root();
        int current = -1;
        try {
            long lastDev = -1;
            long lastIno = -1;
            for (int i = 0; i < MAX_PARENT_CLIMB; i++) {
                int up = opened(AtCalls.openat(current < 0 ? dirFd : current, DOT_DOT,
                        Fcntl.O_PATH | Fcntl.O_DIRECTORY | Fcntl.O_CLOEXEC, 0));
                if (current >= 0) {
                    FdCalls.close(current);
                }
                current = up;
                MemorySegment statx = statx(current);
                long dev = StatxLayout.device(statx);
                long ino = StatxLayout.ino(statx);
                if (dev == root.dev && ino == root.ino) {
                    return true;
                }
                if (dev == lastDev && ino == lastIno) {
                    return false; // ".." of "/" is "/"
                }
                lastDev = dev;
                lastIno = ino;
            }
            return false;
        } finally {
            if (current >= 0) {
                FdCalls.close(current);
            }
        }
    }

    @Override
    public void forget(long nodeid, long nlookup) {
        inodes.forget(nodeid, nlookup);
    }

    @Override
    public void mknod(FuseContext ctx, long parent, FuseName name, int mode, int rdev, int umask, FuseEntry entry)
            throws FuseException {
        Inode p = inodes.get(parent);
        MemorySegment c = NativeArgs.component(name);
        int type = FileMode.type(mode);
        int perm = permissions(mode, umask);
        check(AtCalls.mknodat(p.fd, c, type | perm, rdev));
        finishCreate(ctx, p, c, type, perm, entry);
    }

    @Override
    public void mkdir(FuseContext ctx, long parent, FuseName name, int mode, int umask, FuseEntry entry)
            throws FuseException {
        Inode p = inodes.get(parent);
        MemorySegment c = NativeArgs.component(name);
        int perm = permissions(mode, umask);
        check(AtCalls.mkdirat(p.fd, c, perm));
        finishCreate(ctx, p, c, FileMode.S_IFDIR, perm, entry);
    }

    @Override
    public void symlink(FuseContext ctx, long parent, FuseName name, FuseName target, FuseEntry entry)
            throws FuseException {
        Inode p = inodes.get(parent);
        MemorySegment c = NativeArgs.component(name);
        check(AtCalls.symlinkat(NativeArgs.cString(target), p.fd, c));
        finishCreate(ctx, p, c, FileMode.S_IFLNK, 0777, entry);
    }

    /** After mknod, mkdir or symlink: gives the node to the caller and replies its entry; removes it on failure. */
    private void finishCreate(FuseContext ctx, Inode parent, MemorySegment name, int type, int perm, FuseEntry entry)
            throws FuseException {
        int fd = AtCalls.openBeneath(parent.fd, name, Fcntl.O_PATH | Fcntl.O_CLOEXEC, 0);
        if (outOfDescriptors(fd)) {
            // made, but out of descriptors to hold it by: take it back, so that the caller's error is the whole
            // outcome (else its retry finds EEXIST); only then, as another error may mean the name is someone
            // else's by now
            AtCalls.unlinkat(parent.fd, name, type == FileMode.S_IFDIR ? Fcntl.AT_REMOVEDIR : 0);
        }
        opened(fd);
        try {
            ownership.adopt(ctx, parent, fd, -1, type, perm);
        } catch (FuseException e) {
            FdCalls.close(fd);
            AtCalls.unlinkat(parent.fd, name, type == FileMode.S_IFDIR ? Fcntl.AT_REMOVEDIR : 0);
            throw e;
        }
        register(fd, entry);
    }

    @Override
    public void unlink(FuseContext ctx, long parent, FuseName name) throws FuseException {
        check(AtCalls.unlinkat(inodes.get(parent).fd, NativeArgs.component(name), 0));
    }

    @Override
    public void rmdir(FuseContext ctx, long parent, FuseName name) throws FuseException {
        check(AtCalls.unlinkat(inodes.get(parent).fd, NativeArgs.component(name), Fcntl.AT_REMOVEDIR));
    }

    @Override
    public void rename(FuseContext ctx, long parent, FuseName name, long newParent, FuseName newName, int flags)
            throws FuseException {
        int known = Fcntl.RENAME_NOREPLACE | Fcntl.RENAME_EXCHANGE | Fcntl.RENAME_WHITEOUT;
        if ((flags & ~known) != 0) {
            throw new FuseException(LinuxErrno.EINVAL, "unknown rename flags 0x" + Integer.toHexString(flags & ~known));
        }
        Inode p = inodes.get(parent);
        Inode np = inodes.get(newParent);
        check(AtCalls.renameat2(p.fd, NativeArgs.component(name), np.fd, NativeArgs.component(newName), flags));
    }

    @Override
    public void link(FuseContext ctx, long nodeid, long newParent, FuseName newName, FuseEntry entry)
            throws FuseException {
        Inode i = inodes.get(nodeid);
        Inode np = inodes.get(newParent);
        MemorySegment c = NativeArgs.component(newName);
        // linkat(AT_EMPTY_PATH) needs CAP_DAC_READ_SEARCH; the /proc link reaches the same inode without it.
        check(AtCalls.linkat(Fcntl.AT_FDCWD, Scratch.current().procPath(i.fd), np.fd, c, Fcntl.AT_SYMLINK_FOLLOW));
        MemorySegment statx = statx(i.fd);
        inodes.addLookup(i);
        fillEntry(i, statx, entry);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Attributes
    // ------------------------------------------------------------------------------------------------------------

    @Override
    public void getattr(FuseContext ctx, long nodeid, long fh, FuseAttr attr) throws FuseException {
        Inode i = inodes.get(nodeid);
        StatxAttr.copy(statx(i.fd), attr);
        attr.validFor(attrSeconds, attrNanos);
    }

    @Override
    public void setattr(FuseContext ctx, long nodeid, FuseSetAttr changes, FuseAttr attr) throws FuseException {
        Inode i = inodes.get(nodeid);
        // Only a regular file's fh is one of our file descriptors (a directory's is a DirHandle key).
        int fh = i.type == FileMode.S_IFREG && changes.fh() != FuseContext.NO_FH ? fileFd(changes.fh()) : -1;
        if (changes.has(FuseSetAttr.MODE)) {
            int mode = changes.mode() & FileMode.PERMISSIONS;
            check(fh >= 0 ? FdCalls.fchmod(fh, mode)
                    : AtCalls.fchmodat(Fcntl.AT_FDCWD, Scratch.current().procPath(i.fd), mode, 0));
        }
        boolean uid = changes.has(FuseSetAttr.UID);
        boolean gid = changes.has(FuseSetAttr.GID);
        if (uid || gid) {
            check(AtCalls.fchownat(i.fd, AtCalls.EMPTY_PATH, uid ? changes.uid() : -1, gid ? changes.gid() : -1,
                    STAT_AT));
        }
        if (changes.has(FuseSetAttr.SIZE)) {
            MemorySegment path = fh >= 0 ? null : Scratch.current().procPath(i.fd);
            LongSupplier truncate = () -> fh >= 0 ? FdCalls.ftruncate(fh, changes.size())
                    : AtCalls.truncate(path, changes.size());
            // a truncate for a caller without CAP_FSETID clears set-ID bits (a chown clears them by itself)
            check((int) maybeAsCaller(ctx, changes.has(FuseSetAttr.KILL_SUIDGID), truncate));
        }
        boolean atime = changes.has(FuseSetAttr.ATIME);
        boolean mtime = changes.has(FuseSetAttr.MTIME);
        if (atime || mtime) {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment times = a.allocate(TimespecLayout.TIMES);
                TimespecLayout.setAccess(times, atime ? changes.atimeSeconds() : 0, !atime ? Fcntl.UTIME_OMIT
                        : changes.has(FuseSetAttr.ATIME_NOW) ? Fcntl.UTIME_NOW : changes.atimeNanos());
                TimespecLayout.setModification(times, mtime ? changes.mtimeSeconds() : 0, !mtime ? Fcntl.UTIME_OMIT
                        : changes.has(FuseSetAttr.MTIME_NOW) ? Fcntl.UTIME_NOW : changes.mtimeNanos());
                check(AtCalls.utimensat(i.fd, AtCalls.EMPTY_PATH, times, STAT_AT));
            }
        }
        getattr(ctx, nodeid, FuseContext.NO_FH, attr);
    }

    @Override
    public byte[] readlink(FuseContext ctx, long nodeid) throws FuseException {
        Inode i = inodes.get(nodeid);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(PATH_MAX + 1);
            long n = check(AtCalls.readlinkat(i.fd, AtCalls.EMPTY_PATH, buf));
            if (n > PATH_MAX) {
                throw new FuseException(LinuxErrno.ENAMETOOLONG);
            }
            return buf.asSlice(0, n).toArray(JAVA_BYTE);
        }
    }

    @Override
    public void access(FuseContext ctx, long nodeid, int mask) throws FuseException {
        Inode i = inodes.get(nodeid);
        check(AtCalls.faccessat(i.fd, AtCalls.EMPTY_PATH, mask, STAT_AT | Fcntl.AT_EACCESS));
    }

    @Override
    public void statfs(FuseContext ctx, long nodeid, FuseStatfs statfs) throws FuseException {
        Inode i = inodes.get(nodeid);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(StatvfsLayout.STATVFS);
            check(FdCalls.fstatvfs(i.fd, s));
            statfs.blocks = StatvfsLayout.blocks(s);
            statfs.bfree = StatvfsLayout.bfree(s);
            statfs.bavail = StatvfsLayout.bavail(s);
            statfs.files = StatvfsLayout.files(s);
            statfs.ffree = StatvfsLayout.ffree(s);
            statfs.bsize = (int) StatvfsLayout.bsize(s);
            statfs.frsize = (int) StatvfsLayout.frsize(s);
            statfs.namelen = (int) StatvfsLayout.namemax(s);
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Files
    // ------------------------------------------------------------------------------------------------------------

    @Override
    public void open(FuseContext ctx, long nodeid, int flags, FuseOpen open) throws FuseException {
        Inode i = inodes.get(nodeid);
        if (i.type == FileMode.S_IFLNK) {
            throw new FuseException(LinuxErrno.ELOOP); // the server never follows a symlink
        }
        requireHandleRoom();
        int f = backingOpenFlags(flags & ~(Fcntl.O_NOFOLLOW | Fcntl.O_CREAT | Fcntl.O_EXCL | Fcntl.O_NOCTTY))
                | Fcntl.O_CLOEXEC;
        MemorySegment path = Scratch.current().procPath(i.fd);
        // a truncating open marked for a caller without CAP_FSETID clears set-ID bits, as a truncate would
        int fd = opened((int) maybeAsCaller(ctx, (f & Fcntl.O_TRUNC) != 0 && killOnTruncatingOpen(ctx, open),
                () -> AtCalls.openat(Fcntl.AT_FDCWD, path, f, 0)));
        openFiles.add(fd);
        pruner.checkBudget();
        open.fh(fd).addFlags(openFlags(flags));
        passthrough(i, fd, open);
    }

    @Override
    public void create(FuseContext ctx, long parent, FuseName name, int mode, int umask, int flags, FuseEntry entry,
            FuseOpen open) throws FuseException {
        Inode p = inodes.get(parent);
        requireHandleRoom();
        MemorySegment c = NativeArgs.component(name);
        int perm = permissions(mode, umask);
        int base = backingOpenFlags(flags & ~(Fcntl.O_CREAT | Fcntl.O_EXCL | Fcntl.O_NOCTTY)) | Fcntl.O_CLOEXEC;
        boolean exclusive = (flags & Fcntl.O_EXCL) != 0;
        // O_CREAT alone does not say whether the file was made; O_EXCL first does, so only a new file is adopted.
        int fd = -LinuxErrno.ENOENT;
        boolean created = false;
        for (int attempt = 0; attempt < 3 && fd == -LinuxErrno.ENOENT; attempt++) {
            fd = AtCalls.openBeneath(p.fd, c, base | Fcntl.O_CREAT | Fcntl.O_EXCL, perm);
            created = fd >= 0;
            if (fd == -LinuxErrno.EEXIST && !exclusive) {
                // ENOENT: removed in between; try again. O_TRUNC on the file found: as in open
                fd = (int) maybeAsCaller(ctx, (base & Fcntl.O_TRUNC) != 0 && killOnTruncatingOpen(ctx, open),
                        () -> AtCalls.openBeneath(p.fd, c, base, 0));
            }
        }
        opened(fd);
        int pathFd = AtCalls.openat(Fcntl.AT_FDCWD, Scratch.current().procPath(fd), Fcntl.O_PATH | Fcntl.O_CLOEXEC,
                0);
        try {
            opened(pathFd);
            if (created) {
                ownership.adopt(ctx, p, pathFd, fd, FileMode.S_IFREG, perm);
            }
        } catch (FuseException e) {
            if (pathFd >= 0) {
                FdCalls.close(pathFd);
            }
            FdCalls.close(fd);
            if (created) {
                AtCalls.unlinkat(p.fd, c, 0);
            }
            throw e;
        }
        try {
            register(pathFd, entry);
        } catch (FuseException e) {
            FdCalls.close(fd);
            throw e;
        }
        openFiles.add(fd);
        pruner.checkBudget();
        open.fh(fd).addFlags(openFlags(flags));
        passthrough(inodes.get(entry.nodeid()), fd, open);
    }

    /**
     * With passthrough I/O (the server asked for it and the kernel granted it), names the inode's backing file in
     * the reply, so that the kernel reads and writes the file itself. The first open of an inode registers its
     * descriptor (the kernel keeps its own reference and reopens the file per open), later ones share its backing id
     * (the kernel wants one backing file per inode), and the release of the last one unregisters it
     * ({@link #releasePassthrough}). A registration the kernel refuses (no CAP_SYS_ADMIN, say) leaves that open to
     * READ and WRITE, and is reported once.
     */
    private void passthrough(Inode i, int fd, FuseOpen open) {
        FuseBackingFiles b = backing;
        if (b == null || i.type != FileMode.S_IFREG) {
            return;
        }
        int id;
        synchronized (i) {
            if (i.backingOpens == 0) {
                try {
                    i.backingId = b.open(fd); // an open file: Linux 6.9 to 6.11 refuse an O_PATH one (EBADF)
                } catch (FuseException e) {
                    if (passthroughRefusalReported.compareAndSet(false, true)) {
                        System.getLogger(PassthroughFilesystem.class.getName()).log(System.Logger.Level.WARNING,
                                "passthrough I/O refused by the kernel (" + Errno.strerror(e.errno()) + ": "
                                + e.getMessage() + "); files it refuses are served through READ and WRITE");
                    }
                    return;
                }
            }
            i.backingOpens++;
            id = i.backingId;
        }
        passthroughFiles.put(fd, i);
        open.passthrough(id);
    }

    /** The release of an open file in passthrough: the inode's last one unregisters its backing file. */
    private void releasePassthrough(int fd) {
        Inode i = passthroughFiles.remove(fd);
        FuseBackingFiles b = backing;
        if (i == null || b == null) {
            return;
        }
        synchronized (i) {
            if (--i.backingOpens == 0) {
                int id = i.backingId;
                i.backingId = 0;
                try {
                    b.close(id);
                } catch (FuseException e) {
                    // ENODEV and the like: the connection is ending, and its backing ids with it
                }
            }
        }
    }

    /** The backing ids the open files in passthrough hold, one per open file (for tests). */
    java.util.List<Integer> backingIdsInUse() {
        return passthroughFiles.values().stream().map(i -> {
            synchronized (i) {
                return i.backingId;
            }
        }).toList();
    }

    private int openFlags(int flags) {
        int fopen = FuseOpen.PARALLEL_DIRECT_WRITES;
        if (keepCache) {
            fopen |= FuseOpen.KEEP_CACHE;
        }
        if (flushIsNoOp) {
            fopen |= FuseOpen.NOFLUSH; // ignored by the kernel under the writeback cache, whose FLUSH writes back
        }
        if ((flags & Fcntl.O_DIRECT) != 0) {
            fopen |= FuseOpen.DIRECT_IO;
        }
        return fopen;
    }

    @Override
    public int read(FuseContext ctx, long nodeid, long fh, long offset, MemorySegment dst) throws FuseException {
        int fd = fileFd(fh);
        MemorySegment out = NativeArgs.nativeOut(dst);
        long size = out.byteSize();
        long total = 0;
        while (total < size) {
            long n = FdCalls.pread(fd, total == 0 ? out : out.asSlice(total), offset + total);
            if (n == -LinuxErrno.EINTR) {
                continue;
            }
            if (n < 0) {
                if (total > 0) {
                    break; // report what was read; the error recurs on the next read
                }
                throw new FuseException((int) -n);
            }
            if (n == 0) {
                break;
            }
            total += n;
        }
        NativeArgs.copyBack(out, dst, total);
        return (int) total;
    }

    @Override
    public int write(FuseContext ctx, long nodeid, long fh, long offset, MemorySegment data, int writeFlags)
            throws FuseException {
        int fd = fileFd(fh);
        MemorySegment in = NativeArgs.toNative(data);
        boolean kill = (writeFlags & FuseKernelLayout.FUSE_WRITE_KILL_SUIDGID) != 0;
        long n = maybeAsCaller(ctx, kill, () -> pwriteAll(fd, in, offset));
        if (n < 0) {
            throw new FuseException((int) -n);
        }
        return (int) n;
    }

    /** {@code pwrite} until all of {@code in} is written or one fails: the bytes written, or -errno if none were. */
    private static long pwriteAll(int fd, MemorySegment in, long offset) {
        long size = in.byteSize();
        long total = 0;
        while (total < size) {
            long n = FdCalls.pwrite(fd, total == 0 ? in : in.asSlice(total), offset + total);
            if (n == -LinuxErrno.EINTR) {
                continue;
            }
            if (n < 0) {
                return total > 0 ? total : n; // report what was written; the error recurs on the next write
            }
            total += n;
        }
        return total;
    }

    /** FLUSH: {@code close(dup(fd))}, which reports the errors a close of the caller's descriptor would. */
    @Override
    public void flush(FuseContext ctx, long nodeid, long fh, long lockOwner) throws FuseException {
        int dup = check(FdCalls.dup(fileFd(fh)));
        check(FdCalls.close(dup));
    }

    @Override
    public void release(FuseContext ctx, long nodeid, long fh, int flags) throws FuseException {
        int fd = fileFd(fh);
        if (openFiles.remove(fd)) { // not closed already by close(): the number may belong to another file now
            releasePassthrough(fd);
            FdCalls.close(fd);
        }
    }

    @Override
    public void fsync(FuseContext ctx, long nodeid, long fh, boolean dataOnly) throws FuseException {
        int fd = fileFd(fh);
        check(dataOnly ? FdCalls.fdatasync(fd) : FdCalls.fsync(fd));
    }

    @Override
    public void fallocate(FuseContext ctx, long nodeid, long fh, long offset, long length, int mode)
            throws FuseException {
        int fd = fileFd(fh);
        check((int) maybeAsCaller(ctx, ctx.uid() != 0, () -> FdCalls.fallocate(fd, mode, offset, length)));
    }

    @Override
    public long lseek(FuseContext ctx, long nodeid, long fh, long offset, int whence) throws FuseException {
        return check(FdCalls.lseek(fileFd(fh), offset, whence));
    }

    @Override
    public long copyFileRange(FuseContext ctx, long nodeIn, long fhIn, long offsetIn, long nodeOut, long fhOut,
            long offsetOut, long length, int flags) throws FuseException {
        int in = fileFd(fhIn), out = fileFd(fhOut);
        return check(maybeAsCaller(ctx, ctx.uid() != 0,
                () -> FdCalls.copyFileRange(in, offsetIn, out, offsetOut, length, flags)));
    }

    // ------------------------------------------------------------------------------------------------------------
    // Directories
    // ------------------------------------------------------------------------------------------------------------

    @Override
    public void opendir(FuseContext ctx, long nodeid, int flags, FuseOpen open) throws FuseException {
        Inode i = inodes.get(nodeid);
        requireHandleRoom();
        int fd = opened(AtCalls.openat(i.fd, DOT, Fcntl.O_RDONLY | Fcntl.O_DIRECTORY | Fcntl.O_CLOEXEC, 0));
        long fh = nextDirHandle.getAndIncrement();
        dirs.put(fh, new DirHandle(fd));
        pruner.checkBudget();
        open.fh(fh);
        if (keepCache) {
            open.addFlags(FuseOpen.KEEP_CACHE | FuseOpen.CACHE_DIR);
        }
    }

    @Override
    public void readdir(FuseContext ctx, long nodeid, long fh, long offset, FuseDirFiller filler)
            throws FuseException {
        list(fh, offset, r -> filler.add(r.name(), r.ino(), r.type(), r.nextOffset()));
    }

    /**
     * READDIRPLUS: each entry but "." and ".." is looked up (and so counted) as LOOKUP would; those two get nodeid
     * 0, which the kernel ignores. An entry removed since the listing was read is skipped, and so is a mount point,
     * which LOOKUP does not cross either.
     */
    @Override
    public void readdirplus(FuseContext ctx, long nodeid, long fh, long offset, FuseDirPlusFiller filler)
            throws FuseException {
        list(fh, offset, r -> {
            FuseDirPlusFiller.Lookup lookup;
            if (r.isDotOrDotDot()) {
                long ino = r.ino();
                int mode = FileMode.modeOfDirentType(r.type());
                lookup = e -> e.nodeid(0).attr().ino(ino).mode(mode);
            } else {
                FuseName name = new FuseName(r.nameWithNul());
                lookup = e -> lookup(ctx, nodeid, name, e);
            }
            return filler.add(r.name(), r.type(), r.nextOffset(), lookup);
        });
    }

    /** Adds one listed entry to a reply: false when the reply is full. */
    @FunctionalInterface
    private interface EntryAdder {
        boolean add(DirentParser entry) throws FuseException;
    }

    /**
     * The listing loop READDIR and READDIRPLUS share, under the open directory's lock: from {@code offset}, add
     * entries until the reply is full or the directory ends. An entry that does not fit is read again next time. A
     * failure after some entries were added ends the reply with what fits (it recurs on the next call); before any,
     * it is the reply. An entry whose lookup finds it gone (ENOENT) or a mount point (EOPNOTSUPP) is skipped.
     */
    private void list(long fh, long offset, EntryAdder adder) throws FuseException {
        DirHandle h = dir(fh);
        h.lock.lock();
        try {
            h.seek(offset);
            boolean added = false;
            while (true) {
                DirentParser r;
                try {
                    r = h.next();
                } catch (FuseException e) {
                    if (added) {
                        return;
                    }
                    throw e;
                }
                if (r == null) {
                    return;
                }
                boolean fit;
                try {
                    fit = adder.add(r);
                } catch (FuseException e) {
                    if (e.errno() == LinuxErrno.ENOENT || e.errno() == LinuxErrno.EOPNOTSUPP) {
                        h.consumed(); // gone since getdents64 listed it, or a mount point
                        continue;
                    }
                    h.unread();
                    if (added) {
                        return;
                    }
                    throw e;
                }
                if (!fit) {
                    h.unread();
                    return;
                }
                h.consumed();
                added = true;
            }
        } finally {
            h.lock.unlock();
        }
    }

    @Override
    public void releasedir(FuseContext ctx, long nodeid, long fh) throws FuseException {
        DirHandle h = dirs.remove(fh);
        if (h == null) {
            throw new FuseException(LinuxErrno.EBADF);
        }
        h.close();
    }

    @Override
    public void fsyncdir(FuseContext ctx, long nodeid, long fh, boolean dataOnly) throws FuseException {
        DirHandle h = dir(fh);
        check(dataOnly ? FdCalls.fdatasync(h.fd) : FdCalls.fsync(h.fd));
    }

    // ------------------------------------------------------------------------------------------------------------
    // Extended attributes: through /proc/self/fd/N, since the f*xattr calls refuse O_PATH descriptors
    // ------------------------------------------------------------------------------------------------------------

    @Override
    public void setxattr(FuseContext ctx, long nodeid, FuseName name, MemorySegment value, int flags)
            throws FuseException {
        Inode i = inodes.get(nodeid);
        check(XattrCalls.setxattr(Scratch.current().procPath(i.fd), NativeArgs.cString(name),
                NativeArgs.toNative(value), flags));
    }

    @Override
    public int getxattr(FuseContext ctx, long nodeid, FuseName name, MemorySegment dst) throws FuseException {
        Inode i = inodes.get(nodeid);
        MemorySegment out = NativeArgs.nativeOut(dst);
        long n = check(XattrCalls.getxattr(Scratch.current().procPath(i.fd), NativeArgs.cString(name), out));
        NativeArgs.copyBack(out, dst, dst.byteSize() == 0 ? 0 : n);
        return (int) n;
    }

    @Override
    public int listxattr(FuseContext ctx, long nodeid, MemorySegment dst) throws FuseException {
        Inode i = inodes.get(nodeid);
        MemorySegment out = NativeArgs.nativeOut(dst);
        long n = check(XattrCalls.listxattr(Scratch.current().procPath(i.fd), out));
        NativeArgs.copyBack(out, dst, dst.byteSize() == 0 ? 0 : n);
        return (int) n;
    }

    @Override
    public void removexattr(FuseContext ctx, long nodeid, FuseName name) throws FuseException {
        Inode i = inodes.get(nodeid);
        check(XattrCalls.removexattr(Scratch.current().procPath(i.fd), NativeArgs.cString(name)));
    }

    // ------------------------------------------------------------------------------------------------------------
    // Helpers
    // ------------------------------------------------------------------------------------------------------------

    /** The number of inodes held, the root included: for tests. */
    int inodeCount() {
        return inodes.size();
    }

    /**
     * The inodes held before pruning starts, now: {@link PassthroughOptions#inodeBudget}, or the default (three
     * quarters of the open-file limit) over the number of open passthroughs of this process that use it, lowered
     * while open files and directories take more of the limit than the rest (see {@link #budgetInForce}); 0: never.
     */
    public int inodeBudget() {
        return pruner.budget();
    }

    /** Node ids sent to the kernel in prune notifications so far. */
    public long prunedNodeids() {
        return pruner.prunedNodeids();
    }

    /** LOOKUPs answered by {@link #lookupKnown}, without opening the name: for tests. */
    long lookupsFromTable() {
        return lookupsFromTable.sum();
    }

    /** The {@code O_PATH} descriptor of {@code nodeid}: for tests. */
    int inodeFd(long nodeid) throws FuseException {
        return inodes.get(nodeid).fd;
    }

    /**
     * Counts a lookup of the inode behind {@code fd} (an {@code O_PATH} descriptor this method takes ownership of)
     * and fills {@code entry} for it.
     */
    private void register(int fd, FuseEntry entry) throws FuseException {
        MemorySegment statx;
        try {
            statx = statx(fd, REGISTER_MASK);
        } catch (FuseException e) {
            FdCalls.close(fd);
            throw e;
        }
        long dev = StatxLayout.device(statx);
        if (!onSourceMount(statx)) {
            FdCalls.close(fd);
            throw new FuseException(LinuxErrno.EOPNOTSUPP, "a mount point inside the source is not crossed");
        }
        Inode i = inodes.acquire(fd, dev, StatxLayout.ino(statx), FileMode.type(StatxLayout.mode(statx)));
        fillEntry(i, statx, entry);
        pruner.checkBudget();
    }

    private void fillEntry(Inode i, MemorySegment statx, FuseEntry entry) {
        entry.nodeid(i.nodeid).generation(0).entryValidFor(entrySeconds, entryNanos);
        StatxAttr.copy(statx, entry.attr());
        entry.attr().validFor(attrSeconds, attrNanos);
    }

    /** {@code statx} of the inode behind {@code fd} into this thread's buffer. */
    private static MemorySegment statx(int fd) throws FuseException {
        return statx(fd, StatxLayout.STATX_BASIC_STATS);
    }

    private static MemorySegment statx(int fd, int mask) throws FuseException {
        MemorySegment statx = Scratch.current().statx;
        check(AtCalls.statx(fd, AtCalls.EMPTY_PATH, STAT_AT, mask, statx));
        return statx;
    }

    /** The permission bits to create with: the kernel has applied the caller's umask unless FUSE_DONT_MASK. */
    private int permissions(int mode, int umask) {
        int perm = mode & FileMode.PERMISSIONS;
        return applyCallerUmask ? perm & ~umask : perm;
    }

    private DirHandle dir(long fh) throws FuseException {
        DirHandle h = dirs.get(fh);
        if (h == null) {
            throw new FuseException(LinuxErrno.EBADF);
        }
        return h;
    }

    /** An open file's {@code fh}, which is its descriptor. */
    private static int fileFd(long fh) throws FuseException {
        if (fh < 0 || fh > Integer.MAX_VALUE) {
            throw new FuseException(LinuxErrno.EBADF);
        }
        return (int) fh;
    }

    /**
     * {@link #check} for a call that opens a descriptor: out of descriptors ({@code EMFILE}, {@code ENFILE}), it
     * wakes the pruner first, which makes room for the calls after this failed one.
     */
    private int opened(int fd) throws FuseException {
        if (outOfDescriptors(fd)) {
            pruner.requestNow();
        }
        return check(fd);
    }

    /** Whether {@code r}, a call's result, is EMFILE or ENFILE. */
    private static boolean outOfDescriptors(int r) {
        return r == -LinuxErrno.EMFILE || r == -LinuxErrno.ENFILE;
    }

    private static int check(int r) throws FuseException {
        if (r < 0) {
            throw new FuseException(-r);
        }
        return r;
    }

    private static long check(long r) throws FuseException {
        if (r < 0) {
            throw new FuseException((int) -r);
        }
        return r;
    }
}
