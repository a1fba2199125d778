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
    private final boolean noReply;
    private final int errno;

    FuseProtocolException(String message, int errno) {
        super(message);
        this.hasUnique = false;
        this.unique = 0;
        this.noReply = false;
        this.errno = errno;
    }

    /** A request whose header was read but whose opcode is not known to the thrower (an io_uring entry's). */
    FuseProtocolException(String message, long unique, int errno) {
        super(message);
        this.hasUnique = true;
        this.unique = unique;
        this.noReply = false;
        this.errno = errno;
    }

    /** A request whose header was read: {@code opcode} is its {@code fuse_in_header.opcode}. */
    FuseProtocolException(String message, long unique, int opcode, int errno) {
        super(message);
        this.hasUnique = true;
        this.unique = unique;
        FuseOpcode op = FuseOpcode.fromCode(opcode);
        this.noReply = op != null && op.isNoReply();
        this.errno = errno;
    }

    /** The request's {@code unique}, to reply to; empty when the request was too short to hold one. */
    public OptionalLong unique() {
        return hasUnique ? OptionalLong.of(unique) : OptionalLong.empty();
    }

    /**
     * The {@code unique} to send the error reply to; empty when there is none to send: the request was too short to
     * hold one, or its opcode gets no reply (FORGET, BATCH_FORGET: the kernel waits for none, and a reply to one
     * would be written to a unique it never gave out).
     */
    public OptionalLong replyTo() {
        return noReply ? OptionalLong.empty() : unique();
    }

    /** The positive errno to reply with: {@link LinuxErrno#EIO} if truncated, {@link LinuxErrno#EINVAL} if inconsistent. */
    public int errno() {
        return errno;
    }
}
