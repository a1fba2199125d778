package dev.weft.uring.kernel;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The system calls weft-uring makes, as thin FFM downcalls into the C library (no JNI, no liburing): the three
 * io_uring calls through {@code syscall(2)}, since glibc has no wrappers for them, and {@code mmap},
 * {@code munmap}, {@code close}, {@code eventfd}, {@code write} and the file calls a caller off the rings makes
 * ({@code pread}, {@code preadv}, {@code fallocate}, {@code statx}, ...) through their glibc wrappers.
 *
 * <h2>Conventions</h2>
 * Every method returns the call's result (≥ 0), or the <em>negative</em> {@code errno} read through
 * {@code Linker.Option.captureCallState("errno")} right after the call (the JVM may change {@code errno} between two
 * Java statements, so it is never read later). The call state lives in one small native block per thread, made on
 * the thread's first call from an automatic arena. Pointer arguments must be native segments.
 *
 * <h2>System call numbers</h2>
 * {@code io_uring_setup} 425, {@code io_uring_enter} 426, {@code io_uring_register} 427: io_uring came after the
 * system call tables were unified (Linux 5.1, {@code include/uapi/asm-generic/unistd.h} and
 * {@code arch/x86/entry/syscalls/syscall_64.tbl}), so these numbers are the same on x86-64, arm64 and every other
 * architecture but alpha. Every integer is passed to {@code syscall} as a {@code long}: {@code syscall} is variadic
 * and hands whole registers to the kernel.
 */
public final class LinuxCalls {
    private LinuxCalls() {}

    public static final long SYS_IO_URING_SETUP = 425;
    public static final long SYS_IO_URING_ENTER = 426;
    public static final long SYS_IO_URING_REGISTER = 427;

    // ---- <sys/mman.h> (asm-generic/mman-common.h, asm-generic/mman.h) ----
    public static final int PROT_READ = 0x1;
    public static final int PROT_WRITE = 0x2;
    public static final int MAP_SHARED = 0x01;
    public static final int MAP_POPULATE = 0x008000;

    // ---- mmap offsets that select an io_uring region: <linux/io_uring.h> ----
    /** {@code IORING_OFF_SQ_RING 0ULL}. */
    public static final long IORING_OFF_SQ_RING = 0L;
    /** {@code IORING_OFF_CQ_RING 0x8000000ULL}. */
    public static final long IORING_OFF_CQ_RING = 0x8000000L;
    /** {@code IORING_OFF_SQES 0x10000000ULL}. */
    public static final long IORING_OFF_SQES = 0x10000000L;

    // ---- <sys/eventfd.h> ----
    /** {@code EFD_CLOEXEC = O_CLOEXEC = 02000000}. */
    public static final int EFD_CLOEXEC = 02000000;

