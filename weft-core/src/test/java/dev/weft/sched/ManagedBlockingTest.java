package dev.weft.sched;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A worker reading a FIFO blocks its server's OS thread (file I/O pins the carrier). Inside
 * {@link ConcurrencyGroup#blocking} the group gets a spare server meanwhile.
 */
class ManagedBlockingTest {

    private Path fifo;

    @BeforeEach
    void makeFifo() throws Exception {
        fifo = Files.createTempDirectory("weft-fifo").resolve("pipe");
        Process p = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertEquals(0, p.waitFor(), "mkfifo failed");
    }

    @AfterEach
    void removeFifo() throws Exception {
        Files.deleteIfExists(fifo);
        Files.deleteIfExists(fifo.getParent());
    }

    @Test
    void aSpareServerRunsOtherWorkersWhileOneBlocks() throws Exception {
        try (ConcurrencyGroup group = ConcurrencyGroup.builder().servers(1).name("blocking").build()) {
            CountDownLatch otherRan = new CountDownLatch(1);
            byte[] got = new byte[1];
            Thread blocked = group.threadBuilder().start(() -> {
                try {
                    ConcurrencyGroup.blocking(() -> {
                        try (FileInputStream in = new FileInputStream(fifo.toFile())) { // blocks in open(2)
                            return in.read(got);
                        }
                    });
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            awaitBlockedInOpen(blocked);
            group.threadBuilder().start(otherRan::countDown);
            assertTrue(otherRan.await(10, TimeUnit.SECONDS), "the only server is blocked and no spare ran");
            try (FileOutputStream out = new FileOutputStream(fifo.toFile())) {
                out.write('x');
            }
            blocked.join(10_000);
            assertEquals('x', got[0]);
            assertEquals(1, group.stats().compensations());
            assertTrue(group.stats().servers().stream().anyMatch(ServerStats::spare));
            // the spare is given back once the call returned: it leaves the servers that take work
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (group.scheduler.serverArray().length > 1 && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            assertEquals(1, group.scheduler.serverArray().length, "the spare still takes work");
            assertFalse(group.scheduler.serverArray()[0].isSpare());
        }
    }

    @Test
    void withoutBlockingTheOnlyServerIsStuck() throws Exception {
        try (ConcurrencyGroup group = ConcurrencyGroup.builder().servers(1).build()) {
            CountDownLatch otherRan = new CountDownLatch(1);
            Thread blocked = group.threadBuilder().start(() -> {
                try (FileInputStream in = new FileInputStream(fifo.toFile())) {
                    in.read();
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            awaitBlockedInOpen(blocked);
            group.threadBuilder().start(otherRan::countDown);
            assertFalse(otherRan.await(300, TimeUnit.MILLISECONDS),
                    "this test's premise: a FIFO open really pins the server");
            try (FileOutputStream out = new FileOutputStream(fifo.toFile())) {
                out.write('x');
            }
            blocked.join(10_000);
            assertTrue(otherRan.await(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void outsideAWorkerItJustRuns() throws Exception {
        assertEquals(42, ConcurrencyGroup.blocking(() -> 42));
    }

    @Test
    void exceptionsPassThrough() {
        var e = assertThrows(java.io.IOException.class, () -> ConcurrencyGroup.blocking(() -> {
            throw new java.io.IOException("disk");
        }));
        assertEquals("disk", e.getMessage());
    }

    private static void awaitBlockedInOpen(Thread t) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            for (StackTraceElement e : t.getStackTrace()) {
                if (e.getMethodName().startsWith("open")) {
                    Thread.sleep(20);
                    return;
                }
            }
            assertTrue(System.nanoTime() < deadline, "worker never blocked in open");
            Thread.sleep(5);
        }
    }
    /**
     * Spares come and go, and each leaves a deleted idle node when it retires: the idle-server scan, whose limit
     * shrinks as spares leave, must still reach the parked core server when a worker is started from outside.
     */
    @Test
    void afterSparesRetireAStartFromOutsideStillWakesTheParkedServer() throws Exception {
        try (ConcurrencyGroup group = ConcurrencyGroup.builder().servers(1).idleSpin(java.time.Duration.ofNanos(20_000))
                .build()) {
            for (int round = 0; round < 30; round++) {
                Thread[] blockers = new Thread[3];
                for (int i = 0; i < blockers.length; i++) {
                    // the sleep unmounts the worker inside blocking(): the core server runs the next blocker, and
                    // each lends a spare that idles, is handed a woken worker and retires
                    blockers[i] = group.threadBuilder().start(() -> ConcurrencyGroup.blocking(() -> {
                        LockSupport.parkNanos(2_000_000);
                        return null;
                    }));
                }
                for (Thread t : blockers) {
                    t.join();
                }
                Thread.sleep(5); // the spares retire, the core server spins out its budget and parks
                CountDownLatch ran = new CountDownLatch(1);
                group.threadBuilder().start(ran::countDown);
                assertTrue(ran.await(5, TimeUnit.SECONDS), "round " + round + ": a start from outside did not run:\n"
                        + group.stats().format());
            }
        }
    }
}
