package dev.weft.uring.kernel;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.MemoryLayout.sequenceLayout;
import static java.lang.foreign.MemoryLayout.structLayout;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * {@code statx(2)}'s result, and that of {@code IORING_OP_STATX}, from {@code /usr/include/linux/stat.h} of
 * linux-libc-dev 6.1.187 (the layout is architecture-independent, unlike {@code struct stat}, which is why weft uses
 * {@code statx}). weft-uring's files and weft-fuse's passthrough both read it through this class:
 * <pre>{@code
 * struct statx_timestamp { __s64 tv_sec; __u32 tv_nsec; __s32 __reserved; };
 *
 * struct statx {
 *     __u32 stx_mask;  __u32 stx_blksize;  __u64 stx_attributes;                       // 0x00
 *     __u32 stx_nlink; __u32 stx_uid; __u32 stx_gid; __u16 stx_mode; __u16 __spare0[1]; // 0x10
 *     __u64 stx_ino; __u64 stx_size; __u64 stx_blocks; __u64 stx_attributes_mask;       // 0x20
 *     struct statx_timestamp stx_atime, stx_btime, stx_ctime, stx_mtime;                // 0x40
 *     __u32 stx_rdev_major; __u32 stx_rdev_minor; __u32 stx_dev_major; __u32 stx_dev_minor; // 0x80
 *     __u64 stx_mnt_id; __u32 stx_dio_mem_align; __u32 stx_dio_offset_align;            // 0x90
 *     __u64 __spare3[12];                                                               // 0xa0
 * };                                                                                    // 0x100
 * }</pre>
 * Unsigned fields are read as the signed Java type of the same width; the getters widen where a value can exceed
 * the signed range ({@link #mode}).
 */
public final class StatxLayout {
    private StatxLayout() {}

    public static final StructLayout STATX_TIMESTAMP = structLayout(
            JAVA_LONG.withName("tv_sec"), JAVA_INT.withName("tv_nsec"), JAVA_INT.withName("__reserved"))
            .withName("statx_timestamp");

    public static final StructLayout STATX = structLayout(
            JAVA_INT.withName("stx_mask"), JAVA_INT.withName("stx_blksize"), JAVA_LONG.withName("stx_attributes"),
            JAVA_INT.withName("stx_nlink"), JAVA_INT.withName("stx_uid"), JAVA_INT.withName("stx_gid"),
            JAVA_SHORT.withName("stx_mode"), sequenceLayout(1, JAVA_SHORT).withName("__spare0"),
            JAVA_LONG.withName("stx_ino"), JAVA_LONG.withName("stx_size"), JAVA_LONG.withName("stx_blocks"),
            JAVA_LONG.withName("stx_attributes_mask"),
            STATX_TIMESTAMP.withName("stx_atime"), STATX_TIMESTAMP.withName("stx_btime"),
            STATX_TIMESTAMP.withName("stx_ctime"), STATX_TIMESTAMP.withName("stx_mtime"),
            JAVA_INT.withName("stx_rdev_major"), JAVA_INT.withName("stx_rdev_minor"),
            JAVA_INT.withName("stx_dev_major"), JAVA_INT.withName("stx_dev_minor"),
            JAVA_LONG.withName("stx_mnt_id"), JAVA_INT.withName("stx_dio_mem_align"),
            JAVA_INT.withName("stx_dio_offset_align"), sequenceLayout(12, JAVA_LONG).withName("__spare3"))
            .withName("statx");

    // ---- stx_mask bits: /usr/include/linux/stat.h ----

    /** {@code #define STATX_TYPE 0x00000001U}. */
    public static final int STATX_TYPE = 0x1;
    /** {@code #define STATX_MODE 0x00000002U}. */
    public static final int STATX_MODE = 0x2;
    /** {@code #define STATX_INO 0x00000100U}. */
    public static final int STATX_INO = 0x100;
    /** {@code #define STATX_BASIC_STATS 0x000007ffU}: what {@code stat(2)} returns. */
    public static final int STATX_BASIC_STATS = 0x7ff;
    /** {@code #define STATX_MNT_ID 0x00001000U}: ask for {@code stx_mnt_id}, the mount's id (5.8). */
    public static final int STATX_MNT_ID = 0x1000;
    /** {@code #define STATX_DIOALIGN 0x00002000U}: ask for the O_DIRECT alignments (6.1). */
    public static final int STATX_DIOALIGN = 0x2000;

    private static final VarHandle MASK = handle("stx_mask");
    private static final VarHandle BLKSIZE = handle("stx_blksize");
    private static final VarHandle NLINK = handle("stx_nlink");
    private static final VarHandle UID = handle("stx_uid");
    private static final VarHandle GID = handle("stx_gid");
    private static final VarHandle MODE = handle("stx_mode");
    private static final VarHandle INO = handle("stx_ino");
    private static final VarHandle SIZE = handle("stx_size");
    private static final VarHandle BLOCKS = handle("stx_blocks");
    private static final VarHandle ATIME_SEC = handle("stx_atime", "tv_sec");
    private static final VarHandle ATIME_NSEC = handle("stx_atime", "tv_nsec");
    private static final VarHandle MTIME_SEC = handle("stx_mtime", "tv_sec");
    private static final VarHandle MTIME_NSEC = handle("stx_mtime", "tv_nsec");
    private static final VarHandle CTIME_SEC = handle("stx_ctime", "tv_sec");
    private static final VarHandle CTIME_NSEC = handle("stx_ctime", "tv_nsec");
    private static final VarHandle RDEV_MAJOR = handle("stx_rdev_major");
    private static final VarHandle RDEV_MINOR = handle("stx_rdev_minor");
    private static final VarHandle DEV_MAJOR = handle("stx_dev_major");
    private static final VarHandle DEV_MINOR = handle("stx_dev_minor");
    private static final VarHandle MNT_ID = handle("stx_mnt_id");
    private static final VarHandle DIO_MEM_ALIGN = handle("stx_dio_mem_align");
    private static final VarHandle DIO_OFFSET_ALIGN = handle("stx_dio_offset_align");

    public static int mask(MemorySegment statx) { return (int) MASK.get(statx); }
    public static int blockSize(MemorySegment statx) { return (int) BLKSIZE.get(statx); }
    public static int nlink(MemorySegment statx) { return (int) NLINK.get(statx); }
    public static int uid(MemorySegment statx) { return (int) UID.get(statx); }
    public static int gid(MemorySegment statx) { return (int) GID.get(statx); }
    /** {@code stx_mode}, type and permission bits, widened from {@code __u16}. */
    public static int mode(MemorySegment statx) { return Short.toUnsignedInt((short) MODE.get(statx)); }
    public static long ino(MemorySegment statx) { return (long) INO.get(statx); }
    public static long size(MemorySegment statx) { return (long) SIZE.get(statx); }
    /** {@code stx_blocks}: 512-byte blocks allocated. */
    public static long blocks(MemorySegment statx) { return (long) BLOCKS.get(statx); }
    public static long atimeSeconds(MemorySegment statx) { return (long) ATIME_SEC.get(statx); }
    public static int atimeNanos(MemorySegment statx) { return (int) ATIME_NSEC.get(statx); }
    public static long mtimeSeconds(MemorySegment statx) { return (long) MTIME_SEC.get(statx); }
    public static int mtimeNanos(MemorySegment statx) { return (int) MTIME_NSEC.get(statx); }
    public static long ctimeSeconds(MemorySegment statx) { return (long) CTIME_SEC.get(statx); }
    public static int ctimeNanos(MemorySegment statx) { return (int) CTIME_NSEC.get(statx); }
    public static int rdevMajor(MemorySegment statx) { return (int) RDEV_MAJOR.get(statx); }
    public static int rdevMinor(MemorySegment statx) { return (int) RDEV_MINOR.get(statx); }
    /** {@code stx_mnt_id}: the id of the mount the file was reached through (with {@link #STATX_MNT_ID} in the mask). */
    public static long mountId(MemorySegment statx) { return (long) MNT_ID.get(statx); }
    /** The buffer alignment O_DIRECT needs on this file (0 when not supported or not asked for). */
    public static int dioMemAlign(MemorySegment statx) { return (int) DIO_MEM_ALIGN.get(statx); }
    /** The file offset and length alignment O_DIRECT needs on this file (0 when not supported or not asked for). */
    public static int dioOffsetAlign(MemorySegment statx) { return (int) DIO_OFFSET_ALIGN.get(statx); }

    /** The containing device as one number ({@code major << 32 | minor}): with {@link #ino} it names the inode. */
    public static long device(MemorySegment statx) {
        return ((long) (int) DEV_MAJOR.get(statx) << 32) | Integer.toUnsignedLong((int) DEV_MINOR.get(statx));
    }

    /**
     * {@code stx_rdev} in the kernel's 32-bit encoding ({@code new_encode_dev} in {@code include/linux/kdev_t.h}:
     * {@code (minor & 0xff) | (major << 8) | ((minor & ~0xff) << 12)}), the form {@code fuse_attr.rdev} and the
     * {@code mknodat} system call use.
     */
    public static int rdevEncoded(MemorySegment statx) {
        int major = rdevMajor(statx);
        int minor = rdevMinor(statx);
        return (minor & 0xff) | (major << 8) | ((minor & ~0xff) << 12);
    }

    private static VarHandle handle(String field) {
        return MethodHandles.insertCoordinates(STATX.varHandle(groupElement(field)), 1, 0L);
    }

    private static VarHandle handle(String outer, String inner) {
        return MethodHandles.insertCoordinates(STATX.varHandle(groupElement(outer), groupElement(inner)), 1, 0L);
    }
}