    // ---- <fcntl.h>, x86-64 and arm64 values (asm-generic/fcntl.h; O_DIRECT is arch-specific) ----
    public static final int AT_FDCWD = -100;
    public static final int O_RDONLY = 0;
    public static final int O_WRONLY = 01;
    public static final int O_RDWR = 02;
    public static final int O_CREAT = 0100;
    public static final int O_TRUNC = 01000;
    public static final int O_CLOEXEC = 02000000;
    /** {@code AT_EMPTY_PATH 0x1000}: with an empty path, statx describes {@code dirfd} itself. */
    public static final int AT_EMPTY_PATH = 0x1000;
    /** {@code O_DIRECT}: 040000 on x86-64, 0200000 on arm64. */
    public static final int O_DIRECT = "aarch64".equals(System.getProperty("os.arch")) ? 0200000 : 040000;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(groupElement("errno"));
    private static final ThreadLocal<MemorySegment> CALL_STATE_OF_THREAD =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(CALL_STATE));

    /** {@code long syscall(long number, long entries, struct io_uring_params *p)}. */
    private static final MethodHandle SYSCALL_SETUP = variadic(
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS));
    /**
     * {@code long syscall(long number, long fd, long to_submit, long min_complete, long flags, const sigset_t *sig,
     * long sigsz)}.
     */
    private static final MethodHandle SYSCALL_ENTER = variadic(FunctionDescriptor.of(JAVA_LONG,
            JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG));
    /** {@code long syscall(long number, long fd, long opcode, void *arg, long nr_args)}. */
    private static final MethodHandle SYSCALL_REGISTER = variadic(
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG));
    /** {@code void *mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset)}. */
    private static final MethodHandle MMAP = downcall("mmap",
            FunctionDescriptor.of(JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
    /** {@code int munmap(void *addr, size_t length)}. */
    private static final MethodHandle MUNMAP = downcall("munmap",
            FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG));
    /** {@code int close(int fd)}. */
    private static final MethodHandle CLOSE = downcall("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    /** {@code int eventfd(unsigned int initval, int flags)}. */
    private static final MethodHandle EVENTFD = downcall("eventfd",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    /** {@code ssize_t write(int fd, const void *buf, size_t count)}. */
    private static final MethodHandle WRITE = downcall("write",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));

    /** {@code io_uring_setup(entries, params)}: the new ring's fd, or -errno. */
    public static int ioUringSetup(int entries, MemorySegment params) {
        MemorySegment cs = CALL_STATE_OF_THREAD.get();
        try {
            long r = (long) SYSCALL_SETUP.invokeExact(cs, SYS_IO_URING_SETUP, Integer.toUnsignedLong(entries), params);
            return (int) result(r, cs);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code io_uring_enter(fd, to_submit, min_complete, flags, NULL, 0)}: SQEs consumed, or -errno. */
    public static int ioUringEnter(int fd, int toSubmit, int minComplete, int flags) {
        MemorySegment cs = CALL_STATE_OF_THREAD.get();
        try {
            long r = (long) SYSCALL_ENTER.invokeExact(cs, SYS_IO_URING_ENTER, (long) fd,
                    Integer.toUnsignedLong(toSubmit), Integer.toUnsignedLong(minComplete),
                    Integer.toUnsignedLong(flags), MemorySegment.NULL, 0L);
            return (int) result(r, cs);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code io_uring_register(fd, opcode, arg, nr_args)}: ≥ 0, or -errno. */
    public static int ioUringRegister(int fd, int opcode, MemorySegment arg, int nrArgs) {
        MemorySegment cs = CALL_STATE_OF_THREAD.get();
        try {
            long r = (long) SYSCALL_REGISTER.invokeExact(cs, SYS_IO_URING_REGISTER, (long) fd, (long) opcode, arg,
                    Integer.toUnsignedLong(nrArgs));
            return (int) result(r, cs);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code mmap(NULL, length, prot, flags, fd, offset)}: the mapping's address, or -errno ({@code MAP_FAILED} is
     * {@code (void *) -1}; user-space addresses are below 2<sup>47</sup>, so a negative result is always an error).
     */
    public static long mmap(long length, int prot, int flags, int fd, long offset) {
        MemorySegment cs = CALL_STATE_OF_THREAD.get();
        try {
            long r = (long) MMAP.invokeExact(cs, MemorySegment.NULL, length, prot, flags, fd, offset);
            return result(r, cs);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code munmap(address, length)}: 0, or -errno. */
    public static int munmap(long address, long length) {
        MemorySegment cs = CALL_STATE_OF_THREAD.get();
        try {
            int r = (int) MUNMAP.invokeExact(cs, address, length);
            return (int) result(r, cs);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code close(fd)}: 0, or -errno. */
    public static int close(int fd) {
        MemorySegment cs = CALL_STATE_OF_THREAD.get();
        try {
            int r = (int) CLOSE.invokeExact(cs, fd);
            return (int) result(r, cs);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code eventfd(initval, flags)}: the new fd, or -errno. */
    public static int eventfd(int initval, int flags) {
        MemorySegment cs = CALL_STATE_OF_THREAD.get();
        try {
            int r = (int) EVENTFD.invokeExact(cs, initval, flags);
            return (int) result(r, cs);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static final MethodHandle OPEN = LINKER.downcallHandle(LIBC.find("open").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), CAPTURE_ERRNO,
            Linker.Option.firstVariadicArg(2));
    private static final MethodHandle PREAD = downcall("pread",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle PWRITE = downcall("pwrite",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle FSYNC = downcall("fsync", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle FDATASYNC = downcall("fdatasync", FunctionDescriptor.of(JAVA_INT, JAVA_INT));

    /** {@code open(path, flags, mode)} with a NUL-terminated native path: the fd, or -errno. */
    public static int open(MemorySegment path, int flags, int mode) {
        MemorySegment cs = CALL_STATE_OF_THREAD.get();
        try {
            int r = (int) OPEN.invokeExact(cs, path, flags, mode);
            return (int) result(r, cs);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code pread(fd, buf, count, offset)}: bytes read, or -errno. Blocks the calling OS thread. */
    public static long pread(int fd, MemorySegment buf, long count, long offset) {
        MemorySegment cs = CALL_STATE_OF_THREAD.get();
        try {
            return result((long) PREAD.invokeExact(cs, fd, buf, count, offset), cs);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code pwrite(fd, buf, count, offset)}: bytes written, or -errno. Blocks the calling OS thread. */
    public static long pwrite(int fd, MemorySegment buf, long count, long offset) {
        MemorySegment cs = CALL_STATE_OF_THREAD.get();
        try {
            return result((long) PWRITE.invokeExact(cs, fd, buf, count, offset), cs);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code fsync(fd)}, or {@code fdatasync(fd)} when {@code dataOnly}: 0 or -errno. */
    public static int fsync(int fd, boolean dataOnly) {
        MemorySegment cs = CALL_STATE_OF_THREAD.get();
        try {
            int r = dataOnly ? (int) FDATASYNC.invokeExact(cs, fd) : (int) FSYNC.invokeExact(cs, fd);
            return (int) result(r, cs);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static final MethodHandle PREADV = downcall("preadv",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG));
    private static final MethodHandle PWRITEV = downcall("pwritev",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG));
    private static final MethodHandle FALLOCATE = downcall("fallocate",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle STATX = downcall("statx",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS));

    /** {@code preadv(fd, iov, iovcnt, offset)}: bytes read, or -errno. Blocks the calling OS thread. */
    public static long preadv(int fd, MemorySegment iovecs, int count, long offset) {
        MemorySegment cs = CALL_STATE_OF_THREAD.get();
        try {
            return result((long) PREADV.invokeExact(cs, fd, iovecs, count, offset), cs);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code pwritev(fd, iov, iovcnt, offset)}: bytes written, or -errno. Blocks the calling OS thread. */
    public static long pwritev(int fd, MemorySegment iovecs, int count, long offset) {
        MemorySegment cs = CALL_STATE_OF_THREAD.get();
        try {
            return result((long) PWRITEV.invokeExact(cs, fd, iovecs, count, offset), cs);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code fallocate(fd, mode, offset, len)}: 0 or -errno. */
    public static int fallocate(int fd, int mode, long offset, long length) {
        MemorySegment cs = CALL_STATE_OF_THREAD.get();
        try {
            int r = (int) FALLOCATE.invokeExact(cs, fd, mode, offset, length);
            return (int) result(r, cs);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code statx(dirfd, path, flags, mask, buf)} (glibc 2.28): 0 or -errno. */
    public static int statx(int dirfd, MemorySegment path, int flags, int mask, MemorySegment statx) {
        MemorySegment cs = CALL_STATE_OF_THREAD.get();
        try {
            int r = (int) STATX.invokeExact(cs, dirfd, path, flags, mask, statx);
            return (int) result(r, cs);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code write(fd, buf, count)}: bytes written, or -errno. */
    public static long write(int fd, MemorySegment buf, long count) {
        MemorySegment cs = CALL_STATE_OF_THREAD.get();
        try {
            long r = (long) WRITE.invokeExact(cs, fd, buf, count);
            return result(r, cs);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static long result(long r, MemorySegment callState) {
        return r < 0 ? -(int) ERRNO.get(callState, 0L) : r;
    }

    // Restricted: linking native code needs --enable-native-access for this module (see module-info).
    @SuppressWarnings("restricted")
    private static MethodHandle variadic(FunctionDescriptor d) {
        return LINKER.downcallHandle(find("syscall"), d, CAPTURE_ERRNO, Linker.Option.firstVariadicArg(1));
    }

    @SuppressWarnings("restricted")
    private static MethodHandle downcall(String name, FunctionDescriptor d) {
        return LINKER.downcallHandle(find(name), d, CAPTURE_ERRNO);
    }

    private static MemorySegment find(String name) {
        return LIBC.find(name).orElseThrow(() -> new UnsatisfiedLinkError("the C library has no " + name
                + "; weft-uring needs a Linux C library (glibc 2.28 or later, or musl) with syscall, mmap and eventfd"));
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException("a native call threw a checked exception", t);
    }
}
