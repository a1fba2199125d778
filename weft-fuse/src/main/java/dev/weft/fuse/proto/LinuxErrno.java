package dev.weft.fuse.proto;

/**
 * The Linux errno values weft-fuse replies with or gets back from the device, from
 * {@code include/uapi/asm-generic/errno-base.h} and {@code errno.h} (identical on x86-64 and arm64). Replies carry
 * them negated in {@code fuse_out_header.error}.
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
    /** {@code #define EAGAIN 11}. */
    public static final int EAGAIN = 11;
    /** {@code #define ENODEV 19}; from {@code /dev/fuse}: the file system was unmounted. */
    public static final int ENODEV = 19;
    /** {@code #define EINVAL 22}: a request was inconsistent; from umount2: not mounted. */
    public static final int EINVAL = 22;
    /** {@code #define ERANGE 34}. */
    public static final int ERANGE = 34;
    /** {@code #define ENOSYS 38}: the opcode is not implemented. */
    public static final int ENOSYS = 38;
}
