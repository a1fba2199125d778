package dev.weft.sched;

import dev.weft.sched.idle.IdleServerStack;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A worker handed to a parked server whose wake-up has not arrived yet is run by another server that ran out of
 * work, and the parked server, once awake, finds the worker gone, parks again and goes on serving. The parked server
 * sleeps in a poller whose wake-ups the test holds back: the slow futex wake-up of a VM's halted CPU, made as slow
 * as the test needs.
 */
class HandedStealTest {

    /** A server's poller whose wake-ups the test can hold back. */
    static final class HoldablePoller implements ServerPoller {
        final Semaphore events = new Semaphore(0);
        volatile boolean held;
        volatile boolean inAwait;
        volatile int heldWakeups;

        @Override
        public boolean poll() {
            return false;
        }

        @Override
        public void await() {
            inAwait = true;
            try {
                events.tryAcquire(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                inAwait = false;
            }
        }

        @Override
        public void wakeup() {
            if (held) {
                heldWakeups++;
            } else {
                events.release();
            }
        }

        void letGo() {
            held = false;
            events.release();
        }

        @Override
        public void close() {
            events.release(1_000);
        }
    }

    @Test
    void aServerThatRunsOutOfWorkRunsTheWorkerHandedToAParkedOne() throws Exception {
        HoldablePoller[] pollers = new HoldablePoller[2];
        try (ConcurrencyGroup group = ConcurrencyGroup.builder().servers(2).idleSpin(Duration.ZERO).name("handed")
                .serverPoller(s -> pollers[s.index()] = new HoldablePoller()).build()) {
            // one server runs a worker that waits for the test
            CountDownLatch blockerRunning = new CountDownLatch(1);
            CountDownLatch blockerMayEnd = new CountDownLatch(1);
            AtomicReference<Server> blockerOn = new AtomicReference<>();
            Thread blocker = group.threadBuilder().start(() -> {
                blockerOn.set(ConcurrencyGroup.currentServer());
                blockerRunning.countDown();
                while (blockerMayEnd.getCount() > 0) {
                    Thread.onSpinWait(); // keeps its server busy without parking the worker
                }
            });
            assertTrue(blockerRunning.await(10, TimeUnit.SECONDS));
            Server busy = blockerOn.get();
            HoldablePoller sleeper = pollers[1 - busy.index()];
            Server sleeperServer = group.scheduler.serverArray()[1 - busy.index()];
            sleeper.held = true;
            // settled: the other server asleep in its poller with a live idle node, and nobody spinning (a nudge from
            // the blocker's start may still be on its way: it wakes the server once more before it settles)
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            int settledLooks = 0;
            while (settledLooks < 3 && System.nanoTime() < deadline) {
                IdleServerStack.Node<Server> node = sleeperServer.idleNode;
                boolean settled = sleeper.inAwait && sleeperServer.parked && node != null && !node.isDeleted()
                        && group.scheduler.spinningServers() == 0;
                settledLooks = settled ? settledLooks + 1 : 0;
                Thread.sleep(10);
            }
            assertEquals(3, settledLooks, "the other server never settled asleep");
            long stealsBefore = group.stats().steals();

            // started from outside with no server spinning: handed to the parked server, whose wake-up is held back
            AtomicReference<Server> handedRanOn = new AtomicReference<>();
            Thread handed = group.threadBuilder().start(() -> handedRanOn.set(ConcurrencyGroup.currentServer()));
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (sleeper.heldWakeups == 0 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertEquals(1, sleeper.heldWakeups, "the worker was not handed to the sleeping server; ran on "
                    + handedRanOn.get() + ", sleeper in await " + sleeper.inAwait + "\n" + group.stats().format());
            Thread.sleep(20);
            assertNull(handedRanOn.get(), "ran before any server was free");

            blockerMayEnd.countDown(); // the busy server runs out of work and takes the handed worker over
            blocker.join();
            handed.join(10_000);
            assertFalse(handed.isAlive(), "the handed worker never ran while the other server slept");
            assertSame(busy, handedRanOn.get());
            assertEquals(stealsBefore + 1, group.stats().steals(), group.stats().format());

            // the sleeper wakes, finds the worker taken over, and parks again: it still takes workers
            sleeper.letGo();
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!sleeper.inAwait && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            CountDownLatch later = new CountDownLatch(100);
            for (int i = 0; i < 100; i++) {
                group.threadBuilder().start(later::countDown);
            }
            assertTrue(later.await(10, TimeUnit.SECONDS), "workers after the take-over did not all run");
        }
    }
}
