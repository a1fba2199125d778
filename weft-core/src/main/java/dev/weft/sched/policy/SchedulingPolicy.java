package dev.weft.sched.policy;

import dev.weft.sched.Server;
import dev.weft.sched.Worker;

/**
 * The scheduling policy of a concurrency group: the part of the scheduler a user can write.
 *
 * <p>Both methods run on hot paths and must not block. They decide with the primitives of {@link RunQueues};
 * those primitives and the server loop keep the contract that matters for correctness (none is lost, an idle
 * server is woken when there is work it could take, and a server whose {@code next} returns null still takes work
 * from its own queues and the shared queue before it goes idle), so a policy can be wrong about speed, never about
 * liveness: every worker placed runs, on the server whose queue holds it (or any server, from the shared queue),
 * as long as the workers ahead of it block or end.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>{@link #enqueue} must place {@code worker} through exactly one placing primitive of {@link RunQueues}
 *       ({@code runNext}, {@code pushLocal}, {@code pushInbox}, {@code pushShared}, {@code handToIdle},
 *       {@code handTo}), or pass it to another policy's {@code enqueue}.</li>
 *   <li>{@link #next} returns a worker taken with a polling primitive, or null; null sends the server idle (it
 *       pushes itself on the idle-server stack, spins, then parks) once the server's own look at its queues and the
 *       shared queue found nothing too, which is always safe.</li>
 * </ul>
 */
public interface SchedulingPolicy {

    /** Short name, as given to {@code ConcurrencyGroup.Builder.policy(String)}. */
    String name();

    /**
     * A worker became runnable. Runs on the thread that made it so.
     *
     * @param worker  the worker
     * @param reason  why it is runnable
     * @param current the server of this group the caller runs on (the carrier of a waking worker, or the server
     *                whose worker yielded), or null when the caller is not on one of the group's servers
     * @param queues  the primitives
     */
    void enqueue(Worker worker, Wakeup reason, Server current, RunQueues queues);

    /**
     * The server's worker parked, yielded or ended: choose what it runs next. Runs on {@code server}.
     *
     * @return a worker to run, or null to go idle
     */
    Worker next(Server server, RunQueues queues);
}
