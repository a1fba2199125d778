package dev.weft.uring;

import dev.weft.uring.kernel.LinuxErrno;

/**
 * A system call on a ring failed: {@code io_uring_setup}, {@code io_uring_enter}, {@code io_uring_register}, or the
 * {@code mmap} of a ring. The message names the call, the {@code errno} and what to do; {@link #errno()} is the
 * positive {@code errno}. (A failed <em>operation</em> is not an exception: its CQE carries {@code -errno}.)
 */
public final class IoUringException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int errno;

    public IoUringException(int errno, String message) {
        super(message);
        this.errno = Math.abs(errno);
    }

    /** The positive {@code errno} of the failed call. */
    public int errno() {
        return errno;
    }

    /** {@code "EINVAL"}, ... */
    public String errnoName() {
        return LinuxErrno.name(errno);
    }
}
