package dev.weft.fuse.proto;

import static dev.weft.fuse.proto.FuseKernelLayout.*;

import java.lang.foreign.MemoryLayout;

/**
 * The request opcodes of {@code enum fuse_opcode} in the kernel's FUSE header (see {@link FuseKernelLayout} for the
 * header version, 7.45), each with the shape of its request body as the kernel sends it: a fixed struct (or none),
 * then {@code nameCount} NUL-terminated names, then any variable payload (WRITE data, SETXATTR value, BATCH_FORGET
 * records), then any request extensions ({@code fuse_in_header.total_extlen}, see {@link FuseRequest#extensions()}).
 *
 * <p>Every opcode of the header is listed except SETUPMAPPING (48) and REMOVEMAPPING (49), which only virtio-fs
 * sends (they map its DAX window). For those, and for opcodes newer than the header, {@link #fromCode(int)} returns
 * {@code null} and the server replies {@code ENOSYS}, which is what the kernel expects of a server that does not
 * implement one.
 *
 * <p>One fixed struct depends on what INIT negotiated: SETXATTR's {@code fuse_setxattr_in} is
 * {@link FuseKernelLayout#COMPAT_SETXATTR_IN_SIZE} bytes unless {@link FuseKernelLayout#FUSE_SETXATTR_EXT} was
 * negotiated; {@link #fixedBodySize(long)} gives the size for a connection's flags.
 */
public enum FuseOpcode {
    LOOKUP(1, null, 1),
    /** No reply. */
    FORGET(2, FUSE_FORGET_IN, 0),
    GETATTR(3, FUSE_GETATTR_IN, 0),
    SETATTR(4, FUSE_SETATTR_IN, 0),
    READLINK(5, null, 0),
    /** Two names: the new entry's name, then the link target. */
    SYMLINK(6, null, 2),
    /** May carry extensions (security context, supplementary group), as may MKDIR, SYMLINK, CREATE and TMPFILE. */
    MKNOD(8, FUSE_MKNOD_IN, 1),
    MKDIR(9, FUSE_MKDIR_IN, 1),
    UNLINK(10, null, 1),
    RMDIR(11, null, 1),
    /** Two names: old name, new name. */
    RENAME(12, FUSE_RENAME_IN, 2),
    LINK(13, FUSE_LINK_IN, 1),
    OPEN(14, FUSE_OPEN_IN, 0),
    READ(15, FUSE_READ_IN, 0),
    /** {@code fuse_write_in.size} bytes of data follow the struct. */
    WRITE(16, FUSE_WRITE_IN, 0),
    STATFS(17, null, 0),
    RELEASE(18, FUSE_RELEASE_IN, 0),
    FSYNC(20, FUSE_FSYNC_IN, 0),
    /**
     * The attribute name, then {@code fuse_setxattr_in.size} bytes of value. The struct is 8 bytes unless
     * {@code FUSE_SETXATTR_EXT} was negotiated: see {@link #fixedBodySize(long)}.
     */
    SETXATTR(21, FUSE_SETXATTR_IN, 1),
    GETXATTR(22, FUSE_GETXATTR_IN, 1),
    LISTXATTR(23, FUSE_GETXATTR_IN, 0),
    REMOVEXATTR(24, null, 1),
    FLUSH(25, FUSE_FLUSH_IN, 0),
    /** Kernels before 7.36 send only {@link FuseKernelLayout#INIT_IN_COMPAT_SIZE} bytes of {@code fuse_init_in}. */
    INIT(26, FUSE_INIT_IN, 0),
    OPENDIR(27, FUSE_OPEN_IN, 0),
    READDIR(28, FUSE_READ_IN, 0),
    RELEASEDIR(29, FUSE_RELEASE_IN, 0),
    FSYNCDIR(30, FUSE_FSYNC_IN, 0),
    GETLK(31, FUSE_LK_IN, 0),
    SETLK(32, FUSE_LK_IN, 0),
    SETLKW(33, FUSE_LK_IN, 0),
    ACCESS(34, FUSE_ACCESS_IN, 0),
    /** Reply: {@code fuse_entry_out} then {@code fuse_open_out}. May carry extensions (security context, groups). */
    CREATE(35, FUSE_CREATE_IN, 1),
    INTERRUPT(36, FUSE_INTERRUPT_IN, 0),
    /** Body not laid out by weft (fuse_bmap_in); only the header is validated. */
    BMAP(37, null, 0),
    DESTROY(38, null, 0),
    /** Body not laid out by weft (fuse_ioctl_in); only the header is validated. */
    IOCTL(39, null, 0),
    /** Body not laid out by weft (fuse_poll_in); only the header is validated. */
    POLL(40, null, 0),
    NOTIFY_REPLY(41, null, 0),
    /** {@code fuse_batch_forget_in.count} {@code fuse_forget_one} records follow the struct. No reply. */
    BATCH_FORGET(42, FUSE_BATCH_FORGET_IN, 0),
    FALLOCATE(43, FUSE_FALLOCATE_IN, 0),
    READDIRPLUS(44, FUSE_READ_IN, 0),
    /** Two names: old name, new name. */
    RENAME2(45, FUSE_RENAME2_IN, 2),
    LSEEK(46, FUSE_LSEEK_IN, 0),
    /** Reply: {@code fuse_write_out}, whose 32-bit {@code size} is the byte count copied. */
    COPY_FILE_RANGE(47, FUSE_COPY_FILE_RANGE_IN, 0),
    /** {@code fuse_syncfs_in} is padding only (7.34). */
    SYNCFS(50, FUSE_SYNCFS_IN, 0),
    /**
     * Shaped like CREATE: {@code fuse_create_in}, then the name the VFS gives the unnamed dentry, and the same reply
     * (7.37). May carry extensions.
     */
    TMPFILE(51, FUSE_CREATE_IN, 1),
    /** Reply: {@code fuse_statx_out} (7.39). */
    STATX(52, FUSE_STATX_IN, 0),
    /** The body of COPY_FILE_RANGE; reply: {@code fuse_copy_file_range_out}, with a 64-bit count (7.45). */
    COPY_FILE_RANGE_64(53, FUSE_COPY_FILE_RANGE_IN, 0),
    CUSE_INIT(4096, null, 0);

