package dev.weft.fuse.posix;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.*;

class ProcFdPathTest {

    @Test
    void writesTheNulTerminatedPath() {
        MemorySegment buf = Arena.ofAuto().allocate(ProcFdPath.MAX_SIZE);
        for (int fd : new int[] {0, 7, 10, 12345, Integer.MAX_VALUE}) {
            MemorySegment p = ProcFdPath.write(fd, buf);
            assertEquals("/proc/self/fd/" + fd, p.getString(0));
            assertEquals(p.getString(0).length() + 1, p.byteSize());
        }
    }

    @Test
    void refusesANegativeFdAndAShortBuffer() {
        MemorySegment buf = Arena.ofAuto().allocate(ProcFdPath.MAX_SIZE);
        assertThrows(IllegalArgumentException.class, () -> ProcFdPath.write(-1, buf));
        assertThrows(IllegalArgumentException.class, () -> ProcFdPath.write(1, buf.asSlice(0, 16)));
    }
}
