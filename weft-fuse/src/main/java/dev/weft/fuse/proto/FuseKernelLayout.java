package dev.weft.fuse.proto;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
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
 * All facts are read from {@code include/fuse_kernel.h} of libfuse/libfuse, commit
 * {@code 024eccbfa5c71a1c927e83753c26c1e6a738708f}. That copy declares {@code FUSE_KERNEL_MINOR_VERSION 31} but
 * already carries the 7.36 extensions of INIT ({@code flags2} in {@code fuse_init_in} / {@code fuse_init_out},
 * {@code map_alignment}, {@code FUSE_INIT_EXT}, {@code FUSE_SECURITY_CTX}, {@code FUSE_HAS_INODE_DAX}) and
 * {@code FOPEN_PARALLEL_DIRECT_WRITES}. Each struct's javadoc quotes the C declaration from that file. Fields the
 * stored header does not have (anything newer than the above) are deliberately absent; a newer kernel negotiates
 * down to {@link #KERNEL_MINOR_VERSION}.
 *
 * <h2>Conventions</h2>
 * Fields are native-order {@code uint32_t}/{@code uint64_t} (little-endian on the supported platforms), laid out with
 * their natural C alignment, so every struct here is a multiple of 8 bytes as the header promises ("Make sure all
 * structures are padded to 64bit boundary"). Unsigned C fields map to signed Java types of the same width; callers
 * widen with {@link Integer#toUnsignedLong(int)} where the value may exceed {@code Integer.MAX_VALUE}. Padding fields
 * keep the header's names ({@code padding}, {@code dummy}, {@code unused}).
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
    /** {@code #define FUSE_KERNEL_MINOR_VERSION 31}: the minor weft offers in its INIT reply. */
    public static final int KERNEL_MINOR_VERSION = 31;
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
    public static final long FUSE_ABORT_ERROR = 1L << 21;
    public static final long FUSE_MAX_PAGES = 1L << 22;
    public static final long FUSE_CACHE_SYMLINKS = 1L << 23;
    public static final long FUSE_NO_OPENDIR_SUPPORT = 1L << 24;
    public static final long FUSE_EXPLICIT_INVAL_DATA = 1L << 25;
    public static final long FUSE_MAP_ALIGNMENT = 1L << 26;
    public static final long FUSE_SUBMOUNTS = 1L << 27;
    public static final long FUSE_HANDLE_KILLPRIV_V2 = 1L << 28;
    public static final long FUSE_SETXATTR_EXT = 1L << 29;
    /** {@code FUSE_INIT_EXT}: the {@code flags2} words are valid. */
    public static final long FUSE_INIT_EXT = 1L << 30;
    public static final long FUSE_INIT_RESERVED = 1L << 31;
    /** "bits 32..63 get shifted down 32 bits into the flags2 field". */
    public static final long FUSE_SECURITY_CTX = 1L << 32;
    public static final long FUSE_HAS_INODE_DAX = 1L << 33;

    /** Joins {@code flags} and {@code flags2} into the 64-bit flag word the header's constants are written for. */
    public static long initFlags(int flags, int flags2) {
        return Integer.toUnsignedLong(flags) | (Integer.toUnsignedLong(flags2) << 32);
    }

    // ------------------------------------------------------------------------------------------------------------
    // fuse_setattr_in.valid, open reply flags, and per-request flags
    // ------------------------------------------------------------------------------------------------------------

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

    public static final int FOPEN_DIRECT_IO = 1 << 0;
    public static final int FOPEN_KEEP_CACHE = 1 << 1;
    public static final int FOPEN_NONSEEKABLE = 1 << 2;
    public static final int FOPEN_CACHE_DIR = 1 << 3;
    public static final int FOPEN_STREAM = 1 << 4;
    public static final int FOPEN_NOFLUSH = 1 << 5;
    public static final int FOPEN_PARALLEL_DIRECT_WRITES = 1 << 6;

    public static final int FUSE_RELEASE_FLUSH = 1 << 0;
    public static final int FUSE_RELEASE_FLOCK_UNLOCK = 1 << 1;
    public static final int FUSE_GETATTR_FH = 1 << 0;
    public static final int FUSE_LK_FLOCK = 1 << 0;
    public static final int FUSE_WRITE_CACHE = 1 << 0;
    public static final int FUSE_WRITE_LOCKOWNER = 1 << 1;
    public static final int FUSE_WRITE_KILL_PRIV = 1 << 2;
    public static final int FUSE_READ_LOCKOWNER = 1 << 1;
    public static final int FUSE_FSYNC_FDATASYNC = 1 << 0;
    public static final int FUSE_EXPIRE_ONLY = 1 << 0;

    // ------------------------------------------------------------------------------------------------------------
    // Structs
    // ------------------------------------------------------------------------------------------------------------

    private static MemoryLayout u32(String name) {
        return JAVA_INT.withName(name);
    }

    private static MemoryLayout u64(String name) {
        return JAVA_LONG.withName(name);
    }

    private static MemoryLayout u16(String name) {
        return JAVA_SHORT.withName(name);
    }

    private static MemoryLayout u32s(long count, String name) {
        return MemoryLayout.sequenceLayout(count, JAVA_INT).withName(name);
    }

    private static StructLayout struct(String cName, MemoryLayout... fields) {
        return MemoryLayout.structLayout(fields).withName(cName);
    }

    /**
     * <pre>{@code
     * struct fuse_in_header { uint32_t len; uint32_t opcode; uint64_t unique; uint64_t nodeid;
     *                         uint32_t uid; uint32_t gid; uint32_t pid; uint32_t padding; };
     * }</pre>
     */
    public static final StructLayout FUSE_IN_HEADER = struct("fuse_in_header",
            u32("len"), u32("opcode"), u64("unique"), u64("nodeid"), u32("uid"), u32("gid"), u32("pid"),
            u32("padding"));

    /** <pre>{@code struct fuse_out_header { uint32_t len; int32_t error; uint64_t unique; }; }</pre> */
    public static final StructLayout FUSE_OUT_HEADER = struct("fuse_out_header",
            u32("len"), JAVA_INT.withName("error"), u64("unique"));

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
     *                        uint32_t unused[7]; };
     * }</pre>
     */
    public static final StructLayout FUSE_INIT_OUT = struct("fuse_init_out",
            u32("major"), u32("minor"), u32("max_readahead"), u32("flags"), u16("max_background"),
            u16("congestion_threshold"), u32("max_write"), u32("time_gran"), u16("max_pages"),
            u16("map_alignment"), u32("flags2"), u32s(7, "unused"));

    /**
     * <pre>{@code
     * struct fuse_attr { uint64_t ino; uint64_t size; uint64_t blocks; uint64_t atime; uint64_t mtime;
     *                    uint64_t ctime; uint32_t atimensec; uint32_t mtimensec; uint32_t ctimensec;
     *                    uint32_t mode; uint32_t nlink; uint32_t uid; uint32_t gid; uint32_t rdev;
     *                    uint32_t blksize; uint32_t padding; };
     * }</pre>
     */
    public static final StructLayout FUSE_ATTR = struct("fuse_attr",
            u64("ino"), u64("size"), u64("blocks"), u64("atime"), u64("mtime"), u64("ctime"), u32("atimensec"),
            u32("mtimensec"), u32("ctimensec"), u32("mode"), u32("nlink"), u32("uid"), u32("gid"), u32("rdev"),
            u32("blksize"), u32("padding"));

    /**
     * <pre>{@code
     * struct fuse_entry_out { uint64_t nodeid; uint64_t generation; uint64_t entry_valid; uint64_t attr_valid;
     *                         uint32_t entry_valid_nsec; uint32_t attr_valid_nsec; struct fuse_attr attr; };
     * }</pre>
     */
    public static final StructLayout FUSE_ENTRY_OUT = struct("fuse_entry_out",
            u64("nodeid"), u64("generation"), u64("entry_valid"), u64("attr_valid"), u32("entry_valid_nsec"),
            u32("attr_valid_nsec"), FUSE_ATTR.withName("attr"));

    /**
     * <pre>{@code
     * struct fuse_attr_out { uint64_t attr_valid; uint32_t attr_valid_nsec; uint32_t dummy; struct fuse_attr attr; };
     * }</pre>
     */
    public static final StructLayout FUSE_ATTR_OUT = struct("fuse_attr_out",
            u64("attr_valid"), u32("attr_valid_nsec"), u32("dummy"), FUSE_ATTR.withName("attr"));

    /** <pre>{@code struct fuse_getattr_in { uint32_t getattr_flags; uint32_t dummy; uint64_t fh; }; }</pre> */
    public static final StructLayout FUSE_GETATTR_IN = struct("fuse_getattr_in",
            u32("getattr_flags"), u32("dummy"), u64("fh"));

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

    /** <pre>{@code struct fuse_open_in { uint32_t flags; uint32_t unused; }; }</pre> */
    public static final StructLayout FUSE_OPEN_IN = struct("fuse_open_in", u32("flags"), u32("unused"));

    /** <pre>{@code struct fuse_open_out { uint64_t fh; uint32_t open_flags; uint32_t padding; }; }</pre> */
    public static final StructLayout FUSE_OPEN_OUT = struct("fuse_open_out",
            u64("fh"), u32("open_flags"), u32("padding"));

    /** <pre>{@code struct fuse_create_in { uint32_t flags; uint32_t mode; uint32_t umask; uint32_t padding; }; }</pre> */
    public static final StructLayout FUSE_CREATE_IN = struct("fuse_create_in",
            u32("flags"), u32("mode"), u32("umask"), u32("padding"));

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

    /** <pre>{@code struct fuse_fsync_in { uint64_t fh; uint32_t fsync_flags; uint32_t padding; }; }</pre> */
    public static final StructLayout FUSE_FSYNC_IN = struct("fuse_fsync_in",
            u64("fh"), u32("fsync_flags"), u32("padding"));

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

    /** <pre>{@code struct fuse_access_in { uint32_t mask; uint32_t padding; }; }</pre> */
    public static final StructLayout FUSE_ACCESS_IN = struct("fuse_access_in", u32("mask"), u32("padding"));

    /** <pre>{@code struct fuse_getxattr_in { uint32_t size; uint32_t padding; }; }</pre> */
    public static final StructLayout FUSE_GETXATTR_IN = struct("fuse_getxattr_in", u32("size"), u32("padding"));

    /** <pre>{@code struct fuse_getxattr_out { uint32_t size; uint32_t padding; }; }</pre> */
    public static final StructLayout FUSE_GETXATTR_OUT = struct("fuse_getxattr_out", u32("size"), u32("padding"));

    /** <pre>{@code struct fuse_setxattr_in { uint32_t size; uint32_t flags; }; }</pre> */
    public static final StructLayout FUSE_SETXATTR_IN = struct("fuse_setxattr_in", u32("size"), u32("flags"));

    /** <pre>{@code struct fuse_interrupt_in { uint64_t unique; }; }</pre> */
    public static final StructLayout FUSE_INTERRUPT_IN = struct("fuse_interrupt_in", u64("unique"));

    /**
     * <pre>{@code struct fuse_file_lock { uint64_t start; uint64_t end; uint32_t type; uint32_t pid; }; }</pre>
     * ({@code pid} is the tgid, as the header's comment says.)
     */
    public static final StructLayout FUSE_FILE_LOCK = struct("fuse_file_lock",
            u64("start"), u64("end"), u32("type"), u32("pid"));

    /**
     * <pre>{@code
     * struct fuse_lk_in { uint64_t fh; uint64_t owner; struct fuse_file_lock lk; uint32_t lk_flags;
     *                     uint32_t padding; };
     * }</pre>
     */
    public static final StructLayout FUSE_LK_IN = struct("fuse_lk_in",
            u64("fh"), u64("owner"), FUSE_FILE_LOCK.withName("lk"), u32("lk_flags"), u32("padding"));

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

    /** <pre>{@code struct fuse_statfs_out { struct fuse_kstatfs st; }; }</pre> */
    public static final StructLayout FUSE_STATFS_OUT = struct("fuse_statfs_out", FUSE_KSTATFS.withName("st"));

    /**
     * <pre>{@code
     * struct fuse_dirent { uint64_t ino; uint64_t off; uint32_t namelen; uint32_t type; char name[]; };
     * #define FUSE_NAME_OFFSET offsetof(struct fuse_dirent, name)
     * #define FUSE_DIRENT_ALIGN(x) (((x) + sizeof(uint64_t) - 1) & ~(sizeof(uint64_t) - 1))
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
     */
    public static final StructLayout FUSE_COPY_FILE_RANGE_IN = struct("fuse_copy_file_range_in",
            u64("fh_in"), u64("off_in"), u64("nodeid_out"), u64("fh_out"), u64("off_out"), u64("len"), u64("flags"));

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
    /** {@code sizeof(uint64_t)}, the unit of {@code FUSE_DIRENT_ALIGN}. */
    public static final long DIRENT_ALIGNMENT = JAVA_LONG.byteSize();

    /** {@code FUSE_DIRENT_ALIGN(x)}: rounds {@code x} up to a multiple of 8. */
    public static long direntAlign(long x) {
        return (x + DIRENT_ALIGNMENT - 1) & ~(DIRENT_ALIGNMENT - 1);
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

    public static final VarHandle OUT_HEADER_LEN = handle(FUSE_OUT_HEADER, "len");
    public static final VarHandle OUT_HEADER_ERROR = handle(FUSE_OUT_HEADER, "error");
    public static final VarHandle OUT_HEADER_UNIQUE = handle(FUSE_OUT_HEADER, "unique");

    public static final VarHandle DIRENT_INO = handle(FUSE_DIRENT, "ino");
    public static final VarHandle DIRENT_OFF = handle(FUSE_DIRENT, "off");
    public static final VarHandle DIRENT_NAMELEN = handle(FUSE_DIRENT, "namelen");
    public static final VarHandle DIRENT_TYPE = handle(FUSE_DIRENT, "type");

    public static final VarHandle ENTRY_OUT_ATTR_INO = handle(FUSE_ENTRY_OUT, "attr", "ino");

    public static final VarHandle WRITE_IN_SIZE = handle(FUSE_WRITE_IN, "size");
    public static final VarHandle SETXATTR_IN_SIZE = handle(FUSE_SETXATTR_IN, "size");
    public static final VarHandle BATCH_FORGET_IN_COUNT = handle(FUSE_BATCH_FORGET_IN, "count");
}
