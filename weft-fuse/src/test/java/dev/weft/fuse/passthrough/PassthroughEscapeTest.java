package dev.weft.fuse.passthrough;

import dev.weft.fuse.FuseEntry;
import dev.weft.fuse.FuseOpen;
import dev.weft.fuse.posix.Fcntl;
import dev.weft.fuse.posix.FileMode;
import dev.weft.fuse.proto.LinuxErrno;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Attempts to reach outside the source: "..", names with '/', and symlinks pointing out, absolute and relative.
 * The source is a subdirectory of the temp dir, so that a sibling "outside" file is there to be (not) reached.
 */
class PassthroughEscapeTest extends PassthroughFixture {

    @Test
    void dotDotInTheRootStaysInTheRoot() throws Exception {
        FuseEntry e = lookup(ROOT, "..");
        assertEquals(ROOT, e.nodeid());
        assertEquals(Files.getAttribute(source, "unix:ino"), e.attr().ino());
    }

    @Test
    void namesWithASlashAreRefused() throws Exception {
        Files.createDirectory(source.resolve("d"));
        Files.createFile(source.resolve("d/f"));
        assertErrno(LinuxErrno.EINVAL, () -> lookup(ROOT, "d/f"));
        assertErrno(LinuxErrno.EINVAL, () -> lookup(ROOT, "../etc"));
        assertErrno(LinuxErrno.EINVAL, () -> lookup(ROOT, "/etc"));
        assertErrno(LinuxErrno.EINVAL, () -> fs.mkdir(ROOT_CALLER, ROOT, name("x/y"), 0755, 0, newEntry()));
        assertErrno(LinuxErrno.EINVAL, () -> fs.unlink(ROOT_CALLER, ROOT, name("d/f")));
        assertErrno(LinuxErrno.EINVAL, () -> fs.rename(ROOT_CALLER, ROOT, name("d"), ROOT, name("../d"), 0));
        assertErrno(LinuxErrno.EINVAL, () -> fs.rmdir(ROOT_CALLER, ROOT, name("..")));
        assertTrue(Files.exists(source.resolve("d/f")));
    }

    @Test
    void symlinksPointingOutAreLookedUpAsSymlinksAndNeverOpened() throws Exception {
        Files.createSymbolicLink(source.resolve("abs"), Path.of("/etc"));
        Files.createSymbolicLink(source.resolve("rel"), Path.of("../../etc"));
        Files.createSymbolicLink(source.resolve("passwd"), Path.of("/etc/passwd"));
        for (String n : new String[] {"abs", "rel", "passwd"}) {
            FuseEntry e = lookup(ROOT, n);
            assertEquals(FileMode.S_IFLNK, FileMode.type(e.attr().mode()), n + " is a symlink");
            assertErrno(LinuxErrno.ELOOP, () -> open(e.nodeid(), Fcntl.O_RDONLY));
            assertErrno(LinuxErrno.ENOTDIR, () -> fs.opendir(ROOT_CALLER, e.nodeid(), 0, new FuseOpen()));
            assertEquals(Files.readSymbolicLink(source.resolve(n)).toString(),
                    new String(fs.readlink(ROOT_CALLER, e.nodeid()), StandardCharsets.UTF_8));
        }
        long abs = lookup(ROOT, "abs").nodeid();
        assertErrno(LinuxErrno.ENOTDIR, () -> lookup(abs, "passwd"));
    }

    @Test
    void creatingThroughASymlinkFailsAndWritesNothingOutside() throws Exception {
        Path outside = Files.createTempDirectory("weft-outside");
        try {
            Path target = outside.resolve("victim");
            Files.createSymbolicLink(source.resolve("trap"), target);
            Files.createSymbolicLink(source.resolve("trapdir"), outside);
            FuseOpen open = new FuseOpen();
            assertErrno(LinuxErrno.ELOOP, () -> create(ROOT_CALLER, ROOT, "trap", 0644,
                    Fcntl.O_WRONLY | Fcntl.O_CREAT, open));
            assertErrno(LinuxErrno.EEXIST, () -> create(ROOT_CALLER, ROOT, "trap", 0644,
                    Fcntl.O_WRONLY | Fcntl.O_CREAT | Fcntl.O_EXCL, open));
            assertFalse(Files.exists(target), "nothing created at the symlink's target");

            long trapdir = lookup(ROOT, "trapdir").nodeid();
            assertErrno(LinuxErrno.ENOTDIR, () -> create(ROOT_CALLER, trapdir, "x", 0644,
                    Fcntl.O_WRONLY | Fcntl.O_CREAT, new FuseOpen()));
            assertErrno(LinuxErrno.ENOTDIR, () -> fs.mkdir(ROOT_CALLER, trapdir, name("x"), 0755, 0, newEntry()));
            try (var s = Files.list(outside)) {
                assertEquals(0, s.count(), "nothing created in the directory the symlink points at");
            }
        } finally {
            try (var s = Files.list(outside)) {
                for (Path p : s.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(outside);
        }
    }

    @Test
    void symlinkTargetsAreStoredVerbatim() throws Exception {
        FuseEntry e = newEntry();
        fs.symlink(ROOT_CALLER, ROOT, name("up"), name("../../../../etc/shadow"), e);
        assertEquals(Path.of("../../../../etc/shadow"), Files.readSymbolicLink(source.resolve("up")));
        assertErrno(LinuxErrno.ELOOP, () -> open(e.nodeid(), Fcntl.O_RDONLY));
    }
}
