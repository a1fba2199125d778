package dev.weft.fuse;

/**
 * A file system operation's failure, carried to the kernel as {@code -errno}. Thrown by {@link FuseFilesystem}
 * handlers; the server replies with {@link #errno()}.
 *
 * <p>It has no stack trace: failures such as a negative lookup ({@code ENOENT}) are part of a file system's normal
 * traffic, and filling a stack trace for each would cost more than the lookup. Handlers may keep and rethrow
 * instances.
 */
public final class FuseException extends Exception {
    /** The kernel rejects {@code error <= -512} (fs/fuse/dev.c). */
    private static final int MAX_ERRNO = 511;

    private final int errno;

    /**
     * @param errno a positive Linux errno (1..511), e.g. {@code LinuxErrno.ENOENT}
     */
    public FuseException(int errno) {
        this(errno, null);
    }

    public FuseException(int errno, String message) {
        super(message == null ? "errno " + errno : message, null, false, false);
        if (errno <= 0 || errno > MAX_ERRNO) {
            throw new IllegalArgumentException("errno " + errno + " is not a positive Linux errno (1.." + MAX_ERRNO
                    + "); pass e.g. LinuxErrno.ENOENT, not its negation");
        }
        this.errno = errno;
    }

    /** The positive errno the request fails with. */
    public int errno() {
        return errno;
    }
}