    /** The FUSE opcodes (not CUSE_INIT) by code; they are small and dense. */
    private static final FuseOpcode[] BY_CODE = new FuseOpcode[COPY_FILE_RANGE_64.code + 1];

    static {
        for (FuseOpcode op : values()) {
            if (op != CUSE_INIT) {
                BY_CODE[op.code] = op;
            }
        }
    }

    private final int code;
    private final MemoryLayout body;
    private final int nameCount;

    FuseOpcode(int code, MemoryLayout body, int nameCount) {
        this.code = code;
        this.body = body;
        this.nameCount = nameCount;
    }

    /** The kernel's number for this opcode. */
    public int code() {
        return code;
    }

    /**
     * The fixed struct that opens the body, or {@code null} when the body starts with names or is empty. For INIT and
     * SETXATTR the kernel may send only a prefix of it: see {@link #fixedBodySize(long)}.
     */
    public MemoryLayout bodyLayout() {
        return body;
    }

    /**
     * The fewest body bytes before the names that a well-formed request of this opcode carries, from any kernel
     * weft supports: INIT from a kernel before 7.36 sends {@link FuseKernelLayout#INIT_IN_COMPAT_SIZE}, SETXATTR
     * without {@code FUSE_SETXATTR_EXT} {@link FuseKernelLayout#COMPAT_SETXATTR_IN_SIZE}.
     */
    public long minFixedBodySize() {
        return switch (this) {
            case INIT -> INIT_IN_COMPAT_SIZE;
            case SETXATTR -> COMPAT_SETXATTR_IN_SIZE;
            default -> body == null ? 0 : body.byteSize();
        };
    }

    /**
     * The size of the fixed struct on a connection whose INIT negotiated {@code negotiatedFlags} (the flags of
     * weft's INIT reply, joined by {@link FuseKernelLayout#initFlags}): for SETXATTR the full
     * {@code fuse_setxattr_in} with {@code FUSE_SETXATTR_EXT}, else its first
     * {@link FuseKernelLayout#COMPAT_SETXATTR_IN_SIZE} bytes. INIT precedes negotiation: its value is the full
     * {@code fuse_init_in}, which a kernel before 7.36 cuts short (see {@link #minFixedBodySize()}).
     */
    public long fixedBodySize(long negotiatedFlags) {
        if (this == SETXATTR && (negotiatedFlags & FUSE_SETXATTR_EXT) == 0) {
            return COMPAT_SETXATTR_IN_SIZE;
        }
        return body == null ? 0 : body.byteSize();
    }

    /** How many NUL-terminated names follow the fixed struct. */
    public int nameCount() {
        return nameCount;
    }

    /** Whether the kernel expects no reply to this request. */
    public boolean isNoReply() {
        return this == FORGET || this == BATCH_FORGET;
    }

    /** The opcode with kernel number {@code code}, or {@code null} when weft does not know it (reply ENOSYS). */
    public static FuseOpcode fromCode(int code) {
        if (code >= 0 && code < BY_CODE.length) {
            return BY_CODE[code];
        }
        return code == CUSE_INIT.code ? CUSE_INIT : null;
    }
}
