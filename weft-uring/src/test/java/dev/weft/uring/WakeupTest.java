package dev.weft.uring;

import dev.weft.uring.kernel.LinuxCalls;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * wakeup() from another thread ends the owner's wait in io_uring_enter. The owner runs on a daemon platform thread
 * and the test waits for it with a timeout, so a lost wake-up fails the test instead of hanging the build.
 */
class WakeupTest {

    @BeforeAll
    static void kernel() {
        RingTestSupport.requireIoUring();
    }

    /** Runs {@code body} as the owner of a fresh ring on a daemon thread; fails if it takes more than 10 s. */
    private static void asOwner(Consumer<IoUring> body) throws Exception {
        asOwner(IoUring.SETUP_ATTEMPTS, body);
    }

    private static void asOwner(List<IoUring.SetupAttempt> attempts, Consumer<IoUring> body)
            throws Exception {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread owner = new Thread(() -> {
            try (IoUring ring = IoUring.open(8, attempts)) {
                body.accept(ring);
                done.complete(null);
            } catch (Throwable t) {
                done.completeExceptionally(t);
            }
        }, "ring-owner");
        owner.setDaemon(true);
        owner.start();
        try {
            done.get(10, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            fail("the owner is still waiting after 10 s: the wake-up was lost");
        }
    }

    @Test
    void wakeupFromAnotherThreadEndsABlockingWait() throws Exception {
        asOwner(ring -> {
            Thread.ofPlatform().start(() -> {
                sleep(100);
                ring.wakeup();
            });
            long start = System.nanoTime();
            ring.submitAndWait(1); // nothing in flight: only the wake-up can end this
            assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(50), "waited for the wake-up");
            assertEquals(0, ring.forEachCompletion((u, r, f) -> fail("unexpected CQE " + u)),
                    "the wake-up's own CQE is not shown to the consumer");
        });
    }

    static List<IoUring.SetupAttempt> attempts() {
        return IoUring.SETUP_ATTEMPTS;
    }

    @ParameterizedTest
    @MethodSource("attempts")
    void wakeupWorksWithEverySetup(IoUring.SetupAttempt attempt) throws Exception {
        asOwner(List.of(attempt), ring -> {
            for (int i = 0; i < 3; i++) {
                Thread.ofVirtual().start(() -> {
                    sleep(20);
                    ring.wakeup();
                });
                ring.submitAndWait(1);
                ring.forEachCompletion((u, r, f) -> fail("unexpected CQE " + u));
            }
        });
    }

    @Test
    void wakeupEndsAWaitForSeveralCompletions() throws Exception {
        asOwner(ring -> {
            ring.sqe().nop(1);
            Thread.ofVirtual().start(() -> {
                sleep(100);
                ring.wakeup();
            });
            ring.submitAndWait(4); // one nop completes; the wake-up ends the wait for the other three
            AtomicInteger seen = new AtomicInteger();
            ring.forEachCompletion((u, r, f) -> seen.incrementAndGet());
            assertEquals(1, seen.get());
        });
    }

    @Test
    void aWakeupBeforeTheWaitEndsTheNextWaitAtOnce() throws Exception {
        asOwner(ring -> {
            ring.wakeup();
            ring.wakeup(); // coalesced
            ring.submitAndWait(1);
            ring.forEachCompletion((u, r, f) -> { });
        });
    }

    @Test
    void noWakeupIsLostInAPingPong() throws Exception {
        int rounds = 500;
        CountDownLatch ready = new CountDownLatch(1);
        AtomicInteger round = new AtomicInteger(-1);
        asOwner(ring -> {
            Thread waker = Thread.ofPlatform().daemon().start(() -> {
                for (int i = 0; i < rounds; i++) {
                    while (round.get() < i) {
                        Thread.onSpinWait();
                    }
                    ring.wakeup();
                }
            });
            for (int i = 0; i < rounds; i++) {
                round.set(i);
                ring.submitAndWait(1);
                ring.forEachCompletion((u, r, f) -> fail("unexpected CQE " + u));
            }
            ready.countDown();
            join(waker);
        });
        assertEquals(0, ready.getCount());
    }

    @Test
    void aDanglingLinkDoesNotSwallowTheReArmedWakeupRead() throws Exception {
        int blocker = LinuxCalls.eventfd(0, LinuxCalls.EFD_CLOEXEC); // reading it waits until someone writes
        assertTrue(blocker >= 0);
        try {
            asOwner(ring -> {
                ring.wakeup();
                ring.submitAndWait(1);
                ring.forEachCompletion((u, r, f) -> { }); // reaps the wake-up CQE: the read must be re-armed
                MemorySegment buf = Arena.ofAuto().allocate(8);
                ring.sqe().read(1, blocker, buf, 0).link(); // never completes, and links to whatever comes next
                Thread.ofVirtual().start(() -> {
                    sleep(100);
                    ring.wakeup(); // lost if the re-armed wake-up read were queued behind the blocked read
                });
                ring.submitAndWait(1);
                assertEquals(0, ring.forEachCompletion((u, r, f) -> fail("unexpected CQE " + u)));

                LinuxCalls.write(blocker, Arena.ofAuto().allocateFrom(JAVA_LONG, 1L), 8); // ends the blocked read
                assertEquals(List.of(new RingTestSupport.Cqe(1, 8, 0)), RingTestSupport.submitAndAwait(ring, 1));
            });
        } finally {
            LinuxCalls.close(blocker);
        }
    }

    @Test
    void wakeupAfterCloseDoesNothing() {
        IoUring ring = IoUring.open(4);
        ring.close();
        ring.wakeup();
        ring.wakeup();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void join(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
