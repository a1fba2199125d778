package dev.weft.fuse.posix;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemoryLayout;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static org.junit.jupiter.api.Assertions.*;

/** The struct layouts against the sizes and offsets their headers state (sizeof checked with gcc on x86-64). */
class LayoutsTest {

    private static long offset(MemoryLayout l, String field) {
        return l.byteOffset(groupElement(field));
    }

    @Test
    void statvfsMatchesGlibc() {
        assertEquals(112, StatvfsLayout.STATVFS.byteSize(), "sizeof(struct statvfs) on x86-64 glibc");
        assertEquals(80, offset(StatvfsLayout.STATVFS, "f_namemax"));
    }

    @Test
    void openHowAndTimespec() {
        assertEquals(24, OpenHowLayout.OPEN_HOW.byteSize(), "OPEN_HOW_SIZE_VER0");
        assertEquals(32, TimespecLayout.TIMES.byteSize(), "sizeof(struct timespec[2])");
    }
}
