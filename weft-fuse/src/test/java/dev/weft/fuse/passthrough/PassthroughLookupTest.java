package dev.weft.fuse.passthrough;

import dev.weft.fuse.FuseAttr;
import dev.weft.fuse.FuseEntry;
import dev.weft.fuse.FuseName;
import dev.weft.fuse.posix.FileMode;
import dev.weft.fuse.proto.FuseKernelLayout;
import dev.weft.fuse.proto.LinuxErrno;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** LOOKUP, GETATTR, FORGET and nodeids: what the kernel sees of the source's inodes. */
class PassthroughLookupTest extends PassthroughFixture {

    private static void assertMatchesSource(Path p, FuseAttr attr) throws IOException {
        Map<String, Object> unix = Files.readAttributes(p, "unix:*", LinkOption.NOFOLLOW_LINKS);
        assertEquals(unix.get("ino"), attr.ino(), "ino");
        assertEquals(unix.get("mode"), attr.mode(), "mode");
        assertEquals(unix.get("nlink"), attr.nlink(), "nlink");
        assertEquals(unix.get("uid"), attr.uid(), "uid");
        assertEquals(unix.get("gid"), attr.gid(), "gid");
        assertEquals(unix.get("size"), attr.size(), "size");
        assertEquals(((FileTime) unix.get("lastModifiedTime")).toInstant().getEpochSecond(), attr.mtimeSeconds(),
                "mtime");
    }

    @Test
    void lookupAndGetattrMatchTheSource() throws Exception {
        Files.writeString(source.resolve("file"), "twelve bytes");
        Files.createDirectory(source.resolve("dir"));
        Files.createSymbolicLink(source.resolve("link"), Path.of("file"));
        for (String n : new String[] {"file", "dir", "link"}) {
            FuseEntry e = lookup(ROOT, n);
            assertTrue(e.nodeid() > ROOT, n);
            assertMatchesSource(source.resolve(n), e.attr());
            assertMatchesSource(source.resolve(n), getattr(e.nodeid()));
        }
        assertMatchesSource(source, getattr(ROOT));
    }

    @Test
    void aMissingNameIsANegativeEntryForTheEntryTimeout() throws Exception {
        FuseEntry e = lookup(ROOT, "missing");
        assertEquals(0, e.nodeid(), "nodeid 0: a negative entry");
        assertEquals(1L, (long) FuseKernelLayout.handle(FuseKernelLayout.FUSE_ENTRY_OUT, "entry_valid")
                .get(e.segment()), "cached for the default entry timeout, 1 s");
    }

    @Test
    void aMissingNameIsENOENTWhenEntriesAreNotCached() throws Exception {
        fs.close();
        fs = new PassthroughFilesystem(source, new PassthroughOptions(java.time.Duration.ZERO,
                java.time.Duration.ofSeconds(1), true));
        assertErrno(LinuxErrno.ENOENT, () -> lookup(ROOT, "missing"));
    }

    @Test
    void repeatedLookupsGiveTheSameNodeid() throws Exception {
        Files.createFile(source.resolve("f"));
        long a = lookup(ROOT, "f").nodeid();
        long b = lookup(ROOT, "f").nodeid();
        assertEquals(a, b);
        assertEquals(2, fs.inodeCount(), "the root and f");
    }

    @Test
    void aKnownNameIsAnsweredFromTheTableAndAReplacedOneIsNot() throws Exception {
        Files.writeString(source.resolve("f"), "first");
        Files.createSymbolicLink(source.resolve("link"), Path.of("f"));
        long f = lookup(ROOT, "f").nodeid();
        long link = lookup(ROOT, "link").nodeid();
        assertEquals(0, fs.lookupsFromTable(), "new inodes are opened and registered");

        FuseEntry again = lookup(ROOT, "f");
        assertEquals(f, again.nodeid());
        assertMatchesSource(source.resolve("f"), again.attr());
        FuseEntry linkAgain = lookup(ROOT, "link");
        assertEquals(link, linkAgain.nodeid());
        assertEquals(FileMode.S_IFLNK, FileMode.type(linkAgain.attr().mode()), "the link itself, not followed");
        assertEquals(2, fs.lookupsFromTable(), "known inodes: one statx, no open");

        Files.delete(source.resolve("f"));
        Files.writeString(source.resolve("f"), "second");
        long replaced = lookup(ROOT, "f").nodeid();
        assertNotEquals(f, replaced, "a new file under the old name is a new inode");
        assertEquals(2, fs.lookupsFromTable(), "it was opened and registered");
        assertEquals(4, fs.inodeCount(), "the root, the old f (still looked up), link and the new f");
    }

