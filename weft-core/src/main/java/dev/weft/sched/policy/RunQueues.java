package dev.weft.sched.policy;

import dev.weft.sched.Server;
import dev.weft.sched.Worker;

/**
 * The placing and polling primitives a {@link SchedulingPolicy} decides with. Implemented by the group.
 *
 * <p>Owner-only primitives ({@code runNext}, {@code pushLocal}, {@code pollNext}, {@code pollLocal},
 * {@code pollInbox}) must be called with the server the caller runs on: {@code current} in
 * {@link SchedulingPolicy#enqueue}, {@code server} in {@link SchedulingPolicy#next}.
 */
public interface RunQueues {

    // ---- placing: each keeps the group live (wakes an idle server when another server could take the worker)

    /**
     * Puts {@code worker} in {@code owner}'s next slot, to run there as soon as the current worker blocks or
     * yields. The worker it displaces moves to the tail of the local queue. Owner only.
     */
    void runNext(Server owner, Worker worker);

    /** Appends to {@code owner}'s local queue; a full queue spills half of itself to the shared queue. Owner only. */
    void pushLocal(Server owner, Worker worker);

    /** Appends to {@code target}'s inbox, a queue any thread may add to; idle servers may steal from it. */
    void pushInbox(Server target, Worker worker);

    /** Appends to the group's shared FIFO queue. */
    void pushShared(Worker worker);

    /**
     * Takes an idle server from the idle-server stack and hands it {@code worker} directly.
     *
     * @return false when no idle server was found within the scan bound (the worker was not placed)
     */
    boolean handToIdle(Worker worker);

    /**
     * Hands {@code worker} to {@code target} if {@code target} is idle now.
     *
     * @return false when it is not (the worker was not placed)
     */
    boolean handTo(Server target, Worker worker);

    // ---- polling

    /** Empties {@code owner}'s next slot. Counts as a hand-off. Owner only. */
    Worker pollNext(Server owner);

    /** Oldest worker of {@code owner}'s local queue. Owner only. */
    Worker pollLocal(Server owner);

    /** Oldest worker of {@code owner}'s inbox. Owner only. */
    Worker pollInbox(Server owner);

    /** Oldest worker of the shared queue. */
    Worker pollShared();

    /**
     * Steals for {@code thief}: half of another server's local queue (the rest goes to the thief's local queue),
     * else one worker of another server's inbox, else another server's next slot if it has sat there since the
     * thief's previous look (its server is busy with something else) or its server is blocked, else a worker
     * handed to another server whose thread is still parked (the other server is woken anyway, finds the worker gone
     * and parks again).
     */
    Worker steal(Server thief);

    // ---- facts

    /** Number of workers in {@code owner}'s local queue (a snapshot). */
    int localSize(Server owner);

    /** Whether {@code owner}'s inbox is empty (a snapshot). */
    boolean inboxIsEmpty(Server owner);

    /** Consecutive runs {@code server} took from its next slot since it last ran anything else. */
    int handoffStreak(Server server);

    /**
     * Servers spinning in their idle phase now (a snapshot). They look at every queue while they spin, so work
     * placed in the shared queue reaches one of them without a wake-up.
     */
    int spinningServers();

    /** The servers of the group, spares in use included. */
    java.util.List<Server> servers();
}
