package dev.weft.sched.policy;

import dev.weft.sched.Server;
import dev.weft.sched.Worker;

/**
 * One shared FIFO queue for every runnable worker, like the JDK's default scheduler seen from outside: no next
 * slot, no local queues. A runnable worker goes straight to an idle server when there is one and none is
 * spinning (a spinning server takes it from the queue).
 */
public final class FifoPolicy implements SchedulingPolicy {

    @Override
    public String name() {
        return "fifo";
    }

    @Override
    public void enqueue(Worker worker, Wakeup reason, Server current, RunQueues queues) {
        if (reason == Wakeup.YIELD || queues.spinningServers() > 0 || !queues.handToIdle(worker)) {
            queues.pushShared(worker);
        }
    }

    @Override
    public Worker next(Server server, RunQueues queues) {
        return queues.pollShared();
    }
}
