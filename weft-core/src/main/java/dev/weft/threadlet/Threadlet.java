package dev.weft.threadlet;

import dev.weft.ring.Completion;
import dev.weft.ring.CompletionRing;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;

/**
 * The handle of a threadlet started by {@link Threadlets#exec}: its result or exception, waiting, cancelling and
 * callbacks. The threadlet's worker runs the task through the handle; a threadlet that ended without
 * blocking returns from {@code exec} with its handle already done.
 *
 * <h2>State</h2>
 * One volatile field, {@code state}:
 * <pre>
 *  null            pending, nobody waiting
 *  Waiter          pending; a stack of waiting threads and callbacks, newest first
 *  NIL / value     done with a result (NIL stands for null)
 *  Failure         done with an exception, or cancelled (a CancellationException)
 * </pre>
 * Transitions: pending -> pending with one more waiter (CAS, any thread that waits or registers a callback);
 * pending -> done (CAS, once: the worker when the task returns or throws, or a canceller). The thread that made
 * the done transition owns the waiters it replaced: it unparks the threads, runs the callbacks in the order they
 * were registered, and delivers the completion to the ring. The CAS that publishes the outcome pairs with the
 * volatile read of {@code state} in every reader ({@link #isDone()}, the waits).
 *
 * <h2>Other fields</h2>
 * {@code task}: set at construction, cleared by the completer (plain; only for garbage). {@code runner}: the
 * worker thread, written (volatile) by the worker before it calls the task, read by {@link #cancel}: with the
 * worker's later read of {@code state}, either the canceller sees the runner and interrupts it, or the worker sees
 * the cancellation and never calls the task.
 *
 * @param <T> the result type
 */
public final class Threadlet<T> implements Future<T> {

    private static final System.Logger LOG = System.getLogger(Threadlet.class.getName());
    private static final VarHandle STATE;
    private static final Object NIL = new Object();

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Threadlet.class, "state", Object.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * A waiting thread or a callback; a stack through {@code next}. A thread that gives up waiting (timeout,
     * interrupt) clears its {@code thread} and unlinks its node ({@link #removeWaiter}), so a caller that polls a
     * long-pending threadlet with short timeouts does not grow the stack.
     */
    private static final class Waiter {
        volatile Thread thread; // null once the waiter gave up (timeout, interrupt)
        final BiConsumer<Object, Throwable> callback;
        volatile Object next;

        Waiter(Thread thread, BiConsumer<Object, Throwable> callback, Object next) {
            this.thread = thread;
            this.callback = callback;
            this.next = next;
        }

        /** A thread still waiting, or a callback (which never gives up). */
        boolean isLive() {
            return thread != null || callback != null;
        }
    }

    private record Failure(Throwable cause) {
    }

    private volatile Object state;
    private Callable<? extends T> task;
    private volatile Thread runner;
    private final CompletionRing<? super Completion<T>> ring;
    private final long tag;

    Threadlet(Callable<? extends T> task, CompletionRing<? super Completion<T>> ring, long tag) {
        this.task = Objects.requireNonNull(task, "task is null");
        this.ring = ring;
        this.tag = tag;
    }

    // ---- the worker side

    /** The worker's body: calls the task unless cancelled first, then completes. */
    void run() {
        Callable<? extends T> t = task;
        runner = Thread.currentThread();
        if (t == null || isDone()) {
            return;
        }
        Object outcome;
        try {
            T v = t.call();
            outcome = v == null ? NIL : v;
        } catch (Throwable e) {
            outcome = new Failure(e);
        }
        complete(outcome);
    }

    /** The pending -> done transition; false when another completion came first (a cancel). */
    private boolean complete(Object outcome) {
        Object s;
        do {
            s = state;
            if (s != null && !(s instanceof Waiter)) {
                return false;
            }
        } while (!STATE.compareAndSet(this, s, outcome));
        task = null;
        if (ring != null) {
            ring.offer(outcome instanceof Failure f ? Completion.failure(tag, f.cause())
                    : Completion.success(tag, valueOf(outcome)));
        }
        if (s != null) {
            release((Waiter) s, outcome);
        }
        return true;
    }

    /** Unparks the waiting threads and runs the callbacks, oldest registration first. */
    private void release(Waiter newest, Object outcome) {
        Waiter reversed = null;
        for (Object n = newest; n != null; n = ((Waiter) n).next) {
            Waiter w = (Waiter) n;
            Thread th = w.thread;
            if (th != null) {
                LockSupport.unpark(th);
            } else if (w.callback != null) {
                reversed = new Waiter(null, w.callback, reversed);
            }
        }
        for (Waiter w = reversed; w != null; w = (Waiter) w.next) {
            invoke(w.callback, outcome);
        }
    }

    private void invoke(BiConsumer<Object, Throwable> callback, Object outcome) {
        try {
            if (outcome instanceof Failure f) {
                callback.accept(null, f.cause());
            } else {
                callback.accept(valueOf(outcome), null);
            }
        } catch (Throwable e) {
            LOG.log(System.Logger.Level.ERROR, "a threadlet's onComplete callback threw", e);
        }
    }

    @SuppressWarnings("unchecked")
    private T valueOf(Object outcome) {
        return outcome == NIL ? null : (T) outcome;
    }

    // ---- the user side

    @Override
    public boolean isDone() {
        Object s = state;
        return s != null && !(s instanceof Waiter);
    }

    @Override
    public boolean isCancelled() {
        return state instanceof Failure f && f.cause() instanceof CancellationException;
    }

    /** Whether it ended with an exception (cancellation included). */
    public boolean isCompletedExceptionally() {
        return state instanceof Failure;
    }

    /**
     * Cancels the threadlet if it has not ended: the handle completes at once with a
     * {@link CancellationException} (its ring gets that completion), and with {@code mayInterruptIfRunning} the
     * worker is interrupted, so a blocked task sees an {@link InterruptedException}. The task's own outcome is
     * then discarded. A threadlet not yet running never calls its task.
     *
     * @return true when this call cancelled it
     */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        if (!complete(new Failure(new CancellationException("threadlet cancelled")))) {
            return false;
        }
        Thread r = runner;
        if (mayInterruptIfRunning && r != null) {
            r.interrupt();
        }
        return true;
    }

    /**
     * Waits for the end and returns the result; waiting is not interrupted (an interrupt is kept for later).
     *
     * @throws CompletionException with the task's exception as its cause
     * @throws CancellationException when it was cancelled
     */
    public T join() {
        Object s = awaitUninterruptibly();
        if (s instanceof Failure f) {
            if (f.cause() instanceof CancellationException c) {
                throw c;
            }
            throw new CompletionException(f.cause());
        }
        return valueOf(s);
    }

    @Override
    public T get() throws InterruptedException, ExecutionException {
        return report(await(0L, false));
    }

    @Override
    public T get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        Objects.requireNonNull(unit, "unit is null");
        Object s = await(unit.toNanos(timeout), true);
        if (s == null) {
            throw new TimeoutException("threadlet not done after " + timeout + " " + unit);
        }
        return report(s);
    }

