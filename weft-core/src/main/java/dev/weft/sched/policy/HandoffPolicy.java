package dev.weft.sched.policy;

import dev.weft.sched.Server;
import dev.weft.sched.Worker;

/**
 * The default policy: synchronous same-server hand-off, local queues and work stealing.
 *
 * <ul>
 *   <li>A worker woken or started by a worker running on server S goes to S's next slot and runs on S as soon as
 *       the waker blocks or yields (seed 000's synchronous switch, seed 003's {@code _sync} wake-up; Go's
 *       {@code runnext}). A hand-off chain may take the next slot {@value #MAX_HANDOFF_STREAK} times in a row
 *       while S's local queue or inbox waits; then the local queue, and then the inbox, go first.</li>
 *   <li>A worker that yields goes to the tail of its server's local queue.</li>
 *   <li>A worker made runnable from outside the group's servers goes to the shared queue when a server is
 *       spinning (it takes it from there, and a burst of starts is drained in one go, with no hand-over per
 *       worker); otherwise it is handed to an idle server taken from the idle-server stack, which it wakes; with
 *       no idle server it waits in the shared queue.</li>
 *   <li>A server takes its next slot (within the streak bound), then its local queue, then its inbox, then the
 *       shared queue, then steals.
 *       Every {@value #SHARED_CHECK_INTERVAL}th run ({@link Server#tick()}) looks at the shared queue first so it
 *       cannot starve (Go's {@code schedtick % 61}).</li>
 * </ul>
 */
public class HandoffPolicy implements SchedulingPolicy {

    /** Hand-offs in a row before the local queue gets a turn (Tokio's {@code MAX_LIFO_POLLS_PER_TICK} is 3). */
    public static final int MAX_HANDOFF_STREAK = 3;
    /** Runs between looks at the shared queue first; a power of two, so a mask (Go uses 61 and a remainder). */
    public static final int SHARED_CHECK_INTERVAL = 64;

    @Override
    public String name() {
        return "handoff";
    }

    @Override
    public void enqueue(Worker worker, Wakeup reason, Server current, RunQueues queues) {
        if (current == null) {
            if (queues.spinningServers() > 0 || !queues.handToIdle(worker)) {
                queues.pushShared(worker);
            }
        } else if (reason == Wakeup.YIELD) {
            queues.pushLocal(current, worker);
        } else {
            queues.runNext(current, worker);
        }
    }

    @Override
    public Worker next(Server server, RunQueues queues) {
        Worker w;
        if ((server.tick() & (SHARED_CHECK_INTERVAL - 1)) == 0 && (w = queues.pollShared()) != null) {
            return w;
        }
        if ((queues.handoffStreak(server) < MAX_HANDOFF_STREAK
                || (queues.localSize(server) == 0 && queues.inboxIsEmpty(server)))
                && (w = queues.pollNext(server)) != null) {
            return w;
        }
        if ((w = queues.pollLocal(server)) != null) {
            return w;
        }
        if ((w = queues.pollInbox(server)) != null) {
            return w;
        }
        if ((w = queues.pollNext(server)) != null) {
            return w;
        }
        if ((w = queues.pollShared()) != null) {
            return w;
        }
        return queues.steal(server);
    }
}
