package dev.weft.bench.fuse.peer;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The C library calls of the passthrough, through FFM. Each takes the calling thread's call-state segment
 * ({@link #newCallState}) first and returns the call's raw result; on -1, {@link #errno} of that segment is the
 * {@code errno} captured right after the call (the JVM may change {@code errno} between two Java statements).
 * Paths are NUL-terminated C strings the caller allocated.
 */
final class LibC {

    /** {@code <asm-generic/fcntl.h>} values of x86_64. */
    static final int O_CREAT = 0100, O_DIRECT = 040000;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");
    private static final MemoryLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO_HANDLE = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    // int open(const char *path, int flags, ...): mode is the first variadic argument
    private static final MethodHandle OPEN = LINKER.downcallHandle(symbol("open"),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), ERRNO, Linker.Option.firstVariadicArg(2));
    private static final MethodHandle CLOSE = downcall("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle PREAD = downcall("pread",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle PWRITE = downcall("pwrite",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle FTRUNCATE = downcall("ftruncate",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle TRUNCATE = downcall("truncate",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle FSYNC = downcall("fsync", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle FDATASYNC = downcall("fdatasync", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle LSTAT = downcall("lstat", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle FSTAT = downcall("fstat", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle UNLINK = downcall("unlink", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle MKDIR = downcall("mkdir", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle RMDIR = downcall("rmdir", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle RENAME = downcall("rename", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle CHMOD = downcall("chmod", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle LGETXATTR = downcall("lgetxattr",
            FunctionDescriptor.of(JAVA_LONG, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG));
    private static final MethodHandle LSETXATTR = downcall("lsetxattr",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle LLISTXATTR = downcall("llistxattr",
            FunctionDescriptor.of(JAVA_LONG, ADDRESS, ADDRESS, JAVA_LONG));
    private static final MethodHandle LREMOVEXATTR = downcall("lremovexattr",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));

    private LibC() {
    }

    private static MemorySegment symbol(String name) {
        return LIBC.find(name).orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
    }

    private static MethodHandle downcall(String name, FunctionDescriptor d) {
        return LINKER.downcallHandle(symbol(name), d, ERRNO);
    }

    static MemorySegment newCallState(Arena arena) {
        return arena.allocate(CALL_STATE);
    }

    static int errno(MemorySegment state) {
        return (int) ERRNO_HANDLE.get(state, 0L);
    }

    static int open(MemorySegment state, MemorySegment path, int flags, int mode) {
        try {
            return (int) OPEN.invokeExact(state, path, flags, mode);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code lgetxattr(path, name, value, size)}: the value's size, or -1. */
    static long lgetxattr(MemorySegment state, MemorySegment path, MemorySegment name, MemorySegment value,
            long size) {
        try {
            return (long) LGETXATTR.invokeExact(state, path, name, value, size);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int lsetxattr(MemorySegment state, MemorySegment path, MemorySegment name, MemorySegment value, long size,
            int flags) {
        try {
            return (int) LSETXATTR.invokeExact(state, path, name, value, size, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code llistxattr(path, list, size)}: the list's size, or -1. */
    static long llistxattr(MemorySegment state, MemorySegment path, MemorySegment list, long size) {
        try {
            return (long) LLISTXATTR.invokeExact(state, path, list, size);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int lremovexattr(MemorySegment state, MemorySegment path, MemorySegment name) {
        try {
            return (int) LREMOVEXATTR.invokeExact(state, path, name);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int close(MemorySegment state, int fd) {
        try {
            return (int) CLOSE.invokeExact(state, fd);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static long pread(MemorySegment state, int fd, MemorySegment buf, long count, long offset) {
        try {
            return (long) PREAD.invokeExact(state, fd, buf, count, offset);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static long pwrite(MemorySegment state, int fd, MemorySegment buf, long count, long offset) {
        try {
            return (long) PWRITE.invokeExact(state, fd, buf, count, offset);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int ftruncate(MemorySegment state, int fd, long size) {
        try {
            return (int) FTRUNCATE.invokeExact(state, fd, size);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int truncate(MemorySegment state, MemorySegment path, long size) {
        try {
            return (int) TRUNCATE.invokeExact(state, path, size);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int fsync(MemorySegment state, int fd, boolean dataOnly) {
        try {
            return dataOnly ? (int) FDATASYNC.invokeExact(state, fd) : (int) FSYNC.invokeExact(state, fd);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code lstat(path, stat)}; {@code stat} has {@link StatLayout#STAT}. */
    static int lstat(MemorySegment state, MemorySegment path, MemorySegment stat) {
        try {
            return (int) LSTAT.invokeExact(state, path, stat);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int fstat(MemorySegment state, int fd, MemorySegment stat) {
        try {
            return (int) FSTAT.invokeExact(state, fd, stat);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int unlink(MemorySegment state, MemorySegment path) {
        try {
            return (int) UNLINK.invokeExact(state, path);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int mkdir(MemorySegment state, MemorySegment path, int mode) {
        try {
            return (int) MKDIR.invokeExact(state, path, mode);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int rmdir(MemorySegment state, MemorySegment path) {
        try {
            return (int) RMDIR.invokeExact(state, path);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int rename(MemorySegment state, MemorySegment from, MemorySegment to) {
        try {
            return (int) RENAME.invokeExact(state, from, to);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int chmod(MemorySegment state, MemorySegment path, int mode) {
        try {
            return (int) CHMOD.invokeExact(state, path, mode);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }
}
