package dev.weft.fuse.passthrough;

import dev.weft.fuse.FuseDirFiller;
import dev.weft.fuse.FuseDirPlusFiller;
import dev.weft.fuse.FuseEntry;
import dev.weft.fuse.FuseException;
import dev.weft.fuse.FuseOpen;
import dev.weft.fuse.FuseStatfs;
import dev.weft.fuse.posix.Fcntl;
import dev.weft.fuse.posix.FileMode;
import dev.weft.fuse.proto.LinuxErrno;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static dev.weft.fuse.proto.FuseKernelLayout.FUSE_ENTRY_OUT;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.*;

/** MKDIR, READDIR(PLUS), RENAME, UNLINK, RMDIR and STATFS, checked against the source. */
class PassthroughDirectoryTest extends PassthroughFixture {

    record Listed(String name, long ino, int type, long nextOffset, long nodeid) {}

    private static String string(MemorySegment name) {
        return new String(name.toArray(JAVA_BYTE), StandardCharsets.UTF_8);
    }

    /** A filler that takes up to {@code room} entries, as a reply buffer of that size would. */
    private static FuseDirFiller filler(List<Listed> out, int room) {
        int[] left = {room};
        return (name, ino, type, next) -> {
            if (left[0]-- == 0) {
                return false;
            }
            out.add(new Listed(string(name), ino, type, next, 0));
            return true;
        };
    }

    private FuseDirPlusFiller plusFiller(List<Listed> out, int room) {
        int[] left = {room};
        return (name, type, next, lookup) -> {
            if (left[0]-- == 0) {
                return false;
            }
            FuseEntry e = new FuseEntry(arena.allocate(FUSE_ENTRY_OUT));
            lookup.fill(e);
            out.add(new Listed(string(name), e.attr().ino(), type, next, e.nodeid()));
            return true;
        };
    }

    private long opendir(long nodeid) throws FuseException {
        FuseOpen o = new FuseOpen();
        fs.opendir(ROOT_CALLER, nodeid, Fcntl.O_RDONLY, o);
        return o.fh();
    }

    /** READDIR until an empty reply, {@code room} entries at a time, continuing from the last nextOffset. */
    private List<Listed> listAll(long nodeid, int room) throws FuseException {
        long fh = opendir(nodeid);
        List<Listed> all = new ArrayList<>();
        long offset = 0;
        while (true) {
            List<Listed> batch = new ArrayList<>();
            fs.readdir(ROOT_CALLER, nodeid, fh, offset, filler(batch, room));
            if (batch.isEmpty()) {
                break;
            }
            all.addAll(batch);
            offset = batch.getLast().nextOffset();
        }
        fs.releasedir(ROOT_CALLER, nodeid, fh);
        return all;
    }

    private Set<String> javaList(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
    }

    private static Set<String> withoutDots(List<Listed> listed) {
        Set<String> names = new HashSet<>();
        for (Listed l : listed) {
            if (!l.name().equals(".") && !l.name().equals("..")) {
                assertTrue(names.add(l.name()), "listed twice: " + l.name());
            }
        }
        return names;
    }

    @Test
    void mkdirThenReaddirListsWhatJavaNioLists() throws Exception {
        FuseEntry d = newEntry();
        fs.mkdir(ROOT_CALLER, ROOT, name("d"), 0755, 0, d);
        assertEquals(FileMode.S_IFDIR | 0755, d.attr().mode());
        Path dir = source.resolve("d");
        for (int i = 0; i < 150; i++) {
            Files.createFile(dir.resolve("file-" + i));
        }
        Files.createDirectory(dir.resolve("sub"));
        Files.createSymbolicLink(dir.resolve("link"), Path.of("/etc"));

        List<Listed> listed = listAll(d.nodeid(), 7);
        assertEquals(javaList(dir), withoutDots(listed));
        assertEquals(javaList(dir).size() + 2, listed.size(), "plus . and ..");
        Map<String, Listed> byName = new HashMap<>();
        listed.forEach(l -> byName.put(l.name(), l));
        assertEquals(FileMode.direntType(FileMode.S_IFDIR), byName.get("sub").type());
        assertEquals(FileMode.direntType(FileMode.S_IFLNK), byName.get("link").type());
        assertEquals(Files.getAttribute(dir.resolve("file-3"), "unix:ino"), byName.get("file-3").ino());
        assertTrue(listed.stream().allMatch(l -> l.nextOffset() != 0), "nextOffset is never 0");
    }

    @Test
    void readdirRestartsFromAnyOffsetItHandedOut() throws Exception {
        for (int i = 0; i < 40; i++) {
            Files.createFile(source.resolve("f" + i));
        }
        List<Listed> all = listAll(ROOT, 1000);
        long fh = opendir(ROOT);
        Listed tenth = all.get(9);
        List<Listed> rest = new ArrayList<>();
        fs.readdir(ROOT_CALLER, ROOT, fh, tenth.nextOffset(), filler(rest, 1000));
        assertEquals(all.subList(10, all.size()), rest);
        List<Listed> again = new ArrayList<>();
        fs.readdir(ROOT_CALLER, ROOT, fh, 0, filler(again, 1000));
        assertEquals(all, again, "offset 0 rewinds");
        fs.releasedir(ROOT_CALLER, ROOT, fh);
        assertErrno(LinuxErrno.EBADF, () -> fs.readdir(ROOT_CALLER, ROOT, fh, 0, filler(new ArrayList<>(), 1)));
    }

