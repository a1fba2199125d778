package dev.weft.bench.fuse.peer;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * {@code struct stat} of Linux x86_64 as glibc declares it in {@code <bits/struct_stat.h>} (glibc 2.36), the
 * layout {@code lstat(2)} and {@code fstat(2)} fill (144 bytes):
 *
 * <pre>
 * struct stat {
 *     __dev_t st_dev;  __ino_t st_ino;  __nlink_t st_nlink;          // 8 + 8 + 8 (nlink is 64-bit on x86_64)
 *     __mode_t st_mode;  __uid_t st_uid;  __gid_t st_gid;  int __pad0; // 4 each
 *     __dev_t st_rdev;  __off_t st_size;  __blksize_t st_blksize;  __blkcnt_t st_blocks;
 *     struct timespec st_atim, st_mtim, st_ctim;                      // { time_t tv_sec; long tv_nsec; }
 *     __syscall_slong_t __glibc_reserved[3];
 * };
 * </pre>
 */
final class StatLayout {

    static final StructLayout TIMESPEC = MemoryLayout.structLayout(
            JAVA_LONG.withName("tv_sec"),
            JAVA_LONG.withName("tv_nsec"));

    static final StructLayout STAT = MemoryLayout.structLayout(
            JAVA_LONG.withName("st_dev"),
            JAVA_LONG.withName("st_ino"),
            JAVA_LONG.withName("st_nlink"),
            JAVA_INT.withName("st_mode"),
            JAVA_INT.withName("st_uid"),
            JAVA_INT.withName("st_gid"),
            JAVA_INT.withName("__pad0"),
            JAVA_LONG.withName("st_rdev"),
            JAVA_LONG.withName("st_size"),
            JAVA_LONG.withName("st_blksize"),
            JAVA_LONG.withName("st_blocks"),
            TIMESPEC.withName("st_atim"),
            TIMESPEC.withName("st_mtim"),
            TIMESPEC.withName("st_ctim"),
            MemoryLayout.sequenceLayout(3, JAVA_LONG).withName("__glibc_reserved"));

    private static final VarHandle NLINK = field("st_nlink");
    private static final VarHandle MODE = field("st_mode");
    private static final VarHandle UID = field("st_uid");
    private static final VarHandle GID = field("st_gid");
    private static final VarHandle SIZE = field("st_size");
    private static final VarHandle ATIME_SEC = time("st_atim", "tv_sec");
    private static final VarHandle ATIME_NSEC = time("st_atim", "tv_nsec");
    private static final VarHandle MTIME_SEC = time("st_mtim", "tv_sec");
    private static final VarHandle MTIME_NSEC = time("st_mtim", "tv_nsec");
    private static final VarHandle CTIME_SEC = time("st_ctim", "tv_sec");
    private static final VarHandle CTIME_NSEC = time("st_ctim", "tv_nsec");

    static {
        if (STAT.byteSize() != 144) {
            throw new AssertionError("struct stat is 144 bytes on x86_64, the layout has " + STAT.byteSize());
        }
    }

    private StatLayout() {
    }

    private static VarHandle field(String name) {
        return STAT.varHandle(groupElement(name));
    }

    private static VarHandle time(String field, String part) {
        return STAT.varHandle(groupElement(field), groupElement(part));
    }

    static long nlink(MemorySegment s) {
        return (long) NLINK.get(s, 0L);
    }

    static int mode(MemorySegment s) {
        return (int) MODE.get(s, 0L);
    }

    static int uid(MemorySegment s) {
        return (int) UID.get(s, 0L);
    }

    static int gid(MemorySegment s) {
        return (int) GID.get(s, 0L);
    }

    static long size(MemorySegment s) {
        return (long) SIZE.get(s, 0L);
    }

    static long atimeSec(MemorySegment s) {
        return (long) ATIME_SEC.get(s, 0L);
    }

    static long atimeNsec(MemorySegment s) {
        return (long) ATIME_NSEC.get(s, 0L);
    }

    static long mtimeSec(MemorySegment s) {
        return (long) MTIME_SEC.get(s, 0L);
    }

    static long mtimeNsec(MemorySegment s) {
        return (long) MTIME_NSEC.get(s, 0L);
    }

    static long ctimeSec(MemorySegment s) {
        return (long) CTIME_SEC.get(s, 0L);
    }

    static long ctimeNsec(MemorySegment s) {
        return (long) CTIME_NSEC.get(s, 0L);
    }
}
