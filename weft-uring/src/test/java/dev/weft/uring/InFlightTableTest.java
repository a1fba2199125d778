package dev.weft.uring;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/** The in-flight table against a HashMap, under the key patterns a server produces and colliding ones. */
class InFlightTableTest {

    @Test
    void sequentialKeysWithOutOfOrderCompletionsMatchAHashMap() {
        InFlightTable t = new InFlightTable(4);
        Map<Long, Object> m = new HashMap<>();
        SplittableRandom r = new SplittableRandom(7);
        long next = 1;
        List<Long> live = new ArrayList<>();
        for (int step = 0; step < 200_000; step++) {
            if (live.isEmpty() || (live.size() < 300 && r.nextInt(3) != 0)) {
                long k = next++;
                Object v = "op" + k;
                t.put(k, v);
                m.put(k, v);
                live.add(k);
            } else {
                long k = live.remove(r.nextInt(live.size())); // completions come back in any order
                assertSame(m.remove(k), t.remove(k), "key " + k);
            }
            assertEquals(m.size(), t.size());
        }
        assertEquals(new HashSet<>(m.values()), new HashSet<>(t.values()));
        assertNull(t.remove(next + 5), "an absent key");
    }

    @Test
    void keysThatShareAHomeSlotSurviveRemovalsInTheMiddleOfTheirRun() {
        InFlightTable t = new InFlightTable(16); // 16 slots, 32 once it grows: keys 3, 35, 67, ... all start at 3
        for (int i = 0; i < 10; i++) {
            t.put(3 + 32L * i, i);
        }
        t.put(4, "four"); // its home is taken by the run
        assertEquals(5, t.remove(3 + 32L * 5));
        assertEquals(0, t.remove(3));
        for (int i : new int[]{1, 2, 3, 4, 6, 7, 8, 9}) {
            assertEquals(i, t.remove(3 + 32L * i), "key of " + i);
        }
        assertEquals("four", t.remove(4));
        assertTrue(t.isEmpty());
        // a run that wraps past the end of the array
        for (int i = 0; i < 6; i++) {
            t.put(30 + 32L * i, i);
        }
        assertEquals(2, t.remove(30 + 64));
        for (int i : new int[]{0, 1, 3, 4, 5}) {
            assertEquals(i, t.remove(30 + 32L * i));
        }
        assertTrue(t.isEmpty());
    }

    @Test
    void aKeyTwiceOrANullValueIsRefused() {
        InFlightTable t = new InFlightTable(4);
        t.put(1, "a");
        assertThrows(IllegalStateException.class, () -> t.put(1, "b"));
        assertThrows(NullPointerException.class, () -> t.put(2, null));
        t.clear();
        assertTrue(t.isEmpty());
        assertNull(t.remove(1));
    }
}
