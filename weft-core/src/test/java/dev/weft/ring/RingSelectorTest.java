package dev.weft.ring;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/** A selector over several rings: readiness, fairness, waiting and waking. No timings in the assertions. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RingSelectorTest {

    private static List<CompletionRing<Long>> rings(int n, int capacity) {
        List<CompletionRing<Long>> rings = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rings.add(new CompletionRing<>(capacity));
        }
        return rings;
    }

    @Test
    void selectReturnsAReadyRingRotatingFairly() throws Exception {
        List<CompletionRing<Long>> rings = rings(3, 8);
        RingSelector<Long> selector = new RingSelector<>(rings);
        assertEquals(3, selector.ringCount());
        assertSame(rings.get(1), selector.ring(1));
        assertEquals(-1, selector.select(0, TimeUnit.SECONDS));

        rings.get(1).offer(10L);
        assertEquals(1, selector.select());
        assertEquals(1, selector.select(), "still the only ready ring");
        for (CompletionRing<Long> r : rings) {
            r.offer(20L);
        }
        // all three ready: the scan starts after the last one selected
        assertEquals(2, selector.select());
        assertEquals(0, selector.select());
        assertEquals(1, selector.select());
        assertEquals(2, selector.select());
    }

    @Test
    void pollTakesOnePerRingPerTurn() {
        List<CompletionRing<Long>> rings = rings(3, 8);
        for (int i = 0; i < 3; i++) {
            for (long k = 0; k < 3; k++) {
                rings.get(i).offer(i * 10 + k);
            }
        }
        rings.get(0).offer(3L);
        RingSelector<Long> selector = new RingSelector<>(rings);
        List<Long> out = new ArrayList<>();
        Long e;
        while ((e = selector.poll()) != null) {
            out.add(e);
        }
        assertEquals(List.of(0L, 10L, 20L, 1L, 11L, 21L, 2L, 12L, 22L, 3L), out);
    }

    @Test
    void selectTimesOut() throws Exception {
        List<CompletionRing<Long>> rings = rings(3, 4);
        RingSelector<Long> selector = new RingSelector<>(rings);
        assertEquals(-1, selector.select(20, TimeUnit.MILLISECONDS));
        assertNull(selector.take(20, TimeUnit.MILLISECONDS));
        for (CompletionRing<Long> r : rings) {
            assertFalse(r.hasWaiter(), "a timed-out select withdraws from every ring");
        }
        rings.get(2).offer(7L);
        assertEquals(7L, selector.take(1, TimeUnit.DAYS));
    }

    @Test
    void selectParksAndAnOfferOnAnyRingWakesIt() throws Exception {
        for (int target = 0; target < 3; target++) {
            List<CompletionRing<Long>> rings = rings(3, 4);
            RingSelector<Long> selector = new RingSelector<>(rings);
            AtomicReference<Object> got = new AtomicReference<>();
            Thread consumer = Thread.ofVirtual().start(() -> {
                try {
                    got.set(selector.select());
                } catch (Throwable t) {
                    got.set(t);
                }
            });
            while (!rings.stream().allMatch(CompletionRing::hasWaiter) || !CompletionRingTest.isParked(consumer)) {
                assertTrue(consumer.isAlive(), "select returned instead of waiting: " + got.get());
                Thread.yield();
            }
            rings.get(target).offer(1L);
            consumer.join();
            assertEquals(target, got.get());
            for (CompletionRing<Long> r : rings) {
                assertFalse(r.hasWaiter(), "select withdraws from every ring before it returns");
            }
        }
    }

    @Test
    void interruptDuringSelectThrows() throws Exception {
        List<CompletionRing<Long>> rings = rings(2, 4);
        RingSelector<Long> selector = new RingSelector<>(rings);
        AtomicReference<Object> got = new AtomicReference<>();
        Thread consumer = Thread.ofPlatform().start(() -> {
            try {
                got.set(selector.take());
            } catch (Throwable t) {
                got.set(t);
            }
        });
        while (!rings.get(1).hasWaiter() || !CompletionRingTest.isParked(consumer)) {
            Thread.yield();
        }
        consumer.interrupt();
        consumer.join();
        assertInstanceOf(InterruptedException.class, got.get());
        assertFalse(rings.get(0).hasWaiter());
        assertFalse(rings.get(1).hasWaiter());
    }

    @Test
    void threeProducersOnThreeRingsOneSelectingConsumer() throws Exception {
        final int perRing = 300_000;
        List<CompletionRing<Long>> rings = rings(3, 64);
        RingSelector<Long> selector = new RingSelector<>(rings);
        List<Thread> producers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            CompletionRing<Long> ring = rings.get(i);
            long id = i;
            producers.add(Thread.ofPlatform().start(() -> {
                for (long s = 0; s < perRing; s++) {
                    ring.offer(id << 32 | s);
                    if ((s & 1023) == 0) {
                        Thread.yield(); // let the consumer empty the rings now and then, so that it parks too
                    }
                }
            }));
        }
        long[] next = new long[3];
        for (int received = 0; received < 3 * perRing; received++) {
            Long e = received % 2 == 0 ? selector.take() : pollSelected(selector);
            int ring = (int) (e >>> 32);
            long s = e & 0xffff_ffffL;
            assertEquals(next[ring], s, "ring " + ring);
            next[ring]++;
        }
        for (Thread t : producers) {
            t.join();
        }
        assertArrayEquals(new long[] {perRing, perRing, perRing}, next);
        assertNull(selector.poll());
        assertEquals(-1, selector.select(0, TimeUnit.SECONDS));
    }

    @Test
    void twoProducersPerRingOverflowingTinyRingsLoseNothingThroughTheSelector() throws Exception {
        final int perProducer = 100_000;
        List<CompletionRing<Long>> rings = rings(3, 2);
        RingSelector<Long> selector = new RingSelector<>(rings);
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        List<Thread> producers = new ArrayList<>();
        for (int p = 0; p < 6; p++) {
            CompletionRing<Long> ring = rings.get(p % 3);
            long id = p;
            producers.add(Thread.ofPlatform().start(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                for (long s = 0; s < perProducer; s++) {
                    ring.offer(id << 32 | s);
                }
            }));
        }
        go.countDown();
        Thread.sleep(20); // let the producers fill the rings past their two slots before the consumer starts
        long[] next = new long[6];
        for (int received = 0; received < 6 * perProducer; received++) {
            Long e = received % 2 == 0 ? selector.take() : pollSelected(selector);
            int producer = (int) (e >>> 32);
            assertEquals(next[producer], e & 0xffff_ffffL, "producer " + producer + " in its order");
            next[producer]++;
        }
        for (Thread t : producers) {
            t.join();
        }
        long[] all = new long[6];
        Arrays.fill(all, perProducer);
        assertArrayEquals(all, next);
        assertNull(selector.poll());
        long overflowed = rings.stream().mapToLong(CompletionRing::overflowCount).sum();
        assertTrue(overflowed > 0, "the rings overflowed while selected (" + overflowed + ")");
    }

    /** select(), then poll the ring it named. */
    private static Long pollSelected(RingSelector<Long> selector) throws InterruptedException {
        int i = selector.select();
        Long e = selector.ring(i).poll();
        assertNotNull(e, "select() named ring " + i + " but it was empty");
        return e;
    }

    @Test
    void rejectsBadRingLists() {
        CompletionRing<Long> a = new CompletionRing<>(2);
        assertThrows(IllegalArgumentException.class, () -> new RingSelector<Long>(List.of()));
        assertThrows(NullPointerException.class, () -> new RingSelector<Long>(null));
        NullPointerException npe = assertThrows(NullPointerException.class,
                () -> new RingSelector<Long>(Arrays.asList(a, null)));
        assertTrue(npe.getMessage().contains("rings[1]"), npe.getMessage());
        IllegalArgumentException dup = assertThrows(IllegalArgumentException.class,
                () -> new RingSelector<>(List.of(a, new CompletionRing<Long>(2), a)));
        assertTrue(dup.getMessage().contains("rings[0] and rings[2]"), dup.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> new RingSelector<>(List.of(a)).ring(1));
    }

    @Test
    void aRingWaitedOnByAnotherConsumerIsRefused() throws Exception {
        CompletionRing<Long> shared = new CompletionRing<>(2);
        Thread other = Thread.ofPlatform().unstarted(() -> { });
        assertTrue(shared.prepareToWait(other));
        RingSelector<Long> selector = new RingSelector<>(List.of(new CompletionRing<Long>(2), shared));
        assertThrows(IllegalStateException.class, () -> selector.select(1, TimeUnit.MILLISECONDS));
        shared.finishWait(other);
        assertEquals(-1, selector.select(1, TimeUnit.MILLISECONDS));
    }
}
