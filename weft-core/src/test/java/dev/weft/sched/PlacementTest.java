package dev.weft.sched;

import dev.weft.sched.internal.CpuAffinity;
import dev.weft.sched.policy.RunQueues;
import dev.weft.sched.policy.SchedulingPolicy;
import dev.weft.sched.policy.Wakeup;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.*;

/** Pinning, the affinity policy, a user-written policy, and the JFR events. */
class PlacementTest {

    @Test
    void pinnedServersRunOnTheirOwnCpu() throws Exception {
        int cpus = CpuAffinity.currentThreadAffinity().cardinality();
        try (ConcurrencyGroup group = ConcurrencyGroup.builder().servers(cpus).pinned(true).build()) {
            Set<String> seen = ConcurrentHashMap.newKeySet();
            for (int i = 0; i < 200; i++) {
                group.threadBuilder().start(() -> {
                    Server s = ConcurrencyGroup.currentServer();
                    BitSet mask = CpuAffinity.currentThreadAffinity(); // of the carrier: the server's OS thread
                    assertEquals(1, mask.cardinality(), "pinned to one CPU");
                    assertEquals(s.cpu(), mask.nextSetBit(0));
                    seen.add(s.getName());
                    StealingTest.spin(100_000);
                }).join();
            }
            assertFalse(seen.isEmpty());
        }
    }

    @Test
    void pinningRejectsAnImpossibleCpu() {
        var e = assertThrows(IllegalArgumentException.class, () -> CpuAffinity.pinCurrentThread(5000));
        assertTrue(e.getMessage().contains("5000"));
    }

    @Test
    void affinityReturnsAWokenWorkerToItsLastServer() throws Exception {
        try (ConcurrencyGroup group = ConcurrencyGroup.builder().servers(2).policy("affinity").build()) {
            int rounds = 200;
            List<Server> runs = new CopyOnWriteArrayList<>();
            boolean[] go = new boolean[1];
            Thread w = group.threadBuilder().start(() -> {
                for (int i = 0; i < rounds; i++) {
                    runs.add(ConcurrencyGroup.currentServer());
                    LockSupport.park();
                }
            });
            for (int i = 1; i < rounds; i++) {
                HandoffTest.awaitState(w, Thread.State.WAITING);
                Thread.sleep(0, 200_000);
                LockSupport.unpark(w); // from a platform thread: handoff would take any idle server
            }
            HandoffTest.awaitState(w, Thread.State.WAITING);
            LockSupport.unpark(w);
            w.join(10_000);
            long moved = 0;
            for (int i = 1; i < runs.size(); i++) {
                if (runs.get(i) != runs.get(i - 1)) {
                    moved++;
                }
            }
            assertEquals(rounds, runs.size());
            assertTrue(moved <= rounds / 20, "woken away from its last server " + moved + " times of " + rounds);
        }
    }

    /**
     * The policies' decision for one wake-up, without timing: a worker that last ran on server A is woken by a
     * worker running on server B. handoff puts it in B's next slot (it runs on B right after the waker); affinity
     * sends it back to A (directly if A is idle, else through A's inbox).
     */
    @Test
    void affinitySendsAWokenWorkerBackToItsLastServerWhereHandoffKeepsItOnTheWakers() throws Exception {
        try (ConcurrencyGroup group = ConcurrencyGroup.builder().servers(2).build()) {
            Server a = group.scheduler.serverArray()[0];
            Server b = group.scheduler.serverArray()[1];
            WorkerTask w = new WorkerTask(group, null, null, null);
            w.ranOn(a);

            RecordingQueues handoff = new RecordingQueues(false);
            new dev.weft.sched.policy.HandoffPolicy().enqueue(w, Wakeup.WAKE, b, handoff);
            assertEquals(List.of("runNext " + b), handoff.calls);

            RecordingQueues affinityIdle = new RecordingQueues(true);
            new dev.weft.sched.policy.AffinityPolicy().enqueue(w, Wakeup.WAKE, b, affinityIdle);
            assertEquals(List.of("handTo " + a), affinityIdle.calls, "A idle: handed to it");

            RecordingQueues affinityBusy = new RecordingQueues(false);
            new dev.weft.sched.policy.AffinityPolicy().enqueue(w, Wakeup.WAKE, b, affinityBusy);
            assertEquals(List.of("handTo " + a, "pushInbox " + a), affinityBusy.calls, "A busy: its inbox");

            // woken on its own last server, or started: as handoff
            RecordingQueues own = new RecordingQueues(true);
            new dev.weft.sched.policy.AffinityPolicy().enqueue(w, Wakeup.WAKE, a, own);
            assertEquals(List.of("runNext " + a), own.calls);
        }
    }

