package dev.weft.fuse.server;

import dev.weft.fuse.FuseAttr;
import dev.weft.fuse.FuseConnectionInfo;
import dev.weft.fuse.FuseContext;
import dev.weft.fuse.FuseEntry;
import dev.weft.fuse.FuseException;
import dev.weft.fuse.FuseName;
import dev.weft.fuse.FuseNotifier;
import dev.weft.fuse.FuseOpen;
import dev.weft.fuse.kernel.FuseDeviceKernelTest;
import dev.weft.fuse.proto.LinuxErrno;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The notifier against the real kernel. The file system here lets the kernel cache everything for a minute (entries,
 * attributes, pages), then changes behind its back: each test first sees the stale cache, so that what the
 * notification changes is what it shows.
 */
class FuseNotifierKernelTest {

    /** {@link MemoryFilesystem} with entries and attributes valid for 60 s and pages kept across opens. */
    static final class CachingFilesystem extends MemoryFilesystem {
        volatile FuseNotifier notifier;

        @Override
        public void init(FuseConnectionInfo connection) {
            notifier = connection.notifier();
        }

        @Override
        public void lookup(FuseContext ctx, long parent, FuseName name, FuseEntry entry) throws FuseException {
            super.lookup(ctx, parent, name, entry);
            entry.entryValidFor(60, 0);
            entry.attr().validFor(60, 0);
        }

        @Override
        public void getattr(FuseContext ctx, long nodeid, long fh, FuseAttr attr) throws FuseException {
            super.getattr(ctx, nodeid, fh, attr);
            attr.validFor(60, 0);
        }

        @Override
        public void open(FuseContext ctx, long nodeid, int flags, FuseOpen open) {
            open.fh(nodeid).addFlags(FuseOpen.KEEP_CACHE);
        }

        void change(String name, String content) {
            data.put(names.get(name), content.getBytes(StandardCharsets.UTF_8));
        }
    }

    @TempDir
    Path mnt;
    private final CachingFilesystem fs = new CachingFilesystem();

    @BeforeEach
    void requireKernel() {
        FuseDeviceKernelTest.requireKernel();
    }

    private static byte[] name(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void invalInodeDropsCachedAttributesAndPages() throws Exception {
        fs.put("a", "one");
        try (FuseServer server = FuseServer.builder(fs).unmountOnExit(false).mount(mnt)) {
            assertEquals("one", Files.readString(mnt.resolve("a")));
            // the same size and times: the kernel's GETATTR after a read (its atime went stale) changes nothing it
            // would invalidate pages for
            fs.change("a", "two");
            assertEquals("one", Files.readString(mnt.resolve("a")), "the kernel serves its cached pages");
            // offset 0, length one page: with the two fields swapped the kernel would drop from 4096 on, not page 0
            assertTrue(fs.notifier.invalInode(fs.names.get("a"), 0, 4096));
            assertEquals("two", Files.readString(mnt.resolve("a")));
            assertFalse(fs.notifier.invalInode(999, 0, 0), "a node id the kernel does not have: nothing to drop");
        }
    }

    @Test
    void invalEntryAndExpireOnlyMakeTheKernelLookANameUpAgain() throws Exception {
        fs.put("b", "bee").put("d", "dee");
        try (FuseServer server = FuseServer.builder(fs).unmountOnExit(false).mount(mnt);
             FileChannel b = FileChannel.open(mnt.resolve("b"));
             FileChannel d = FileChannel.open(mnt.resolve("d"))) {
            fs.names.remove("b");
            fs.names.remove("d");
            assertTrue(Files.exists(mnt.resolve("b")), "the kernel serves its cached entry");
            assertTrue(fs.notifier.invalEntry(1, name("b"), false));
            // dropped: the open file's path in /proc now says so
            assertEquals(mnt.resolve("b") + " (deleted)", openPath("b"));
            assertFalse(Files.exists(mnt.resolve("b")));
            if (server.connection().minor() >= 38) { // FUSE_EXPIRE_ONLY
                assertTrue(Files.exists(mnt.resolve("d")));
                assertTrue(fs.notifier.invalEntry(1, name("d"), true));
                assertEquals(mnt.resolve("d").toString(), openPath("d"), "only expired: the entry is still there");
                assertFalse(Files.exists(mnt.resolve("d")), "expired: looked up again");
            }
            assertFalse(fs.notifier.invalEntry(1, name("never-looked-up"), false));
        }
    }

    /** The path /proc/self/fd gives for this process's open file of {@code name} in the mount. */
    private String openPath(String name) throws java.io.IOException {
        String prefix = mnt.resolve(name).toString();
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.map(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString();
                } catch (java.io.IOException e) {
                    return ""; // closed meanwhile (the listing's own descriptor)
                }
            }).filter(p -> p.equals(prefix) || p.equals(prefix + " (deleted)")).findFirst().orElse("(not open)");
        }
    }

    @Test
    void deleteDropsTheEntryOfTheChildItNamed() throws Exception {
        fs.put("c", "sea");
        try (FuseServer server = FuseServer.builder(fs).unmountOnExit(false).mount(mnt)) {
            assertEquals("sea", Files.readString(mnt.resolve("c")));
            long child = fs.names.remove("c");
            assertTrue(Files.exists(mnt.resolve("c")));
            assertTrue(fs.notifier.delete(1, child, name("c")));
            assertFalse(Files.exists(mnt.resolve("c")));
            fs.put("c2", "other");
            assertTrue(Files.exists(mnt.resolve("c2")));
            assertFalse(fs.notifier.delete(1, child, name("c2")), "c2 names another node: not a delete of it");
        }
    }

    @Test
    void aClosedServersNotifierSaysTheConnectionEndedAndBadNamesAreRefused() throws Exception {
        fs.put("e", "e");
        FuseNotifier n;
        try (FuseServer server = FuseServer.builder(fs).unmountOnExit(false).mount(mnt)) {
            n = fs.notifier;
            assertThrows(IllegalArgumentException.class, () -> n.invalEntry(1, name("x/y"), false));
            assertThrows(IllegalArgumentException.class, () -> n.invalEntry(1, new byte[0], false));
            assertThrows(IllegalArgumentException.class, () -> n.delete(1, 2, name("n".repeat(1025))));
        }
        FuseException e = assertThrows(FuseException.class, () -> n.invalInode(2, 0, 0));
        assertEquals(LinuxErrno.ENODEV, e.errno());
        e = assertThrows(FuseException.class, () -> n.prune(new long[] {2}, 1));
        assertEquals(LinuxErrno.ENODEV, e.errno());
    }
}
