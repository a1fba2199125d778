package dev.weft.sched.queue;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class LocalRunQueueTest {

    @Test
    void fifoUntilFull() {
        LocalRunQueue<Integer> q = new LocalRunQueue<>(4);
        for (int i = 0; i < 4; i++) {
            assertTrue(q.offer(i));
        }
        assertFalse(q.offer(4), "bounded: the fifth offer fails so the caller spills");
        for (int i = 0; i < 4; i++) {
            assertEquals(i, q.poll());
        }
        assertNull(q.poll());
    }

    @Test
    void wrapsAround() {
        LocalRunQueue<Integer> q = new LocalRunQueue<>(2);
        for (int i = 0; i < 100; i++) {
            assertTrue(q.offer(i));
            assertEquals(i, q.poll());
        }
        assertTrue(q.isEmpty());
    }

    @Test
    void stealTakesHalfRoundedUpOldestFirst() {
        LocalRunQueue<Integer> victim = new LocalRunQueue<>(16);
        LocalRunQueue<Integer> thief = new LocalRunQueue<>(16);
        for (int i = 0; i < 5; i++) {
            victim.offer(i);
        }
        assertEquals(3, victim.stealHalfInto(thief));
        assertEquals(List.of(0, 1, 2), drain(thief));
        assertEquals(List.of(3, 4), drain(victim));
        assertEquals(0, victim.stealHalfInto(thief), "nothing to steal from an empty queue");
    }

    @Test
    void drainHalfSpillsOldestHalf() {
        LocalRunQueue<Integer> q = new LocalRunQueue<>(8);
        for (int i = 0; i < 8; i++) {
            q.offer(i);
        }
        List<Integer> spilled = new ArrayList<>();
        assertEquals(4, q.drainHalfTo(spilled::add));
        assertEquals(List.of(0, 1, 2, 3), spilled);
        assertEquals(List.of(4, 5, 6, 7), drain(q));
    }

    @Test
    void rejectsCapacityThatIsNotAPowerOfTwo() {
        var e = assertThrows(IllegalArgumentException.class, () -> new LocalRunQueue<>(6));
        assertTrue(e.getMessage().contains("power of two"), e.getMessage());
    }

    @Test
    void nextSlotSwapsAndStealsOnlyTheExpectedOccupant() {
        NextSlot<String> slot = new NextSlot<>();
        assertNull(slot.swap("a"));
        assertEquals("a", slot.swap("b"), "the displaced occupant is returned to go to the local queue");
        assertFalse(slot.steal("a"), "a thief holding a stale view takes nothing");
        assertTrue(slot.steal("b"));
        assertNull(slot.take());
    }

    private static List<Integer> drain(LocalRunQueue<Integer> q) {
        List<Integer> out = new ArrayList<>();
        Integer e;
        while ((e = q.poll()) != null) {
            out.add(e);
        }
        return out;
    }
}
