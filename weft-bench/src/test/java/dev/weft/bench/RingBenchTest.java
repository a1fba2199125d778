package dev.weft.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each variant of the ring benchmark transfers, and counts, what it should (one thread, no timing). */
class RingBenchTest {

    @Test
    void everyVariantTransfersFifoAndBoundedOnesRefuseWhenFull() {
        for (String queue : RingBench.QUEUES) {
            RingBench.Transfer t = RingBench.Transfer.of(queue, 4);
            assertNull(t.poll(), queue);
            for (int i = 0; i < 4; i++) {
                assertTrue(t.offer(RingBench.ELEMENT), queue);
            }
            boolean unbounded = queue.equals(RingBench.CONCURRENT_LINKED_QUEUE);
            assertEquals(unbounded, t.offer(RingBench.ELEMENT), queue + ": a full bounded queue refuses");
            for (int i = 0; i < (unbounded ? 5 : 4); i++) {
                assertSame(RingBench.ELEMENT, t.poll(), queue);
            }
            assertNull(t.poll(), queue);
        }
        assertThrows(IllegalArgumentException.class, () -> RingBench.Transfer.of("nope", 4));
    }

    @Test
    void countersCountTransfersApartFromRefusalsAndEmptyPolls() {
        RingBench bench = new RingBench();
        bench.queue = RingBench.WEFT_RING;
        bench.create();
        RingBench.Offers offers = new RingBench.Offers();
        RingBench.Polls polls = new RingBench.Polls();
        for (int i = 0; i < RingBench.CAPACITY + 3; i++) {
            bench.offer(offers);
        }
        assertEquals(3, offers.rejected, "offers to the full ring are refused, not overflowed");
        for (int i = 0; i < RingBench.CAPACITY + 2; i++) {
            bench.poll(polls);
        }
        assertEquals(RingBench.CAPACITY, polls.transfers);
        assertEquals(2, polls.empty);
        polls.reset();
        offers.reset();
        assertEquals(0, polls.transfers + polls.empty + offers.rejected);
        bench.emptyUnbounded(); // a no-op for a bounded queue
        assertFalse(bench.transfer instanceof RingBench.QueueTransfer);
    }
}
