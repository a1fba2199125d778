package dev.weft.fuse.posix;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * {@code "/proc/self/fd/N"}: the path that reaches the inode behind descriptor {@code N}. An {@code O_PATH}
 * descriptor cannot be read, written, {@code fchmod}ed or asked for xattrs, but a path call through this magic link
 * ({@code open}, {@code chmod}, {@code truncate}, {@code getxattr}, {@code linkat(AT_SYMLINK_FOLLOW)}) acts on
 * exactly that inode, and on a symlink's inode acts on the symlink itself, never on its target (libfuse's
 * {@code passthrough_hp.cc} does the same). Needs {@code /proc} mounted.
 */
public final class ProcFdPath {
    private ProcFdPath() {}

    private static final byte[] PREFIX = "/proc/self/fd/".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** Bytes a path needs at most: the prefix, 10 digits and the NUL. */
    public static final int MAX_SIZE = 32;

    /**
     * Writes the NUL-terminated path of {@code fd} at the start of {@code dst}, without allocating.
     *
     * @param dst at least {@link #MAX_SIZE} bytes
     * @return the path with its NUL, a slice of {@code dst}
     */
    public static MemorySegment write(int fd, MemorySegment dst) {
        if (fd < 0) {
            throw new IllegalArgumentException("fd " + fd + " is not a file descriptor (must be >= 0)");
        }
        if (dst.byteSize() < MAX_SIZE) {
            throw new IllegalArgumentException("a /proc/self/fd path needs " + MAX_SIZE + " bytes, got "
                    + dst.byteSize());
        }
        MemorySegment.copy(PREFIX, 0, dst, JAVA_BYTE, 0, PREFIX.length);
        int digits = 1;
        for (int v = fd; v >= 10; v /= 10) {
            digits++;
        }
        long end = PREFIX.length + digits;
        int v = fd;
        for (long i = end - 1; i >= PREFIX.length; i--) {
            dst.set(JAVA_BYTE, i, (byte) ('0' + v % 10));
            v /= 10;
        }
        dst.set(JAVA_BYTE, end, (byte) 0);
        return dst.asSlice(0, end + 1);
    }
}