    @Test
    void readdirplusLooksUpEachEntryButDotAndDotDot() throws Exception {
        Files.createDirectory(source.resolve("d"));
        Files.writeString(source.resolve("d/a"), "a");
        Files.createLink(source.resolve("d/b"), source.resolve("d/a"));
        long d = lookup(ROOT, "d").nodeid();
        long fh = opendir(d);
        List<Listed> listed = new ArrayList<>();
        long offset = 0;
        while (true) {
            List<Listed> batch = new ArrayList<>();
            fs.readdirplus(ROOT_CALLER, d, fh, offset, plusFiller(batch, 2));
            if (batch.isEmpty()) {
                break;
            }
            listed.addAll(batch);
            offset = batch.getLast().nextOffset();
        }
        fs.releasedir(ROOT_CALLER, d, fh);
        Map<String, Listed> byName = new HashMap<>();
        listed.forEach(l -> byName.put(l.name(), l));
        assertEquals(Set.of(".", "..", "a", "b"), byName.keySet());
        assertEquals(0, byName.get(".").nodeid());
        assertEquals(0, byName.get("..").nodeid());
        assertEquals(lookup(d, "a").nodeid(), byName.get("a").nodeid());
        assertEquals(byName.get("a").nodeid(), byName.get("b").nodeid(), "hard links: one nodeid");
        assertEquals(3, fs.inodeCount(), "root, d, and a/b");
        long ab = byName.get("a").nodeid();
        fs.forget(ab, 2); // the two READDIRPLUS entries
        fs.forget(ab, 1); // the lookup above
        assertEquals(2, fs.inodeCount(), "READDIRPLUS counted exactly one lookup per entry");
    }

    @Test
    void aFullReplyCountsNoLookupForTheEntryThatDidNotFit() throws Exception {
        Files.createFile(source.resolve("only"));
        long fh = opendir(ROOT);
        List<Listed> none = new ArrayList<>();
        fs.readdirplus(ROOT_CALLER, ROOT, fh, 0, plusFiller(none, 0));
        assertTrue(none.isEmpty());
        assertEquals(1, fs.inodeCount());
        fs.releasedir(ROOT_CALLER, ROOT, fh);
    }

    @Test
    void renameNoreplaceRefusesAnExistingTarget() throws Exception {
        Files.writeString(source.resolve("a"), "A");
        Files.writeString(source.resolve("b"), "B");
        assertErrno(LinuxErrno.EEXIST, () -> fs.rename(ROOT_CALLER, ROOT, name("a"), ROOT, name("b"),
                Fcntl.RENAME_NOREPLACE));
        assertEquals("A", Files.readString(source.resolve("a")));
        fs.rename(ROOT_CALLER, ROOT, name("a"), ROOT, name("c"), Fcntl.RENAME_NOREPLACE);
        assertEquals("A", Files.readString(source.resolve("c")));
    }

    @Test
    void renameExchangeSwaps() throws Exception {
        Files.createDirectory(source.resolve("d"));
        Files.writeString(source.resolve("a"), "A");
        Files.writeString(source.resolve("d/b"), "B");
        long d = lookup(ROOT, "d").nodeid();
        long a = lookup(ROOT, "a").nodeid();
        fs.rename(ROOT_CALLER, ROOT, name("a"), d, name("b"), Fcntl.RENAME_EXCHANGE);
        assertEquals("B", Files.readString(source.resolve("a")));
        assertEquals("A", Files.readString(source.resolve("d/b")));
        assertEquals(a, lookup(d, "b").nodeid(), "the inode moved with its name");
    }

    @Test
    void plainRenameReplacesAndUnknownFlagsAreRefused() throws Exception {
        Files.writeString(source.resolve("a"), "A");
        Files.writeString(source.resolve("b"), "B");
        assertErrno(LinuxErrno.EINVAL, () -> fs.rename(ROOT_CALLER, ROOT, name("a"), ROOT, name("b"), 1 << 5));
        fs.rename(ROOT_CALLER, ROOT, name("a"), ROOT, name("b"), 0);
        assertEquals("A", Files.readString(source.resolve("b")));
        assertFalse(Files.exists(source.resolve("a")));
    }

    @Test
    void unlinkAndRmdir() throws Exception {
        Files.createDirectory(source.resolve("d"));
        Files.createFile(source.resolve("d/f"));
        long d = lookup(ROOT, "d").nodeid();
        assertErrno(LinuxErrno.ENOTEMPTY, () -> fs.rmdir(ROOT_CALLER, ROOT, name("d")));
        assertErrno(LinuxErrno.EISDIR, () -> fs.unlink(ROOT_CALLER, ROOT, name("d")));
        fs.unlink(ROOT_CALLER, d, name("f"));
        fs.rmdir(ROOT_CALLER, ROOT, name("d"));
        assertFalse(Files.exists(source.resolve("d")));
        assertErrno(LinuxErrno.ENOENT, () -> fs.unlink(ROOT_CALLER, ROOT, name("d")));
    }

    @Test
    void fsyncdirAndStatfs() throws Exception {
        long fh = opendir(ROOT);
        fs.fsyncdir(ROOT_CALLER, ROOT, fh, false);
        fs.fsyncdir(ROOT_CALLER, ROOT, fh, true);
        fs.releasedir(ROOT_CALLER, ROOT, fh);
        FuseStatfs st = new FuseStatfs();
        fs.statfs(ROOT_CALLER, ROOT, st);
        var store = Files.getFileStore(source);
        assertEquals(store.getBlockSize(), st.bsize);
        assertEquals(store.getTotalSpace(), st.blocks * st.frsize);
        assertEquals(255, st.namelen);
        assertTrue(st.files > 0 && st.ffree > 0);
    }
}
