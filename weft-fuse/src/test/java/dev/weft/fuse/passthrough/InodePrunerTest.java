package dev.weft.fuse.passthrough;

import dev.weft.fuse.FuseNotifier;
import dev.weft.fuse.posix.FileMode;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pruner against a kernel stand-in that forgets only some inodes: the ones it holds on to (directories with
 * entries cached below them, inodes in use) must not keep a pass from reaching the ones it can drop further on.
 * Descriptors are -1, as in {@link InodeTableTest}.
 */
class InodePrunerTest {
    private static final int S_IFREG = 0100000;

    @Test
    void inodesTheKernelHoldsOnToDoNotHideTheOnesItCanDropBehindThem() throws Exception {
        InodeTable table = new InodeTable(-1, 1, 1, FileMode.S_IFDIR);
        int held = 9_000; // more than a round sends: the first round is all of them
        int droppable = 500;
        Set<Long> pinned = new HashSet<>();
        for (int k = 0; k < held; k++) {
            pinned.add(table.acquire(-1, 1, 100 + k, S_IFREG).nodeid);
        }
        for (int k = 0; k < droppable; k++) {
            table.acquire(-1, 1, 100_000 + k, S_IFREG);
        }
        InodePruner pruner = new InodePruner(table, () -> 1_000);
        KernelStandIn kernel = new KernelStandIn(table, pinned);
        pruner.start(kernel);
        try {
            pruner.checkBudget();
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (table.size() > held + 1 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(held + 1, table.size(), "inodes left: the held ones and the root; "
                    + pruner.prunedNodeids() + " node ids sent");
            assertTrue(kernel.firstRoundAllHeld, "this test's premise: the first round asked only for held inodes");
        } finally {
            pruner.close();
        }
        assertTrue(pruner.prunedNodeids() >= held + droppable, "every inode was asked for at least once");
    }

    /** Forgets every inode it is asked to prune except the pinned ones, at once, as the kernel's FORGETs would. */
    private static final class KernelStandIn implements FuseNotifier {
        private final InodeTable table;
        private final Set<Long> pinned;
        private boolean first = true;
        volatile boolean firstRoundAllHeld;

        KernelStandIn(InodeTable table, Set<Long> pinned) {
            this.table = table;
            this.pinned = pinned;
        }

        @Override
        public boolean canPrune() {
            return true;
        }

        @Override
        public void prune(long[] nodeids, int count) {
            if (first) {
                first = false;
                boolean all = true;
                for (int k = 0; k < count; k++) {
                    all &= pinned.contains(nodeids[k]);
                }
                firstRoundAllHeld = all;
            }
            for (int k = 0; k < count; k++) {
                if (!pinned.contains(nodeids[k])) {
                    table.forget(nodeids[k], 1);
                }
            }
        }

        @Override
        public boolean invalInode(long nodeid, long offset, long length) {
            return false;
        }

        @Override
        public boolean invalEntry(long parent, byte[] name, boolean expireOnly) {
            return false;
        }

        @Override
        public boolean delete(long parent, long child, byte[] name) {
            return false;
        }
    }
}
