package dev.weft.fuse.passthrough;

import dev.weft.fuse.FuseException;
import dev.weft.fuse.FuseName;
import dev.weft.fuse.posix.AtCalls;
import dev.weft.fuse.proto.LinuxErrno;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Request arguments made fit for a native call. The server's names and payloads are views of its native request
 * buffer and pass through untouched; heap-backed ones (from {@link FuseName#of}, in tests and tools) are copied
 * into native memory freed by the GC.
 */
final class NativeArgs {
    private NativeArgs() {}

    /**
     * {@code name} as a native C string, checked to be a single path component: the kernel sends only those, and
     * anything else (a {@code '/'}, {@code "."}, {@code ".."}, an empty name) could reach outside the parent.
     *
     * @throws FuseException {@code EINVAL} for a name that is not a single component
     */
    static MemorySegment component(FuseName name) throws FuseException {
        MemorySegment c = toNative(name.cString());
        if (!AtCalls.isSingleComponent(c)) {
            throw new FuseException(LinuxErrno.EINVAL, "\"" + name + "\" is not a single path component");
        }
        return c;
    }

    /** {@code name} with its NUL as a native segment, unchecked (symlink targets, xattr names). */
    static MemorySegment cString(FuseName name) {
        return toNative(name.cString());
    }

    /** {@code data} itself when native, else a native copy. */
    static MemorySegment toNative(MemorySegment data) {
        if (data.isNative()) {
            return data;
        }
        MemorySegment copy = Arena.ofAuto().allocate(Math.max(1, data.byteSize()));
        MemorySegment.copy(data, 0, copy, 0, data.byteSize());
        return copy.asSlice(0, data.byteSize());
    }

    /** A native segment of {@code dst}'s size to receive output for {@code dst}: {@code dst} itself when native. */
    static MemorySegment nativeOut(MemorySegment dst) {
        return dst.isNative() ? dst : Arena.ofAuto().allocate(Math.max(1, dst.byteSize())).asSlice(0, dst.byteSize());
    }

    /** Copies the first {@code n} bytes received in {@code out} (from {@link #nativeOut}) back into {@code dst}. */
    static void copyBack(MemorySegment out, MemorySegment dst, long n) {
        if (out != dst && n > 0) {
            MemorySegment.copy(out, 0, dst, 0, n);
        }
    }
}
