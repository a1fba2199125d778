package dev.weft.sched;

import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

import static org.junit.jupiter.api.Assertions.*;

/**
 * What any policy must give workers: everything a virtual thread may do works inside them. Written once, bound to
 * each built-in policy by a subclass (as JCTools' {@code QueueSanityTest}).
 */
abstract class WorkerBehaviourContract {

    abstract String policy();

    ConcurrencyGroup newGroup() {
        return ConcurrencyGroup.builder().servers(2).policy(policy()).name("contract-" + policy()).build();
    }

    @Test
    void synchronizedBlocksUnderContention() throws Exception {
        try (ConcurrencyGroup group = newGroup()) {
            Object lock = new Object();
            long[] counter = new long[1];
            Thread[] ts = new Thread[8];
            for (int i = 0; i < ts.length; i++) {
                ts[i] = group.threadBuilder().start(() -> {
                    for (int k = 0; k < 10_000; k++) {
                        synchronized (lock) {
                            counter[0]++;
                            if (k % 1000 == 0) {
                                Thread.yield(); // yield while holding a monitor
                            }
                        }
                    }
                });
            }
            for (Thread t : ts) {
                t.join();
            }
            assertEquals(80_000, counter[0]);
        }
    }

    @Test
    void objectWaitAndNotify() throws Exception {
        try (ConcurrencyGroup group = newGroup()) {
            Object lock = new Object();
            boolean[] ready = new boolean[1];
            Thread waiter = group.threadBuilder().start(() -> {
                synchronized (lock) {
                    while (!ready[0]) {
                        try {
                            lock.wait();
                        } catch (InterruptedException e) {
                            throw new AssertionError(e);
                        }
                    }
                }
            });
            group.threadBuilder().start(() -> {
                synchronized (lock) {
                    ready[0] = true;
                    lock.notifyAll();
                }
            }).join();
            waiter.join(10_000);
            assertFalse(waiter.isAlive());
        }
    }

    @Test
    void reentrantLockUnderContention() throws Exception {
        try (ConcurrencyGroup group = newGroup()) {
            ReentrantLock lock = new ReentrantLock();
            long[] counter = new long[1];
            Thread[] ts = new Thread[8];
            for (int i = 0; i < ts.length; i++) {
                ts[i] = group.threadBuilder().start(() -> {
                    for (int k = 0; k < 10_000; k++) {
                        lock.lock();
                        try {
                            counter[0]++;
                        } finally {
                            lock.unlock();
                        }
                    }
                });
            }
            for (Thread t : ts) {
                t.join();
            }
            assertEquals(80_000, counter[0]);
        }
    }

    @Test
    void sleepParksTheWorkerNotTheServer() throws Exception {
        try (ConcurrencyGroup group = ConcurrencyGroup.builder().servers(1).policy(policy()).build()) {
            java.util.concurrent.atomic.AtomicBoolean sleptOut = new java.util.concurrent.atomic.AtomicBoolean();
            java.util.concurrent.atomic.AtomicBoolean interrupted = new java.util.concurrent.atomic.AtomicBoolean();
            Thread sleeper = group.threadBuilder().start(() -> {
                try {
                    Thread.sleep(30_000);
                    sleptOut.set(true);
                } catch (InterruptedException e) {
                    interrupted.set(true); // the other worker ran while this one slept
                }
            });
            HandoffTest.awaitState(sleeper, Thread.State.TIMED_WAITING);
            // the group's only server: if the sleep held it, this one could run only after the 30 s
            Thread other = group.threadBuilder().start(sleeper::interrupt);
            assertTrue(other.join(java.time.Duration.ofSeconds(20)), "with one server, a second worker ran while"
                    + " the first slept");
            assertTrue(sleeper.join(java.time.Duration.ofSeconds(20)));
            assertTrue(interrupted.get() && !sleptOut.get(), "the sleep ended by the other worker's interrupt");
        }
    }

