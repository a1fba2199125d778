package dev.weft.fuse.passthrough;

import dev.weft.fuse.posix.FileMode;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * The pruner's choice of inodes ({@link InodeTable#unusedSince}). Descriptors are -1: the table only closes them, and
 * closing -1 fails harmlessly with EBADF.
 */
class InodeTableTest {
    private static final int S_IFREG = 0100000;

    private final InodeTable table = new InodeTable(-1, 1, 1, FileMode.S_IFDIR);

    private long add(long ino, int type) throws Exception {
        return table.acquire(-1, 1, ino, type).nodeid;
    }

    private long[] unused(int max, long pass, boolean clear) {
        long[] out = new long[16];
        return Arrays.copyOf(out, table.unusedSince(out, max, pass, clear));
    }

    @Test
    void filesComeBeforeDirectoriesAndAUsedInodeGetsASecondChance() throws Exception {
        long dir = add(10, FileMode.S_IFDIR);
        long a = add(11, S_IFREG);
        long b = add(12, S_IFREG);
        table.get(a); // a request names a: its bit is set
        assertArrayEquals(new long[] {b, dir}, unused(16, 1, true), "looked up and not used since: b and dir, the"
                + " file first; a's bit is cleared instead");
        assertArrayEquals(new long[0], unused(16, 1, false), "a pass sends each inode once, and spares a for the"
                + " rest of it");
        assertArrayEquals(new long[] {a, b, dir}, unused(16, 2, true), "the next pass: a was not used since");
    }

    @Test
    void aLookupThatFindsAKnownInodeCountsAsUse() throws Exception {
        long a = add(11, S_IFREG);
        assertEquals(a, add(11, S_IFREG), "the same (dev, ino): the same nodeid");
        assertArrayEquals(new long[0], unused(16, 1, true));
        assertArrayEquals(new long[] {a}, unused(16, 2, true));
        table.addLookup(table.get(a));
        assertArrayEquals(new long[0], unused(16, 3, true));
    }

    @Test
    void laterRoundsOfAPassDoNotClearBitsAndTheRootIsNeverChosen() throws Exception {
        long a = add(11, S_IFREG);
        long b = add(12, S_IFREG);
        table.get(a);
        assertArrayEquals(new long[] {b}, unused(1, 1, false), "a round without clearing: b; a's bit stays set");
        assertArrayEquals(new long[0], unused(16, 1, false));
        for (long n : unused(16, 2, true)) {
            assertNotEquals(a, n, "a's bit was set: pass 2 clears it and does not choose a");
            assertNotEquals(InodeTable.ROOT_NODEID, n);
        }
        assertArrayEquals(new long[] {a, b}, unused(16, 3, true));
    }

    @Test
    void maxBoundsTheChoice() throws Exception {
        for (int i = 0; i < 5; i++) {
            add(100 + i, S_IFREG);
        }
        assertEquals(2, unused(2, 1, true).length);
        assertEquals(3, unused(16, 1, false).length, "the rest of the pass");
    }
}
