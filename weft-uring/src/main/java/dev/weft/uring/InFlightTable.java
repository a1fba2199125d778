package dev.weft.uring;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The operations a server ring has in flight, by {@code user_data}: an open-addressing table of {@code long} keys
 * (linear probing, backward-shift deletion, at most half full), so that putting and removing an operation allocates
 * nothing, where a {@code HashMap<Long, Object>} boxes the key and allocates an entry per operation. The server
 * numbers its operations 1, 2, 3, ..., so {@code key & mask} spreads them without a hash. One thread only.
 */
final class InFlightTable {
    private long[] keys;
    private Object[] values;
    private int mask;
    private int size;

    InFlightTable(int capacity) {
        int c = Math.max(4, Integer.highestOneBit(Math.max(1, capacity - 1)) << 1);
        keys = new long[c];
        values = new Object[c];
        mask = c - 1;
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** Maps {@code key} to {@code value} (not null); the key must not be present. */
    void put(long key, Object value) {
        Objects.requireNonNull(value, "value");
        if ((size + 1) * 2 > values.length) {
            grow();
        }
        int i = (int) key & mask;
        while (values[i] != null) {
            if (keys[i] == key) {
                throw new IllegalStateException("user_data " + key + " is already in flight");
            }
            i = (i + 1) & mask;
        }
        keys[i] = key;
        values[i] = value;
        size++;
    }

    /** Removes and returns the value of {@code key}, or null if absent. */
    Object remove(long key) {
        int i = (int) key & mask;
        Object v;
        while ((v = values[i]) != null) {
            if (keys[i] == key) {
                size--;
                shiftBack(i);
                return v;
            }
            i = (i + 1) & mask;
        }
        return null;
    }

    /** The keys, in no particular order (a copy). */
    long[] keys() {
        long[] out = new long[size];
        int n = 0;
        for (int i = 0; i < values.length; i++) {
            if (values[i] != null) {
                out[n++] = keys[i];
            }
        }
        return out;
    }

    /** The values, in no particular order (a copy). */
    List<Object> values() {
        List<Object> out = new ArrayList<>(size);
        for (Object v : values) {
            if (v != null) {
                out.add(v);
            }
        }
        return out;
    }

    void clear() {
        java.util.Arrays.fill(values, null);
        size = 0;
    }

    /** Closes the gap at {@code hole}: moves back each later entry of the run whose home is at or before it. */
    private void shiftBack(int hole) {
        int i = hole;
        while (true) {
            i = (i + 1) & mask;
            Object v = values[i];
            if (v == null) {
                break;
            }
            int home = (int) keys[i] & mask;
            // the entry at i may fill the hole unless its home lies in (hole, i] (cyclically)
            boolean homeAfterHole = hole <= i ? (home > hole && home <= i) : (home > hole || home <= i);
            if (!homeAfterHole) {
                keys[hole] = keys[i];
                values[hole] = v;
                hole = i;
            }
        }
        values[hole] = null;
    }

    private void grow() {
        long[] oldKeys = keys;
        Object[] oldValues = values;
        keys = new long[oldKeys.length * 2];
        values = new Object[oldValues.length * 2];
        mask = values.length - 1;
        size = 0;
        for (int i = 0; i < oldValues.length; i++) {
            if (oldValues[i] != null) {
                put(oldKeys[i], oldValues[i]);
            }
        }
    }
}
