package dev.weft.fuse.posix;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Extended attributes, each call returning its result or {@code -errno}. A value or list buffer of size 0
 * ({@code MemorySegment.NULL} or an empty native segment) asks for the size only; a non-empty one too small fails
 * with {@code ERANGE}.
 *
 * <h2>Which variant</h2>
 * The {@code f*} calls fail with {@code EBADF} on an {@code O_PATH} descriptor. To reach the inode of one, use the
 * path calls on its {@link ProcFdPath}: they follow the magic link to exactly that inode (for a symlink, the link
 * itself, never its target). The {@code l*} calls do not follow the last component, so on a
 * {@code /proc/self/fd/N} path they would act on the proc link, not the file: use them only for real paths.
 */
public final class XattrCalls {
    private XattrCalls() {}

    private static final MethodHandle GETXATTR = NativeCall.downcall("getxattr",
            FunctionDescriptor.of(JAVA_LONG, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG));
    private static final MethodHandle LGETXATTR = NativeCall.downcall("lgetxattr",
            FunctionDescriptor.of(JAVA_LONG, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG));
    private static final MethodHandle FGETXATTR = NativeCall.downcall("fgetxattr",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG));
    private static final MethodHandle SETXATTR = NativeCall.downcall("setxattr",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle LSETXATTR = NativeCall.downcall("lsetxattr",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle FSETXATTR = NativeCall.downcall("fsetxattr",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle LISTXATTR = NativeCall.downcall("listxattr",
            FunctionDescriptor.of(JAVA_LONG, ADDRESS, ADDRESS, JAVA_LONG));
    private static final MethodHandle LLISTXATTR = NativeCall.downcall("llistxattr",
            FunctionDescriptor.of(JAVA_LONG, ADDRESS, ADDRESS, JAVA_LONG));
    private static final MethodHandle FLISTXATTR = NativeCall.downcall("flistxattr",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle REMOVEXATTR = NativeCall.downcall("removexattr",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle LREMOVEXATTR = NativeCall.downcall("lremovexattr",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle FREMOVEXATTR = NativeCall.downcall("fremovexattr",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));

    /** {@code getxattr(path, name, value, value.byteSize())}: the value's size. */
    public static long getxattr(MemorySegment path, MemorySegment name, MemorySegment value) {
        MemorySegment st = NativeCall.callState();
        try {
            return NativeCall.result((long) GETXATTR.invokeExact(st, path, name, value, value.byteSize()), st);
        } catch (Throwable t) {
            throw NativeCall.rethrow(t);
        }
    }

    public static long lgetxattr(MemorySegment path, MemorySegment name, MemorySegment value) {
        MemorySegment st = NativeCall.callState();
        try {
            return NativeCall.result((long) LGETXATTR.invokeExact(st, path, name, value, value.byteSize()), st);
        } catch (Throwable t) {
            throw NativeCall.rethrow(t);
        }
    }

    public static long fgetxattr(int fd, MemorySegment name, MemorySegment value) {
        MemorySegment st = NativeCall.callState();
        try {
            return NativeCall.result((long) FGETXATTR.invokeExact(st, fd, name, value, value.byteSize()), st);
        } catch (Throwable t) {
            throw NativeCall.rethrow(t);
        }
    }

    /** {@code setxattr(path, name, value, value.byteSize(), flags)}; flags {@code XATTR_CREATE}/{@code _REPLACE}. */
    public static int setxattr(MemorySegment path, MemorySegment name, MemorySegment value, int flags) {
        MemorySegment st = NativeCall.callState();
        try {
            return NativeCall.result((int) SETXATTR.invokeExact(st, path, name, value, value.byteSize(), flags), st);
        } catch (Throwable t) {
            throw NativeCall.rethrow(t);
        }
    }

    public static int lsetxattr(MemorySegment path, MemorySegment name, MemorySegment value, int flags) {
        MemorySegment st = NativeCall.callState();
        try {
            return NativeCall.result((int) LSETXATTR.invokeExact(st, path, name, value, value.byteSize(), flags),
                    st);
        } catch (Throwable t) {
            throw NativeCall.rethrow(t);
        }
    }

    public static int fsetxattr(int fd, MemorySegment name, MemorySegment value, int flags) {
        MemorySegment st = NativeCall.callState();
        try {
            return NativeCall.result((int) FSETXATTR.invokeExact(st, fd, name, value, value.byteSize(), flags), st);
        } catch (Throwable t) {
            throw NativeCall.rethrow(t);
        }
    }

    /** {@code listxattr(path, list, list.byteSize())}: the size of the NUL-separated name list. */
    public static long listxattr(MemorySegment path, MemorySegment list) {
        MemorySegment st = NativeCall.callState();
        try {
            return NativeCall.result((long) LISTXATTR.invokeExact(st, path, list, list.byteSize()), st);
        } catch (Throwable t) {
            throw NativeCall.rethrow(t);
        }
    }

    public static long llistxattr(MemorySegment path, MemorySegment list) {
        MemorySegment st = NativeCall.callState();
        try {
            return NativeCall.result((long) LLISTXATTR.invokeExact(st, path, list, list.byteSize()), st);
        } catch (Throwable t) {
            throw NativeCall.rethrow(t);
        }
    }

    public static long flistxattr(int fd, MemorySegment list) {
        MemorySegment st = NativeCall.callState();
        try {
            return NativeCall.result((long) FLISTXATTR.invokeExact(st, fd, list, list.byteSize()), st);
        } catch (Throwable t) {
            throw NativeCall.rethrow(t);
        }
    }

    public static int removexattr(MemorySegment path, MemorySegment name) {
        MemorySegment st = NativeCall.callState();
        try {
            return NativeCall.result((int) REMOVEXATTR.invokeExact(st, path, name), st);
        } catch (Throwable t) {
            throw NativeCall.rethrow(t);
        }
    }

    public static int lremovexattr(MemorySegment path, MemorySegment name) {
        MemorySegment st = NativeCall.callState();
        try {
            return NativeCall.result((int) LREMOVEXATTR.invokeExact(st, path, name), st);
        } catch (Throwable t) {
            throw NativeCall.rethrow(t);
        }
    }

    public static int fremovexattr(int fd, MemorySegment name) {
        MemorySegment st = NativeCall.callState();
        try {
            return NativeCall.result((int) FREMOVEXATTR.invokeExact(st, fd, name), st);
        } catch (Throwable t) {
            throw NativeCall.rethrow(t);
        }
    }
}
