package dev.weft.sched;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.*;

/** close(), shutdown and the uncaught-exception handler. */
class LifecycleTest {

    @Test
    void closeLetsRunningWorkersFinish() throws Exception {
        AtomicBoolean finished = new AtomicBoolean();
        ConcurrencyGroup group = ConcurrencyGroup.builder().servers(2).build();
        group.threadBuilder().start(() -> {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            finished.set(true);
        });
        group.close();
        assertTrue(finished.get(), "close() returned before the worker ended");
        assertTrue(group.isTerminated());
        assertTrue(group.liveWorkers().isEmpty());
    }

    @Test
    void everyEndIsCountedOnceWhenYieldingWorkersMigrate() throws Exception {
        // a yielding worker is back in a queue before its server leaves the JDK's runContinuation, so another
        // server can run it to its end while the first still looks at it: both see it terminated
        ConcurrencyGroup group = ConcurrencyGroup.builder().servers(2).closeTimeout(Duration.ofSeconds(5)).build();
        for (int round = 0; round < 40; round++) {
            Thread[] ts = new Thread[200];
            for (int i = 0; i < ts.length; i++) {
                ts[i] = group.threadBuilder().start(() -> {
                    for (int k = 0; k < 1000; k++) {
                        Thread.yield();
                    }
                });
            }
            for (Thread t : ts) {
                t.join();
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (group.stats().liveWorkers() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertEquals(0, group.stats().liveWorkers(), "live workers after every worker ended");
        group.close();
        assertTrue(group.isTerminated());
    }

    @Test
    void aWorkerThatReplacesItsUncaughtExceptionHandlerEndsOnceInTheCount() throws Exception {
        // weft keeps its task in the handler field: a worker that sets its own handler is carried on by a stand-in
        // task, which may run it to its end on one server while its original task is still seen on another
        ConcurrencyGroup group = ConcurrencyGroup.builder().servers(2).closeTimeout(Duration.ofSeconds(5)).build();
        CountDownLatch release = new CountDownLatch(1);
        Thread sentinel = group.threadBuilder().start(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        List<Throwable> reported = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int round = 0; round < 50; round++) {
            Thread[] ts = new Thread[400];
            for (int i = 0; i < ts.length; i++) {
                ts[i] = group.threadBuilder().start(() -> {
                    Thread.currentThread().setUncaughtExceptionHandler((t, e) -> reported.add(e));
                    Thread.yield(); // the stand-in carries it on, maybe on the other server at once
                    if (Thread.currentThread().threadId() % 50 == 0) {
                        throw new IllegalStateException("to the worker's own handler");
                    }
                });
            }
            for (Thread t : ts) {
                t.join();
            }
        }
        group.shutdown();
        Thread.sleep(20);
        assertFalse(group.isTerminated(), "the sentinel still runs: no end was counted twice");
        assertEquals(List.of(sentinel), group.liveWorkers(), "every other worker's end was counted");
        assertFalse(reported.isEmpty(), "the workers' own handler got their exceptions");
        release.countDown();
        assertTrue(group.awaitTermination(Duration.ofSeconds(5)));
    }

    @Test
    void aWorkerWokenInItsFirstRunAfterReplacingItsHandlerStillEndsTheGroup() throws Exception {
        // a worker that replaces its handler and parks in its first run is woken through a stand-in task, possibly
        // before its server listed the original: the end must still be counted when the stand-in ends, with no
        // awaitTermination or liveWorkers call to prune it
        ConcurrencyGroup group = ConcurrencyGroup.builder().servers(2).build();
        for (int round = 0; round < 200; round++) {
            Thread[] ts = new Thread[50];
            for (int i = 0; i < ts.length; i++) {
                ts[i] = group.threadBuilder().start(() -> {
                    Thread.currentThread().setUncaughtExceptionHandler((t, e) -> { });
                    LockSupport.park();
                });
            }
            for (Thread t : ts) {
                while (t.isAlive()) {
                    LockSupport.unpark(t); // from outside the group, as it parks: the stand-in path
                    Thread.onSpinWait();
                }
            }
        }
        group.shutdown();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!group.isTerminated() && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertTrue(group.isTerminated(), "shut down, every worker ended, and still " + group.stats().liveWorkers()
                + " counted live");
    }

    @Test
    void closedGroupRejectsNewWorkers() {
        ConcurrencyGroup group = ConcurrencyGroup.builder().name("closed").build();
        group.close();
        var e = assertThrows(RejectedExecutionException.class, () -> group.threadBuilder().start(() -> { }));
        assertTrue(e.getMessage().contains("shut down"), e.getMessage());
    }

    @Test
    void closeReportsWorkersStillAliveAndKeepsRunningThem() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean finished = new AtomicBoolean();
        ConcurrencyGroup group = ConcurrencyGroup.builder().servers(1).closeTimeout(Duration.ofMillis(200)).build();
        Thread straggler = group.threadBuilder().name("straggler").start(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            finished.set(true);
        });
        group.close(); // waits 200 ms, then reports
        List<Thread> alive = group.liveWorkers();
        assertEquals(List.of(straggler), alive, "the straggler is reported");
        assertFalse(group.isTerminated());
        release.countDown(); // it is not dropped: the server still runs it
        straggler.join(10_000);
        assertTrue(finished.get());
        assertTrue(group.awaitTermination(Duration.ofSeconds(10)));
    }

    @Test
    void closeReportsEveryLiveWorkerIncludingOnesQueuedThatNeverRan() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicBoolean queuedRan = new AtomicBoolean();
        ConcurrencyGroup group = ConcurrencyGroup.builder().servers(1).closeTimeout(Duration.ofMillis(200)).build();
        try {
            Thread parked = group.threadBuilder().name("parked-one").start(() -> {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            });
            while (parked.getState() != Thread.State.WAITING) {
                Thread.sleep(1);
            }
            // holds the only server: the next worker stays queued
            Thread spinner = group.threadBuilder().name("spinning-one").start(() -> {
                while (!stop.get()) {
                    Thread.onSpinWait();
                }
            });
            Thread queued = group.threadBuilder().name("queued-one").start(() -> queuedRan.set(true));
            group.close();
            String report = group.closeReport;
            assertNotNull(report, "close() reported nothing");
            assertTrue(report.contains("3 worker(s) still alive"), report);
            assertTrue(report.contains("1 of them not listed below (queued and not run yet"), report);
            assertTrue(report.contains("parked-one") && report.contains("spinning-one"), report);
            assertFalse(queuedRan.get());
            stop.set(true);
            release.countDown();
            for (Thread t : List.of(parked, spinner, queued)) {
                assertTrue(t.join(Duration.ofSeconds(10)), t + " ended");
            }
            assertTrue(queuedRan.get(), "the queued worker was not dropped");
            assertTrue(group.awaitTermination(Duration.ofSeconds(10)));
        } finally {
            stop.set(true);
            release.countDown();
        }
    }

