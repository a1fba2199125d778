package dev.weft.uring;

import dev.weft.uring.kernel.LinuxCalls;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * What the kernel tests share: the availability gate, and reaping with a deadline.
 *
 * <p>The tests need io_uring; where it is missing they are aborted with the exact cause, and with
 * {@code WEFT_REQUIRE_KERNEL=1} (CI) they fail with it instead.
 */
final class RingTestSupport {
    private RingTestSupport() {}

    /** One CQE as the tests see it. */
    record Cqe(long userData, int res, int flags) {}

    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "ring-test-watchdog");
        t.setDaemon(true);
        return t;
    });

    static void requireIoUring() {
        IoUringAvailability.unavailabilityCause().ifPresent(cause -> {
            if ("1".equals(System.getenv("WEFT_REQUIRE_KERNEL"))) {
                fail("WEFT_REQUIRE_KERNEL=1 but " + cause);
            }
            org.junit.jupiter.api.Assumptions.abort(cause);
        });
    }

    /** Every CQE ready now. */
    static List<Cqe> reap(IoUring ring) {
        List<Cqe> out = new ArrayList<>();
        ring.forEachCompletion((u, r, f) -> out.add(new Cqe(u, r, f)));
        return out;
    }

    /**
     * Submits what is prepared and reaps until {@code n} CQEs have come, failing after 10 s. A watchdog wakes the ring
     * every 200 ms, so a lost completion fails the test instead of hanging it.
     */
    static List<Cqe> submitAndAwait(IoUring ring, int n) {
        List<Cqe> out = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        ScheduledFuture<?> nudge = WATCHDOG.scheduleAtFixedRate(ring::wakeup, 200, 200, TimeUnit.MILLISECONDS);
        try {
            while (true) {
                ring.forEachCompletion((u, r, f) -> out.add(new Cqe(u, r, f)));
                if (out.size() >= n) {
                    return out;
                }
                if (System.nanoTime() > deadline) {
                    fail("only " + out.size() + " of " + n + " completions came within 10 s: " + out);
                }
                ring.submitAndWait(1);
            }
        } finally {
            nudge.cancel(false);
        }
    }

    /** The single CQE of what is prepared. */
    static Cqe submitAndAwaitOne(IoUring ring) {
        List<Cqe> cqes = submitAndAwait(ring, 1);
        assertTrue(cqes.size() == 1, () -> "expected one CQE, got " + cqes);
        return cqes.get(0);
    }

    /** Opens {@code path} through the ring (IORING_OP_OPENAT) and returns the fd. */
    static int open(IoUring ring, Arena arena, Path path, int flags, int mode) {
        ring.sqe().openat(0x09E4L, LinuxCalls.AT_FDCWD, arena.allocateFrom(path.toString()), flags, mode);
        Cqe cqe = submitAndAwaitOne(ring);
        assertTrue(cqe.res() >= 0, () -> "openat(" + path + ") failed: " + cqe.res());
        return cqe.res();
    }

    static void close(int fd) {
        LinuxCalls.close(fd);
    }

    /** {@code n} bytes of a recognisable pattern, seeded so that two buffers differ. */
    static byte[] pattern(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + seed);
        }
        return b;
    }

    static MemorySegment nativeCopy(Arena arena, byte[] bytes) {
        MemorySegment s = arena.allocate(bytes.length, 4096);
        s.copyFrom(MemorySegment.ofArray(bytes));
        return s;
    }
}
