package dev.weft.sched;

/**
 * A worker as the scheduler sees it: one virtual thread of a concurrency group, and the token a
 * {@link dev.weft.sched.policy.SchedulingPolicy} places in run queues.
 *
 * <p>Each worker is its virtual thread's scheduler: the JDK hands every continuation of that thread to the
 * worker, which passes itself to the group's policy. That gives every worker an identity (its last server, for
 * {@code affinity}) at no cost per scheduling decision.
 */
public abstract sealed class Worker permits WorkerTask {

    Worker() {
    }

    /** The virtual thread, or null for a virtual thread that a worker started with the JDK's own builder. */
    public abstract Thread thread();

    /** The server this worker last ran on, or null if it has not run yet. */
    public abstract Server lastServer();
}