    /**
     * A user policy whose {@code next} never looks where its {@code enqueue} puts workers (the shared queue): the
     * server still takes them from there before it goes idle, so every worker runs.
     */
    @Test
    void workersRunEvenWhenAUserPolicysNextNeverPollsWhereItsEnqueuePlaced() throws Exception {
        SchedulingPolicy mismatched = new SchedulingPolicy() {
            @Override
            public String name() {
                return "mismatched";
            }

            @Override
            public void enqueue(Worker worker, Wakeup reason, Server current, RunQueues queues) {
                queues.pushShared(worker);
            }

            @Override
            public Worker next(Server server, RunQueues queues) {
                return queues.pollLocal(server); // never anything: enqueue uses the shared queue
            }
        };
        try (ConcurrencyGroup group = ConcurrencyGroup.builder().servers(2).policy(mismatched).build()) {
            CountDownLatch done = new CountDownLatch(1_000);
            for (int i = 0; i < 1_000; i++) {
                group.threadBuilder().start(() -> {
                    Thread.yield();
                    LockSupport.parkNanos(1_000);
                    done.countDown();
                });
            }
            assertTrue(done.await(30, TimeUnit.SECONDS), done.getCount() + " workers never ran to their end");
        }
    }

    /** Records the placing calls a policy makes; {@code handTo} succeeds when told the target is idle. */
    private static final class RecordingQueues implements RunQueues {
        final List<String> calls = new java.util.ArrayList<>();
        private final boolean targetIdle;

        RecordingQueues(boolean targetIdle) {
            this.targetIdle = targetIdle;
        }

        @Override public void runNext(Server owner, Worker worker) { calls.add("runNext " + owner); }
        @Override public void pushLocal(Server owner, Worker worker) { calls.add("pushLocal " + owner); }
        @Override public void pushInbox(Server target, Worker worker) { calls.add("pushInbox " + target); }
        @Override public void pushShared(Worker worker) { calls.add("pushShared"); }
        @Override public boolean handToIdle(Worker worker) { calls.add("handToIdle"); return false; }

        @Override
        public boolean handTo(Server target, Worker worker) {
            calls.add("handTo " + target);
            return targetIdle;
        }

        @Override public Worker pollNext(Server owner) { return null; }
        @Override public Worker pollLocal(Server owner) { return null; }
        @Override public Worker pollInbox(Server owner) { return null; }
        @Override public Worker pollShared() { return null; }
        @Override public Worker steal(Server thief) { return null; }
        @Override public int localSize(Server owner) { return 0; }
        @Override public boolean inboxIsEmpty(Server owner) { return true; }
        @Override public int handoffStreak(Server server) { return 0; }
        @Override public int spinningServers() { return 0; }
        @Override public List<Server> servers() { return List.of(); }
    }

    /** A user policy: one shared queue, LIFO next slot never used; counts the reasons it sees. */
    static final class CountingPolicy implements SchedulingPolicy {
        final Set<Wakeup> reasons = ConcurrentHashMap.newKeySet();

        @Override
        public String name() {
            return "counting";
        }

        @Override
        public void enqueue(Worker worker, Wakeup reason, Server current, RunQueues queues) {
            reasons.add(reason);
            queues.pushShared(worker);
        }

        @Override
        public Worker next(Server server, RunQueues queues) {
            return queues.pollShared();
        }
    }

    @Test
    void aUserWrittenPolicyDecides() throws Exception {
        CountingPolicy policy = new CountingPolicy();
        try (ConcurrencyGroup group = ConcurrencyGroup.builder().policy(policy).build()) {
            AtomicReference<String> seenPolicy = new AtomicReference<>();
            Thread sleeper = group.threadBuilder().start(() -> {
                Thread.yield();
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                seenPolicy.set(ConcurrencyGroup.current().policyName());
            });
            sleeper.join(10_000);
            assertEquals("counting", seenPolicy.get());
            assertEquals(Set.of(Wakeup.START, Wakeup.YIELD, Wakeup.WAKE), policy.reasons);
        }
    }

    @Test
    void jfrRecordsHandoffsAndSteals() throws Exception {
        Path file = Files.createTempFile("weft", ".jfr");
        try (jdk.jfr.Recording rec = new jdk.jfr.Recording()) {
            rec.enable("dev.weft.Handoff");
            rec.enable("dev.weft.Steal");
            rec.enable("dev.weft.Compensation").withThreshold(java.time.Duration.ZERO);
            rec.start();
            try (ConcurrencyGroup group = ConcurrencyGroup.builder().servers(2).build()) {
                CountDownLatch done = new CountDownLatch(64);
                group.threadBuilder().start(() -> {
                    for (int i = 0; i < 64; i++) {
                        group.threadBuilder().start(() -> {
                            StealingTest.spin(1_000_000);
                            done.countDown();
                        });
                    }
                    ConcurrencyGroup.blocking(() -> 0);
                });
                assertTrue(done.await(30, TimeUnit.SECONDS));
                // a worker woken by another worker: a hand-off
                Thread sleeper = group.threadBuilder().start(LockSupport::park);
                HandoffTest.awaitState(sleeper, Thread.State.WAITING);
                group.threadBuilder().start(() -> LockSupport.unpark(sleeper)).join();
                sleeper.join();
            }
            rec.stop();
            rec.dump(file);
        }
        Set<String> names = ConcurrentHashMap.newKeySet();
        for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
            names.add(e.getEventType().getName());
        }
        Files.delete(file);
        assertTrue(names.contains("dev.weft.Handoff"), names.toString());
        assertTrue(names.contains("dev.weft.Steal"), names.toString());
        assertTrue(names.contains("dev.weft.Compensation"), names.toString());
    }
}
