package dev.weft.fuse.posix;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The C library's message for an {@code errno}. The values themselves, which the wrappers in this package return
 * negated, are {@link dev.weft.fuse.proto.LinuxErrno}'s.
 */
public final class Errno {
    private Errno() {}

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
