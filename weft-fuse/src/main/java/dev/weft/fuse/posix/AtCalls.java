package dev.weft.fuse.posix;

import dev.weft.fuse.proto.LinuxErrno;
import dev.weft.uring.kernel.StatxLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The calls that resolve a path relative to a directory descriptor (the {@code *at} family, {@code openat2} and
 * {@code statx}), each returning its result or {@code -errno}. {@code dirfd} may be an {@code O_PATH} descriptor;
 * with {@link Fcntl#AT_EMPTY_PATH} and an empty path ({@link #EMPTY_PATH}) most of them act on {@code dirfd}
 * itself. Paths are native NUL-terminated strings (see the package comment).
 */
public final class AtCalls {
    private AtCalls() {}

    /** {@code __NR_openat2} in {@code /usr/include/x86_64-linux-gnu/asm/unistd_64.h} (arm64: also 437). */
    static final long SYS_OPENAT2 = 437;
    /**
     * {@code __NR_mknodat} in {@code asm/unistd_64.h} (arm64: 33). Called directly so that {@code dev} reaches the
     * kernel in its own 32-bit encoding, the one FUSE sends, with no glibc {@code dev_t} conversion.
     */
    static final long SYS_MKNODAT = 259;

    /** {@code ""}, for the {@code AT_EMPTY_PATH} form. */
    public static final MemorySegment EMPTY_PATH = Arena.global().allocate(1);

    private static final MethodHandle OPENAT = NativeCall.variadicDowncall("openat",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), 3);
    private static final MethodHandle SYSCALL4 = NativeCall.variadicDowncall("syscall",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS, ADDRESS, JAVA_LONG), 1);
    private static final MethodHandle SYSCALL_MKNODAT = NativeCall.variadicDowncall("syscall",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_LONG), 1);
    private static final MethodHandle STATX = NativeCall.downcall("statx",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle MKDIRAT = NativeCall.downcall("mkdirat",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle UNLINKAT = NativeCall.downcall("unlinkat",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle RENAMEAT2 = NativeCall.downcall("renameat2",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle LINKAT = NativeCall.downcall("linkat",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle SYMLINKAT = NativeCall.downcall("symlinkat",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS));
    private static final MethodHandle READLINKAT = NativeCall.downcall("readlinkat",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG));
    private static final MethodHandle FCHMODAT = NativeCall.downcall("fchmodat",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    private static final MethodHandle FCHOWNAT = NativeCall.downcall("fchownat",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle UTIMENSAT = NativeCall.downcall("utimensat",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    private static final MethodHandle FACCESSAT = NativeCall.downcall("faccessat",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    private static final MethodHandle TRUNCATE = NativeCall.downcall("truncate",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));

    /** {@code openat(dirfd, path, flags, mode)}: the new descriptor. */
    public static int openat(int dirfd, MemorySegment path, int flags, int mode) {
        MemorySegment st = NativeCall.callState();
        try {
            return NativeCall.result((int) OPENAT.invokeExact(st, dirfd, path, flags, mode), st);
        } catch (Throwable t) {
            throw NativeCall.rethrow(t);
        }
    }

    /**
     * {@code openat2(dirfd, path, &how, sizeof how)} with {@code how = {flags, mode, resolve}}: the new descriptor.
     * {@code -ENOSYS} before Linux 5.6; see {@link #openat2Available()}.
     */
    public static int openat2(int dirfd, MemorySegment path, long flags, long mode, long resolve) {
        NativeCall.Scratch s = NativeCall.scratch();
        OpenHowLayout.set(s.openHow(), flags, mode, resolve);
        try {
            long r = (long) SYSCALL4.invokeExact(s.callState(), SYS_OPENAT2, (long) dirfd, path, s.openHow(),
                    OpenHowLayout.OPEN_HOW.byteSize());
            return (int) NativeCall.result(r, s.callState());
        } catch (Throwable t) {
            throw NativeCall.rethrow(t);
        }
    }

    /** Whether {@code openat2} works here; when not, {@link #openat2UnavailabilityCause()} says why. */
    public static boolean openat2Available() {
        return Openat2Probe.CAUSE == null;
    }

    /** Why {@code openat2} is not used, or null when it is. */
    public static String openat2UnavailabilityCause() {
        return Openat2Probe.CAUSE;
    }

    /** Probes {@code openat2} once, on first use. */
    private static final class Openat2Probe {
        static final String CAUSE = probe();

        private static String probe() {
            try (Arena a = Arena.ofConfined()) {
                int fd = openat2(Fcntl.AT_FDCWD, a.allocateFrom("/"), Fcntl.O_PATH | Fcntl.O_CLOEXEC, 0,
                        Fcntl.RESOLVE_NO_MAGICLINKS);
                if (fd >= 0) {
                    FdCalls.close(fd);
                    return null;
                }
                // ENOSYS: a kernel before 5.6. EPERM: a seccomp filter that predates openat2 (old container
                // runtimes answer unknown system calls with EPERM); in both cases no openat2 call can succeed.
                if (fd == -LinuxErrno.ENOSYS || fd == -LinuxErrno.EPERM) {
                    return "openat2(AT_FDCWD, \"/\", O_PATH) failed with " + Errno.strerror(fd)
                            + ": the kernel (before 5.6) or a seccomp filter does not allow it";
                }
                return null; // another failure is the probe's own; openat2 itself exists
            }
        }
    }

    /**
     * Opens the single component {@code name} in directory {@code dirfd} without following any symlink and without
     * leaving {@code dirfd}. {@code name} must be one component (no {@code '/'}, not {@code "."} or {@code ".."});
     * then {@code openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS)} opens it with {@code O_NOFOLLOW} added, or, where
     * {@code openat2} is unavailable, {@code openat(O_NOFOLLOW)}, which for a single component resolves nothing but
     * that component. With {@code O_PATH} a symlink is opened as itself; otherwise a symlink fails with
     * {@code ELOOP}.
     *
     * Flag bits outside {@link Fcntl#VALID_OPEN_FLAGS} (such as the kernel-internal {@code __FMODE_EXEC} a FUSE
     * request may carry) are dropped.
     *
     * @return the descriptor, or {@code -errno} ({@code -EINVAL} for a name that is not a single component)
     */
    public static int openBeneath(int dirfd, MemorySegment name, int flags, int mode) {
        if (!isSingleComponent(name)) {
            return -LinuxErrno.EINVAL;
        }
        int f = (flags & Fcntl.VALID_OPEN_FLAGS) | Fcntl.O_NOFOLLOW;
        if (openat2Available()) {
            // openat2 refuses what openat ignores: unknown flag bits and a mode without O_CREAT.
            long m = (f & Fcntl.O_CREAT) != 0 ? Integer.toUnsignedLong(mode) : 0;
            return openat2(dirfd, name, Integer.toUnsignedLong(f), m,
                    Fcntl.RESOLVE_BENEATH | Fcntl.RESOLVE_NO_SYMLINKS);
        }
        return openat(dirfd, name, f, mode);
    }

    /** Whether the NUL-terminated {@code name} is one path component: not empty, no '/', not "." or "..". */
    public static boolean isSingleComponent(MemorySegment name) {
        long n = 0;
        for (long size = name.byteSize(); n < size; n++) {
            byte b = name.get(JAVA_BYTE, n);
            if (b == 0) {
                break;
            }
            if (b == '/') {
                return false;
            }
        }
        if (n == 0) {
            return false;
        }
        boolean dots = name.get(JAVA_BYTE, 0) == '.' && (n == 1 || (n == 2 && name.get(JAVA_BYTE, 1) == '.'));
        return !dots;
    }

    /**
     * {@code statx(dirfd, path, flags, mask, statx)}: 0, with the result in {@code statx}.
     *
     * @param statx a {@link StatxLayout#STATX}-sized, 8-byte aligned native segment
     */
    public static int statx(int dirfd, MemorySegment path, int flags, int mask, MemorySegment statx) {
        MemorySegment st = NativeCall.callState();
        try {
            return NativeCall.result((int) STATX.invokeExact(st, dirfd, path, flags, mask, statx), st);
        } catch (Throwable t) {
            throw NativeCall.rethrow(t);
        }
    }

    public static int mkdirat(int dirfd, MemorySegment path, int mode) {
        MemorySegment st = NativeCall.callState();
        try {
            return NativeCall.result((int) MKDIRAT.invokeExact(st, dirfd, path, mode), st);
        } catch (Throwable t) {
            throw NativeCall.rethrow(t);
        }
    }

    /**
     * {@code mknodat(dirfd, path, mode, dev)} as the system call.
     *
     * @param dev the device number in the kernel's 32-bit encoding ({@code new_encode_dev}), as FUSE sends it
     */
    public static int mknodat(int dirfd, MemorySegment path, int mode, int dev) {
        MemorySegment st = NativeCall.callState();
        try {
            long r = (long) SYSCALL_MKNODAT.invokeExact(st, SYS_MKNODAT, (long) dirfd, path,
                    Integer.toUnsignedLong(mode), Integer.toUnsignedLong(dev));
            return (int) NativeCall.result(r, st);
        } catch (Throwable t) {
            throw NativeCall.rethrow(t);
        }
    }

    /** {@code unlinkat(dirfd, path, flags)}; {@link Fcntl#AT_REMOVEDIR} removes a directory. */
    public static int unlinkat(int dirfd, MemorySegment path, int flags) {
        MemorySegment st = NativeCall.callState();
        try {
            return NativeCall.result((int) UNLINKAT.invokeExact(st, dirfd, path, flags), st);
        } catch (Throwable t) {
            throw NativeCall.rethrow(t);
        }
    }

    /** {@code renameat2}; {@code flags} are {@code RENAME_NOREPLACE}, {@code RENAME_EXCHANGE}, ... */
    public static int renameat2(int olddirfd, MemorySegment oldpath, int newdirfd, MemorySegment newpath,
            int flags) {
        MemorySegment st = NativeCall.callState();
        try {
            return NativeCall.result((int) RENAMEAT2.invokeExact(st, olddirfd, oldpath, newdirfd, newpath, flags),
                    st);
        } catch (Throwable t) {
            throw NativeCall.rethrow(t);
        }
    }

    public static int linkat(int olddirfd, MemorySegment oldpath, int newdirfd, MemorySegment newpath, int flags) {
        MemorySegment st = NativeCall.callState();
        try {
            return NativeCall.result((int) LINKAT.invokeExact(st, olddirfd, oldpath, newdirfd, newpath, flags), st);
        } catch (Throwable t) {
            throw NativeCall.rethrow(t);
        }
    }

    /** {@code symlinkat(target, newdirfd, linkpath)}: {@code target} is stored as is, never resolved. */
    public static int symlinkat(MemorySegment target, int newdirfd, MemorySegment linkpath) {
        MemorySegment st = NativeCall.callState();
        try {
            return NativeCall.result((int) SYMLINKAT.invokeExact(st, target, newdirfd, linkpath), st);
        } catch (Throwable t) {
            throw NativeCall.rethrow(t);
        }
    }

    /** {@code readlinkat} into {@code buf}: the byte count (no NUL is written), {@code buf.byteSize()} if cut. */
    public static long readlinkat(int dirfd, MemorySegment path, MemorySegment buf) {
        MemorySegment st = NativeCall.callState();
        try {
            return NativeCall.result((long) READLINKAT.invokeExact(st, dirfd, path, buf, buf.byteSize()), st);
        } catch (Throwable t) {
            throw NativeCall.rethrow(t);
        }
    }

    /** {@code fchmodat}; glibc emulates {@code AT_SYMLINK_NOFOLLOW}, so pass 0 and reach inodes by path. */
    public static int fchmodat(int dirfd, MemorySegment path, int mode, int flags) {
        MemorySegment st = NativeCall.callState();
        try {
            return NativeCall.result((int) FCHMODAT.invokeExact(st, dirfd, path, mode, flags), st);
        } catch (Throwable t) {
            throw NativeCall.rethrow(t);
        }
    }

    /**
     * {@code fchownat}; {@code -1} leaves an id unchanged. With {@code AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW} and
     * {@link #EMPTY_PATH} it changes the inode of an {@code O_PATH} descriptor, a symlink included.
     */
    public static int fchownat(int dirfd, MemorySegment path, int uid, int gid, int flags) {
        MemorySegment st = NativeCall.callState();
        try {
            return NativeCall.result((int) FCHOWNAT.invokeExact(st, dirfd, path, uid, gid, flags), st);
        } catch (Throwable t) {
            throw NativeCall.rethrow(t);
        }
    }

    /**
     * {@code utimensat(dirfd, path, times, flags)}.
     *
     * @param times a {@link TimespecLayout#TIMES} segment, or {@code MemorySegment.NULL} for "both now"
     */
    public static int utimensat(int dirfd, MemorySegment path, MemorySegment times, int flags) {
        MemorySegment st = NativeCall.callState();
        try {
            return NativeCall.result((int) UTIMENSAT.invokeExact(st, dirfd, path, times, flags), st);
        } catch (Throwable t) {
            throw NativeCall.rethrow(t);
        }
    }

    /**
     * {@code faccessat(dirfd, path, mode, flags)}; glibc 2.33+ makes it the {@code faccessat2} system call, which
     * honours {@code AT_EMPTY_PATH}, {@code AT_EACCESS} and {@code AT_SYMLINK_NOFOLLOW}.
     */
    public static int faccessat(int dirfd, MemorySegment path, int mode, int flags) {
        MemorySegment st = NativeCall.callState();
        try {
            return NativeCall.result((int) FACCESSAT.invokeExact(st, dirfd, path, mode, flags), st);
        } catch (Throwable t) {
            throw NativeCall.rethrow(t);
        }
    }

    /** {@code truncate(path, length)}: through a {@link ProcFdPath} for an {@code O_PATH} descriptor. */
    public static int truncate(MemorySegment path, long length) {
        MemorySegment st = NativeCall.callState();
        try {
            return NativeCall.result((int) TRUNCATE.invokeExact(st, path, length), st);
        } catch (Throwable t) {
            throw NativeCall.rethrow(t);
        }
    }
}
