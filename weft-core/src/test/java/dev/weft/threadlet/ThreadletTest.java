package dev.weft.threadlet;

import dev.weft.ring.Completion;
import dev.weft.ring.CompletionRing;
import dev.weft.sched.ConcurrencyGroup;
import dev.weft.sched.Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.*;

/** Threadlets: inline until blocked, switch-to from a worker, the fallback, the handle and ring delivery. */
class ThreadletTest {

    private static final MethodHandle GETTID = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().find("gettid").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT));

    /** The OS thread id of the calling thread's carrier (a virtual thread's carrier, or the thread itself). */
    static int osThreadId() {
        try {
            return (int) GETTID.invokeExact();
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    static ConcurrencyGroup group;

    @BeforeAll
    static void start() {
        group = ConcurrencyGroup.builder().servers(2).name("threadlets").build();
    }

    @AfterAll
    static void stop() {
        group.close();
    }

    // ---- from a platform thread

    @Test
    void aTaskThatDoesNotBlockRunsOnTheCallingOsThreadAndIsDoneOnReturn() {
        int caller = osThreadId();
        AtomicInteger ranOn = new AtomicInteger();
        AtomicReference<Boolean> virtual = new AtomicReference<>();
        AtomicReference<Server> server = new AtomicReference<>();
        long inlineBefore = group.stats().inlineCompleted();
        Threadlet<String> t = Threadlets.exec(group, () -> {
            ranOn.set(osThreadId());
            virtual.set(Thread.currentThread().isVirtual());
            server.set(ConcurrencyGroup.currentServer());
            return "hello";
        });
        assertTrue(t.isDone(), "done before exec returned");
        assertEquals("hello", t.join());
        assertEquals(caller, ranOn.get(), "ran on the caller's OS thread");
        assertTrue(virtual.get(), "as a virtual thread (it could have blocked)");
        assertNull(server.get(), "no server took part");
        assertEquals(inlineBefore + 1, group.stats().inlineCompleted());
    }

    @Test
    void aTaskThatBlocksReturnsAPendingHandleAndEndsOnAServer() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        AtomicInteger before = new AtomicInteger();
        AtomicReference<Server> after = new AtomicReference<>();
        long movedBefore = group.stats().inlineMoved();
        Threadlet<Integer> t = Threadlets.exec(group, () -> {
            before.set(osThreadId());
            gate.await(); // blocks: the head goes on
            after.set(ConcurrencyGroup.currentServer());
            return 42;
        });
        assertFalse(t.isDone(), "the head returned while the threadlet is blocked");
        assertEquals(osThreadId(), before.get(), "it started inline");
        assertEquals(movedBefore + 1, group.stats().inlineMoved());
        gate.countDown();
        assertEquals(42, t.get(10, TimeUnit.SECONDS));
        assertNotNull(after.get(), "it resumed on a server");
        assertSame(group, after.get().group());
    }

    @Test
    void aTaskThatSleepsAndYieldsStillCompletes() {
        Threadlet<Integer> t = Threadlets.exec(group, () -> {
            Thread.sleep(5);
            Thread.yield();
            return 7;
        });
        assertEquals(7, t.join());
    }

    @Test
    void exceptionsReachTheHandle() {
        IllegalStateException boom = new IllegalStateException("boom");
        Threadlet<Object> t = Threadlets.exec(group, () -> {
            throw boom;
        });
        assertTrue(t.isDone());
        assertTrue(t.isCompletedExceptionally());
        CompletionException ce = assertThrows(CompletionException.class, t::join);
        assertSame(boom, ce.getCause());
        ExecutionException ee = assertThrows(ExecutionException.class, t::get);
        assertSame(boom, ee.getCause());
        assertSame(boom, t.exceptionNow());
        assertEquals(java.util.concurrent.Future.State.FAILED, t.state());
    }

    @Test
    void anExceptionAfterBlockingReachesTheHandle() {
        Threadlet<Object> t = Threadlets.exec(group, () -> {
            Thread.sleep(2);
            throw new java.io.IOException("late");
        });
        CompletionException ce = assertThrows(CompletionException.class, t::join);
        assertInstanceOf(java.io.IOException.class, ce.getCause());
    }

    @Test
    void nullIsAResult() {
        Threadlet<Object> t = Threadlets.exec(group, () -> null);
        assertTrue(t.isDone());
        assertNull(t.join());
        assertFalse(t.isCompletedExceptionally());
    }

    @Test
    void cancelInterruptsABlockedThreadlet() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        CompletionRing<Completion<String>> ring = new CompletionRing<>(8);
        Threadlet<String> t = Threadlets.exec(group, () -> {
            try {
                never.await();
                return "not cancelled";
            } catch (InterruptedException e) {
                interrupted.countDown();
                throw e;
            }
        }, ring, 5);
        assertFalse(t.isDone());
        assertTrue(t.cancel(true));
        assertFalse(t.cancel(true), "only once");
        assertTrue(t.isCancelled());
        assertThrows(CancellationException.class, t::join);
        assertThrows(CancellationException.class, t::get);
        assertTrue(interrupted.await(10, TimeUnit.SECONDS), "the blocked task saw the interrupt");
        Completion<String> c = ring.take(10, TimeUnit.SECONDS);
        assertNotNull(c);
        assertEquals(5, c.tag());
        assertInstanceOf(CancellationException.class, c.failure());
        assertNull(ring.poll(), "one completion per threadlet, the task's own outcome is discarded");
    }

    @Test
    void cancelAfterTheEndDoesNothing() {
        Threadlet<Integer> t = Threadlets.exec(group, () -> 1);
        assertFalse(t.cancel(true));
        assertEquals(1, t.join());
    }

    @Test
    void getWithTimeoutTimesOutAndThenSucceeds() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        Threadlet<String> t = Threadlets.exec(group, () -> {
            gate.await();
            return "late";
        });
        assertThrows(TimeoutException.class, () -> t.get(20, TimeUnit.MILLISECONDS));
        gate.countDown();
        assertEquals("late", t.get(10, TimeUnit.SECONDS));
    }

    @Test
    void callbacksRunInRegistrationOrderAndOneThatThrowsDoesNotStopTheOthers() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        Threadlet<String> t = Threadlets.exec(group, () -> {
            gate.await();
            return "v";
        });
        List<String> seen = new CopyOnWriteArrayList<>();
        t.onComplete((v, e) -> seen.add("1:" + v));
        t.onComplete((v, e) -> {
            throw new RuntimeException("callback failure, expected by the test");
        });
        t.onComplete((v, e) -> seen.add("3:" + v));
        var cf = t.toCompletableFuture();
        gate.countDown();
        assertEquals("v", cf.get(10, TimeUnit.SECONDS));
        t.join();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (seen.size() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertEquals(List.of("1:v", "3:v"), seen);
        List<String> late = new ArrayList<>();
        t.onComplete((v, e) -> late.add("late:" + v));
        assertEquals(List.of("late:v"), late, "a callback registered after the end runs at once");
    }

    @Test
    void aFailedThreadletCompletesItsCompletableFutureExceptionally() {
        Threadlet<Object> t = Threadlets.exec(group, () -> {
            throw new ArithmeticException("x");
        });
        var cf = t.toCompletableFuture();
        CompletionException e = assertThrows(CompletionException.class, cf::join);
        assertInstanceOf(ArithmeticException.class, e.getCause());
    }

    @Test
    void aMillionThreadletsFromAPlatformThread() {
        long sum = 0;
        for (int i = 0; i < 1_000_000; i++) {
            int v = i;
            Threadlet<Integer> t = Threadlets.exec(group, () -> v);
            sum += t.join();
        }
        assertEquals(499_999_500_000L, sum);
    }

    @Test
    void aMillionThreadletsSomeOfWhichBlockAllDeliverToTheRing() throws Exception {
        int n = 1_000_000;
        CompletionRing<Completion<Integer>> ring = new CompletionRing<>(1024);
        boolean[] seen = new boolean[n];
        int got = 0;
        for (int i = 0; i < n; i++) {
            int v = i;
            Threadlets.exec(group, () -> {
                if (v % 1000 == 0) {
                    LockSupport.parkNanos(10_000); // blocks: moves to a server
                }
                return v;
            }, ring, i);
            Completion<Integer> c;
            while ((c = ring.poll()) != null) {
                got += record(c, seen);
            }
        }
        while (got < n) {
            Completion<Integer> c = ring.take(10, TimeUnit.SECONDS);
            assertNotNull(c, "completion missing after " + got);
            got += record(c, seen);
        }
        assertNull(ring.poll());
    }

    @Test
    void aMillionThreadletsBlockedAtOnceAllEndWhenReleased() throws Exception {
        int n = 1_000_000;
        try (ConcurrencyGroup g = ConcurrencyGroup.builder().servers(2).name("million-blocked").build()) {
            CountDownLatch gate = new CountDownLatch(1);
            CompletionRing<Completion<Integer>> ring = new CompletionRing<>(1 << 16);
            for (int i = 0; i < n; i++) {
                int v = i;
                Threadlet<Integer> t = Threadlets.exec(g, () -> {
                    gate.await();
                    return v;
                }, ring, i);
                assertFalse(t.isDone(), "threadlet " + i + " blocks");
            }
            assertEquals(n, g.stats().inlineMoved(), "each got a context of its own when it blocked");
            assertEquals(n, g.stats().liveWorkers(), "a million blocked at once");
            gate.countDown();
            boolean[] seen = new boolean[n];
            for (int got = 0; got < n; got++) {
                Completion<Integer> c = ring.take(30, TimeUnit.SECONDS);
                assertNotNull(c, "completion missing after " + got);
                record(c, seen);
            }
            assertNull(ring.poll());
        }
    }

    private static int record(Completion<Integer> c, boolean[] seen) {
        check(c);
        int tag = (int) c.tag();
        assertFalse(seen[tag], "tag " + tag + " twice");
        seen[tag] = true;
        return 1;
    }

    private static void check(Completion<Integer> c) {
        assertTrue(c.isSuccess());
        assertEquals(c.tag(), (long) c.value());
    }

    @Test
    void everyThreadletDeliversExactlyOneCompletionToItsRing() throws Exception {
        int n = 20_000;
        CompletionRing<Completion<Integer>> ring = new CompletionRing<>(256);
        boolean[] seen = new boolean[n];
        int got = 0;
        for (int i = 0; i < n; i++) {
            int v = i;
            Threadlets.exec(group, () -> {
                if (v % 10 == 0) {
                    Thread.sleep(0, 100_000);
                }
                if (v % 7 == 0) {
                    throw new IllegalArgumentException(Integer.toString(v));
                }
                return v;
            }, ring, i);
        }
        while (got < n) {
            Completion<Integer> c = ring.take(10, TimeUnit.SECONDS);
            assertNotNull(c, "completion missing after " + got);
            int tag = (int) c.tag();
            assertFalse(seen[tag], "tag " + tag + " twice");
            seen[tag] = true;
            if (tag % 7 == 0) {
                assertInstanceOf(IllegalArgumentException.class, c.failure());
            } else {
                assertEquals(tag, c.value());
            }
            got++;
        }
        assertNull(ring.poll());
    }

    // ---- from a worker

    @Test
    void fromAWorkerTheThreadletRunsFirstAndTheCallerResumesOnTheSameServer() throws Exception {
        try (ConcurrencyGroup g = ConcurrencyGroup.builder().servers(2).name("switch-to").build()) {
            for (int round = 0; round < 50; round++) {
                List<String> order = new CopyOnWriteArrayList<>();
                AtomicReference<Server> callerBefore = new AtomicReference<>();
                AtomicReference<Server> threadletOn = new AtomicReference<>();
                AtomicReference<Server> callerAfter = new AtomicReference<>();
                AtomicReference<Boolean> doneOnReturn = new AtomicReference<>();
                Thread w = g.threadBuilder().start(() -> {
                    callerBefore.set(ConcurrencyGroup.currentServer());
                    Threadlet<String> t = Threadlets.exec(() -> {
                        threadletOn.set(ConcurrencyGroup.currentServer());
                        order.add("threadlet");
                        return "x";
                    });
                    order.add("caller");
                    callerAfter.set(ConcurrencyGroup.currentServer());
                    doneOnReturn.set(t.isDone());
                });
                assertTrue(w.join(java.time.Duration.ofSeconds(10)), "round " + round + " hung");
                assertEquals(List.of("threadlet", "caller"), order);
                assertSame(callerBefore.get(), threadletOn.get(), "the threadlet ran on the caller's server");
                assertSame(callerBefore.get(), callerAfter.get(), "the caller resumed on the same server");
                assertTrue(doneOnReturn.get());
            }
            assertEquals(50, g.stats().switches(), "every round was a switch, none went through the policy");
            assertEquals(0, g.stats().inlineStarts());
        }
    }

    @Test
    void fromAWorkerTheCallerResumesAsSoonAsTheThreadletBlocks() throws Exception {
        try (ConcurrencyGroup g = ConcurrencyGroup.builder().servers(2).name("switch-to-blocking").build()) {
            for (int round = 0; round < 20; round++) {
                CountDownLatch gate = new CountDownLatch(1);
                AtomicReference<Server> callerBefore = new AtomicReference<>();
                AtomicReference<Server> threadletOn = new AtomicReference<>();
                AtomicReference<Server> callerAfter = new AtomicReference<>();
                AtomicReference<Threadlet<String>> handle = new AtomicReference<>();
                List<String> order = new CopyOnWriteArrayList<>();
                Thread w = g.threadBuilder().start(() -> {
                    callerBefore.set(ConcurrencyGroup.currentServer());
                    handle.set(Threadlets.exec(() -> {
                        threadletOn.set(ConcurrencyGroup.currentServer());
                        order.add("threadlet starts");
                        gate.await();
                        order.add("threadlet ends");
                        return "later";
                    }));
                    order.add("caller");
                    callerAfter.set(ConcurrencyGroup.currentServer());
                });
                assertTrue(w.join(java.time.Duration.ofSeconds(10)), "round " + round + " hung");
                assertEquals(List.of("threadlet starts", "caller"), order);
                assertSame(callerBefore.get(), threadletOn.get(), "the threadlet started on the caller's server");
                assertSame(callerBefore.get(), callerAfter.get(), "the caller resumed on the same server");
                assertFalse(handle.get().isDone());
                gate.countDown();
                assertEquals("later", handle.get().get(10, TimeUnit.SECONDS));
            }
            assertEquals(20, g.stats().switches());
        }
    }

    @Test
    void nestedSwitchesUnwindInOrder() throws Exception {
        List<String> order = new CopyOnWriteArrayList<>();
        Set<Server> servers = java.util.concurrent.ConcurrentHashMap.newKeySet();
        Thread w = group.threadBuilder().start(() -> {
            servers.add(ConcurrencyGroup.currentServer());
            Threadlets.exec(() -> {
                servers.add(ConcurrencyGroup.currentServer());
                order.add("outer starts");
                Threadlets.exec(() -> {
                    servers.add(ConcurrencyGroup.currentServer());
                    order.add("inner");
                    return null;
                });
                order.add("outer ends");
                return null;
            });
            order.add("caller");
            servers.add(ConcurrencyGroup.currentServer());
        });
        w.join();
        assertEquals(List.of("outer starts", "inner", "outer ends", "caller"), order);
        assertEquals(1, servers.size(), "all on one server");
    }

    @Test
    void fromAWorkerHoldingAMonitorTheSwitchStillHappens() throws Exception {
        // since JDK 24 (JEP 491) a monitor does not pin: the caller unmounts inside synchronized
        try (ConcurrencyGroup g = ConcurrencyGroup.builder().servers(1).name("switch-in-monitor").build()) {
            Object lock = new Object();
            List<String> order = new CopyOnWriteArrayList<>();
            Thread w = g.threadBuilder().start(() -> {
                synchronized (lock) {
                    Threadlets.exec(() -> order.add("threadlet"));
                    order.add("caller");
                }
            });
            assertTrue(w.join(java.time.Duration.ofSeconds(10)));
            assertEquals(List.of("threadlet", "caller"), order);
            assertEquals(1, g.stats().switches());
        }
    }

    @Test
    void fromAWorkerPinnedInANativeFrameTheThreadletGoesThroughThePolicyAndTheCallerGoesOn() throws Exception {
        try (ConcurrencyGroup g = ConcurrencyGroup.builder().servers(1).name("switch-pinned").build()) {
            List<String> order = new CopyOnWriteArrayList<>();
            AtomicReference<Threadlet<Server>> handle = new AtomicReference<>();
            AtomicReference<Server> caller = new AtomicReference<>();
            Thread w = g.threadBuilder().start(() -> NativeFrame.run(() -> {
                caller.set(ConcurrencyGroup.currentServer());
                handle.set(Threadlets.exec(() -> {
                    order.add("threadlet");
                    return ConcurrencyGroup.currentServer();
                }));
                order.add("caller goes on");
            }));
            assertTrue(w.join(java.time.Duration.ofSeconds(10)));
            assertSame(caller.get(), handle.get().get(10, TimeUnit.SECONDS), "it ran on the group's one server");
            assertEquals(List.of("caller goes on", "threadlet"), order);
            assertEquals(0, g.stats().switches(), "a pinned caller cannot switch");
        }
    }

    // ---- from another virtual thread

    @Test
    void fromAnotherVirtualThreadTheThreadletStartsOnTheGroup() throws Exception {
        try (ConcurrencyGroup g = ConcurrencyGroup.builder().servers(2).name("from-jdk-vthread").build()) {
            AtomicReference<Threadlet<Server>> handle = new AtomicReference<>();
            Thread.ofVirtual().start(() -> handle.set(Threadlets.exec(g, ConcurrencyGroup::currentServer))).join();
            Server s = handle.get().get(10, TimeUnit.SECONDS);
            assertNotNull(s);
            assertSame(g, s.group());
            assertEquals(0, g.stats().inlineStarts(), "a virtual thread cannot carry the threadlet inline");
            assertEquals(0, g.stats().switches(), "nor switch to it: it is not a worker of the group");
        }
    }

    @Test
    void fromAWorkerOfAnotherGroupTheThreadletStartsOnTheGroupNamed() throws Exception {
        try (ConcurrencyGroup g = ConcurrencyGroup.builder().servers(1).name("named").build();
             ConcurrencyGroup h = ConcurrencyGroup.builder().servers(1).name("caller's").build()) {
            AtomicReference<Threadlet<Server>> handle = new AtomicReference<>();
            h.threadBuilder().start(() -> handle.set(Threadlets.exec(g, ConcurrencyGroup::currentServer))).join();
            assertSame(g, handle.get().get(10, TimeUnit.SECONDS).group());
            assertEquals(0, h.stats().switches());
            assertEquals(0, g.stats().switches());
        }
    }

    @Test
    void aThreadletStartedByAnInlineThreadletFallsBackToTheGroup() throws Exception {
        try (ConcurrencyGroup g = ConcurrencyGroup.builder().servers(1).name("nested-inline").build()) {
            int caller = osThreadId();
            AtomicInteger outerOn = new AtomicInteger();
            Threadlet<Threadlet<Server>> outer = Threadlets.exec(g, () -> {
                outerOn.set(osThreadId());
                return Threadlets.exec(g, ConcurrencyGroup::currentServer);
            });
            assertTrue(outer.isDone());
            assertEquals(caller, outerOn.get(), "the outer one ran inline");
            assertSame(g, outer.join().get(10, TimeUnit.SECONDS).group(), "the inner one ran on a server");
            assertEquals(1, g.stats().inlineStarts(), "only the outer one started inline");
            assertEquals(0, g.stats().switches());
        }
    }

    @Test
    void withoutAGroupAThreadletRunningInlineStartsItsChildrenInItsOwnGroup() throws Exception {
        try (ConcurrencyGroup g = ConcurrencyGroup.builder().servers(1).name("inline-parent").build()) {
            AtomicReference<ConcurrencyGroup> seenInline = new AtomicReference<>();
            Threadlet<Threadlet<Server>> outer = Threadlets.exec(g, () -> {
                assertNull(ConcurrencyGroup.currentServer(), "inline: the carrier is the caller, not a server");
                seenInline.set(ConcurrencyGroup.current());
                return Threadlets.exec(ConcurrencyGroup::currentServer);
            });
            assertTrue(outer.isDone());
            assertSame(g, seenInline.get(), "ConcurrencyGroup.current() finds a worker running inline");
            assertSame(g, outer.join().get(10, TimeUnit.SECONDS).group(), "not the default group");
        }
    }

    @Test
    void withoutAGroupAPlatformCallerUsesTheDefaultGroup() {
        int caller = osThreadId();
        Threadlet<Integer> t = Threadlets.exec(ThreadletTest::osThreadId);
        assertTrue(t.isDone());
        assertEquals(caller, t.join());
        assertTrue(Threadlets.defaultGroup().stats().inlineStarts() >= 1);
    }

    @Test
    void fromAServersOwnThreadAThreadletWithoutAGroupGoesToTheDefaultGroup() throws Exception {
        java.util.concurrent.CompletableFuture<ConcurrencyGroup> seen = new java.util.concurrent.CompletableFuture<>();
        java.util.concurrent.atomic.AtomicBoolean asked = new java.util.concurrent.atomic.AtomicBoolean();
        try (ConcurrencyGroup g = ConcurrencyGroup.builder().servers(1).name("poller-caller").serverPoller(s ->
                new dev.weft.sched.ServerPoller() {
                    @Override
                    public boolean poll() { // the server's own platform thread, not a worker
                        if (asked.compareAndSet(false, true)) {
                            try {
                                seen.complete(Threadlets.exec(ConcurrencyGroup::current).join());
                            } catch (Throwable t) {
                                seen.completeExceptionally(t);
                            }
                        }
                        return false;
                    }

                    @Override
                    public void await() {
                        LockSupport.parkNanos(1_000_000);
                    }

                    @Override
                    public void wakeup() {
                    }

                    @Override
                    public void close() {
                    }
                }).build()) {
            g.threadBuilder().start(() -> { }).join();
            assertSame(Threadlets.defaultGroup(), seen.get(10, TimeUnit.SECONDS),
                    "a platform thread is no worker: the default group, not the server's");
        }
    }

    @Test
    void aThreadletThatBlockedInlineIsListedAmongTheLiveWorkers() throws Exception {
        ConcurrencyGroup g = ConcurrencyGroup.builder().servers(1).closeTimeout(java.time.Duration.ofMillis(50))
                .build();
        CountDownLatch gate = new CountDownLatch(1);
        Threadlet<String> t = Threadlets.exec(g, () -> {
            gate.await();
            return "released";
        });
        assertFalse(t.isDone());
        assertEquals(1, g.liveWorkers().size(), "close() can report it with its stack");
        g.close(); // times out: the threadlet is still blocked, and reported
        assertFalse(g.isTerminated());
        gate.countDown();
        assertEquals("released", t.get(10, TimeUnit.SECONDS));
        assertTrue(g.awaitTermination(java.time.Duration.ofSeconds(10)));
        assertEquals(0, g.liveWorkers().size());
    }

    @Test
    void aClosedGroupRejectsAndCountsNothing() {
        ConcurrencyGroup g = ConcurrencyGroup.builder().servers(1).name("refusing").build();
        g.close();
        RejectedExecutionException e = assertThrows(RejectedExecutionException.class,
                () -> Threadlets.exec(g, () -> 1));
        assertTrue(e.getMessage().contains("refusing"), "names the group: " + e.getMessage());
        assertEquals(0, g.stats().inlineStarts(), "a refused threadlet did not run inline");
        assertEquals(0, g.stats().inlineCompleted());
    }

    @Test
    void nullArgumentsAreRefusedWithTheirName() {
        CompletionRing<Completion<Integer>> ring = new CompletionRing<>(4);
        assertNullRefused("group", () -> Threadlets.exec(null, () -> 1));
        assertNullRefused("group", () -> Threadlets.exec(null, () -> 1, ring, 0));
        assertNullRefused("task", () -> Threadlets.exec(group, null));
        assertNullRefused("task", () -> Threadlets.exec((java.util.concurrent.Callable<Integer>) null));
        assertNullRefused("task", () -> Threadlets.exec(group, null, ring, 0));
        assertNullRefused("ring", () -> Threadlets.exec(group, () -> 1, null, 0));
        assertNullRefused("ring", () -> Threadlets.exec(() -> 1, null, 0));
        Threadlet<Integer> t = Threadlets.exec(group, () -> 1);
        assertNullRefused("unit", () -> t.get(1, null));
        assertNullRefused("action", () -> t.onComplete(null));
        assertEquals(1, t.join(), "the handle is unharmed");
    }

    private static void assertNullRefused(String what, org.junit.jupiter.api.function.Executable call) {
        NullPointerException e = assertThrows(NullPointerException.class, call);
        assertNotNull(e.getMessage(), what + ": a message");
        assertTrue(e.getMessage().startsWith(what), what + ": " + e.getMessage());
    }

    @Test
    void aThreadletCancelledBeforeItRunsNeverCallsItsTask() throws Exception {
        ConcurrencyGroup g = ConcurrencyGroup.builder().servers(1).name("cancel-before-run").build();
        AtomicInteger calls = new AtomicInteger();
        CountDownLatch occupied = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean release = new java.util.concurrent.atomic.AtomicBoolean();
        g.threadBuilder().start(() -> { // holds the group's one server without yielding
            occupied.countDown();
            while (!release.get()) {
                Thread.onSpinWait();
            }
        });
        assertTrue(occupied.await(10, TimeUnit.SECONDS));
        AtomicReference<Threadlet<Integer>> handle = new AtomicReference<>();
        Thread.ofVirtual().start(() -> handle.set(Threadlets.exec(g, calls::incrementAndGet))).join();
        assertFalse(handle.get().isDone(), "queued behind the spinning worker");
        assertTrue(handle.get().cancel(true));
        release.set(true);
        g.close();
        assertTrue(g.awaitTermination(java.time.Duration.ofSeconds(10)), "its worker ended");
        assertEquals(0, calls.get(), "the task was never called");
        assertTrue(handle.get().isCancelled());
    }

    @Test
    void timedOutWaitsDoNotPileUpOnAPendingThreadlet() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        Threadlet<String> t = Threadlets.exec(group, () -> {
            gate.await();
            return "end";
        });
        t.onComplete((v, e) -> { });
        for (int i = 0; i < 10_000; i++) {
            assertThrows(TimeoutException.class, () -> t.get(1, TimeUnit.NANOSECONDS));
        }
        assertEquals(1, t.waitingNodes(), "only the callback is left");
        Thread interrupted = Thread.ofPlatform().start(() -> {
            Thread.currentThread().interrupt();
            assertThrows(InterruptedException.class, t::get);
        });
        interrupted.join();
        assertEquals(1, t.waitingNodes(), "an interrupted wait leaves nothing either");
        gate.countDown();
        assertEquals("end", t.get(10, TimeUnit.SECONDS));
    }

    @Test
    void startInlineFromAVirtualThreadIsRefusedWithAReason() throws Exception {
        AtomicReference<Throwable> error = new AtomicReference<>();
        Thread.ofVirtual().start(() -> {
            try {
                group.startInline(() -> { });
            } catch (Throwable t) {
                error.set(t);
            }
        }).join();
        assertInstanceOf(IllegalStateException.class, error.get());
        assertTrue(error.get().getMessage().contains("platform thread"), error.get().getMessage());
    }
}
