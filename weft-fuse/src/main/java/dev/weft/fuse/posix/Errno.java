package dev.weft.fuse.posix;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The {@code errno} values the host calls return, from {@code /usr/include/asm-generic/errno-base.h} and
 * {@code asm-generic/errno.h} (identical on x86-64 and arm64). The wrappers in this package return them negated.
 */
public final class Errno {
    private Errno() {}

    /** {@code #define EPERM 1}. */
    public static final int EPERM = 1;
    /** {@code #define ENOENT 2}. */
    public static final int ENOENT = 2;
    /** {@code #define EINTR 4}. */
    public static final int EINTR = 4;
    /** {@code #define EIO 5}. */
    public static final int EIO = 5;
    /** {@code #define ENXIO 6}: {@code lseek(SEEK_DATA)} past the last data. */
    public static final int ENXIO = 6;
    /** {@code #define EBADF 9}: e.g. an fd-xattr call on an {@code O_PATH} descriptor. */
    public static final int EBADF = 9;
    /** {@code #define EAGAIN 11}. */
    public static final int EAGAIN = 11;
    /** {@code #define EACCES 13}. */
    public static final int EACCES = 13;
    /** {@code #define EEXIST 17}. */
    public static final int EEXIST = 17;
    /** {@code #define EXDEV 18}: also what {@code openat2(RESOLVE_BENEATH)} returns for an escaping path. */
    public static final int EXDEV = 18;
    /** {@code #define ENOTDIR 20}. */
    public static final int ENOTDIR = 20;
    /** {@code #define EISDIR 21}. */
    public static final int EISDIR = 21;
    /** {@code #define EINVAL 22}. */
    public static final int EINVAL = 22;
    /** {@code #define EMFILE 24}. */
    public static final int EMFILE = 24;
    /** {@code #define ERANGE 34}: an xattr buffer too small. */
    public static final int ERANGE = 34;
    /** {@code #define ENAMETOOLONG 36}. */
    public static final int ENAMETOOLONG = 36;
    /** {@code #define ENOSYS 38}: the kernel does not have the call. */
    public static final int ENOSYS = 38;
    /** {@code #define ENOTEMPTY 39}. */
    public static final int ENOTEMPTY = 39;
    /** {@code #define ELOOP 40}: a symlink met where none may be followed. */
    public static final int ELOOP = 40;
    /** {@code #define ENODATA 61}: no such xattr. */
    public static final int ENODATA = 61;
    /** {@code #define EOPNOTSUPP 95} ({@code ENOTSUP} is the same value on Linux). */
    public static final int EOPNOTSUPP = 95;
    /** {@code #define ESTALE 116}: weft's answer for a nodeid or handle it does not know. */
    public static final int ESTALE = 116;

    private static final MethodHandle STRERROR = NativeCall.downcallWithoutErrno("strerror",
            FunctionDescriptor.of(ADDRESS.withTargetLayout(MemoryLayout.sequenceLayout(1024, JAVA_BYTE)), JAVA_INT));

    /**
     * The C library's message for {@code errno} (either sign), e.g. {@code "No such file or directory"}, for error
     * messages; {@code "errno N"} if it has none.
     */
    public static String strerror(int errno) {
        int e = Math.abs(errno);
        try {
            MemorySegment s = (MemorySegment) STRERROR.invokeExact(e);
            return s.equals(MemorySegment.NULL) ? "errno " + e : s.getString(0);
        } catch (Throwable t) {
            return "errno " + e;
        }
    }
}
