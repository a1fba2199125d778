package dev.weft.fuse.proto;

/**
 * The Linux errno values weft-fuse replies with or gets back from the device, from
 * {@code include/uapi/asm-generic/errno-base.h} (1..34) and {@code errno.h} (35 and up), which x86-64 and arm64 use
 * unchanged. Replies carry them negated in {@code fuse_out_header.error}, and the kernel accepts 1..511 only.
 * Declared in numeric order.
 */
public final class LinuxErrno {
    private LinuxErrno() {}

    /** {@code #define EPERM 1}: mount(2) without CAP_SYS_ADMIN. */
    public static final int EPERM = 1;
    /** {@code #define ENOENT 2}; from {@code /dev/fuse}: the request was interrupted before it was read. */
    public static final int ENOENT = 2;
    /** {@code #define EINTR 4}. */
    public static final int EINTR = 4;
    /** {@code #define EIO 5}: a request was truncated. */
    public static final int EIO = 5;
    /** {@code #define ENXIO 6}: no such device or address. */
    public static final int ENXIO = 6;
    /** {@code #define EBADF 9}: the file handle is not open (or not open for this access). */
    public static final int EBADF = 9;
    /** {@code #define EAGAIN 11}. */
    public static final int EAGAIN = 11;
    /** {@code #define ENOMEM 12}. */
    public static final int ENOMEM = 12;
    /** {@code #define EACCES 13}: permission denied. */
    public static final int EACCES = 13;
    /** {@code #define EFAULT 14}: bad address. */
    public static final int EFAULT = 14;
    /** {@code #define EBUSY 16}. */
    public static final int EBUSY = 16;
    /** {@code #define EEXIST 17}: the name already exists (CREATE with O_EXCL, MKDIR, MKNOD, SYMLINK, LINK). */
    public static final int EEXIST = 17;
    /** {@code #define EXDEV 18}: cross-device link or rename. */
    public static final int EXDEV = 18;
    /** {@code #define ENODEV 19}; from {@code /dev/fuse}: the file system was unmounted. */
    public static final int ENODEV = 19;
    /** {@code #define ENOTDIR 20}. */
    public static final int ENOTDIR = 20;
    /** {@code #define EISDIR 21}. */
    public static final int EISDIR = 21;
    /** {@code #define EINVAL 22}: a request was inconsistent; from umount2: not mounted. */
    public static final int EINVAL = 22;
    /** {@code #define ENFILE 23}: the system's file table is full. */
    public static final int ENFILE = 23;
    /** {@code #define EMFILE 24}: too many open files. */
    public static final int EMFILE = 24;
    /** {@code #define EFBIG 27}: file too large. */
    public static final int EFBIG = 27;
    /** {@code #define ENOSPC 28}: no space left on device. */
    public static final int ENOSPC = 28;
    /** {@code #define EROFS 30}: read-only file system. */
    public static final int EROFS = 30;
    /** {@code #define ERANGE 34}: e.g. an xattr value larger than the caller's buffer. */
    public static final int ERANGE = 34;
    /** {@code #define ENAMETOOLONG 36}. */
    public static final int ENAMETOOLONG = 36;
    /** {@code #define ENOSYS 38}: the opcode is not implemented. */
    public static final int ENOSYS = 38;
    /** {@code #define ENOTEMPTY 39}: RMDIR or RENAME over a directory that has entries. */
    public static final int ENOTEMPTY = 39;
    /** {@code #define ELOOP 40}: too many symbolic links. */
    public static final int ELOOP = 40;
    /** {@code #define ENODATA 61}: GETXATTR / REMOVEXATTR of an attribute that does not exist. */
    public static final int ENODATA = 61;
    /** {@code #define EOVERFLOW 75}: value too large for the defined data type. */
    public static final int EOVERFLOW = 75;
    /** {@code #define EOPNOTSUPP 95}: operation not supported. */
    public static final int EOPNOTSUPP = 95;
    /**
     * {@code ENOTSUP}: the same number as {@link #EOPNOTSUPP} on Linux (the C library's alias,
     * {@code # define ENOTSUP EOPNOTSUPP}; the kernel's uapi has no separate value).
     */
    public static final int ENOTSUP = EOPNOTSUPP;
    /**
     * {@code #define ECONNABORTED 103}; from {@code /dev/fuse} after the connection was aborted, instead of
     * {@link #ENODEV}, when {@code FUSE_ABORT_ERROR} was negotiated.
     */
    public static final int ECONNABORTED = 103;
    /** {@code #define ENOTCONN 107}: transport endpoint is not connected (a FUSE mount whose server is gone). */
    public static final int ENOTCONN = 107;
    /** {@code #define ESTALE 116}: stale file handle (a node id the file system no longer knows). */
    public static final int ESTALE = 116;
}
