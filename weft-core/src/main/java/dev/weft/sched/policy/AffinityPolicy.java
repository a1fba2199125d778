package dev.weft.sched.policy;

import dev.weft.sched.Server;
import dev.weft.sched.Worker;

/**
 * Like {@link HandoffPolicy}, except that a woken worker goes back to the server it last ran on when that server
 * can take it: directly if that server is idle, else through its inbox while the inbox holds fewer than
 * {@value #MAX_INBOX} workers. A worker woken on its own last server takes the next slot as usual; a worker
 * whose last server was a spare (lent for a blocking call, see {@code ConcurrencyGroup.blocking}) is placed as
 * by {@link HandoffPolicy}.
 */
public final class AffinityPolicy extends HandoffPolicy {

    /** Inbox length at which a server is too busy to take its workers back. */
    public static final int MAX_INBOX = 64;

    @Override
    public String name() {
        return "affinity";
    }

    @Override
    public void enqueue(Worker worker, Wakeup reason, Server current, RunQueues queues) {
        Server last = worker.lastServer();
        if (reason == Wakeup.WAKE && last != null && last != current && !last.isSpare()) {
            if (queues.handTo(last, worker)) {
                return;
            }
            if (last.inboxSize() < MAX_INBOX) {
                queues.pushInbox(last, worker);
                return;
            }
        }
        super.enqueue(worker, reason, current, queues);
    }
}