    @Test
    void hardLinksShareOneNodeid() throws Exception {
        Files.writeString(source.resolve("a"), "data");
        Files.createLink(source.resolve("b"), source.resolve("a"));
        assertEquals(lookup(ROOT, "a").nodeid(), lookup(ROOT, "b").nodeid());

        FuseEntry a = lookup(ROOT, "a");
        FuseEntry c = newEntry();
        fs.link(ROOT_CALLER, a.nodeid(), ROOT, name("c"), c);
        assertEquals(a.nodeid(), c.nodeid(), "LINK replies the linked inode's nodeid");
        assertEquals(3, c.attr().nlink());
        assertEquals(a.nodeid(), lookup(ROOT, "c").nodeid());
        assertEquals("data", Files.readString(source.resolve("c")));
    }

    @Test
    void linkOfASymlinkLinksTheSymlinkItself() throws Exception {
        Files.createSymbolicLink(source.resolve("s"), Path.of("/etc"));
        FuseEntry s = lookup(ROOT, "s");
        FuseEntry t = newEntry();
        fs.link(ROOT_CALLER, s.nodeid(), ROOT, name("t"), t);
        assertTrue(Files.isSymbolicLink(source.resolve("t")));
        assertEquals(s.nodeid(), t.nodeid());
    }

    @Test
    void forgetDropsTheInodeAndClosesItsDescriptor() throws Exception {
        Path f = source.resolve("f");
        Files.createFile(f);
        long nodeid = lookup(ROOT, "f").nodeid();
        lookup(ROOT, "f");
        int fd = fs.inodeFd(nodeid);
        Path procLink = Path.of("/proc/self/fd/" + fd);
        assertEquals(f, Files.readSymbolicLink(procLink));

        fs.forget(nodeid, 1);
        assertEquals(2, fs.inodeCount(), "one lookup is still held");
        getattr(nodeid);

        fs.forget(nodeid, 1);
        assertEquals(1, fs.inodeCount(), "only the root is left");
        assertErrno(LinuxErrno.ESTALE, () -> getattr(nodeid));
        assertTrue(!Files.exists(procLink, LinkOption.NOFOLLOW_LINKS)
                || !f.equals(Files.readSymbolicLink(procLink)), "the descriptor of f is closed");

        long again = lookup(ROOT, "f").nodeid();
        assertNotEquals(nodeid, again, "nodeids are never reused");
    }

    @Test
    void aBindMountInsideTheSourceIsNotCrossedEvenFromTheSameFileSystem() throws Exception {
        Path outside = Files.createTempDirectory(source.getParent(), "weft-outside");
        Files.writeString(outside.resolve("secret"), "outside the source");
        Path inside = Files.createDirectory(source.resolve("bound"));
        assertEquals(0, new ProcessBuilder("mount", "--bind", outside.toString(), inside.toString()).inheritIO()
                .start().waitFor(), "mount --bind (the tests run as root)");
        try {
            assertEquals(Files.getFileStore(source).name(), Files.getFileStore(inside).name(), "the same file system");
            assertErrno(LinuxErrno.EOPNOTSUPP, () -> lookup(ROOT, "bound"));
        } finally {
            new ProcessBuilder("umount", "-l", inside.toString()).inheritIO().start().waitFor();
            Files.delete(outside.resolve("secret"));
            Files.delete(outside);
        }
        assertTrue(lookup(ROOT, "bound").nodeid() > ROOT, "a plain directory again once unmounted");
    }

