package dev.weft.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The skynet tree sums what it should, on the JDK's scheduler and on a weft group (small trees, no timing). */
class SkynetBenchTest {

    @Test
    void treeSumsItsLeaves() {
        assertEquals(499_999_500_000L, SkynetBench.EXPECTED_SUM);
        assertEquals(4_950, SkynetBench.node(Thread.ofVirtual().factory(), 0, 100));
        try (Variant weft = Variant.open(Variant.WEFT_HANDOFF)) {
            assertEquals(49_995_000, SkynetBench.node(weft.factory(), 0, 10_000));
        }
    }
}
