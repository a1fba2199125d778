package dev.weft.fuse.proto;

/**
 * The Linux errno values the protocol layer itself replies with, from {@code include/uapi/asm-generic/errno-base.h}
 * and {@code errno.h} (identical on x86-64 and arm64). Replies carry them negated in {@code fuse_out_header.error}.
 */
public final class LinuxErrno {
    private LinuxErrno() {}

    /** {@code #define ENOENT 2}. */
    public static final int ENOENT = 2;
    /** {@code #define EIO 5}: a request was truncated. */
    public static final int EIO = 5;
    /** {@code #define EINVAL 22}: a request was inconsistent. */
    public static final int EINVAL = 22;
    /** {@code #define ERANGE 34}. */
    public static final int ERANGE = 34;
    /** {@code #define ENOSYS 38}: the opcode is not implemented. */
    public static final int ENOSYS = 38;
}
