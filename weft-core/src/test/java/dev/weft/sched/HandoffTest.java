package dev.weft.sched;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.*;

/** The synchronous same-server hand-off of the default policy. */
class HandoffTest {

    @RepeatedTest(20)
    void wokenWorkerRunsOnTheWakersServerRightAfterIt() throws Exception {
        try (ConcurrencyGroup group = ConcurrencyGroup.builder().servers(2).name("handoff").build()) {
            AtomicReference<Server> wakerServer = new AtomicReference<>();
            AtomicReference<Server> wokenServer = new AtomicReference<>();
            AtomicLong runsWhileWakerRan = new AtomicLong();
            AtomicLong runsWhenWokenRan = new AtomicLong();
            CountDownLatch wokenParked = new CountDownLatch(1);
            CountDownLatch done = new CountDownLatch(1);
            Thread woken = group.threadBuilder().name("woken").start(() -> {
                wokenParked.countDown();
                while (wakerServer.get() == null) {
                    LockSupport.park();
                }
                Server s = ConcurrencyGroup.currentServer();
                wokenServer.set(s);
                runsWhenWokenRan.set(s.runs());
                done.countDown();
            });
            wokenParked.await();
            awaitState(woken, Thread.State.WAITING);
            group.threadBuilder().name("waker").start(() -> {
                Server s = ConcurrencyGroup.currentServer();
                runsWhileWakerRan.set(s.runs());
                wakerServer.set(s);
                LockSupport.unpark(woken);
                // ends here: the server must run the woken worker next
            });
            assertTrue(done.await(10, TimeUnit.SECONDS));
            assertSame(wakerServer.get(), wokenServer.get(), "the woken worker runs on the waker's server");
            assertEquals(runsWhileWakerRan.get() + 1, runsWhenWokenRan.get(),
                    "nothing ran on that server between the waker and the woken worker");
            assertTrue(group.stats().handoffs() >= 1);
        }
    }

