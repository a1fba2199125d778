package dev.weft.fuse.server;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The possible-CPU list the kernel sizes its queue array by. */
class FuseUringTest {

    @Test
    void theQueueCountIsTheHighestPossibleCpuPlusOne() {
        assertEquals(2, FuseUring.parseCpuList("0-1\n"));
        assertEquals(1, FuseUring.parseCpuList("0"));
        assertEquals(6, FuseUring.parseCpuList("0,2-3,5"));
        assertEquals(64, FuseUring.parseCpuList("0-63"));
    }

    @Test
    void aMalformedListIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> FuseUring.parseCpuList("3-1"));
        assertThrows(IllegalArgumentException.class, () -> FuseUring.parseCpuList("0,,1"));
        assertThrows(NumberFormatException.class, () -> FuseUring.parseCpuList("a-b"));
        assertThrows(IllegalArgumentException.class, () -> FuseUring.parseCpuList(""));
    }
}
