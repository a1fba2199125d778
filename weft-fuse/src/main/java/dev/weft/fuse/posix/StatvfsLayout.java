package dev.weft.fuse.posix;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.MemoryLayout.sequenceLayout;
import static java.lang.foreign.MemoryLayout.structLayout;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * {@code fstatvfs(3)}'s result on a 64-bit glibc, from {@code /usr/include/x86_64-linux-gnu/bits/statvfs.h} of
 * glibc 2.36 ({@code _STATVFSBUF_F_UNUSED} is only defined for 32-bit words, so {@code __f_unused} is absent; the
 * arm64 header is the same):
 * <pre>{@code
 * struct statvfs {
 *     unsigned long int f_bsize;
 *     unsigned long int f_frsize;
 *     __fsblkcnt64_t f_blocks;  __fsblkcnt64_t f_bfree;  __fsblkcnt64_t f_bavail;
 *     __fsfilcnt64_t f_files;   __fsfilcnt64_t f_ffree;  __fsfilcnt64_t f_favail;
 *     unsigned long int f_fsid;
 *     unsigned long int f_flag;
 *     unsigned long int f_namemax;
 *     int __f_spare[6];
 * };
 * }</pre>
 */
public final class StatvfsLayout {
    private StatvfsLayout() {}

    public static final StructLayout STATVFS = structLayout(
            JAVA_LONG.withName("f_bsize"), JAVA_LONG.withName("f_frsize"),
            JAVA_LONG.withName("f_blocks"), JAVA_LONG.withName("f_bfree"), JAVA_LONG.withName("f_bavail"),
            JAVA_LONG.withName("f_files"), JAVA_LONG.withName("f_ffree"), JAVA_LONG.withName("f_favail"),
            JAVA_LONG.withName("f_fsid"), JAVA_LONG.withName("f_flag"), JAVA_LONG.withName("f_namemax"),
            sequenceLayout(6, JAVA_INT).withName("__f_spare"))
            .withName("statvfs");

    private static final VarHandle BSIZE = handle("f_bsize");
    private static final VarHandle FRSIZE = handle("f_frsize");
    private static final VarHandle BLOCKS = handle("f_blocks");
    private static final VarHandle BFREE = handle("f_bfree");
    private static final VarHandle BAVAIL = handle("f_bavail");
    private static final VarHandle FILES = handle("f_files");
    private static final VarHandle FFREE = handle("f_ffree");
    private static final VarHandle NAMEMAX = handle("f_namemax");

    public static long bsize(MemorySegment s) { return (long) BSIZE.get(s); }
    public static long frsize(MemorySegment s) { return (long) FRSIZE.get(s); }
    public static long blocks(MemorySegment s) { return (long) BLOCKS.get(s); }
    public static long bfree(MemorySegment s) { return (long) BFREE.get(s); }
    public static long bavail(MemorySegment s) { return (long) BAVAIL.get(s); }
    public static long files(MemorySegment s) { return (long) FILES.get(s); }
    public static long ffree(MemorySegment s) { return (long) FFREE.get(s); }
    public static long namemax(MemorySegment s) { return (long) NAMEMAX.get(s); }

    private static VarHandle handle(String field) {
        return MethodHandles.insertCoordinates(STATVFS.varHandle(groupElement(field)), 1, 0L);
    }
}