    @Test
    void aKnownDirectoryBindMountedInsideTheSourceIsNotCrossedByItsMountPointsName() throws Exception {
        Path x = Files.createDirectory(source.resolve("x"));
        Files.writeString(x.resolve("f"), "in x");
        long known = lookup(ROOT, "x").nodeid(); // the table holds x
        Path m = Files.createDirectory(source.resolve("m"));
        assertEquals(0, new ProcessBuilder("mount", "--bind", "-o", "ro", x.toString(), m.toString()).inheritIO()
                .start().waitFor(), "mount --bind (the tests run as root)");
        try {
            // m's statx shows x's (dev, ino): only the mount id tells the bind mount from x itself
            assertErrno(LinuxErrno.EOPNOTSUPP, () -> lookup(ROOT, "m"));
            assertEquals(known, lookup(ROOT, "x").nodeid(), "x itself is still found, from the table");
        } finally {
            new ProcessBuilder("umount", "-l", m.toString()).inheritIO().start().waitFor();
        }
    }

    @Test
    void theRootIsNeverForgotten() throws Exception {
        lookup(ROOT, ".");
        fs.forget(ROOT, 1_000_000);
        assertMatchesSource(source, getattr(ROOT));
    }

    @Test
    void unknownNodeidsAreStale() {
        assertErrno(LinuxErrno.ESTALE, () -> getattr(12345));
        assertErrno(LinuxErrno.ESTALE, () -> lookup(12345, "x"));
        fs.forget(12345, 1); // ignored
    }

    @Test
    void dotDotOfASubdirectoryIsItsParent() throws Exception {
        Files.createDirectories(source.resolve("a/b"));
        long a = lookup(ROOT, "a").nodeid();
        long b = lookup(a, "b").nodeid();
        assertEquals(a, lookup(b, "..").nodeid());
        assertEquals(ROOT, lookup(a, "..").nodeid());
        assertEquals(b, lookup(b, ".").nodeid());
    }

    @Test
    void dotDotOfAForgottenParentIsFoundByClimbingToTheRoot() throws Exception {
        Files.createDirectories(source.resolve("a/b"));
        long a = lookup(ROOT, "a").nodeid();
        long b = lookup(a, "b").nodeid();
        fs.forget(a, 1);
        FuseEntry parent = lookup(b, "..");
        assertNotEquals(ROOT, parent.nodeid());
        assertEquals(Files.getAttribute(source.resolve("a"), "unix:ino"), parent.attr().ino());
    }

    @Test
    void readlinkReturnsTheTargetBytes() throws Exception {
        FuseEntry e = newEntry();
        fs.symlink(ROOT_CALLER, ROOT, name("l"), name("some/where/../x"), e);
        assertEquals(FileMode.S_IFLNK, FileMode.type(e.attr().mode()));
        assertEquals("some/where/../x", new String(fs.readlink(ROOT_CALLER, e.nodeid()), StandardCharsets.UTF_8));
        assertEquals(Path.of("some/where/../x"), Files.readSymbolicLink(source.resolve("l")));
    }

    @Test
    void heapNamesWorkToo() throws Exception {
        Files.createFile(source.resolve("h"));
        FuseEntry e = newEntry();
        fs.lookup(ROOT_CALLER, ROOT, FuseName.of("h"), e);
        assertTrue(e.nodeid() > ROOT);
    }

    @Test
    void afterCloseEveryRequestIsStale() throws Exception {
        Files.createFile(source.resolve("f"));
        long f = lookup(ROOT, "f").nodeid();
        fs.close();
        assertErrno(LinuxErrno.ESTALE, () -> getattr(f));
        assertErrno(LinuxErrno.ESTALE, () -> lookup(ROOT, "f"));
        fs.close(); // idempotent
    }

    @Test
    void aSourceThatIsNotADirectoryIsRefusedWithTheFix() throws Exception {
        Path file = Files.createFile(source.resolve("plain"));
        IOException e = assertThrows(IOException.class, () -> new PassthroughFilesystem(file));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("pass a directory"),
                e.getMessage());
        IOException missing = assertThrows(IOException.class,
                () -> new PassthroughFilesystem(source.resolve("nope")));
        assertTrue(missing.getMessage().contains("No such file or directory"), missing.getMessage());
    }
}
