package dev.weft.uring;

import dev.weft.uring.kernel.StatxLayout;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The O_DIRECT alignment a file reports, or the one assumed, and what its check names. */
class DirectIoAlignmentTest {

    @Test
    void whatStatxReportsIsUsedAndWhatItDoesNotSayIsAssumed() {
        DirectIoAlignment reported = DirectIoAlignment.of(StatxLayout.STATX_DIOALIGN, 4, 4096);
        assertEquals(4, reported.memory());
        assertEquals(4096, reported.offset());
        assertSame(DirectIoAlignment.ASSUMED, DirectIoAlignment.of(StatxLayout.STATX_BASIC_STATS, 4, 4096),
                "a kernel before 6.1 does not set STATX_DIOALIGN in the mask");
        assertSame(DirectIoAlignment.ASSUMED, DirectIoAlignment.of(StatxLayout.STATX_DIOALIGN, 0, 0),
                "a file system that does not say");
        assertEquals(512, DirectIoAlignment.ASSUMED.memory());
        assertEquals(512, DirectIoAlignment.ASSUMED.offset());
    }

    @Test
    void eachMisalignedValueIsNamedWithTheAlignmentItNeeds() {
        DirectIoAlignment a = DirectIoAlignment.of(StatxLayout.STATX_DIOALIGN, 512, 4096);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(3 * 4096, 4096);
            a.check(4096, buf.asSlice(512, 4096), "dst"); // aligned
            IllegalArgumentException position = assertThrows(IllegalArgumentException.class,
                    () -> a.check(512, buf.asSlice(0, 4096), "dst"));
            assertTrue(position.getMessage().startsWith("position 512 is not a multiple of 4096, which O_DIRECT needs"
                    + " for positions and lengths"), position.getMessage());
            IllegalArgumentException length = assertThrows(IllegalArgumentException.class,
                    () -> a.check(0, buf.asSlice(0, 4096 + 512), "src"));
            assertTrue(length.getMessage().startsWith("src's length 4608 is not a multiple of 4096"),
                    length.getMessage());
            IllegalArgumentException address = assertThrows(IllegalArgumentException.class,
                    () -> a.check(0, buf.asSlice(256, 4096), "dst"));
            assertTrue(address.getMessage().startsWith("dst's address 0x" + Long.toHexString(buf.address() + 256)
                    + " is not a multiple of 512, which O_DIRECT needs for buffer addresses"), address.getMessage());
            assertTrue(address.getMessage().contains("statx stx_dio_mem_align"), address.getMessage());
        }
    }
}
