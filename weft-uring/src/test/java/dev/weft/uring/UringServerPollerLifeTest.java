package dev.weft.uring;

import dev.weft.sched.ConcurrencyGroup;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A ring server's life around its I/O: built from a virtual thread (its trial ring opens on a platform thread);
 * idle, it sleeps in io_uring_enter, also after a wake-up from another thread when it had no I/O in flight (the
 * wake-up's own CQE must not stay in the CQ, where every later wait would count it and return at once); closing, it
 * cancels what is still in flight and waits for the kernel to be done with it.
 */
class UringServerPollerLifeTest {
    /** Waits an idle server may make while the test sleeps: a sleeping server makes a handful, a spinning one millions. */
    private static final long FEW_WAITS = 50;

    @BeforeAll
    static void kernel() {
        RingTestSupport.requireIoUring();
    }

    @Test
    void anIdleServerSleepsInItsRingAfterWakeUpsWithNoIoInFlight() throws Exception {
        try (ConcurrencyGroup group = UringServerPoller.groupBuilder().servers(1).idleSpin(Duration.ZERO).build()) {
            AtomicReference<UringServerPoller> poller = new AtomicReference<>();
            for (int round = 0; round < 5; round++) {
                // started from outside the group: the idle server is woken through its ring's eventfd
                Thread worker = group.threadBuilder().start(() -> poller.set(UringServerPoller.current()));
                assertTrue(worker.join(Duration.ofSeconds(10)), "the worker ended");
                assertNotNull(poller.get());
                Thread.sleep(20); // the server goes back to waiting
                long before = poller.get().counters()[2];
                Thread.sleep(300);
                long waits = poller.get().counters()[2] - before;
                assertTrue(waits < FEW_WAITS, "round " + round + ": the idle server entered its ring " + waits
                        + " times in 300 ms: it is spinning, not sleeping");
            }
        }
    }

    @Test
    void aVirtualThreadBuildsARingGroup() throws Exception {
        AtomicReference<Object> outcome = new AtomicReference<>();
        Thread caller = Thread.ofVirtual().start(() -> {
            try (ConcurrencyGroup group = UringServerPoller.groupBuilder().servers(1).build()) {
                AtomicReference<UringServerPoller> poller = new AtomicReference<>();
                Thread worker = group.threadBuilder().start(() -> poller.set(UringServerPoller.current()));
                outcome.set(worker.join(Duration.ofSeconds(10)) ? poller.get() : "the worker did not end");
            } catch (Throwable t) {
                outcome.set(t);
            }
        });
        assertTrue(caller.join(Duration.ofSeconds(20)), "the virtual thread ended");
        assertInstanceOf(UringServerPoller.class, outcome.get(), () -> "the group's server owns a ring: " + outcome);
    }

    @Test
    void closingAGroupCancelsAReadStillInFlightAndCompletesItsFuture() throws Exception {
        Path fifo = Files.createTempDirectory(Path.of("/var/tmp"), "weft-fifo").resolve("never-written");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start().waitFor());
        AtomicReference<CompletableFuture<Integer>> read = new AtomicReference<>();
        try (Arena arena = Arena.ofShared()) {
            MemorySegment buffer = arena.allocate(4096);
            UringFile f = UringFile.open(fifo, UringFile.Mode.READ_WRITE); // O_RDWR: the open does not wait for a writer
            try (ConcurrencyGroup group = UringServerPoller.groupBuilder().servers(1).build()) {
                Thread worker = group.threadBuilder().start(() -> {
                    try {
                        read.set(f.readAsync(0, buffer)); // nobody writes the FIFO: it stays in flight
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
                assertTrue(worker.join(Duration.ofSeconds(10)), "the worker ended without waiting for its read");
                assertNotNull(read.get());
                Thread.sleep(50);
                assertFalse(read.get().isDone(), "the read waits for data");
            } // the group terminates (no worker left) and its server closes its ring
            ExecutionException e = assertThrows(ExecutionException.class, () -> read.get().get(10, TimeUnit.SECONDS));
            assertTrue(e.getCause().getMessage().contains("ECANCELED"), "the kernel cancelled it: " + e.getCause());
            f.close();
        } finally {
            Files.deleteIfExists(fifo);
            Files.deleteIfExists(fifo.getParent());
        }
    }

    @Test
    void onAKernelWithoutCancelAnyClosingCancelsEachReadByItsUserData() throws Exception {
        Path fifo = Files.createTempDirectory(Path.of("/var/tmp"), "weft-fifo").resolve("never-written");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start().waitFor());
        List<CompletableFuture<Integer>> reads = new CopyOnWriteArrayList<>();
        try (Arena arena = Arena.ofShared()) {
            UringFile f = UringFile.open(fifo, UringFile.Mode.READ_WRITE);
            try (ConcurrencyGroup group = UringServerPoller.groupBuilder().servers(1).build()) {
                Thread worker = group.threadBuilder().start(() -> {
                    UringServerPoller.current().forgetCancelAny(); // as before 5.19: no IORING_ASYNC_CANCEL_ANY
                    try {
                        for (int i = 0; i < 3; i++) {
                            reads.add(f.readAsync(0, arena.allocate(4096))); // nobody writes: they stay in flight
                        }
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
                assertTrue(worker.join(Duration.ofSeconds(10)), "the worker ended without waiting for its reads");
                assertEquals(3, reads.size());
            }
            for (CompletableFuture<Integer> read : reads) {
                ExecutionException e = assertThrows(ExecutionException.class, () -> read.get(10, TimeUnit.SECONDS));
                assertTrue(e.getCause().getMessage().contains("ECANCELED"), "the kernel cancelled it: " + e.getCause());
            }
            f.close();
        } finally {
            Files.deleteIfExists(fifo);
            Files.deleteIfExists(fifo.getParent());
        }
    }
}
