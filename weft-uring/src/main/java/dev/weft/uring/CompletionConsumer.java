package dev.weft.uring;

/**
 * Receives one CQE from {@link IoUring#forEachCompletion}, on the ring's owner thread. The CQE's slot is already
 * given back to the kernel when this runs, so the arguments are copies and the consumer may prepare and submit new
 * SQEs on the same ring.
 */
@FunctionalInterface
public interface CompletionConsumer {
    /**
     * @param userData the SQE's {@code user_data}, unchanged
     * @param res      the operation's result: ≥ 0 on success (bytes transferred, a new fd, 0), else {@code -errno}
     * @param flags    the CQE's {@code IORING_CQE_F_*} flags
     */
    void accept(long userData, int res, int flags);
}
