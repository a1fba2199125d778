package dev.weft.sched;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Servers with a {@link ServerPoller}: an idle server sleeps in the poller's {@code await} instead of parking, a
 * completion posted from outside wakes it and unparks its worker, a worker woken by another thread still reaches
 * an idle server, and every call but {@code wakeup} comes from the server's own thread.
 */
class ServerPollerTest {

    /** Completions posted by "the kernel" (any thread) and run by the server in poll: like an io_uring's CQ. */
    static final class FakePoller implements ServerPoller {
        final Server owner;
        final ConcurrentLinkedQueue<Runnable> completions = new ConcurrentLinkedQueue<>();
        final Semaphore events = new Semaphore(0);
        final AtomicInteger awaits = new AtomicInteger();
        final AtomicInteger wakeups = new AtomicInteger();
        final List<String> wrongThread = new CopyOnWriteArrayList<>();
        volatile boolean closed;

        FakePoller(Server owner) {
            this.owner = owner;
            checkThread("create");
        }

        private void checkThread(String call) {
            if (Thread.currentThread() != owner) {
                wrongThread.add(call + " on " + Thread.currentThread());
            }
        }

        void post(Runnable completion) {
            completions.add(completion);
            events.release();
        }

        @Override
        public boolean poll() {
            checkThread("poll");
            boolean any = false;
            Runnable r;
            while ((r = completions.poll()) != null) {
                r.run();
                any = true;
            }
            return any;
        }

        @Override
        public void await() {
            checkThread("await");
            awaits.incrementAndGet();
            try {
                events.tryAcquire(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void wakeup() {
            wakeups.incrementAndGet();
            events.release();
        }

        @Override
        public void close() {
            checkThread("close");
            closed = true;
        }
    }

    @Test
    void anIdleServerSleepsInItsPollerAndAnOutsideCompletionResumesTheWorkerThere() throws Exception {
        List<FakePoller> pollers = new CopyOnWriteArrayList<>();
        ConcurrencyGroup group = ConcurrencyGroup.builder().servers(1).idleSpin(Duration.ZERO)
                .serverPoller(s -> {
                    FakePoller p = new FakePoller(s);
                    pollers.add(p);
                    return p;
                }).build();
        AtomicReference<Server> submittedOn = new AtomicReference<>(), resumedOn = new AtomicReference<>();
        AtomicReference<FakePoller> poller = new AtomicReference<>();
        CountDownLatch submitted = new CountDownLatch(1);
        Thread worker;
        try (group) {
            worker = group.threadBuilder().start(() -> {
                Server s = ConcurrencyGroup.currentServer();
                submittedOn.set(s);
                poller.set((FakePoller) s.poller());
                Thread me = Thread.currentThread();
                AtomicInteger done = new AtomicInteger();
                // "submit": the completion, run by the server's poll, unparks this worker
                pending.set(() -> {
                    done.set(1);
                    LockSupport.unpark(me);
                });
                submitted.countDown();
                while (done.get() == 0) {
                    LockSupport.park();
                }
                resumedOn.set(ConcurrencyGroup.currentServer());
            });
            assertTrue(submitted.await(10, TimeUnit.SECONDS));
            FakePoller p = poller.get();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (p.awaits.get() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            assertTrue(p.awaits.get() > 0, "the idle server sleeps in its poller, not in a park");
            p.post(pending.get());
            worker.join(10_000);
            assertFalse(worker.isAlive(), "the completion resumed the worker");
        }
        assertSame(submittedOn.get(), resumedOn.get(), "resumed on the server that polled the completion");
        FakePoller p = pollers.get(0);
        assertEquals(List.of(), p.wrongThread, "only wakeup is called from other threads");
        assertTrue(awaitClosed(p), "the poller is closed when its server exits");
    }

    /** close() returns once the workers ended; the servers exit right after. */
    private static boolean awaitClosed(FakePoller p) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!p.closed && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        return p.closed;
    }

    private final AtomicReference<Runnable> pending = new AtomicReference<>();

    @Test
    void aWorkerWokenFromAnotherThreadReachesAServerSleepingInItsPoller() throws Exception {
        List<FakePoller> pollers = new CopyOnWriteArrayList<>();
        try (ConcurrencyGroup group = ConcurrencyGroup.builder().servers(2).idleSpin(Duration.ZERO)
                .serverPoller(s -> {
                    FakePoller p = new FakePoller(s);
                    pollers.add(p);
                    return p;
                }).build()) {
            for (int round = 0; round < 200; round++) {
                CountDownLatch ran = new CountDownLatch(1);
                group.threadBuilder().start(ran::countDown);
                assertTrue(ran.await(5, TimeUnit.SECONDS), "round " + round + ": a start from outside ran");
                Thread w = group.threadBuilder().start(() -> LockSupport.park());
                Thread.sleep(1);
                LockSupport.unpark(w);
                w.join(5_000);
                assertFalse(w.isAlive(), "round " + round + ": an unpark from outside resumed the worker");
            }
            assertTrue(pollers.stream().mapToInt(p -> p.wakeups.get()).sum() > 0, "woken through the poller");
            assertTrue(pollers.stream().mapToInt(p -> p.awaits.get()).sum() > 0);
        }
        for (FakePoller p : pollers) {
            assertEquals(List.of(), p.wrongThread);
            assertTrue(awaitClosed(p));
        }
    }
}
