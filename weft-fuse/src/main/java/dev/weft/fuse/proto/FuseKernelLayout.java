package dev.weft.fuse.proto;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The FUSE kernel ABI: every struct weft exchanges with {@code /dev/fuse}, as FFM layouts, and the header's constants.
 *
 * <h2>Source</h2>
 * All facts are read from the kernel's FUSE header at protocol 7.45 ({@code FUSE_KERNEL_MINOR_VERSION 45}, the
 * protocol of Linux 6.18), in the copy QEMU imports from Linux's {@code include/uapi/linux/fuse.h}: repository
 * qemu/qemu, path {@code include/standard-headers/linux/fuse.h}, commit
 * {@code 050b3d3630051fc4637d6c5078033680ec7c5f5e}. (QEMU's {@code scripts/update-linux-headers.sh} keeps the
 * declarations and only normalises includes and integer type names; libfuse ships the same file as
 * {@code include/fuse_kernel.h}.) Each struct's javadoc quotes the C declaration from that file, and each constant
 * its {@code #define} or enumerator. The header's changelog for the minors after 7.31, the previous baseline:
 * <ul>
 *   <li>7.32: {@code flags} in {@code fuse_attr} ({@code FUSE_ATTR_SUBMOUNT}); {@code FUSE_SUBMOUNTS}.</li>
 *   <li>7.33: {@code FUSE_HANDLE_KILLPRIV_V2}, {@code FUSE_WRITE_KILL_SUIDGID}, {@code FATTR_KILL_SUIDGID},
 *       {@code FUSE_OPEN_KILL_SUIDGID}; extended {@code fuse_setxattr_in} ({@code FUSE_SETXATTR_EXT});
 *       {@code FUSE_SETXATTR_ACL_KILL_SGID}.</li>
 *   <li>7.34: {@code FUSE_SYNCFS}. 7.35: {@code FOPEN_NOFLUSH}.</li>
 *   <li>7.36: {@code flags2} and reserved words in {@code fuse_init_in}, {@code flags2} in {@code fuse_init_out},
 *       {@code FUSE_INIT_EXT}, {@code FUSE_SECURITY_CTX}, {@code FUSE_HAS_INODE_DAX}, {@code FUSE_ATTR_DAX}.</li>
 *   <li>7.37: {@code FUSE_TMPFILE}.</li>
 *   <li>7.38: {@code total_extlen} in {@code fuse_in_header} and the request extensions
 *       ({@code fuse_ext_header}, {@code FUSE_EXT_GROUPS}, {@code FUSE_CREATE_SUPP_GROUP});
 *       {@code FUSE_EXPIRE_ONLY}, {@code FUSE_HAS_EXPIRE_ONLY}; {@code FOPEN_PARALLEL_DIRECT_WRITES}.</li>
 *   <li>7.39: {@code FUSE_DIRECT_IO_ALLOW_MMAP}; {@code FUSE_STATX} and its structs.</li>
 *   <li>7.40: {@code max_stack_depth} in {@code fuse_init_out}, {@code FUSE_PASSTHROUGH}, {@code backing_id} in
 *       {@code fuse_open_out}, {@code FOPEN_PASSTHROUGH}; {@code FUSE_NO_EXPORT_SUPPORT};
 *       {@code FUSE_NOTIFY_RESEND}, {@code FUSE_HAS_RESEND}.</li>
 *   <li>7.41: {@code FUSE_ALLOW_IDMAP}. 7.42: {@code FUSE_OVER_IO_URING} and the io_uring structs.
 *       7.43: {@code FUSE_REQUEST_TIMEOUT} ({@code request_timeout} in {@code fuse_init_out}).
 *       7.44: {@code FUSE_NOTIFY_INC_EPOCH}.</li>
 *   <li>7.45: {@code FUSE_COPY_FILE_RANGE_64}, {@code fuse_copy_file_range_out}, {@code FUSE_NOTIFY_PRUNE}.</li>
 * </ul>
 * Not laid out here: CUSE, the bodies of BMAP, IOCTL and POLL (weft does not offer them), and the virtio-fs DAX
 * window structs of SETUPMAPPING / REMOVEMAPPING, which {@code /dev/fuse} never carries. Anything newer than 7.45
 * is absent on purpose; a newer kernel negotiates down to {@link #KERNEL_MINOR_VERSION}.
 *
 * <h2>Shapes that depend on negotiation</h2>
 * Two request shapes change with what INIT negotiated, and a decoder must know which applies:
 * <ul>
 *   <li>{@code fuse_setxattr_in} is {@value #COMPAT_SETXATTR_IN_SIZE} bytes unless weft's INIT reply set
 *       {@link #FUSE_SETXATTR_EXT}; then it is the full 16-byte struct.</li>
 *   <li>With {@link #FUSE_SECURITY_CTX} or {@link #FUSE_CREATE_SUPP_GROUP}, CREATE, MKNOD, MKDIR, SYMLINK and TMPFILE
 *       carry extensions after their names: {@code fuse_in_header.total_extlen} counts them in 8-byte units, and
 *       they are a sequence of {@link #FUSE_EXT_HEADER} records.</li>
 * </ul>
 * {@code fuse_init_in} itself is 16 bytes from a kernel older than 7.36 ({@link #INIT_IN_COMPAT_SIZE}).
 *
 * <h2>Conventions</h2>
 * Fields are native-order {@code uint16_t}/{@code uint32_t}/{@code uint64_t} (little-endian on the supported
 * platforms), laid out with their natural C alignment, so every struct here is a multiple of 8 bytes as the header
 * promises ("Make sure all structures are padded to 64bit boundary"), except the flexible {@link #FUSE_SUPP_GROUPS}.
 * Unsigned C fields map to signed Java types of the same width; callers widen with
 * {@link Integer#toUnsignedLong(int)} or {@link Short#toUnsignedInt(short)} where the value may exceed the signed
 * range. Fields keep the header's names, padding included ({@code padding}, {@code dummy}, {@code unused},
 * {@code __reserved}).
 *
 * <p>No code outside this class types a byte offset: use {@link #offset(MemoryLayout, String)} or
 * {@link #handle(MemoryLayout, String)}, or the named handles below. Handles from {@code handle} take a single
 * {@code MemorySegment} coordinate positioned at the struct's first byte; like all layout handles they require the
 * segment address to be aligned to the field (8 for {@code uint64_t}).
 */
public final class FuseKernelLayout {
    private FuseKernelLayout() {}

    // ------------------------------------------------------------------------------------------------------------
    // Version
    // ------------------------------------------------------------------------------------------------------------

    /** {@code #define FUSE_KERNEL_VERSION 7}. */
    public static final int KERNEL_VERSION = 7;
    /** {@code #define FUSE_KERNEL_MINOR_VERSION 45}: the minor weft offers in its INIT reply. */
    public static final int KERNEL_MINOR_VERSION = 45;
    /** The oldest minor weft accepts from the kernel in INIT (weft's own choice, not from the header). */
    public static final int MIN_SUPPORTED_MINOR_VERSION = 31;
    /** {@code #define FUSE_ROOT_ID 1}. */
    public static final long ROOT_ID = 1;
    /** {@code #define FUSE_MIN_READ_BUFFER 8192}: "The read buffer is required to be at least 8k". */
    public static final int MIN_READ_BUFFER = 8192;

    // ------------------------------------------------------------------------------------------------------------
    // Size-compatibility constants
    // ------------------------------------------------------------------------------------------------------------

    /** {@code #define FUSE_COMPAT_ENTRY_OUT_SIZE 120}. */
    public static final int COMPAT_ENTRY_OUT_SIZE = 120;
    /** {@code #define FUSE_COMPAT_ATTR_OUT_SIZE 96}. */
    public static final int COMPAT_ATTR_OUT_SIZE = 96;
    /** {@code #define FUSE_COMPAT_MKNOD_IN_SIZE 8}. */
    public static final int COMPAT_MKNOD_IN_SIZE = 8;
    /** {@code #define FUSE_COMPAT_WRITE_IN_SIZE 24}. */
    public static final int COMPAT_WRITE_IN_SIZE = 24;
    /** {@code #define FUSE_COMPAT_STATFS_SIZE 48}. */
    public static final int COMPAT_STATFS_SIZE = 48;
    /**
     * {@code #define FUSE_COMPAT_SETXATTR_IN_SIZE 8}: the {@code fuse_setxattr_in} the kernel sends unless the INIT
     * reply set {@link #FUSE_SETXATTR_EXT} ({@code size} and {@code flags} only).
     */
    public static final int COMPAT_SETXATTR_IN_SIZE = 8;
    /** {@code #define FUSE_COMPAT_INIT_OUT_SIZE 8}. */
    public static final int COMPAT_INIT_OUT_SIZE = 8;
    /** {@code #define FUSE_COMPAT_22_INIT_OUT_SIZE 24}. */
    public static final int COMPAT_22_INIT_OUT_SIZE = 24;

    // ------------------------------------------------------------------------------------------------------------
    // INIT flags (fuse_init_in.flags / fuse_init_out.flags; bits 32..63 travel in flags2)
    // ------------------------------------------------------------------------------------------------------------

    public static final long FUSE_ASYNC_READ = 1L << 0;
    public static final long FUSE_POSIX_LOCKS = 1L << 1;
    public static final long FUSE_FILE_OPS = 1L << 2;
    public static final long FUSE_ATOMIC_O_TRUNC = 1L << 3;
    public static final long FUSE_EXPORT_SUPPORT = 1L << 4;
    public static final long FUSE_BIG_WRITES = 1L << 5;
    public static final long FUSE_DONT_MASK = 1L << 6;
    public static final long FUSE_SPLICE_WRITE = 1L << 7;
    public static final long FUSE_SPLICE_MOVE = 1L << 8;
    public static final long FUSE_SPLICE_READ = 1L << 9;
    public static final long FUSE_FLOCK_LOCKS = 1L << 10;
    public static final long FUSE_HAS_IOCTL_DIR = 1L << 11;
    public static final long FUSE_AUTO_INVAL_DATA = 1L << 12;
    public static final long FUSE_DO_READDIRPLUS = 1L << 13;
    public static final long FUSE_READDIRPLUS_AUTO = 1L << 14;
    public static final long FUSE_ASYNC_DIO = 1L << 15;
    public static final long FUSE_WRITEBACK_CACHE = 1L << 16;
    public static final long FUSE_NO_OPEN_SUPPORT = 1L << 17;
    public static final long FUSE_PARALLEL_DIROPS = 1L << 18;
    public static final long FUSE_HANDLE_KILLPRIV = 1L << 19;
    public static final long FUSE_POSIX_ACL = 1L << 20;
    /** "reading the device after abort returns ECONNABORTED" (instead of ENODEV). */
    public static final long FUSE_ABORT_ERROR = 1L << 21;
    public static final long FUSE_MAX_PAGES = 1L << 22;
    public static final long FUSE_CACHE_SYMLINKS = 1L << 23;
    public static final long FUSE_NO_OPENDIR_SUPPORT = 1L << 24;
    public static final long FUSE_EXPLICIT_INVAL_DATA = 1L << 25;
    public static final long FUSE_MAP_ALIGNMENT = 1L << 26;
    /** "kernel supports auto-mounting directory submounts" (7.32). */
    public static final long FUSE_SUBMOUNTS = 1L << 27;
    /** "fs kills suid/sgid/cap on write/chown/trunc", as the VFS does (7.33). */
    public static final long FUSE_HANDLE_KILLPRIV_V2 = 1L << 28;
    /** "Server supports extended struct fuse_setxattr_in" (7.33): SETXATTR then carries the 16-byte struct. */
    public static final long FUSE_SETXATTR_EXT = 1L << 29;
    /** {@code FUSE_INIT_EXT}: the {@code flags2} words are valid (7.36). */
    public static final long FUSE_INIT_EXT = 1L << 30;
    /** "reserved, do not use". */
    public static final long FUSE_INIT_RESERVED = 1L << 31;
    /**
     * "add security context to create, mkdir, symlink, and mknod" (7.36), as a request extension. "bits 32..63 get
     * shifted down 32 bits into the flags2 field".
     */
    public static final long FUSE_SECURITY_CTX = 1L << 32;
    /** "use per inode DAX" (7.36). */
    public static final long FUSE_HAS_INODE_DAX = 1L << 33;
    /**
     * "add supplementary group info to create, mkdir, symlink and mknod (single group that matches parent)" (7.38),
     * as a {@link #FUSE_EXT_GROUPS} request extension.
     */
    public static final long FUSE_CREATE_SUPP_GROUP = 1L << 34;
    /** "kernel supports expiry-only entry invalidation" ({@link #FUSE_EXPIRE_ONLY}, 7.38). */
    public static final long FUSE_HAS_EXPIRE_ONLY = 1L << 35;
    /** "allow shared mmap in FOPEN_DIRECT_IO mode" (7.39; the header keeps {@code FUSE_DIRECT_IO_RELAX} as alias). */
    public static final long FUSE_DIRECT_IO_ALLOW_MMAP = 1L << 36;
    /** Passthrough I/O to a backing file ({@link #FOPEN_PASSTHROUGH}, {@code max_stack_depth}; 7.40). */
    public static final long FUSE_PASSTHROUGH = 1L << 37;
    /** "explicitly disable export support" (7.40). */
    public static final long FUSE_NO_EXPORT_SUPPORT = 1L << 38;
    /**
     * "kernel supports resending pending requests, and the high bit of the request ID indicates resend requests"
     * ({@link #FUSE_UNIQUE_RESEND}, 7.40).
     */
    public static final long FUSE_HAS_RESEND = 1L << 39;
    /** "allow creation of idmapped mounts" (7.41). */
    public static final long FUSE_ALLOW_IDMAP = 1L << 40;
    /** "Indicate that client supports io-uring" (7.42). */
    public static final long FUSE_OVER_IO_URING = 1L << 41;
    /** "kernel supports timing out requests. init_out.request_timeout contains the timeout (in secs)" (7.43). */
    public static final long FUSE_REQUEST_TIMEOUT = 1L << 42;

    /** Joins {@code flags} and {@code flags2} into the 64-bit flag word the header's constants are written for. */
    public static long initFlags(int flags, int flags2) {
        return Integer.toUnsignedLong(flags) | (Integer.toUnsignedLong(flags2) << 32);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Per-request and per-reply flags
    // ------------------------------------------------------------------------------------------------------------

    // fuse_setattr_in.valid
    public static final int FATTR_MODE = 1 << 0;
    public static final int FATTR_UID = 1 << 1;
    public static final int FATTR_GID = 1 << 2;
    public static final int FATTR_SIZE = 1 << 3;
    public static final int FATTR_ATIME = 1 << 4;
    public static final int FATTR_MTIME = 1 << 5;
    public static final int FATTR_FH = 1 << 6;
    public static final int FATTR_ATIME_NOW = 1 << 7;
    public static final int FATTR_MTIME_NOW = 1 << 8;
    public static final int FATTR_LOCKOWNER = 1 << 9;
    public static final int FATTR_CTIME = 1 << 10;
    /** 7.33, with {@link #FUSE_HANDLE_KILLPRIV_V2}. */
    public static final int FATTR_KILL_SUIDGID = 1 << 11;

    // fuse_open_out.open_flags: "Flags returned by the OPEN request"
    /** "bypass page cache for this open file". */
    public static final int FOPEN_DIRECT_IO = 1 << 0;
    /** "don't invalidate the data cache on open". */
    public static final int FOPEN_KEEP_CACHE = 1 << 1;
    /** "the file is not seekable". */
    public static final int FOPEN_NONSEEKABLE = 1 << 2;
    /** "allow caching this directory". */
    public static final int FOPEN_CACHE_DIR = 1 << 3;
    /** "the file is stream-like (no file position at all)". */
    public static final int FOPEN_STREAM = 1 << 4;
    /** "don't flush data cache on close (unless FUSE_WRITEBACK_CACHE)". */
    public static final int FOPEN_NOFLUSH = 1 << 5;
    /** "Allow concurrent direct writes on the same inode". */
    public static final int FOPEN_PARALLEL_DIRECT_WRITES = 1 << 6;
    /** "passthrough read/write io for this open file": {@code fuse_open_out.backing_id} names the backing file. */
    public static final int FOPEN_PASSTHROUGH = 1 << 7;

    // fuse_release_in.release_flags, fuse_getattr_in.getattr_flags, fuse_lk_in.lk_flags
    public static final int FUSE_RELEASE_FLUSH = 1 << 0;
    public static final int FUSE_RELEASE_FLOCK_UNLOCK = 1 << 1;
    public static final int FUSE_GETATTR_FH = 1 << 0;
    public static final int FUSE_LK_FLOCK = 1 << 0;

    // fuse_write_in.write_flags
    /** "delayed write from page cache, file handle is guessed". */
    public static final int FUSE_WRITE_CACHE = 1 << 0;
    /** "lock_owner field is valid". */
    public static final int FUSE_WRITE_LOCKOWNER = 1 << 1;
    /** "kill suid and sgid bits". */
    public static final int FUSE_WRITE_KILL_SUIDGID = 1 << 2;
    /** "Obsolete alias; this flag implies killing suid/sgid only": {@link #FUSE_WRITE_KILL_SUIDGID}. */
    public static final int FUSE_WRITE_KILL_PRIV = FUSE_WRITE_KILL_SUIDGID;

    // fuse_read_in.read_flags, fuse_fsync_in.fsync_flags
    public static final int FUSE_READ_LOCKOWNER = 1 << 1;
    /** "Sync data only, not metadata". */
    public static final int FUSE_FSYNC_FDATASYNC = 1 << 0;

    // fuse_attr.flags
    /** "Object is a submount root". */
    public static final int FUSE_ATTR_SUBMOUNT = 1 << 0;
    /** "Enable DAX for this file in per inode DAX mode". */
    public static final int FUSE_ATTR_DAX = 1 << 1;

    /** {@code fuse_open_in.open_flags} / {@code fuse_create_in.open_flags}: "Kill suid and sgid if executable". */
    public static final int FUSE_OPEN_KILL_SUIDGID = 1 << 0;
    /** {@code fuse_setxattr_in.setxattr_flags}: "Clear SGID when system.posix_acl_access is set". */
    public static final int FUSE_SETXATTR_ACL_KILL_SGID = 1 << 0;
    /** {@code fuse_notify_inval_entry_out.flags}: expire the entry without dropping it. */
    public static final int FUSE_EXPIRE_ONLY = 1 << 0;

    /**
     * {@code #define FUSE_UNIQUE_RESEND (1ULL << 63)}: set in {@code fuse_in_header.unique} of a request the kernel
     * resends (after {@link #FUSE_NOTIFY_RESEND}, with {@link #FUSE_HAS_RESEND}).
     */
    public static final long FUSE_UNIQUE_RESEND = 1L << 63;
    /**
     * {@code #define FUSE_INVALID_UIDGID ((uint32_t)(-1))}: {@code fuse_in_header.uid/gid} when
     * {@link #FUSE_ALLOW_IDMAP} is on and the caller's ids cannot be mapped.
     */
    public static final int FUSE_INVALID_UIDGID = -1;

    // ------------------------------------------------------------------------------------------------------------
    // Request extensions (enum fuse_ext_type): records after the body, fuse_in_header.total_extlen * 8 bytes
    // ------------------------------------------------------------------------------------------------------------

    /**
     * {@code FUSE_MAX_NR_SECCTX = 31}: "Types 0..31 are reserved for fuse_secctx_header", whose {@code nr_secctx}
     * sits where {@code fuse_ext_header.type} is.
     */
    public static final int FUSE_MAX_NR_SECCTX = 31;
    /** {@code FUSE_EXT_GROUPS = 32}: a {@link #FUSE_SUPP_GROUPS} extension. */
    public static final int FUSE_EXT_GROUPS = 32;

    // ------------------------------------------------------------------------------------------------------------
    // Notifications (enum fuse_notify_code): written to the device as fuse_out_header{unique = 0, error = code}
    // ------------------------------------------------------------------------------------------------------------

    /** Body {@link #FUSE_NOTIFY_POLL_WAKEUP_OUT}. */
    public static final int FUSE_NOTIFY_POLL = 1;
    /** Body {@link #FUSE_NOTIFY_INVAL_INODE_OUT}. */
    public static final int FUSE_NOTIFY_INVAL_INODE = 2;
    /** Body {@link #FUSE_NOTIFY_INVAL_ENTRY_OUT}, then the name and its NUL. */
    public static final int FUSE_NOTIFY_INVAL_ENTRY = 3;
    /** Body {@link #FUSE_NOTIFY_STORE_OUT}, then {@code size} bytes of data. */
    public static final int FUSE_NOTIFY_STORE = 4;
    /** Body {@link #FUSE_NOTIFY_RETRIEVE_OUT}; the kernel answers with a NOTIFY_REPLY request. */
    public static final int FUSE_NOTIFY_RETRIEVE = 5;
    /** Body {@link #FUSE_NOTIFY_DELETE_OUT}, then the name and its NUL. */
    public static final int FUSE_NOTIFY_DELETE = 6;
    /** No body: the kernel resends every request still pending (7.40). */
    public static final int FUSE_NOTIFY_RESEND = 7;
    /** No body: "Increments the fuse connection epoch", invalidating older dentries (7.44). */
    public static final int FUSE_NOTIFY_INC_EPOCH = 8;
    /**
     * Body {@link #FUSE_NOTIFY_PRUNE_OUT}, then {@code count} {@code uint64_t} node ids (7.45; the header declares
     * only the struct, the node ids are what {@code fuse_notify_prune} in {@code fs/fuse/dev.c} reads after it).
     */
    public static final int FUSE_NOTIFY_PRUNE = 9;

    // ------------------------------------------------------------------------------------------------------------
    // Device ioctls (asm-generic _IOC encoding, as on x86-64 and arm64)
    // ------------------------------------------------------------------------------------------------------------

    private static final int IOC_NONE = 0;
    private static final int IOC_WRITE = 1;
    private static final int IOC_READ = 2;

    /** {@code _IOC(dir, type, nr, size)} of {@code include/uapi/asm-generic/ioctl.h}. */
    private static long ioc(int dir, int type, int nr, long size) {
        return ((long) dir << 30) | (size << 16) | ((long) type << 8) | nr;
    }

    /** {@code #define FUSE_DEV_IOC_MAGIC 229}. */
    public static final int FUSE_DEV_IOC_MAGIC = 229;

    // ------------------------------------------------------------------------------------------------------------
    // io_uring transport (7.42)
    // ------------------------------------------------------------------------------------------------------------

    /** {@code #define FUSE_URING_IN_OUT_HEADER_SZ 128}: room for {@code fuse_in_header} / {@code fuse_out_header}. */
    public static final int FUSE_URING_IN_OUT_HEADER_SZ = 128;
    /** {@code #define FUSE_URING_OP_IN_OUT_SZ 128}: room for the opcode's fixed struct. */
    public static final int FUSE_URING_OP_IN_OUT_SZ = 128;
    /** {@code enum fuse_uring_cmd}: {@code FUSE_IO_URING_CMD_INVALID = 0}. */
    public static final int FUSE_IO_URING_CMD_INVALID = 0;
    /** {@code FUSE_IO_URING_CMD_REGISTER = 1}: "register the request buffer and fetch a fuse request". */
    public static final int FUSE_IO_URING_CMD_REGISTER = 1;
    /** {@code FUSE_IO_URING_CMD_COMMIT_AND_FETCH = 2}: "commit fuse request result and fetch next request". */
    public static final int FUSE_IO_URING_CMD_COMMIT_AND_FETCH = 2;

    // ------------------------------------------------------------------------------------------------------------
    // Structs
    // ------------------------------------------------------------------------------------------------------------

    private static MemoryLayout u16(String name) {
        return JAVA_SHORT.withName(name);
    }

    private static MemoryLayout u32(String name) {
        return JAVA_INT.withName(name);
    }

    private static MemoryLayout u64(String name) {
        return JAVA_LONG.withName(name);
    }

    /** {@code int32_t}: the same layout as {@code uint32_t}, named apart so the declarations read like the header. */
    private static MemoryLayout s32(String name) {
        return JAVA_INT.withName(name);
    }

    /** {@code int64_t}. */
    private static MemoryLayout s64(String name) {
        return JAVA_LONG.withName(name);
    }

    private static MemoryLayout u8s(long count, String name) {
        return MemoryLayout.sequenceLayout(count, JAVA_BYTE).withName(name);
    }

    private static MemoryLayout u16s(long count, String name) {
        return MemoryLayout.sequenceLayout(count, JAVA_SHORT).withName(name);
    }

    private static MemoryLayout u32s(long count, String name) {
        return MemoryLayout.sequenceLayout(count, JAVA_INT).withName(name);
    }

    private static MemoryLayout u64s(long count, String name) {
        return MemoryLayout.sequenceLayout(count, JAVA_LONG).withName(name);
    }

    private static StructLayout struct(String cName, MemoryLayout... fields) {
        return MemoryLayout.structLayout(fields).withName(cName);
    }

    // ---- headers --------------------------------------------------------------------------------------------------

    /**
     * <pre>{@code
     * struct fuse_in_header { uint32_t len; uint32_t opcode; uint64_t unique; uint64_t nodeid;
     *                         uint32_t uid; uint32_t gid; uint32_t pid;
     *                         uint16_t total_extlen; // length of extensions in 8byte units
     *                         uint16_t padding; };
     * }</pre>
     * {@code len} counts the whole request, extensions included; the extensions are its last
     * {@code total_extlen * 8} bytes.
     */
    public static final StructLayout FUSE_IN_HEADER = struct("fuse_in_header",
            u32("len"), u32("opcode"), u64("unique"), u64("nodeid"), u32("uid"), u32("gid"), u32("pid"),
            u16("total_extlen"), u16("padding"));

    /** <pre>{@code struct fuse_out_header { uint32_t len; int32_t error; uint64_t unique; }; }</pre> */
    public static final StructLayout FUSE_OUT_HEADER = struct("fuse_out_header",
            u32("len"), s32("error"), u64("unique"));

    // ---- INIT -----------------------------------------------------------------------------------------------------

    /**
     * <pre>{@code
     * struct fuse_init_in { uint32_t major; uint32_t minor; uint32_t max_readahead; uint32_t flags;
     *                       uint32_t flags2; uint32_t unused[11]; };
     * }</pre>
     * A kernel older than 7.36 sends only the fields before {@code flags2}: see {@link #INIT_IN_COMPAT_SIZE}.
     */
    public static final StructLayout FUSE_INIT_IN = struct("fuse_init_in",
            u32("major"), u32("minor"), u32("max_readahead"), u32("flags"), u32("flags2"), u32s(11, "unused"));

    /**
     * <pre>{@code
     * struct fuse_init_out { uint32_t major; uint32_t minor; uint32_t max_readahead; uint32_t flags;
     *                        uint16_t max_background; uint16_t congestion_threshold; uint32_t max_write;
     *                        uint32_t time_gran; uint16_t max_pages; uint16_t map_alignment; uint32_t flags2;
     *                        uint32_t max_stack_depth; uint16_t request_timeout; uint16_t unused[11]; };
     * }</pre>
     */
    public static final StructLayout FUSE_INIT_OUT = struct("fuse_init_out",
            u32("major"), u32("minor"), u32("max_readahead"), u32("flags"), u16("max_background"),
            u16("congestion_threshold"), u32("max_write"), u32("time_gran"), u16("max_pages"),
            u16("map_alignment"), u32("flags2"), u32("max_stack_depth"), u16("request_timeout"),
            u16s(11, "unused"));

    // ---- attributes -----------------------------------------------------------------------------------------------

    /**
     * <pre>{@code
     * struct fuse_attr { uint64_t ino; uint64_t size; uint64_t blocks; uint64_t atime; uint64_t mtime;
     *                    uint64_t ctime; uint32_t atimensec; uint32_t mtimensec; uint32_t ctimensec;
     *                    uint32_t mode; uint32_t nlink; uint32_t uid; uint32_t gid; uint32_t rdev;
     *                    uint32_t blksize; uint32_t flags; };
     * }</pre>
     * {@code flags}: {@link #FUSE_ATTR_SUBMOUNT}, {@link #FUSE_ATTR_DAX}.
     */
    public static final StructLayout FUSE_ATTR = struct("fuse_attr",
            u64("ino"), u64("size"), u64("blocks"), u64("atime"), u64("mtime"), u64("ctime"), u32("atimensec"),
            u32("mtimensec"), u32("ctimensec"), u32("mode"), u32("nlink"), u32("uid"), u32("gid"), u32("rdev"),
            u32("blksize"), u32("flags"));

    /**
     * <pre>{@code struct fuse_sx_time { int64_t tv_sec; uint32_t tv_nsec; int32_t __reserved; }; }</pre>
     * "bit-for-bit compatible with the statx(2) ABI".
     */
    public static final StructLayout FUSE_SX_TIME = struct("fuse_sx_time",
            s64("tv_sec"), u32("tv_nsec"), s32("__reserved"));

    /**
     * <pre>{@code
     * struct fuse_statx { uint32_t mask; uint32_t blksize; uint64_t attributes; uint32_t nlink; uint32_t uid;
     *                     uint32_t gid; uint16_t mode; uint16_t __spare0[1]; uint64_t ino; uint64_t size;
     *                     uint64_t blocks; uint64_t attributes_mask; struct fuse_sx_time atime;
     *                     struct fuse_sx_time btime; struct fuse_sx_time ctime; struct fuse_sx_time mtime;
     *                     uint32_t rdev_major; uint32_t rdev_minor; uint32_t dev_major; uint32_t dev_minor;
     *                     uint64_t __spare2[14]; };
     * }</pre>
     */
    public static final StructLayout FUSE_STATX = struct("fuse_statx",
            u32("mask"), u32("blksize"), u64("attributes"), u32("nlink"), u32("uid"), u32("gid"), u16("mode"),
            u16s(1, "__spare0"), u64("ino"), u64("size"), u64("blocks"), u64("attributes_mask"),
            FUSE_SX_TIME.withName("atime"), FUSE_SX_TIME.withName("btime"), FUSE_SX_TIME.withName("ctime"),
            FUSE_SX_TIME.withName("mtime"), u32("rdev_major"), u32("rdev_minor"), u32("dev_major"),
            u32("dev_minor"), u64s(14, "__spare2"));

    /**
     * <pre>{@code
     * struct fuse_kstatfs { uint64_t blocks; uint64_t bfree; uint64_t bavail; uint64_t files; uint64_t ffree;
     *                       uint32_t bsize; uint32_t namelen; uint32_t frsize; uint32_t padding;
     *                       uint32_t spare[6]; };
     * }</pre>
     */
    public static final StructLayout FUSE_KSTATFS = struct("fuse_kstatfs",
            u64("blocks"), u64("bfree"), u64("bavail"), u64("files"), u64("ffree"), u32("bsize"), u32("namelen"),
            u32("frsize"), u32("padding"), u32s(6, "spare"));

    /**
     * <pre>{@code struct fuse_file_lock { uint64_t start; uint64_t end; uint32_t type; uint32_t pid; }; }</pre>
     * ({@code pid} is the tgid, as the header's comment says.)
     */
    public static final StructLayout FUSE_FILE_LOCK = struct("fuse_file_lock",
            u64("start"), u64("end"), u32("type"), u32("pid"));

    /**
     * <pre>{@code
     * struct fuse_entry_out { uint64_t nodeid; uint64_t generation; uint64_t entry_valid; uint64_t attr_valid;
     *                         uint32_t entry_valid_nsec; uint32_t attr_valid_nsec; struct fuse_attr attr; };
     * }</pre>
     */
    public static final StructLayout FUSE_ENTRY_OUT = struct("fuse_entry_out",
            u64("nodeid"), u64("generation"), u64("entry_valid"), u64("attr_valid"), u32("entry_valid_nsec"),
            u32("attr_valid_nsec"), FUSE_ATTR.withName("attr"));

    /** <pre>{@code struct fuse_forget_in { uint64_t nlookup; }; }</pre> */
    public static final StructLayout FUSE_FORGET_IN = struct("fuse_forget_in", u64("nlookup"));

    /** <pre>{@code struct fuse_forget_one { uint64_t nodeid; uint64_t nlookup; }; }</pre> */
    public static final StructLayout FUSE_FORGET_ONE = struct("fuse_forget_one", u64("nodeid"), u64("nlookup"));

    /**
     * <pre>{@code struct fuse_batch_forget_in { uint32_t count; uint32_t dummy; }; }</pre>
     * {@code count} {@link #FUSE_FORGET_ONE} records follow the struct.
     */
    public static final StructLayout FUSE_BATCH_FORGET_IN = struct("fuse_batch_forget_in",
            u32("count"), u32("dummy"));

    /** <pre>{@code struct fuse_getattr_in { uint32_t getattr_flags; uint32_t dummy; uint64_t fh; }; }</pre> */
    public static final StructLayout FUSE_GETATTR_IN = struct("fuse_getattr_in",
            u32("getattr_flags"), u32("dummy"), u64("fh"));

    /**
     * <pre>{@code
     * struct fuse_attr_out { uint64_t attr_valid; uint32_t attr_valid_nsec; uint32_t dummy; struct fuse_attr attr; };
     * }</pre>
     */
    public static final StructLayout FUSE_ATTR_OUT = struct("fuse_attr_out",
            u64("attr_valid"), u32("attr_valid_nsec"), u32("dummy"), FUSE_ATTR.withName("attr"));

    /**
     * <pre>{@code
     * struct fuse_statx_in { uint32_t getattr_flags; uint32_t reserved; uint64_t fh; uint32_t sx_flags;
     *                        uint32_t sx_mask; };
     * }</pre>
     */
    public static final StructLayout FUSE_STATX_IN = struct("fuse_statx_in",
            u32("getattr_flags"), u32("reserved"), u64("fh"), u32("sx_flags"), u32("sx_mask"));

    /**
     * <pre>{@code
     * struct fuse_statx_out { uint64_t attr_valid; uint32_t attr_valid_nsec; uint32_t flags; uint64_t spare[2];
     *                         struct fuse_statx stat; };
     * }</pre>
     */
    public static final StructLayout FUSE_STATX_OUT = struct("fuse_statx_out",
            u64("attr_valid"), u32("attr_valid_nsec"), u32("flags"), u64s(2, "spare"), FUSE_STATX.withName("stat"));

    // ---- directory operations -------------------------------------------------------------------------------------

    /** <pre>{@code struct fuse_mknod_in { uint32_t mode; uint32_t rdev; uint32_t umask; uint32_t padding; }; }</pre> */
    public static final StructLayout FUSE_MKNOD_IN = struct("fuse_mknod_in",
            u32("mode"), u32("rdev"), u32("umask"), u32("padding"));

    /** <pre>{@code struct fuse_mkdir_in { uint32_t mode; uint32_t umask; }; }</pre> */
    public static final StructLayout FUSE_MKDIR_IN = struct("fuse_mkdir_in", u32("mode"), u32("umask"));

    /** <pre>{@code struct fuse_rename_in { uint64_t newdir; }; }</pre> */
    public static final StructLayout FUSE_RENAME_IN = struct("fuse_rename_in", u64("newdir"));

    /** <pre>{@code struct fuse_rename2_in { uint64_t newdir; uint32_t flags; uint32_t padding; }; }</pre> */
    public static final StructLayout FUSE_RENAME2_IN = struct("fuse_rename2_in",
            u64("newdir"), u32("flags"), u32("padding"));

    /** <pre>{@code struct fuse_link_in { uint64_t oldnodeid; }; }</pre> */
    public static final StructLayout FUSE_LINK_IN = struct("fuse_link_in", u64("oldnodeid"));

    /**
     * <pre>{@code
     * struct fuse_setattr_in { uint32_t valid; uint32_t padding; uint64_t fh; uint64_t size; uint64_t lock_owner;
     *                          uint64_t atime; uint64_t mtime; uint64_t ctime; uint32_t atimensec;
     *                          uint32_t mtimensec; uint32_t ctimensec; uint32_t mode; uint32_t unused4;
     *                          uint32_t uid; uint32_t gid; uint32_t unused5; };
     * }</pre>
     */
    public static final StructLayout FUSE_SETATTR_IN = struct("fuse_setattr_in",
            u32("valid"), u32("padding"), u64("fh"), u64("size"), u64("lock_owner"), u64("atime"), u64("mtime"),
            u64("ctime"), u32("atimensec"), u32("mtimensec"), u32("ctimensec"), u32("mode"), u32("unused4"),
            u32("uid"), u32("gid"), u32("unused5"));

    // ---- open files -----------------------------------------------------------------------------------------------

    /**
     * <pre>{@code struct fuse_open_in { uint32_t flags; uint32_t open_flags; }; }</pre>
     * {@code open_flags} ("FUSE_OPEN_..."): {@link #FUSE_OPEN_KILL_SUIDGID}; it was {@code unused} before 7.33.
     */
    public static final StructLayout FUSE_OPEN_IN = struct("fuse_open_in", u32("flags"), u32("open_flags"));

    /**
     * <pre>{@code
     * struct fuse_create_in { uint32_t flags; uint32_t mode; uint32_t umask; uint32_t open_flags; };
     * }</pre>
     * {@code open_flags} ("FUSE_OPEN_..."): {@link #FUSE_OPEN_KILL_SUIDGID}; it was {@code padding} before 7.33. Also
     * the body of TMPFILE.
     */
    public static final StructLayout FUSE_CREATE_IN = struct("fuse_create_in",
            u32("flags"), u32("mode"), u32("umask"), u32("open_flags"));

    /**
     * <pre>{@code struct fuse_open_out { uint64_t fh; uint32_t open_flags; int32_t backing_id; }; }</pre>
     * {@code backing_id} is read only with {@link #FOPEN_PASSTHROUGH}; it was {@code padding} before 7.40.
     */
    public static final StructLayout FUSE_OPEN_OUT = struct("fuse_open_out",
            u64("fh"), u32("open_flags"), s32("backing_id"));

    /**
     * <pre>{@code struct fuse_release_in { uint64_t fh; uint32_t flags; uint32_t release_flags; uint64_t lock_owner; }; }</pre>
     */
    public static final StructLayout FUSE_RELEASE_IN = struct("fuse_release_in",
            u64("fh"), u32("flags"), u32("release_flags"), u64("lock_owner"));

    /**
     * <pre>{@code struct fuse_flush_in { uint64_t fh; uint32_t unused; uint32_t padding; uint64_t lock_owner; }; }</pre>
     */
    public static final StructLayout FUSE_FLUSH_IN = struct("fuse_flush_in",
            u64("fh"), u32("unused"), u32("padding"), u64("lock_owner"));

    /**
     * <pre>{@code
     * struct fuse_read_in { uint64_t fh; uint64_t offset; uint32_t size; uint32_t read_flags; uint64_t lock_owner;
     *                       uint32_t flags; uint32_t padding; };
     * }</pre>
     */
    public static final StructLayout FUSE_READ_IN = struct("fuse_read_in",
            u64("fh"), u64("offset"), u32("size"), u32("read_flags"), u64("lock_owner"), u32("flags"),
            u32("padding"));

    /**
     * <pre>{@code
     * struct fuse_write_in { uint64_t fh; uint64_t offset; uint32_t size; uint32_t write_flags; uint64_t lock_owner;
     *                        uint32_t flags; uint32_t padding; };
     * }</pre>
     * The {@code size} bytes of data follow the struct.
     */
    public static final StructLayout FUSE_WRITE_IN = struct("fuse_write_in",
            u64("fh"), u64("offset"), u32("size"), u32("write_flags"), u64("lock_owner"), u32("flags"),
            u32("padding"));

    /** <pre>{@code struct fuse_write_out { uint32_t size; uint32_t padding; }; }</pre> */
    public static final StructLayout FUSE_WRITE_OUT = struct("fuse_write_out", u32("size"), u32("padding"));

    /** <pre>{@code struct fuse_statfs_out { struct fuse_kstatfs st; }; }</pre> */
    public static final StructLayout FUSE_STATFS_OUT = struct("fuse_statfs_out", FUSE_KSTATFS.withName("st"));

    /** <pre>{@code struct fuse_fsync_in { uint64_t fh; uint32_t fsync_flags; uint32_t padding; }; }</pre> */
    public static final StructLayout FUSE_FSYNC_IN = struct("fuse_fsync_in",
            u64("fh"), u32("fsync_flags"), u32("padding"));

    // ---- extended attributes --------------------------------------------------------------------------------------

    /**
     * <pre>{@code
     * #define FUSE_COMPAT_SETXATTR_IN_SIZE 8
     * struct fuse_setxattr_in { uint32_t size; uint32_t flags; uint32_t setxattr_flags; uint32_t padding; };
     * }</pre>
     * The kernel sends all 16 bytes only if the INIT reply set {@link #FUSE_SETXATTR_EXT}; otherwise the first
     * {@link #COMPAT_SETXATTR_IN_SIZE}. The attribute name and {@code size} bytes of value follow.
     */
    public static final StructLayout FUSE_SETXATTR_IN = struct("fuse_setxattr_in",
            u32("size"), u32("flags"), u32("setxattr_flags"), u32("padding"));

    /** <pre>{@code struct fuse_getxattr_in { uint32_t size; uint32_t padding; }; }</pre> */
    public static final StructLayout FUSE_GETXATTR_IN = struct("fuse_getxattr_in", u32("size"), u32("padding"));

    /** <pre>{@code struct fuse_getxattr_out { uint32_t size; uint32_t padding; }; }</pre> */
    public static final StructLayout FUSE_GETXATTR_OUT = struct("fuse_getxattr_out", u32("size"), u32("padding"));

    // ---- locks, access, interrupt ---------------------------------------------------------------------------------

    /**
     * <pre>{@code
     * struct fuse_lk_in { uint64_t fh; uint64_t owner; struct fuse_file_lock lk; uint32_t lk_flags;
     *                     uint32_t padding; };
     * }</pre>
     */
    public static final StructLayout FUSE_LK_IN = struct("fuse_lk_in",
            u64("fh"), u64("owner"), FUSE_FILE_LOCK.withName("lk"), u32("lk_flags"), u32("padding"));

    /** <pre>{@code struct fuse_lk_out { struct fuse_file_lock lk; }; }</pre> */
    public static final StructLayout FUSE_LK_OUT = struct("fuse_lk_out", FUSE_FILE_LOCK.withName("lk"));

    /** <pre>{@code struct fuse_access_in { uint32_t mask; uint32_t padding; }; }</pre> */
    public static final StructLayout FUSE_ACCESS_IN = struct("fuse_access_in", u32("mask"), u32("padding"));

    /** <pre>{@code struct fuse_interrupt_in { uint64_t unique; }; }</pre> */
    public static final StructLayout FUSE_INTERRUPT_IN = struct("fuse_interrupt_in", u64("unique"));

    // ---- directory listings ---------------------------------------------------------------------------------------

    /**
     * <pre>{@code
     * struct fuse_dirent { uint64_t ino; uint64_t off; uint32_t namelen; uint32_t type; char name[]; };
     * #define FUSE_REC_ALIGN(x) (((x) + sizeof(uint64_t) - 1) & ~(sizeof(uint64_t) - 1))
     * #define FUSE_NAME_OFFSET offsetof(struct fuse_dirent, name)
     * #define FUSE_DIRENT_ALIGN(x) FUSE_REC_ALIGN(x)
     * }</pre>
     * The layout stops before the flexible array {@code name}; its size is {@link #DIRENT_NAME_OFFSET}.
     */
    public static final StructLayout FUSE_DIRENT = struct("fuse_dirent",
            u64("ino"), u64("off"), u32("namelen"), u32("type"));

    /**
     * <pre>{@code
     * struct fuse_direntplus { struct fuse_entry_out entry_out; struct fuse_dirent dirent; };
     * #define FUSE_NAME_OFFSET_DIRENTPLUS offsetof(struct fuse_direntplus, dirent.name)
     * }</pre>
     */
    public static final StructLayout FUSE_DIRENTPLUS = struct("fuse_direntplus",
            FUSE_ENTRY_OUT.withName("entry_out"), FUSE_DIRENT.withName("dirent"));

    // ---- data operations ------------------------------------------------------------------------------------------

    /**
     * <pre>{@code
     * struct fuse_fallocate_in { uint64_t fh; uint64_t offset; uint64_t length; uint32_t mode; uint32_t padding; };
     * }</pre>
     */
    public static final StructLayout FUSE_FALLOCATE_IN = struct("fuse_fallocate_in",
            u64("fh"), u64("offset"), u64("length"), u32("mode"), u32("padding"));

    /** <pre>{@code struct fuse_lseek_in { uint64_t fh; uint64_t offset; uint32_t whence; uint32_t padding; }; }</pre> */
    public static final StructLayout FUSE_LSEEK_IN = struct("fuse_lseek_in",
            u64("fh"), u64("offset"), u32("whence"), u32("padding"));

    /** <pre>{@code struct fuse_lseek_out { uint64_t offset; }; }</pre> */
    public static final StructLayout FUSE_LSEEK_OUT = struct("fuse_lseek_out", u64("offset"));

    /**
     * <pre>{@code
     * struct fuse_copy_file_range_in { uint64_t fh_in; uint64_t off_in; uint64_t nodeid_out; uint64_t fh_out;
     *                                  uint64_t off_out; uint64_t len; uint64_t flags; };
     * }</pre>
     * The body of COPY_FILE_RANGE (reply {@link #FUSE_WRITE_OUT}) and COPY_FILE_RANGE_64 (reply
     * {@link #FUSE_COPY_FILE_RANGE_OUT}).
     */
    public static final StructLayout FUSE_COPY_FILE_RANGE_IN = struct("fuse_copy_file_range_in",
            u64("fh_in"), u64("off_in"), u64("nodeid_out"), u64("fh_out"), u64("off_out"), u64("len"), u64("flags"));

    /**
     * <pre>{@code struct fuse_copy_file_range_out { uint64_t bytes_copied; }; }</pre>
     * The reply of COPY_FILE_RANGE_64 (the header's comment: "For FUSE_COPY_FILE_RANGE_64").
     */
    public static final StructLayout FUSE_COPY_FILE_RANGE_OUT = struct("fuse_copy_file_range_out",
            u64("bytes_copied"));

    /** <pre>{@code struct fuse_syncfs_in { uint64_t padding; }; }</pre> */
    public static final StructLayout FUSE_SYNCFS_IN = struct("fuse_syncfs_in", u64("padding"));

    // ---- request extensions (7.36, 7.38) --------------------------------------------------------------------------

    /**
     * <pre>{@code struct fuse_ext_header { uint32_t size; uint32_t type; }; }</pre>
     * "@size: total size of this extension including this header; @type: type of extension". Extensions follow one
     * another; a {@code type} of 0..{@value #FUSE_MAX_NR_SECCTX} marks a {@link #FUSE_SECCTX_HEADER} instead.
     */
    public static final StructLayout FUSE_EXT_HEADER = struct("fuse_ext_header", u32("size"), u32("type"));

    /**
     * <pre>{@code struct fuse_secctx_header { uint32_t size; uint32_t nr_secctx; }; }</pre>
     * "the total size of all security contexts (including size of fuse_secctx_header)" and how many
     * {@link #FUSE_SECCTX} follow.
     */
    public static final StructLayout FUSE_SECCTX_HEADER = struct("fuse_secctx_header",
            u32("size"), u32("nr_secctx"));

    /**
     * <pre>{@code struct fuse_secctx { uint32_t size; uint32_t padding; }; }</pre>
     * "followed by security context name and this in turn will be followed by actual context label".
     */
    public static final StructLayout FUSE_SECCTX = struct("fuse_secctx", u32("size"), u32("padding"));

    /**
     * <pre>{@code struct fuse_supp_groups { uint32_t nr_groups; uint32_t groups[]; }; }</pre>
     * The payload of a {@link #FUSE_EXT_GROUPS} extension, after its {@link #FUSE_EXT_HEADER}. The layout stops before
     * the flexible array {@code groups} ({@code nr_groups} {@code uint32_t}), so it is 4 bytes, the one struct here
     * that is not a multiple of 8; the extension record around it is padded to 8 ({@code FUSE_REC_ALIGN}).
     */
    public static final StructLayout FUSE_SUPP_GROUPS = struct("fuse_supp_groups", u32("nr_groups"));

    // ---- notifications (server to kernel), and the kernel's NOTIFY_REPLY ------------------------------------------

    /** <pre>{@code struct fuse_notify_poll_wakeup_out { uint64_t kh; }; }</pre> */
    public static final StructLayout FUSE_NOTIFY_POLL_WAKEUP_OUT = struct("fuse_notify_poll_wakeup_out", u64("kh"));

    /** <pre>{@code struct fuse_notify_inval_inode_out { uint64_t ino; int64_t off; int64_t len; }; }</pre> */
    public static final StructLayout FUSE_NOTIFY_INVAL_INODE_OUT = struct("fuse_notify_inval_inode_out",
            u64("ino"), s64("off"), s64("len"));

    /**
     * <pre>{@code struct fuse_notify_inval_entry_out { uint64_t parent; uint32_t namelen; uint32_t flags; }; }</pre>
     * {@code flags}: {@link #FUSE_EXPIRE_ONLY}.
     */
    public static final StructLayout FUSE_NOTIFY_INVAL_ENTRY_OUT = struct("fuse_notify_inval_entry_out",
            u64("parent"), u32("namelen"), u32("flags"));

    /**
     * <pre>{@code
     * struct fuse_notify_delete_out { uint64_t parent; uint64_t child; uint32_t namelen; uint32_t padding; };
     * }</pre>
     */
    public static final StructLayout FUSE_NOTIFY_DELETE_OUT = struct("fuse_notify_delete_out",
            u64("parent"), u64("child"), u32("namelen"), u32("padding"));

    /**
     * <pre>{@code
     * struct fuse_notify_store_out { uint64_t nodeid; uint64_t offset; uint32_t size; uint32_t padding; };
     * }</pre>
     */
    public static final StructLayout FUSE_NOTIFY_STORE_OUT = struct("fuse_notify_store_out",
            u64("nodeid"), u64("offset"), u32("size"), u32("padding"));

    /**
     * <pre>{@code
     * struct fuse_notify_retrieve_out { uint64_t notify_unique; uint64_t nodeid; uint64_t offset; uint32_t size;
     *                                   uint32_t padding; };
     * }</pre>
     */
    public static final StructLayout FUSE_NOTIFY_RETRIEVE_OUT = struct("fuse_notify_retrieve_out",
            u64("notify_unique"), u64("nodeid"), u64("offset"), u32("size"), u32("padding"));

    /**
     * <pre>{@code
     * struct fuse_notify_retrieve_in { uint64_t dummy1; uint64_t offset; uint32_t size; uint32_t dummy2;
     *                                  uint64_t dummy3; uint64_t dummy4; };
     * }</pre>
     * The body of the kernel's NOTIFY_REPLY request ("Matches the size of fuse_write_in"); {@code size} bytes of
     * data follow.
     */
    public static final StructLayout FUSE_NOTIFY_RETRIEVE_IN = struct("fuse_notify_retrieve_in",
            u64("dummy1"), u64("offset"), u32("size"), u32("dummy2"), u64("dummy3"), u64("dummy4"));

    /** <pre>{@code struct fuse_notify_prune_out { uint32_t count; uint32_t padding; uint64_t spare; }; }</pre> */
    public static final StructLayout FUSE_NOTIFY_PRUNE_OUT = struct("fuse_notify_prune_out",
            u32("count"), u32("padding"), u64("spare"));

    // ---- passthrough (7.40) ---------------------------------------------------------------------------------------

    /**
     * <pre>{@code struct fuse_backing_map { int32_t fd; uint32_t flags; uint64_t padding; }; }</pre>
     * The argument of {@link #FUSE_DEV_IOC_BACKING_OPEN}, which returns the {@code backing_id} for
     * {@code fuse_open_out}.
     */
    public static final StructLayout FUSE_BACKING_MAP = struct("fuse_backing_map",
            s32("fd"), u32("flags"), u64("padding"));

    // ---- io_uring transport (7.42) --------------------------------------------------------------------------------

    /**
     * <pre>{@code
     * struct fuse_uring_ent_in_out { uint64_t flags; uint64_t commit_id; uint32_t payload_sz; uint32_t padding;
     *                                uint64_t reserved; };
     * }</pre>
     * {@code commit_id}: "commit ID to be used in a reply to a ring request"; {@code payload_sz}: "size of user
     * payload buffer".
     */
    public static final StructLayout FUSE_URING_ENT_IN_OUT = struct("fuse_uring_ent_in_out",
            u64("flags"), u64("commit_id"), u32("payload_sz"), u32("padding"), u64("reserved"));

    /**
     * <pre>{@code
     * struct fuse_uring_req_header { char in_out[FUSE_URING_IN_OUT_HEADER_SZ]; char op_in[FUSE_URING_OP_IN_OUT_SZ];
     *                                struct fuse_uring_ent_in_out ring_ent_in_out; };
     * }</pre>
     * "Header for all fuse-io-uring requests": {@code in_out} holds the {@code fuse_in_header} /
     * {@code fuse_out_header}, {@code op_in} the "per op code header".
     */
    public static final StructLayout FUSE_URING_REQ_HEADER = struct("fuse_uring_req_header",
            u8s(FUSE_URING_IN_OUT_HEADER_SZ, "in_out"), u8s(FUSE_URING_OP_IN_OUT_SZ, "op_in"),
            FUSE_URING_ENT_IN_OUT.withName("ring_ent_in_out"));

    /**
     * <pre>{@code
     * struct fuse_uring_cmd_req { uint64_t flags; uint64_t commit_id; uint16_t qid; uint8_t padding[6]; };
     * }</pre>
     * "In the 80B command area of the SQE"; {@code qid}: "queue the command is for (queue index)".
     */
    public static final StructLayout FUSE_URING_CMD_REQ = struct("fuse_uring_cmd_req",
            u64("flags"), u64("commit_id"), u16("qid"), u8s(6, "padding"));

    // ------------------------------------------------------------------------------------------------------------
    // Device ioctls, derived from the structs they carry
    // ------------------------------------------------------------------------------------------------------------

    /** {@code #define FUSE_DEV_IOC_CLONE _IOR(FUSE_DEV_IOC_MAGIC, 0, uint32_t)}: attach a cloned fd to a session. */
    public static final long FUSE_DEV_IOC_CLONE = ioc(IOC_READ, FUSE_DEV_IOC_MAGIC, 0, JAVA_INT.byteSize());
    /** {@code #define FUSE_DEV_IOC_BACKING_OPEN _IOW(FUSE_DEV_IOC_MAGIC, 1, struct fuse_backing_map)}. */
    public static final long FUSE_DEV_IOC_BACKING_OPEN =
            ioc(IOC_WRITE, FUSE_DEV_IOC_MAGIC, 1, FUSE_BACKING_MAP.byteSize());
    /** {@code #define FUSE_DEV_IOC_BACKING_CLOSE _IOW(FUSE_DEV_IOC_MAGIC, 2, uint32_t)}. */
    public static final long FUSE_DEV_IOC_BACKING_CLOSE = ioc(IOC_WRITE, FUSE_DEV_IOC_MAGIC, 2, JAVA_INT.byteSize());
    /** {@code #define FUSE_DEV_IOC_SYNC_INIT _IO(FUSE_DEV_IOC_MAGIC, 3)}. */
    public static final long FUSE_DEV_IOC_SYNC_INIT = ioc(IOC_NONE, FUSE_DEV_IOC_MAGIC, 3, 0);

    // ------------------------------------------------------------------------------------------------------------
    // Derived offsets and sizes
    // ------------------------------------------------------------------------------------------------------------

    /** {@code FUSE_NAME_OFFSET}: where a dirent's name starts. */
    public static final long DIRENT_NAME_OFFSET = FUSE_DIRENT.byteSize();
    /** {@code FUSE_NAME_OFFSET_DIRENTPLUS}: where a direntplus record's name starts. */
    public static final long DIRENTPLUS_NAME_OFFSET = FUSE_DIRENTPLUS.byteSize();
    /** {@code offsetof(struct fuse_direntplus, dirent)}. */
    public static final long DIRENTPLUS_DIRENT_OFFSET = offset(FUSE_DIRENTPLUS, "dirent");
    /** The part of {@code fuse_init_in} every kernel sends: the fields before {@code flags2} (added in 7.36). */
    public static final long INIT_IN_COMPAT_SIZE = offset(FUSE_INIT_IN, "flags2");
    /** {@code sizeof(uint64_t)}, the unit of {@code FUSE_REC_ALIGN} and of {@code fuse_in_header.total_extlen}. */
    public static final long DIRENT_ALIGNMENT = JAVA_LONG.byteSize();
    /** The unit of {@code fuse_in_header.total_extlen}: "length of extensions in 8byte units". */
    public static final long EXTLEN_UNIT = JAVA_LONG.byteSize();

    /** {@code FUSE_REC_ALIGN(x)}: rounds {@code x} up to a multiple of 8, as every variable-length record is. */
    public static long recAlign(long x) {
        return (x + DIRENT_ALIGNMENT - 1) & ~(DIRENT_ALIGNMENT - 1);
    }

    /** {@code FUSE_DIRENT_ALIGN(x)}, which the header defines as {@code FUSE_REC_ALIGN(x)}. */
    public static long direntAlign(long x) {
        return recAlign(x);
    }

    /** The byte offset of the named top-level field of {@code struct}. */
    public static long offset(MemoryLayout struct, String field) {
        return struct.byteOffset(groupElement(field));
    }

    /**
     * A handle on the named top-level field of {@code struct}, taking one {@code MemorySegment} coordinate that
     * starts at the struct's first byte.
     */
    public static VarHandle handle(MemoryLayout struct, String field) {
        return MethodHandles.insertCoordinates(struct.varHandle(groupElement(field)), 1, 0L);
    }

    /** A handle on {@code struct.outer.inner} (e.g. {@code fuse_entry_out.attr.ino}), as {@link #handle}. */
    public static VarHandle handle(MemoryLayout struct, String outer, String inner) {
        return MethodHandles.insertCoordinates(
                struct.varHandle(groupElement(outer), groupElement(inner)), 1, 0L);
    }

    // Handles the decoder and encoder use on every request.
    public static final VarHandle IN_HEADER_LEN = handle(FUSE_IN_HEADER, "len");
    public static final VarHandle IN_HEADER_OPCODE = handle(FUSE_IN_HEADER, "opcode");
    public static final VarHandle IN_HEADER_UNIQUE = handle(FUSE_IN_HEADER, "unique");
    public static final VarHandle IN_HEADER_NODEID = handle(FUSE_IN_HEADER, "nodeid");
    public static final VarHandle IN_HEADER_UID = handle(FUSE_IN_HEADER, "uid");
    public static final VarHandle IN_HEADER_GID = handle(FUSE_IN_HEADER, "gid");
    public static final VarHandle IN_HEADER_PID = handle(FUSE_IN_HEADER, "pid");
    /** A {@code uint16_t} ({@code short}): widen with {@link Short#toUnsignedInt(short)}. */
    public static final VarHandle IN_HEADER_TOTAL_EXTLEN = handle(FUSE_IN_HEADER, "total_extlen");

    public static final VarHandle OUT_HEADER_LEN = handle(FUSE_OUT_HEADER, "len");
    public static final VarHandle OUT_HEADER_ERROR = handle(FUSE_OUT_HEADER, "error");
    public static final VarHandle OUT_HEADER_UNIQUE = handle(FUSE_OUT_HEADER, "unique");

    public static final VarHandle DIRENT_INO = handle(FUSE_DIRENT, "ino");
    public static final VarHandle DIRENT_OFF = handle(FUSE_DIRENT, "off");
    public static final VarHandle DIRENT_NAMELEN = handle(FUSE_DIRENT, "namelen");
    public static final VarHandle DIRENT_TYPE = handle(FUSE_DIRENT, "type");

    public static final VarHandle ENTRY_OUT_ATTR_INO = handle(FUSE_ENTRY_OUT, "attr", "ino");

    public static final VarHandle WRITE_IN_SIZE = handle(FUSE_WRITE_IN, "size");
    /** {@code fuse_setxattr_in.size}: at offset 0 in both the compat and the extended struct. */
    public static final VarHandle SETXATTR_IN_SIZE = handle(FUSE_SETXATTR_IN, "size");
    public static final VarHandle BATCH_FORGET_IN_COUNT = handle(FUSE_BATCH_FORGET_IN, "count");
}
