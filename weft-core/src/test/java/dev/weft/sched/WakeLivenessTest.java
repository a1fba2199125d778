package dev.weft.sched;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.*;

/**
 * No lost wake-up: a worker made runnable from outside the group, at every moment of the servers' idle cycle
 * (running, spinning, just parking, parked), always runs.
 */
class WakeLivenessTest {

    @ParameterizedTest
    @ValueSource(strings = {"handoff", "fifo", "affinity"})
    void everyExternalWakeRuns(String policy) throws Exception {
        try (ConcurrencyGroup group = ConcurrencyGroup.builder().servers(2).policy(policy)
                .idleSpin(Duration.ofNanos(20_000)).build()) {
            Semaphore ran = new Semaphore(0);
            Thread parker = group.threadBuilder().start(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    LockSupport.park();
                    ran.release();
                }
            });
            int cycles = 20_000;
            for (int i = 0; i < cycles; i++) {
                // gaps from 0 to ~40 us: around the 20 us spin budget and the park that follows it
                long gap = (i * 7919L) % 40_000;
                long end = System.nanoTime() + gap;
                while (System.nanoTime() < end) {
                    Thread.onSpinWait();
                }
                if (i % 2 == 0) {
                    group.threadBuilder().start(ran::release);     // a start from outside
                } else {
                    LockSupport.unpark(parker);                    // a wake from outside
                }
                if (!ran.tryAcquire(10, TimeUnit.SECONDS)) {
                    fail("cycle " + i + " (gap " + gap + " ns) never ran:\n" + group.stats().format());
                }
            }
            parker.interrupt();
            parker.join();
        }
    }
    /**
     * Two workers started from outside at once, while one server spins and the other is parked: wakers do not wake
     * anyone while a server spins, so the spinner, which takes one of them, must wake a parked server for the other.
     * Otherwise the second waits for the first to give up its server: forever here, where the first busy-waits for
     * the second.
     */
    @ParameterizedTest
    @ValueSource(strings = {"handoff", "fifo", "affinity"})
    void aBurstOfStartsWhileOneServerSpinsGetsTheParkedServerToo(String policy) throws Exception {
        try (ConcurrencyGroup group = ConcurrencyGroup.builder().servers(2).policy(policy)
                .idleSpin(Duration.ofMillis(5)).build()) {
            for (int round = 0; round < 100; round++) {
                Thread.sleep(15); // both servers spin out their budget and park
                group.threadBuilder().start(() -> { }).join(); // one of them wakes, runs it, and spins again
                java.util.concurrent.atomic.AtomicBoolean second = new java.util.concurrent.atomic.AtomicBoolean();
                java.util.concurrent.atomic.AtomicBoolean gaveUp = new java.util.concurrent.atomic.AtomicBoolean();
                Thread first = group.threadBuilder().start(() -> {
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                    while (!second.get()) { // holds its server without blocking
                        if (System.nanoTime() - deadline > 0) {
                            gaveUp.set(true);
                            return;
                        }
                        Thread.onSpinWait();
                    }
                });
                Thread other = group.threadBuilder().start(() -> second.set(true));
                first.join();
                other.join();
                assertFalse(gaveUp.get(), "round " + round + ": the second worker did not run for 5 s while a"
                        + " server was parked:\n" + group.stats().format());
            }
        }
    }
}