    @Test
    void jdkPollerThreadsDoNotJoinTheGroup() throws Exception {
        // the first socket read of the JVM from a worker must not make the JDK's poller threads group workers
        ConcurrencyGroup group = newGroup();
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            group.threadBuilder().start(() -> {
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort())) {
                    s.setSoTimeout(20);
                    s.getInputStream().read();
                } catch (java.net.SocketTimeoutException expected) {
                    // the read parked and timed out
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }).join();
        }
        group.close();
        assertTrue(group.isTerminated(), "still alive: " + group.liveWorkers());
    }

    @Test
    void loopbackSocketRead() throws Exception {
        try (ConcurrencyGroup group = ConcurrencyGroup.builder().servers(1).policy(policy()).build();
             ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            byte[] got = new byte[5];
            Thread reader = group.threadBuilder().start(() -> {
                try (Socket s = listener.accept(); InputStream in = s.getInputStream()) {
                    int off = 0;
                    while (off < got.length) {
                        int n = in.read(got, off, got.length - off); // parks the worker until data comes
                        assertTrue(n > 0);
                        off += n;
                    }
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            // the writer is a worker on the same single server: it can only run if the reader parked
            group.threadBuilder().start(() -> {
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
                     OutputStream out = s.getOutputStream()) {
                    Thread.sleep(50);
                    out.write("hello".getBytes());
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }).join();
            reader.join(10_000);
            assertEquals("hello", new String(got));
        }
    }

    @Test
    void completableFutureJoin() throws Exception {
        try (ConcurrencyGroup group = newGroup()) {
            CompletableFuture<String> cf = new CompletableFuture<>();
            String[] got = new String[1];
            Thread joiner = group.threadBuilder().start(() -> got[0] = cf.join());
            HandoffTest.awaitState(joiner, Thread.State.WAITING);
            group.threadBuilder().start(() -> cf.complete("done"));
            joiner.join(10_000);
            assertEquals("done", got[0]);
        }
    }

    @Test
    void parkUnparkYieldAndSleepMix() throws Exception {
        try (ConcurrencyGroup group = newGroup()) {
            int n = 2_000;
            AtomicLong sum = new AtomicLong();
            Thread[] ts = new Thread[n];
            for (int i = 0; i < n; i++) {
                int v = i;
                ts[i] = group.threadBuilder().start(() -> {
                    switch (v % 4) {
                        case 0 -> Thread.yield();
                        case 1 -> LockSupport.parkNanos(10_000);
                        case 2 -> {
                            try {
                                Thread.sleep(1);
                            } catch (InterruptedException e) {
                                throw new AssertionError(e);
                            }
                        }
                        default -> { }
                    }
                    sum.addAndGet(v);
                });
            }
            for (Thread t : ts) {
                t.join();
            }
            assertEquals((long) n * (n - 1) / 2, sum.get());
            // join() returns when the thread terminates; the server unregisters it right after
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (group.stats().liveWorkers() != 0 && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            assertEquals(0, group.stats().liveWorkers());
        }
    }

    @Test
    void aMillionWorkersAllComplete() throws Exception {
        try (ConcurrencyGroup group = newGroup()) {
            int n = 1_000_000;
            AtomicLong ran = new AtomicLong();
            CountDownLatch done = new CountDownLatch(1);
            // a tree of starts: 1,000 workers each start 999 more from inside the group
            Thread.Builder.OfVirtual builder = group.threadBuilder();
            for (int i = 0; i < 1_000; i++) {
                builder.start(() -> {
                    for (int k = 0; k < 999; k++) {
                        builder.start(() -> {
                            if (ran.incrementAndGet() == n) {
                                done.countDown();
                            }
                        });
                    }
                    if (ran.incrementAndGet() == n) {
                        done.countDown();
                    }
                });
            }
            assertTrue(done.await(120, TimeUnit.SECONDS), "ran " + ran.get() + " of " + n);
            assertEquals(n, ran.get());
        }
    }
}

class HandoffPolicyContractTest extends WorkerBehaviourContract {
    @Override
    String policy() {
        return "handoff";
    }
}

class FifoPolicyContractTest extends WorkerBehaviourContract {
    @Override
    String policy() {
        return "fifo";
    }
}

class AffinityPolicyContractTest extends WorkerBehaviourContract {
    @Override
    String policy() {
        return "affinity";
    }
}
