package dev.weft.uring;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * More completions than the CQ holds: with IORING_FEAT_NODROP the kernel keeps the excess on its overflow list, and
 * forEachCompletion flushes it (IORING_SQ_CQ_OVERFLOW → io_uring_enter(GETEVENTS)); every CQE arrives, once, in
 * order.
 */
class CqOverflowTest {

    @BeforeAll
    static void kernel() {
        RingTestSupport.requireIoUring();
    }

    @Test
    void fourTimesTheCqOfNopsBeforeReapingLosesNone() {
        try (IoUring ring = IoUring.open(8)) {
            int total = 4 * ring.cqEntries();
            long next = 0;
            while (next < total) {
                int batch = (int) Math.min(ring.sqEntries() - 1, total - next);
                for (int i = 0; i < batch; i++) {
                    ring.sqe().nop(next++);
                }
                assertEquals(batch, ring.submit());
            }
            assertEquals(ring.cqEntries(), ring.completionsReady(), "the CQ is full; the rest overflowed");

            List<Long> seen = new ArrayList<>();
            int reaped = ring.forEachCompletion((userData, res, flags) -> {
                assertEquals(0, res);
                seen.add(userData);
            });
            assertEquals(total, reaped);
            assertEquals(total, seen.size());
            for (int i = 0; i < total; i++) {
                assertEquals(i, seen.get(i), "CQE " + i + " out of order or missing");
            }
            assertEquals(0, ring.droppedCompletions());
            assertEquals(0, ring.forEachCompletion((u, r, f) -> { }));
        }
    }

    @Test
    void reapingInSmallStepsAlsoLosesNone() {
        try (IoUring ring = IoUring.open(4)) {
            int total = 4 * ring.cqEntries();
            for (long next = 0; next < total; ) {
                int batch = (int) Math.min(ring.sqEntries() - 1, total - next);
                for (int i = 0; i < batch; i++) {
                    ring.sqe().nop(next++);
                }
                ring.submit();
            }
            List<Long> seen = new ArrayList<>();
            while (seen.size() < total) {
                int n = ring.forEachCompletion((u, r, f) -> seen.add(u), 3);
                assertTrue(n > 0, () -> "stuck after " + seen.size() + " of " + total);
            }
            for (int i = 0; i < total; i++) {
                assertEquals(i, seen.get(i));
            }
        }
    }
}
