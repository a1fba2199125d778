package dev.weft.fuse.passthrough;

import dev.weft.fuse.posix.FileMode;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

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

    private long[] unused(int max) {
        long[] out = new long[16];
        return Arrays.copyOf(out, table.unusedSince(out, max));
    }

    @Test
    void anInodeIsACandidateOnlyAfterAScanFoundItUnusedAndFilesComeBeforeDirectories() throws Exception {
        long dir = add(10, FileMode.S_IFDIR);
        long a = add(11, S_IFREG);
        long b = add(12, S_IFREG);
        assertArrayEquals(new long[0], unused(16), "new inodes count as used: the first scan clears them");
        table.get(a); // a request names a after the scan: it gets a second chance
        long[] chosen = unused(16);
        assertArrayEquals(new long[] {b, dir}, chosen, "the file first, the directory after it");
        long[] next = unused(16);
        assertEquals(3, next.length, "a's bit was cleared by the previous scan: " + Arrays.toString(next));
        assertEquals(dir, next[2], "directories last");
    }

    @Test
    void theRootIsNeverChosenAndMaxBoundsTheChoice() throws Exception {
        for (int i = 0; i < 5; i++) {
            add(100 + i, S_IFREG);
        }
        unused(16);
        assertEquals(2, unused(2).length);
        long[] all = unused(16);
        assertEquals(5, all.length, "bits stay clear until a request names the inode");
        for (long n : all) {
            org.junit.jupiter.api.Assertions.assertNotEquals(InodeTable.ROOT_NODEID, n);
        }
    }
}