    private T report(Object s) throws ExecutionException {
        if (s instanceof Failure f) {
            if (f.cause() instanceof CancellationException c) {
                throw c;
            }
            throw new ExecutionException(f.cause());
        }
        return valueOf(s);
    }

    /**
     * Runs {@code action} with (result, null) or (null, exception) when the threadlet ends: at once on the calling
     * thread if it has ended, else on the thread that completes it (the worker, or a canceller). An exception from
     * the action is logged and does not reach the other actions.
     *
     * @return this handle
     */
    @SuppressWarnings("unchecked")
    public Threadlet<T> onComplete(BiConsumer<? super T, ? super Throwable> action) {
        Objects.requireNonNull(action, "action");
        BiConsumer<Object, Throwable> cb = (BiConsumer<Object, Throwable>) action;
        Object s;
        do {
            s = state;
            if (s != null && !(s instanceof Waiter)) {
                invoke(cb, s);
                return this;
            }
        } while (!STATE.compareAndSet(this, s, new Waiter(null, cb, s)));
        return this;
    }

    /**
     * A new {@link CompletableFuture} completed with this threadlet's outcome. Completing or cancelling that
     * future does not affect the threadlet.
     */
    public CompletableFuture<T> toCompletableFuture() {
        CompletableFuture<T> f = new CompletableFuture<>();
        onComplete((v, e) -> {
            if (e != null) {
                f.completeExceptionally(e);
            } else {
                f.complete(v);
            }
        });
        return f;
    }

    // ---- waiting

    private Object awaitUninterruptibly() {
        boolean interrupted = false;
        Object s;
        while (true) {
            try {
                s = await(0L, false);
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return s;
    }

    /** The done state, or null after {@code nanos} when timed. */
    private Object await(long nanos, boolean timed) throws InterruptedException {
        Object s = state;
        if (s != null && !(s instanceof Waiter)) {
            return s;
        }
        Thread me = Thread.currentThread();
        Waiter node = null;
        long deadline = timed ? System.nanoTime() + nanos : 0L;
        while (true) {
            s = state;
            if (s != null && !(s instanceof Waiter)) {
                return s;
            }
            if (node == null) {
                node = new Waiter(me, null, s);
                if (!STATE.compareAndSet(this, s, node)) {
                    node = null;
                }
                continue;
            }
            if (Thread.interrupted()) {
                removeWaiter(node);
                throw new InterruptedException();
            }
            if (timed) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    removeWaiter(node);
                    return null;
                }
                LockSupport.parkNanos(this, left);
            } else {
                LockSupport.park(this);
            }
        }
    }

    /**
     * Marks {@code node} given up and unlinks every node that gave up, as {@code FutureTask} does: a dead node is
     * skipped by pointing its live predecessor past it, or, at the top, by a CAS of {@code state}; a race with
     * another removal (the predecessor died meanwhile, or the CAS failed) restarts the walk. It stops when the
     * threadlet is done: the completer then owns the stack.
     */
    private void removeWaiter(Waiter node) {
        node.thread = null;
        retry:
        while (true) {
            Object top = state;
            if (!(top instanceof Waiter)) {
                return;
            }
            Waiter pred = null;
            for (Waiter q = (Waiter) top, next; q != null; q = next) {
                next = (Waiter) q.next;
                if (q.isLive()) {
                    pred = q;
                } else if (pred != null) {
                    pred.next = next;
                    if (!pred.isLive()) {
                        continue retry;
                    }
                } else if (!STATE.compareAndSet(this, q, next)) {
                    continue retry;
                }
            }
            return;
        }
    }

    /** The nodes on the waiter stack (waiting threads and callbacks), 0 when done; for tests. */
    int waitingNodes() {
        int n = 0;
        for (Object q = state; q instanceof Waiter w; q = w.next) {
            n++;
        }
        return n;
    }

    @Override
    public String toString() {
        Object s = state;
        String st = s == null || s instanceof Waiter ? "pending"
                : s instanceof Failure f ? (f.cause() instanceof CancellationException ? "cancelled"
                : "failed: " + f.cause()) : "done";
        return "Threadlet[" + st + "]";
    }
}
