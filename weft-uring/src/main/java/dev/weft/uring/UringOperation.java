package dev.weft.uring;

import dev.weft.ring.Completion;
import dev.weft.ring.CompletionRing;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;

/**
 * One operation a worker hands to its server's ring: how to prepare its SQE ({@link Preparer}), and what to do
 * with the result. The server calls {@link #prepare}, and later {@link #complete} or {@link #fail}, on its own
 * thread. Three outcomes: a parked worker ({@link Parking}), a future ({@link Future}), a completion ring
 * ({@link Ringed}).
 */
abstract class UringOperation {

    /**
     * Fills one SQE with {@code userData}; runs on the server thread of {@code poller}, which it may ask for the
     * file's registered slot or the buffer's registered index.
     */
    @FunctionalInterface
    interface Preparer {
        void prepare(UringServerPoller poller, Sqe sqe, long userData);
    }

    private final Preparer preparer;
    /** Run by the server after {@link #complete} or {@link #fail}, e.g. to drop the file's reference. */
    private Runnable after;

    UringOperation(Preparer preparer) {
        this.preparer = preparer;
    }

    /** Sets what runs after the outcome (before handing the operation to a server). */
    final UringOperation after(Runnable r) {
        this.after = r;
        return this;
    }

    /** Server thread: the outcome, then {@link #after}. */
    final void finish(int res) {
        complete(res);
        if (after != null) {
            after.run();
        }
    }

    /** Server thread: the failure, then {@link #after}. */
    final void abandon(String why) {
        fail(why);
        if (after != null) {
            after.run();
        }
    }

    /** Server thread: fills the operation's SQE; by default with the {@link Preparer} it was made with. */
    void prepare(UringServerPoller poller, Sqe sqe, long userData) {
        preparer.prepare(poller, sqe, userData);
    }

    /** Server thread: the CQE's result, ≥ 0 or -errno. */
    abstract void complete(int res);

    /** Server thread: the operation will never complete (its server stopped). */
    abstract void fail(String why);

    /**
     * The worker that handed the operation parks until it completes. {@code result} is written by the server
     * before {@code done} (volatile), which the worker reads.
     */
    static class Parking extends UringOperation {
        private final Thread waiter = Thread.currentThread();
        private volatile boolean done;
        private int result;
        private String failure;

        Parking(Preparer p) {
            super(p);
        }

        @Override
        void complete(int res) {
            result = res;
            done = true;
            LockSupport.unpark(waiter);
        }

        @Override
        void fail(String why) {
            failure = why;
            done = true;
            LockSupport.unpark(waiter);
        }

        /** Worker side: hands an operation that {@code preparer} prepares to {@code poller} and parks until done. */
        static int handOffAndAwait(UringServerPoller poller, Preparer preparer) throws IOException {
            Parking op = new Parking(preparer);
            poller.handOff(op);
            return op.await();
        }

        /** Parks until the server completes the operation; returns {@code res}. */
        int await() throws IOException {
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

    /** The result completes a future (raw: ≥ 0 or -errno; the file turns it into a value or an exception). */
    static final class Future extends UringOperation {
        final CompletableFuture<Integer> future = new CompletableFuture<>();

        Future(Preparer p) {
            super(p);
        }

        @Override
        void complete(int res) {
            future.complete(res);
        }

        @Override
        void fail(String why) {
            future.completeExceptionally(new IOException(why));
        }
    }

    /** The result goes into a completion ring as {@code Completion(tag, res, null)} (or a failure). */
    static final class Ringed extends UringOperation {
        private final CompletionRing<? super Completion<Integer>> ring;
        private final long tag;

        Ringed(Preparer p, CompletionRing<? super Completion<Integer>> ring, long tag) {
            super(p);
            this.ring = ring;
            this.tag = tag;
        }

        @Override
        void complete(int res) {
            ring.offer(new Completion<>(tag, res, null));
        }

        @Override
        void fail(String why) {
            ring.offer(new Completion<>(tag, null, new IOException(why)));
        }
    }
}
