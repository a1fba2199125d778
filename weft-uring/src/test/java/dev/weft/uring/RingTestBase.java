package dev.weft.uring;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

import java.lang.foreign.Arena;

/** A fresh ring of {@link #ringEntries()} entries and a confined arena per test, after the kernel check. */
abstract class RingTestBase {
    protected IoUring ring;
    protected Arena arena;

    @BeforeAll
    static void kernel() {
        RingTestSupport.requireIoUring();
    }

    /** The ring's SQ size; 16 unless a test needs another. */
    protected int ringEntries() {
        return 16;
    }

    @BeforeEach
    void openRing() {
        ring = IoUring.open(ringEntries());
        arena = Arena.ofConfined();
    }

    @AfterEach
    void closeRing() {
        ring.close();
        arena.close();
    }
}
