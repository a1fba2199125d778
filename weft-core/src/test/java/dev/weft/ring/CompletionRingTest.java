package dev.weft.ring;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The ring's contract, single-threaded and with concurrent producers. Waits are on states the ring exposes (a
 * published waiter, a thread's state), never on time; the class timeout only turns a lost wake-up into a failure
 * instead of a hang.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CompletionRingTest {

    @Test
    void fifoOnOneThread() {
        CompletionRing<Integer> ring = new CompletionRing<>(8);
        assertTrue(ring.isEmpty());
        assertNull(ring.poll());
        for (int i = 0; i < 8; i++) {
            ring.offer(i);
        }
        assertEquals(8, ring.size());
        assertFalse(ring.isEmpty());
        for (int i = 0; i < 8; i++) {
            assertEquals(i, ring.poll());
        }
        assertNull(ring.poll());
        assertTrue(ring.isEmpty());
        assertEquals(0, ring.overflowCount());
    }

    @Test
    void wrapsAround() {
        CompletionRing<Integer> ring = new CompletionRing<>(2);
        for (int i = 0; i < 1000; i++) {
            ring.offer(i);
            if (i % 2 == 1) {
                assertEquals(i - 1, ring.poll());
                assertEquals(i, ring.poll());
                assertNull(ring.poll());
            }
        }
        assertTrue(ring.isEmpty());
        assertEquals(0, ring.overflowCount(), "never more than 2 in a ring of 2: no overflow");
    }

    @Test
    void capacityIsRoundedUpToAPowerOfTwoAtLeastTwo() {
        assertEquals(2, new CompletionRing<>(1).capacity());
        assertEquals(2, new CompletionRing<>(2).capacity());
        assertEquals(4, new CompletionRing<>(3).capacity());
        assertEquals(4, new CompletionRing<>(4).capacity());
        assertEquals(1024, new CompletionRing<>(1000).capacity());
        assertEquals(1024, new CompletionRing<>(1024).capacity());
        assertEquals(2048, new CompletionRing<>(1025).capacity());
        assertEquals(1 << 30, CompletionRing.MAX_CAPACITY);
    }

    @Test
    void rejectsBadCapacityNamingIt() {
        for (int bad : new int[] {0, -1, Integer.MIN_VALUE, CompletionRing.MAX_CAPACITY + 1, Integer.MAX_VALUE}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new CompletionRing<>(bad));
            assertTrue(e.getMessage().contains("got " + bad), e.getMessage());
            assertTrue(e.getMessage().contains("between 1 and"), e.getMessage());
        }
    }

    @Test
    void rejectsNullsAndBadArgumentsWithoutChangingTheRing() {
        CompletionRing<String> ring = new CompletionRing<>(4);
        ring.offer("a");
        NullPointerException e = assertThrows(NullPointerException.class, () -> ring.offer(null));
        assertTrue(e.getMessage().contains("offer(null)"), e.getMessage());
        assertThrows(NullPointerException.class, () -> ring.tryOffer(null));
        assertThrows(NullPointerException.class, () -> ring.drain(null, 1));
        IllegalArgumentException max = assertThrows(IllegalArgumentException.class, () -> ring.drain(x -> { }, -1));
        assertTrue(max.getMessage().contains("-1"), max.getMessage());
        assertThrows(NullPointerException.class, () -> ring.take(1, null));
        assertThrows(NullPointerException.class, () -> ring.prepareToWait(null));
        assertEquals(1, ring.size());
        assertEquals("a", ring.poll());
    }

    @Test
    void fullRingOverflowsLosingNothingInOrder() {
        CompletionRing<Integer> ring = new CompletionRing<>(4);
        for (int i = 0; i < 10; i++) {
            ring.offer(i);
        }
        assertEquals(6, ring.overflowCount(), "4 in the array, 6 on the overflow list");
        assertEquals(10, ring.size());
        assertFalse(ring.tryOffer(99), "tryOffer does not pass elements waiting on the overflow list");

        // drain part of the array: the list is still non-empty, so new offers keep going to it, behind the others
        assertEquals(0, ring.poll());
        assertEquals(1, ring.poll());
        ring.offer(10);
        assertEquals(7, ring.overflowCount());
        List<Integer> out = new ArrayList<>();
        assertEquals(9, ring.drain(out::add, 100));
        assertEquals(List.of(2, 3, 4, 5, 6, 7, 8, 9, 10), out);
        assertTrue(ring.isEmpty());
        assertEquals(0, ring.size());

        // the list is empty again: back to the array
        ring.offer(11);
        assertTrue(ring.tryOffer(12));
        assertEquals(7, ring.overflowCount());
        assertEquals(11, ring.poll());
        assertEquals(12, ring.poll());
        assertNull(ring.poll());
    }

    @Test
    void overflowListEmptiesAndRefillsRepeatedly() {
        CompletionRing<Integer> ring = new CompletionRing<>(2);
        int next = 0;
        int expected = 0;
        for (int round = 0; round < 100; round++) {
            for (int i = 0; i < 1 + round % 7; i++) {
                ring.offer(next++);
            }
            for (int i = 0; i < 1 + round % 5; i++) {
                Integer e = ring.poll();
                if (e == null) {
                    break;
                }
                assertEquals(expected++, e);
            }
        }
        Integer e;
        while ((e = ring.poll()) != null) {
            assertEquals(expected++, e);
        }
        assertEquals(next, expected);
        assertTrue(ring.overflowCount() > 0);
    }

    @Test
    void drainHonoursMax() {
        CompletionRing<Integer> ring = new CompletionRing<>(16);
        for (int i = 0; i < 10; i++) {
            ring.offer(i);
        }
        List<Integer> out = new ArrayList<>();
        assertEquals(0, ring.drain(out::add, 0));
        assertEquals(4, ring.drain(out::add, 4));
        assertEquals(List.of(0, 1, 2, 3), out);
        assertEquals(6, ring.size());
        assertEquals(6, ring.drain(out::add, 100));
        assertEquals(10, out.size());
        assertEquals(0, ring.drain(out::add, 100));
    }

    @Test
    void fourProducersAMillionEachOneConsumer() throws Exception {
        manyProducers(new CompletionRing<>(1024), 4, 1_000_000, false);
    }

    @Test
    void fourProducersThroughATinyRingOverflowAndTakingConsumer() throws Exception {
        CompletionRing<Long> ring = new CompletionRing<>(2);
        manyProducers(ring, 4, 200_000, true);
        assertTrue(ring.overflowCount() > 0, "a ring of 2 with 4 producers overflows");
    }

    /**
     * {@code producers} threads offer {@code perProducer} elements each (producer id in the high half, sequence in
     * the low half); one consumer checks that each producer's sequence arrives complete and in order.
     */
    private static void manyProducers(CompletionRing<Long> ring, int producers, int perProducer, boolean take)
            throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            long id = p;
            threads.add(Thread.ofPlatform().name("producer-" + p).start(() -> {
                awaitQuietly(go);
                for (long s = 0; s < perProducer; s++) {
                    ring.offer(id << 32 | s);
                }
            }));
        }
        long[] next = new long[producers];
        long total = (long) producers * perProducer;
        go.countDown();
        for (long received = 0; received < total; received++) {
            Long e;
            if (take) {
                e = ring.take();
            } else {
                while ((e = ring.poll()) == null) {
                    Thread.onSpinWait();
                }
            }
            int p = (int) (e >>> 32);
            long s = e & 0xffff_ffffL;
            if (s != next[p]) {
                fail("producer " + p + ": expected element " + next[p] + ", got " + s + " (after " + received
                        + " elements in all)");
            }
            next[p]++;
        }
        for (Thread t : threads) {
            t.join();
        }
        assertNull(ring.poll(), "nothing left over");
        assertTrue(ring.isEmpty());
        for (int p = 0; p < producers; p++) {
            assertEquals(perProducer, next[p], "producer " + p);
        }
    }

    @Test
    void takeParksAndIsWokenOnAPlatformThread() throws Exception {
        takeParksAndIsWoken(false);
    }

    @Test
    void takeParksAndIsWokenOnAVirtualThread() throws Exception {
        takeParksAndIsWoken(true);
    }

    private static void takeParksAndIsWoken(boolean virtual) throws Exception {
        CompletionRing<String> ring = new CompletionRing<>(4);
        AtomicReference<Object> got = new AtomicReference<>();
        Runnable consume = () -> {
            try {
                got.set(ring.take());
            } catch (Throwable t) {
                got.set(t);
            }
        };
        Thread consumer = virtual ? Thread.ofVirtual().start(consume) : Thread.ofPlatform().start(consume);
        awaitParked(ring, consumer);
        assertNull(got.get(), "take() returned from an empty ring");
        ring.offer("done");
        consumer.join();
        assertEquals("done", got.get());
        assertFalse(ring.hasWaiter(), "the producer took the waiter");
        assertTrue(ring.isEmpty());
    }

    @Test
    void takeWithTimeoutReturnsNullWhenNothingComes() throws Exception {
        CompletionRing<String> ring = new CompletionRing<>(4);
        assertNull(ring.take(20, TimeUnit.MILLISECONDS));
        assertNull(ring.take(0, TimeUnit.MILLISECONDS));
        assertNull(ring.take(-5, TimeUnit.SECONDS));
        assertFalse(ring.hasWaiter(), "a timed-out take withdraws its waiter");
        ring.offer("x");
        assertEquals("x", ring.take(0, TimeUnit.NANOSECONDS));
        ring.offer("y");
        assertEquals("y", ring.take(1, TimeUnit.DAYS));
    }

    @Test
    void timedTakeIsWokenByAnOffer() throws Exception {
        CompletionRing<String> ring = new CompletionRing<>(4);
        AtomicReference<Object> got = new AtomicReference<>();
        Thread consumer = Thread.ofPlatform().start(() -> {
            try {
                got.set(ring.take(1, TimeUnit.HOURS));
            } catch (Throwable t) {
                got.set(t);
            }
        });
        awaitParked(ring, consumer);
        ring.offer("late");
        consumer.join();
        assertEquals("late", got.get());
    }

    @Test
    void interruptDuringTakeThrowsInterruptedException() throws Exception {
        for (boolean virtual : new boolean[] {false, true}) {
            CompletionRing<String> ring = new CompletionRing<>(4);
            AtomicReference<Object> got = new AtomicReference<>();
            AtomicReference<Boolean> stillInterrupted = new AtomicReference<>();
            Runnable consume = () -> {
                try {
                    got.set(ring.take());
                } catch (Throwable t) {
                    got.set(t);
                }
                stillInterrupted.set(Thread.currentThread().isInterrupted());
            };
            Thread consumer = virtual ? Thread.ofVirtual().start(consume) : Thread.ofPlatform().start(consume);
            awaitParked(ring, consumer);
            consumer.interrupt();
            consumer.join();
            assertInstanceOf(InterruptedException.class, got.get(), virtual ? "virtual" : "platform");
            assertFalse(stillInterrupted.get(), "the interrupt status is cleared, as by any InterruptedException");
            assertFalse(ring.hasWaiter(), "an interrupted take withdraws its waiter");
            ring.offer("after");
            assertEquals("after", ring.poll());
        }
    }

    @Test
    void takeReturnsAnElementAlreadyThere() throws Exception {
        CompletionRing<String> ring = new CompletionRing<>(2);
        ring.offer("a");
        ring.offer("b");
        ring.offer("c"); // overflow
        assertEquals("a", ring.take());
        assertEquals("b", ring.take());
        assertEquals("c", ring.take());
        assertFalse(ring.hasWaiter());
    }

    @Test
    void prepareToWaitReportsEmptinessAndRefusesASecondWaiter() {
        CompletionRing<String> ring = new CompletionRing<>(2);
        // unstarted threads as waiters: an unpark of one has no effect
        Thread me = Thread.ofPlatform().unstarted(() -> { });
        Thread other = Thread.ofPlatform().unstarted(() -> { });
        assertTrue(ring.prepareToWait(me), "empty: the caller may park");
        assertTrue(ring.hasWaiter());
        assertTrue(ring.prepareToWait(me), "again by the same thread: fine");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ring.prepareToWait(other));
        assertTrue(e.getMessage().contains("one consumer"), e.getMessage());
        ring.offer("x"); // takes the waiter and unparks it
        assertFalse(ring.hasWaiter());
        assertFalse(ring.prepareToWait(other), "non-empty: do not park");
        ring.finishWait(me); // not the waiter: no effect
        assertTrue(ring.hasWaiter());
        ring.finishWait(other);
        assertFalse(ring.hasWaiter());
        assertEquals("x", ring.poll());
    }

    /** Waits until {@code consumer} has published itself as the ring's waiter and is parked. */
    static void awaitParked(CompletionRing<?> ring, Thread consumer) {
        while (!ring.hasWaiter() || !isParked(consumer)) {
            assertTrue(consumer.isAlive(), "the consumer returned instead of waiting");
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    static boolean isParked(Thread t) {
        Thread.State s = t.getState();
        return s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING;
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
