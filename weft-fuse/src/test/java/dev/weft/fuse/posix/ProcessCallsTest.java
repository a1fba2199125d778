package dev.weft.fuse.posix;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** The open-file limit the passthrough raises, read back from /proc/self/limits. */
class ProcessCallsTest {

    private static long[] openFileLimits() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
            if (line.startsWith("Max open files")) {
                String[] f = line.substring("Max open files".length()).trim().split("\\s+");
                return new long[]{Long.parseLong(f[0]), Long.parseLong(f[1])};
            }
        }
        throw new AssertionError("no Max open files line");
    }

    /** Bit 24 of CapEff in /proc/self/status: root in a container or VM may lack it. */
    private static boolean hasCapSysResource() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("CapEff:")) {
                return (Long.parseLong(line.substring(7).trim(), 16) & (1L << 24)) != 0;
            }
        }
        return false;
    }

    @Test
    void raisesTheSoftLimitAndAsRootTheHardOne() throws Exception {
        long[] before = openFileLimits();
        long want = before[1] + 4096;
        long now = ProcessCalls.raiseOpenFileLimit(want);
        long[] after = openFileLimits();
        assertEquals(now, after[0], "the returned limit is the one in force");
        if (hasCapSysResource()) {
            assertEquals(want, after[0], "CAP_SYS_RESOURCE raises past the old hard limit");
            assertTrue(after[1] >= want);
        } else {
            assertEquals(before[1], after[0], "others get the hard limit");
        }
        assertEquals(after[0], ProcessCalls.raiseOpenFileLimit(after[0] - 1), "never lowers it");
    }
}
