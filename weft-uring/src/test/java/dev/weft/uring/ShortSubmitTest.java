package dev.weft.uring;

import dev.weft.sched.ConcurrencyGroup;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A server whose submit is short (the kernel short of memory answers EAGAIN and consumes nothing) keeps the
 * operations that then find the SQ full and prepares them at a later step, instead of failing them with "the
 * submission queue is full". The short submits are forced through {@link IoUring#simulateShortSubmits}, as the
 * kernel's EAGAIN cannot be caused at will.
 */
class ShortSubmitTest {

    @BeforeAll
    static void kernel() {
        RingTestSupport.requireIoUring();
    }

    @Test
    @Timeout(60)
    void operationsThatFindTheQueueFullAfterAShortSubmitWaitForRoomAndComplete() throws Exception {
        List<UringServerPoller> pollers = new CopyOnWriteArrayList<>();
        try (ConcurrencyGroup group = ConcurrencyGroup.builder().servers(1).serverPoller(s -> {
            UringServerPoller p = new UringServerPoller(s, UringOptions.DEFAULTS.withRingEntries(8));
            pollers.add(p);
            return p;
        }).build()) {
            UringServerPoller poller = pollers.getFirst();
            // the first operation, on the server thread, makes the next three submits consume nothing; the other
            // 40 are handed over with it, so that one step finds them all and fills the SQ of 8 entries
            UringOperation.Parking first = new UringOperation.Parking((p, sqe, ud) -> {
                p.ring().simulateShortSubmits(3);
                sqe.nop(ud);
            });
            List<UringOperation.Parking> rest = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                rest.add(new UringOperation.Parking((p, sqe, ud) -> sqe.nop(ud)));
            }
            poller.handOff(first);
            rest.forEach(poller::handOff);
            poller.wakeup();
            assertEquals(0, first.await());
            for (UringOperation.Parking op : rest) {
                assertEquals(0, op.await(), "each NOP completes with 0 instead of failing with a full SQ");
            }
            assertEquals(41, poller.counters()[0], "every operation was submitted once");
        }
    }
}
