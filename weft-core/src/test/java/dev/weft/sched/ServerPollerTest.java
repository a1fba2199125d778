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
    @Test
    void aServerWhosePollerCannotBeMadeFailsBuildWithTheCauseAndStopsTheServersThatStarted() throws Exception {
        List<FakePoller> made = new CopyOnWriteArrayList<>();
        List<Server> servers = new CopyOnWriteArrayList<>();
        IllegalStateException refused = new IllegalStateException("io_uring_setup: ENOMEM");
        ConcurrencyGroup.Builder builder = ConcurrencyGroup.builder().name("no-ring").servers(3)
                .serverPoller(s -> {
                    servers.add(s);
                    if (s.index() == 1) {
                        throw refused;
                    }
                    FakePoller p = new FakePoller(s);
                    made.add(p);
                    return p;
                });
        IllegalStateException e = assertThrows(IllegalStateException.class, builder::build);
        assertSame(refused, e.getCause(), "the factory's exception is the cause");
        assertTrue(e.getMessage().contains("no-ring-server-1") && e.getMessage().contains("io_uring_setup: ENOMEM"),
                e.getMessage());
        assertEquals(3, servers.size(), "every server tried");
        assertEquals(2, made.size());
        for (FakePoller p : made) {
            assertTrue(p.closed, "build() returned only after the servers that made a poller closed it");
            assertEquals(List.of(), p.wrongThread);
        }
        for (Server s : servers) {
            assertFalse(s.isAlive(), s.getName() + " stopped");
        }
    }

    @Test
    void aSpareWhosePollerCannotBeMadeStillRunsTheGroupsWorkers() throws Exception {
        List<FakePoller> made = new CopyOnWriteArrayList<>();
        try (ConcurrencyGroup group = ConcurrencyGroup.builder().servers(1).serverPoller(s -> {
            if (s.isSpare()) {
                throw new IllegalStateException("no ring for spares");
            }
            FakePoller p = new FakePoller(s);
            made.add(p);
            return p;
        }).build()) {
            CountDownLatch blocked = new CountDownLatch(1);
            java.util.concurrent.atomic.AtomicBoolean release = new java.util.concurrent.atomic.AtomicBoolean();
            Thread holder = group.threadBuilder().start(() -> ConcurrencyGroup.blocking(() -> {
                blocked.countDown();
                while (!release.get()) {
                    Thread.onSpinWait(); // holds the only core server's OS thread, as a native call would
                }
                return null;
            }));
            assertTrue(blocked.await(10, TimeUnit.SECONDS));
            AtomicReference<Server> ranOn = new AtomicReference<>();
            Thread other = group.threadBuilder().start(() -> ranOn.set(ConcurrencyGroup.currentServer()));
            other.join(10_000);
            assertFalse(other.isAlive(), "a worker ran while the core server was blocked");
            assertTrue(ranOn.get().isSpare(), "on the spare");
            assertNull(ranOn.get().poller(), "which has no poller");
            release.set(true);
            holder.join(10_000);
            assertFalse(holder.isAlive());
        }
        assertEquals(1, made.size());
    }
}