    @Test
    void closeFromAWorkerOfTheGroupIsRefused() throws Exception {
        try (ConcurrencyGroup group = ConcurrencyGroup.builder().build()) {
            AtomicReference<Throwable> error = new AtomicReference<>();
            group.threadBuilder().start(() -> {
                try {
                    group.close();
                } catch (Throwable t) {
                    error.set(t);
                }
            }).join();
            assertInstanceOf(IllegalStateException.class, error.get());
            assertFalse(group.isShutdown());
        }
    }

    @Test
    void uncaughtExceptionReachesTheGroupHandler() throws Exception {
        AtomicReference<Throwable> caught = new AtomicReference<>();
        AtomicReference<Thread> in = new AtomicReference<>();
        CountDownLatch handled = new CountDownLatch(1);
        try (ConcurrencyGroup group = ConcurrencyGroup.builder().uncaughtExceptionHandler((t, e) -> {
            in.set(t);
            caught.set(e);
            handled.countDown();
        }).build()) {
            Thread w = group.threadBuilder().start(() -> {
                throw new IllegalArgumentException("boom");
            });
            assertTrue(handled.await(10, TimeUnit.SECONDS));
            assertEquals("boom", caught.get().getMessage());
            assertSame(w, in.get());
        }
    }

    @Test
    void builderHandlerWinsOverTheGroupHandler() throws Exception {
        CountDownLatch groupHandler = new CountDownLatch(1);
        CountDownLatch ownHandler = new CountDownLatch(1);
        try (ConcurrencyGroup group = ConcurrencyGroup.builder()
                .uncaughtExceptionHandler((t, e) -> groupHandler.countDown()).build()) {
            group.threadBuilder().uncaughtExceptionHandler((t, e) -> ownHandler.countDown())
                    .start(() -> {
                        throw new IllegalStateException("mine");
                    }).join();
            assertTrue(ownHandler.await(10, TimeUnit.SECONDS));
            assertEquals(1, groupHandler.getCount());
        }
    }

    @Test
    void executorRunsTasksOnTheGroup() throws Exception {
        try (ConcurrencyGroup group = ConcurrencyGroup.builder().name("exec").build();
             ExecutorService executor = group.executor()) {
            Future<ConcurrencyGroup> f = executor.submit(ConcurrencyGroup::current);
            assertSame(group, f.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void currentIsNullOutsideWorkers() {
        assertNull(ConcurrencyGroup.current());
        assertNull(ConcurrencyGroup.currentServer());
    }

    @Test
    void virtualThreadsStartedByAWorkerJoinItsGroup() throws Exception {
        try (ConcurrencyGroup group = ConcurrencyGroup.builder().build()) {
            AtomicReference<ConcurrencyGroup> childGroup = new AtomicReference<>();
            group.threadBuilder().start(() -> {
                try {
                    Thread.ofVirtual().start(() -> childGroup.set(ConcurrencyGroup.current())).join();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            }).join();
            assertSame(group, childGroup.get());
        }
    }

    @Test
    void badSettingsAreRefusedWithTheirValue() {
        var b = ConcurrencyGroup.builder();
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.servers(0)).getMessage().contains("0"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.policy("lifo")).getMessage()
                .contains("handoff, fifo, affinity"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.localQueueCapacity(100)).getMessage()
                .contains("100"));
        assertThrows(IllegalArgumentException.class, () -> b.idleSpin(Duration.ofNanos(-1)));
    }

    static void sleep(long ms) {
        try {
            TimeUnit.MILLISECONDS.sleep(ms);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
