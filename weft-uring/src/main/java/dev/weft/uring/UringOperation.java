package dev.weft.uring;

import java.io.IOException;
import java.util.concurrent.locks.LockSupport;

/**
 * One operation a worker hands to its server's ring: how to prepare its SQE, and its result. The worker waits in
 * {@link #await} (parking: its server goes on); the server calls {@link #prepare} and later {@link #complete}.
 *
 * <p>{@code result} is written by the server before {@code done} (volatile), which the waiting worker reads.
 */
abstract class UringOperation {
    private final Thread waiter = Thread.currentThread();
    private volatile boolean done;
    private int result;
    private String failure;

    /** Server thread: fill the SQE with {@code userData}. */
    abstract void prepare(Sqe sqe, long userData);

    /** Server thread: the CQE's result. */
    final void complete(int res) {
        result = res;
        done = true;
        LockSupport.unpark(waiter);
    }

    /** Server thread: the operation will never complete. */
    final void fail(String why) {
        failure = why;
        result = Integer.MIN_VALUE;
        done = true;
        LockSupport.unpark(waiter);
    }

    /** Worker: parks until the server completes the operation; returns {@code res} (≥ 0, or -errno). */
    final int await() throws IOException {
        boolean interrupted = false;
        while (!done) {
            LockSupport.park(this);
            interrupted |= Thread.interrupted(); // the kernel still owns the buffer: wait on, keep the status
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failure != null) {
            throw new IOException(failure);
        }
        return result;
    }
}
