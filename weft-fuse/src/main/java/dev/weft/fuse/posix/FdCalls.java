package dev.weft.fuse.posix;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The calls on an open file descriptor, each returning its result or {@code -errno}. Data moves straight between
 * the file and the caller's native segment: nothing is allocated or copied here.
 */
public final class FdCalls {
    private FdCalls() {}

    /** {@code __NR_getdents64} in {@code /usr/include/x86_64-linux-gnu/asm/unistd_64.h} (arm64: 61). */
    static final long SYS_GETDENTS64 = 217;

    private static final MethodHandle CLOSE = NativeCall.downcall("close",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle DUP = NativeCall.downcall("dup",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle PREAD = NativeCall.downcall("pread",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle PWRITE = NativeCall.downcall("pwrite",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle FSYNC = NativeCall.downcall("fsync",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle FDATASYNC = NativeCall.downcall("fdatasync",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle FALLOCATE = NativeCall.downcall("fallocate",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle LSEEK = NativeCall.downcall("lseek",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT));
    private static final MethodHandle COPY_FILE_RANGE = NativeCall.downcall("copy_file_range",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle FTRUNCATE = NativeCall.downcall("ftruncate",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle FCHMOD = NativeCall.downcall("fchmod",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle FSTATVFS = NativeCall.downcall("fstatvfs",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle FSTATFS = NativeCall.downcall("fstatfs",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    /** {@code sizeof(struct statfs)} on LP64 glibc: {@code f_type} and ten more 8-byte words, 5 spare ones. */
    private static final long STATFS_SIZE = 120;
    private static final MethodHandle SYSCALL3 = NativeCall.variadicDowncall("syscall",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG), 1);

    /** {@code close(fd)}. Not retried on {@code EINTR}: Linux has released the descriptor by then. */
    public static int close(int fd) {
        MemorySegment st = NativeCall.callState();
        try {
            return NativeCall.result((int) CLOSE.invokeExact(st, fd), st);
        } catch (Throwable t) {
            throw NativeCall.rethrow(t);
        }
    }

    /** {@code dup(fd)}: the new descriptor (without {@code FD_CLOEXEC}; close it promptly). */
    public static int dup(int fd) {
        MemorySegment st = NativeCall.callState();
        try {
            return NativeCall.result((int) DUP.invokeExact(st, fd), st);
        } catch (Throwable t) {
            throw NativeCall.rethrow(t);
        }
    }

    /** {@code pread(fd, dst, dst.byteSize(), offset)}: the byte count, 0 at end of file. */
    public static long pread(int fd, MemorySegment dst, long offset) {
        MemorySegment st = NativeCall.callState();
        try {
            return NativeCall.result((long) PREAD.invokeExact(st, fd, dst, dst.byteSize(), offset), st);
        } catch (Throwable t) {
            throw NativeCall.rethrow(t);
        }
    }

    /** {@code pwrite(fd, src, src.byteSize(), offset)}: the byte count. */
    public static long pwrite(int fd, MemorySegment src, long offset) {
        MemorySegment st = NativeCall.callState();
        try {
            return NativeCall.result((long) PWRITE.invokeExact(st, fd, src, src.byteSize(), offset), st);
        } catch (Throwable t) {
            throw NativeCall.rethrow(t);
        }
    }

    public static int fsync(int fd) {
        MemorySegment st = NativeCall.callState();
        try {
            return NativeCall.result((int) FSYNC.invokeExact(st, fd), st);
        } catch (Throwable t) {
            throw NativeCall.rethrow(t);
        }
    }

    public static int fdatasync(int fd) {
        MemorySegment st = NativeCall.callState();
        try {
            return NativeCall.result((int) FDATASYNC.invokeExact(st, fd), st);
        } catch (Throwable t) {
            throw NativeCall.rethrow(t);
        }
    }

    /** {@code fallocate(fd, mode, offset, length)}; {@code mode} bits are {@code FALLOC_FL_*}. */
    public static int fallocate(int fd, int mode, long offset, long length) {
        MemorySegment st = NativeCall.callState();
        try {
            return NativeCall.result((int) FALLOCATE.invokeExact(st, fd, mode, offset, length), st);
        } catch (Throwable t) {
            throw NativeCall.rethrow(t);
        }
    }

    /** {@code lseek(fd, offset, whence)}: the resulting offset. */
    public static long lseek(int fd, long offset, int whence) {
        MemorySegment st = NativeCall.callState();
        try {
            return NativeCall.result((long) LSEEK.invokeExact(st, fd, offset, whence), st);
        } catch (Throwable t) {
            throw NativeCall.rethrow(t);
        }
    }

    /** {@code copy_file_range} between explicit offsets (the descriptors' own offsets are untouched). */
    public static long copyFileRange(int fdIn, long offsetIn, int fdOut, long offsetOut, long length, int flags) {
        NativeCall.Scratch s = NativeCall.scratch();
        MemorySegment offsets = s.offsets();
        offsets.setAtIndex(JAVA_LONG, 0, offsetIn);
        offsets.setAtIndex(JAVA_LONG, 1, offsetOut);
        try {
            long r = (long) COPY_FILE_RANGE.invokeExact(s.callState(), fdIn, offsets,
                    fdOut, offsets.asSlice(JAVA_LONG.byteSize()), length, flags);
            return NativeCall.result(r, s.callState());
        } catch (Throwable t) {
            throw NativeCall.rethrow(t);
        }
    }

    public static int ftruncate(int fd, long length) {
        MemorySegment st = NativeCall.callState();
        try {
            return NativeCall.result((int) FTRUNCATE.invokeExact(st, fd, length), st);
        } catch (Throwable t) {
            throw NativeCall.rethrow(t);
        }
    }

    /** {@code fchmod(fd, mode)}; fails with {@code EBADF} on an {@code O_PATH} descriptor. */
    public static int fchmod(int fd, int mode) {
        MemorySegment st = NativeCall.callState();
        try {
            return NativeCall.result((int) FCHMOD.invokeExact(st, fd, mode), st);
        } catch (Throwable t) {
            throw NativeCall.rethrow(t);
        }
    }

    /**
     * {@code fstatvfs(fd, statvfs)}; works on an {@code O_PATH} descriptor.
     *
     * @param statvfs a {@link StatvfsLayout#STATVFS}-sized native segment
     */
    public static int fstatvfs(int fd, MemorySegment statvfs) {
        MemorySegment st = NativeCall.callState();
        try {
            return NativeCall.result((int) FSTATVFS.invokeExact(st, fd, statvfs), st);
        } catch (Throwable t) {
            throw NativeCall.rethrow(t);
        }
    }

    /**
     * The file system type of {@code fd}'s file: {@code statfs.f_type} (a {@code *_SUPER_MAGIC} of
     * {@code <linux/magic.h>}, the first field of {@code struct statfs} on LP64), or a negative errno. Works on an
     * {@code O_PATH} descriptor.
     */
    public static long fstatfsType(int fd) {
        MemorySegment st = NativeCall.callState();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(STATFS_SIZE, 8);
            int r = NativeCall.result((int) FSTATFS.invokeExact(st, fd, buf), st);
            return r < 0 ? r : buf.get(JAVA_LONG, 0);
        } catch (Throwable t) {
            throw NativeCall.rethrow(t);
        }
    }

    /**
     * {@code getdents64(fd, dst, dst.byteSize())}: the byte count of the {@code linux_dirent64} records written
     * (read them with {@link DirentParser}), 0 at the end of the directory.
     *
     * @param dst 8-byte aligned native memory
     */
    public static long getdents64(int fd, MemorySegment dst) {
        MemorySegment st = NativeCall.callState();
        try {
            long r = (long) SYSCALL3.invokeExact(st, SYS_GETDENTS64, (long) fd, dst, dst.byteSize());
            return NativeCall.result(r, st);
        } catch (Throwable t) {
            throw NativeCall.rethrow(t);
        }
    }
}