    @Test
    void pingPongStaysOnOneServer() throws Exception {
        try (ConcurrencyGroup group = ConcurrencyGroup.builder().servers(2).build()) {
            int rounds = 10_000;
            Thread[] t = new Thread[2];
            int[] turn = new int[1];
            Server[][] seen = new Server[2][rounds];
            CountDownLatch start = new CountDownLatch(1);
            for (int me = 0; me < 2; me++) {
                int self = me;
                t[me] = group.threadBuilder().unstarted(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                    for (int i = 0; i < rounds; i++) {
                        while (turnOf(turn) != self) {
                            LockSupport.park();
                        }
                        seen[self][i] = ConcurrencyGroup.currentServer();
                        setTurn(turn, 1 - self);
                        LockSupport.unpark(t[1 - self]);
                    }
                });
            }
            t[0].start();
            t[1].start();
            start.countDown();
            t[0].join();
            t[1].join();
            long sameServer = 0;
            for (int i = 1; i < rounds; i++) {
                if (seen[0][i] == seen[1][i - 1]) {
                    sameServer++;
                }
            }
            // each pass of the token is a hand-off to the waker's server, except while the two start up
            assertTrue(sameServer > rounds * 9L / 10, "passes on the same server: " + sameServer + " of " + rounds);
        }
    }

    private static int turnOf(int[] turn) {
        synchronized (turn) {
            return turn[0];
        }
    }

    /**
     * A hand-off chain cannot starve the server's inbox: under the affinity policy a worker woken by a timer goes
     * to its last server's inbox when that server is busy, here with a ping-pong of two workers that hand off to
     * each other through its next slot and leave its local queue empty.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"affinity", "handoff"})
    void aPingPongDoesNotStarveAWorkerWokenIntoTheServersInbox(String policy) throws Exception {
        try (ConcurrencyGroup group = ConcurrencyGroup.builder().servers(1).policy(policy).build()) {
            java.util.concurrent.atomic.AtomicBoolean sleeperRan = new java.util.concurrent.atomic.AtomicBoolean();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            Thread sleeper = group.threadBuilder().start(() -> {
                LockSupport.parkNanos(1_000_000); // woken by the JDK's timer thread, from outside the group
                sleeperRan.set(true);
            });
            Thread[] pair = new Thread[2];
            java.util.concurrent.atomic.AtomicInteger turn = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.atomic.AtomicBoolean gaveUp = new java.util.concurrent.atomic.AtomicBoolean();
            for (int i = 0; i < 2; i++) {
                int me = i;
                pair[i] = group.threadBuilder().unstarted(() -> {
                    while (!sleeperRan.get() && System.nanoTime() - deadline < 0) {
                        while (turn.get() != me && !sleeperRan.get() && System.nanoTime() - deadline < 0) {
                            LockSupport.park();
                        }
                        turn.set(1 - me);
                        LockSupport.unpark(pair[1 - me]);
                    }
                    LockSupport.unpark(pair[1 - me]);
                    if (!sleeperRan.get()) {
                        gaveUp.set(true);
                    }
                });
            }
            pair[0].start();
            pair[1].start();
            sleeper.join(10_000);
            pair[0].join(10_000);
            pair[1].join(10_000);
            assertTrue(sleeperRan.get());
            assertFalse(gaveUp.get(), "the woken worker ran only once the ping-pong gave up after 5 s:\n"
                    + group.stats().format());
        }
    }

    /**
     * The hand-off streak bound with the local queue: a worker that yields goes to its server's local queue, behind
     * a ping-pong that keeps the next slot full. Each ping-pong pass is a hand-off; after {@code MAX_HANDOFF_STREAK}
     * of them the server takes its local queue first, so the yielder makes progress during the ping-pong instead of
     * after it.
     */
    @Test
    void aPingPongDoesNotStarveAWorkerInTheServersLocalQueue() throws Exception {
        int rounds = 20_000;
        try (ConcurrencyGroup group = ConcurrencyGroup.builder().servers(1).policy("handoff").build()) {
            java.util.concurrent.atomic.AtomicBoolean pingPongDone = new java.util.concurrent.atomic.AtomicBoolean();
            java.util.concurrent.atomic.AtomicLong yieldsDuring = new java.util.concurrent.atomic.AtomicLong();
            Thread[] pair = new Thread[2];
            int[] turn = new int[1];
            for (int i = 0; i < 2; i++) {
                int me = i;
                pair[i] = group.threadBuilder().unstarted(() -> {
                    try {
                        for (int r = 0; r < rounds; r++) {
                            while (turnOf(turn) != me) {
                                LockSupport.park();
                            }
                            setTurn(turn, 1 - me);
                            LockSupport.unpark(pair[1 - me]);
                        }
                    } finally {
                        pingPongDone.set(true); // the yielder stops with the first player to leave
                    }
                });
            }
            Thread yielder = group.threadBuilder().unstarted(() -> {
                while (!pingPongDone.get()) {
                    yieldsDuring.incrementAndGet();
                    Thread.yield(); // back to this server's local queue
                }
            });
            // started from one worker, so that all three begin on the one server with the ping-pong under way
            group.threadBuilder().start(() -> {
                pair[0].start();
                pair[1].start();
                yielder.start();
            }).join();
            for (Thread t : new Thread[] {pair[0], pair[1], yielder}) {
                assertTrue(t.join(java.time.Duration.ofSeconds(30)), t + " ended");
            }
            // with the bound of 3, the yielder runs about once per 3 passes: thousands of times in 40,000 passes;
            // without it, once at most (the next slot is never empty while the ping-pong lasts)
            assertTrue(yieldsDuring.get() > rounds / 10, "the yielder ran " + yieldsDuring.get()
                    + " times during " + 2 * rounds + " ping-pong passes:\n" + group.stats().format());
        }
    }

    private static void setTurn(int[] turn, int v) {
        synchronized (turn) {
            turn[0] = v;
        }
    }

    static void awaitState(Thread t, Thread.State state) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (t.getState() != state) {
            if (System.nanoTime() > deadline) {
                fail(t + " never reached " + state + ", is " + t.getState());
            }
            Thread.sleep(1);
        }
    }
}
