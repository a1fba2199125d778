package dev.weft.fuse.proto;

import java.util.OptionalLong;

/**
 * A request read from {@code /dev/fuse} that is truncated or inconsistent. It carries the request's
 * {@code unique} when the header could be read, and the errno to reply with, so the server answers the request
 * (or, without a unique, logs and drops it) instead of failing.
 */
public final class FuseProtocolException extends Exception {
    private static final long serialVersionUID = 1L;

    private final boolean hasUnique;
    private final long unique;
    private final int errno;

    FuseProtocolException(String message, int errno) {
        super(message);
        this.hasUnique = false;
        this.unique = 0;
        this.errno = errno;
    }

    FuseProtocolException(String message, long unique, int errno) {
        super(message);
        this.hasUnique = true;
        this.unique = unique;
        this.errno = errno;
    }

    /** The request's {@code unique}, to reply to; empty when the request was too short to hold one. */
    public OptionalLong unique() {
        return hasUnique ? OptionalLong.of(unique) : OptionalLong.empty();
    }

    /** The positive errno to reply with: {@link LinuxErrno#EIO} if truncated, {@link LinuxErrno#EINVAL} if inconsistent. */
    public int errno() {
        return errno;
    }
}
