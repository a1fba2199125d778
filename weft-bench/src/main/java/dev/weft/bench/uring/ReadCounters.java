package dev.weft.bench.uring;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * One count of completed reads per reader, each alone on its cache lines, so that counting costs a reader no
 * sharing with the others.
 *
 * <p>Threads: slot {@code i} is written only by reader {@code i} ({@link #incrementOpaque}: a plain load of its own
 * slot, an opaque store); the timing thread reads all slots with opaque loads ({@link #sumOpaque}). Opaque is
 * enough: a sum needs each slot's latest value to show up eventually, not an order between slots, and the window's
 * edges are far coarser than a store's delay.
 */
final class ReadCounters {
    /** Longs between two readers' slots: 128 bytes, a cache line and its adjacent-line prefetch partner. */
    static final int STRIDE = 16;

    private final AtomicLongArray slots;
    private final int readers;

    ReadCounters(int readers) {
        if (readers < 1) {
            throw new IllegalArgumentException("readers must be >= 1, got " + readers);
        }
        this.readers = readers;
        this.slots = new AtomicLongArray(readers * STRIDE);
    }

    /** Reader {@code reader} completed one more read; only that reader may call this. */
    void incrementOpaque(int reader) {
        int i = reader * STRIDE;
        slots.setOpaque(i, slots.getPlain(i) + 1);
    }

    /** All readers' reads so far (each slot as of some recent moment). */
    long sumOpaque() {
        long sum = 0;
        for (int r = 0; r < readers; r++) {
            sum += slots.getOpaque(r * STRIDE);
        }
        return sum;
    }

    int readers() {
        return readers;
    }
}
