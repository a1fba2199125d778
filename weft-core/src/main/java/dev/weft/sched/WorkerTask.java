package dev.weft.sched;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The implementation of {@link Worker}: the group's per-worker state, created when the JDK first hands the
 * group a continuation of the virtual thread (its start) and kept in the thread's uncaught-exception handler field
 * (see {@code JdkAccess}): as a handler it forwards to the handler the user set on the builder, or to the group's.
 *
 * <h2>Fields and who writes them</h2>
 * <ul>
 *   <li>{@code thread}, {@code continuation}, {@code userHandler}: final, set before the state is published
 *       through the handler field (volatile).</li>
 *   <li>{@code lastServer}: written (opaque) by the server that runs the worker, read (opaque) by policies;
 *       a stale value only makes {@code affinity} pick a worse server.</li>
 *   <li>{@code startMode}: the starting thread (see the field); {@code nextSwitchBack}: the server whose
 *       switch-back stack holds the worker.</li>
 *   <li>{@code ended}: CAS by the servers that see the thread terminated (see {@link #claimEnd()}).</li>
 *   <li>{@code prevLive}, {@code nextLive}: guarded by the lock of the registry stripe; {@code stripe}: set by
 *       CAS from {@code NOT_LISTED} (to a stripe, under that stripe's lock, or to {@code NEVER_LISTED}), so that of
 *       two threads listing the same worker (a server, and the platform thread it left inline) one wins; read
 *       plainly as a hint by the servers that run it.</li>
 * </ul>
 */
final class WorkerTask extends Worker implements Thread.UncaughtExceptionHandler {

    private static final VarHandle LAST_SERVER;
    private static final VarHandle ENDED;
    private static final VarHandle STRIPE;

    static {
        try {
            LAST_SERVER = MethodHandles.lookup().findVarHandle(WorkerTask.class, "lastServer", Server.class);
            ENDED = MethodHandles.lookup().findVarHandle(WorkerTask.class, "ended", int.class);
            STRIPE = MethodHandles.lookup().findVarHandle(WorkerTask.class, "stripe", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final ConcurrencyGroup group;
    final Thread thread;
    final Runnable continuation;
    private final Thread.UncaughtExceptionHandler userHandler;
    @SuppressWarnings("unused") // accessed through LAST_SERVER
    private Server lastServer;

    // live-worker registry links, guarded by the stripe's lock
    WorkerTask prevLive;
    WorkerTask nextLive;
    int stripe = LiveWorkers.NOT_LISTED;
    /**
     * How the group takes the thread's start: {@link #START_QUEUED} (the policy places it), {@link #START_INLINE}
     * (the starting platform thread runs it itself), {@link #START_SWITCH} (the starting worker's server runs it
     * next). Written by the starting thread before {@code start()}, read and reset in {@code execute} on the
     * same thread.
     */
    int startMode = START_QUEUED;
    static final int START_QUEUED = 0, START_INLINE = 1, START_SWITCH = 2;
    /** The next worker down its server's switch-back stack; owner server only. */
    WorkerTask nextSwitchBack;
    /** 0 until the worker's end is counted, then 1 (CAS). */
    private volatile int ended;
    /**
     * The task that counts this worker's end: this one, or, for a stand-in (the task weft makes for a running
     * worker whose uncaught-exception-handler field, where weft keeps its task, the user replaced), the original
     * task, which counted the start: counting on both could count one end twice. Null when the original was not
     * listed yet (it was in its first run): the stand-in looks it up again when it ends, and the server that lists
     * the original counts the end itself if the thread ended first.
     */
    WorkerTask endOwner = this;

    WorkerTask(ConcurrencyGroup group, Thread thread, Runnable continuation,
               Thread.UncaughtExceptionHandler userHandler) {
        this.group = group;
        this.thread = thread;
        this.continuation = continuation;
        this.userHandler = userHandler;
    }

    @Override
    public Thread thread() {
        return thread;
    }

    @Override
    public Server lastServer() {
        return (Server) LAST_SERVER.getOpaque(this);
    }

    /** Records the server; writes only on a change, so a worker that stays put does not dirty its cache line. */
    void ranOn(Server server) {
        if (LAST_SERVER.getOpaque(this) != server) {
            LAST_SERVER.setOpaque(this, server);
        }
    }

    /** The live-worker registry's CAS on {@code stripe} (see {@code LiveWorkers}). */
    boolean casStripe(int expected, int value) {
        return STRIPE.compareAndSet(this, expected, value);
    }

    int stripeVolatile() {
        return (int) STRIPE.getVolatile(this);
    }

    /**
     * True for exactly one caller once the thread has terminated. Two servers can both see the termination: a
     * worker that yields is back in a queue before its server has left {@code runContinuation}, so another server
     * may run it to its end while the first is still checking.
     */
    boolean claimEnd() {
        return ENDED.compareAndSet(this, 0, 1);
    }

    @Override
    public void uncaughtException(Thread t, Throwable e) {
        (userHandler != null ? userHandler : group.uncaughtExceptionHandler()).uncaughtException(t, e);
    }

    @Override
    public String toString() {
        return String.valueOf(thread);
    }
}
