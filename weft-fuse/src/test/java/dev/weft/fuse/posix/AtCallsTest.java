package dev.weft.fuse.posix;

import dev.weft.fuse.proto.LinuxErrno;
import dev.weft.uring.kernel.StatxLayout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The *at wrappers against a temporary directory: results, and errors as negative errno values. */
class AtCallsTest {
    @TempDir
    Path dir;

    private final Arena arena = Arena.ofConfined();
    private int dirFd;

    private MemorySegment c(String s) {
        return arena.allocateFrom(s);
    }

    @BeforeEach
    void openDir() {
        dirFd = AtCalls.openat(Fcntl.AT_FDCWD, c(dir.toString()), Fcntl.O_PATH | Fcntl.O_DIRECTORY
                | Fcntl.O_CLOEXEC, 0);
        assertTrue(dirFd >= 0, () -> "openat of the temp dir: " + Errno.strerror(dirFd));
    }

    @AfterEach
    void close() {
        FdCalls.close(dirFd);
        arena.close();
    }

    @Test
    void openat2IsAvailableOnThisKernel() {
        assertTrue(AtCalls.openat2Available(), () -> "openat2 unavailable: " + AtCalls.openat2UnavailabilityCause());
    }

    @Test
    void openat2RefusesEscapesBeneath() {
        int r = AtCalls.openat2(dirFd, c(".."), Fcntl.O_PATH, 0, Fcntl.RESOLVE_BENEATH);
        assertEquals(-LinuxErrno.EXDEV, r);
        r = AtCalls.openat2(dirFd, c("/etc"), Fcntl.O_PATH, 0, Fcntl.RESOLVE_BENEATH);
        assertEquals(-LinuxErrno.EXDEV, r);
    }

    @Test
    void openBeneathOpensASymlinkAsItselfOnlyWithOPath() throws IOException {
        Files.createSymbolicLink(dir.resolve("out"), Path.of("/etc"));
        int fd = AtCalls.openBeneath(dirFd, c("out"), Fcntl.O_PATH | Fcntl.O_CLOEXEC, 0);
        assertTrue(fd >= 0, () -> Errno.strerror(fd));
        MemorySegment statx = arena.allocate(StatxLayout.STATX);
        assertEquals(0, AtCalls.statx(fd, AtCalls.EMPTY_PATH, Fcntl.AT_EMPTY_PATH | Fcntl.AT_SYMLINK_NOFOLLOW,
                StatxLayout.STATX_BASIC_STATS, statx));
        assertTrue(FileMode.isSymlink(StatxLayout.mode(statx)));
        FdCalls.close(fd);
        assertEquals(-LinuxErrno.ELOOP, AtCalls.openBeneath(dirFd, c("out"), Fcntl.O_RDONLY | Fcntl.O_CLOEXEC, 0));
        assertEquals(-LinuxErrno.ENOTDIR, AtCalls.openBeneath(dirFd, c("out"), Fcntl.O_RDONLY | Fcntl.O_DIRECTORY, 0),
                "the link itself is not a directory: /etc is not reached");
    }

    @Test
    void openBeneathRefusesAnythingButOneComponent() {
        for (String bad : new String[] {"..", ".", "", "a/b", "/etc", "../x"}) {
            assertEquals(-LinuxErrno.EINVAL, AtCalls.openBeneath(dirFd, c(bad), Fcntl.O_PATH, 0), bad);
        }
    }

    @Test
    void openBeneathCreatesWithTheModeAndDropsUnknownFlags() throws IOException {
        int kernelInternalExecBit = 040;
        int fd = AtCalls.openBeneath(dirFd, c("new"), Fcntl.O_RDWR | Fcntl.O_CREAT | Fcntl.O_EXCL
                | kernelInternalExecBit, 0600);
        assertTrue(fd >= 0, () -> Errno.strerror(fd));
        FdCalls.close(fd);
        assertEquals(0600, ((Integer) Files.getAttribute(dir.resolve("new"), "unix:mode")) & 0777);
        assertEquals(-LinuxErrno.EEXIST, AtCalls.openBeneath(dirFd, c("new"), Fcntl.O_RDWR | Fcntl.O_CREAT
                | Fcntl.O_EXCL, 0600));
    }

    @Test
    void statxMatchesJavaNio() throws IOException {
        Path f = dir.resolve("f");
        Files.writeString(f, "hello");
        MemorySegment statx = arena.allocate(StatxLayout.STATX);
        assertEquals(0, AtCalls.statx(dirFd, c("f"), Fcntl.AT_SYMLINK_NOFOLLOW, StatxLayout.STATX_BASIC_STATS,
                statx));
        Map<String, Object> unix = Files.readAttributes(f, "unix:*", LinkOption.NOFOLLOW_LINKS);
        assertEquals(unix.get("ino"), StatxLayout.ino(statx));
        assertEquals(unix.get("mode"), StatxLayout.mode(statx));
        assertEquals(unix.get("uid"), StatxLayout.uid(statx));
        assertEquals(5L, StatxLayout.size(statx));
        FileTime mtime = (FileTime) unix.get("lastModifiedTime");
        assertEquals(mtime.toInstant().getEpochSecond(), StatxLayout.mtimeSeconds(statx));
        assertEquals(-LinuxErrno.ENOENT, AtCalls.statx(dirFd, c("missing"), 0, StatxLayout.STATX_BASIC_STATS, statx));
    }

    @Test
    void mkdirRenameExchangeUnlink() throws IOException {
        assertEquals(0, AtCalls.mkdirat(dirFd, c("d"), 0755));
        assertEquals(-LinuxErrno.EEXIST, AtCalls.mkdirat(dirFd, c("d"), 0755));
        Files.writeString(dir.resolve("a"), "A");
        Files.writeString(dir.resolve("b"), "B");
        assertEquals(-LinuxErrno.EEXIST, AtCalls.renameat2(dirFd, c("a"), dirFd, c("b"), Fcntl.RENAME_NOREPLACE));
        assertEquals(0, AtCalls.renameat2(dirFd, c("a"), dirFd, c("b"), Fcntl.RENAME_EXCHANGE));
        assertEquals("B", Files.readString(dir.resolve("a")));
        assertEquals(-LinuxErrno.EISDIR, AtCalls.unlinkat(dirFd, c("d"), 0));
        assertEquals(0, AtCalls.unlinkat(dirFd, c("d"), Fcntl.AT_REMOVEDIR));
        assertEquals(0, AtCalls.unlinkat(dirFd, c("a"), 0));
        assertFalse(Files.exists(dir.resolve("a")));
    }

    @Test
    void mknodatMakesAFifo() throws IOException {
        assertEquals(0, AtCalls.mknodat(dirFd, c("fifo"), FileMode.S_IFIFO | 0644, 0));
        int mode = (Integer) Files.getAttribute(dir.resolve("fifo"), "unix:mode");
        assertEquals(FileMode.S_IFIFO, FileMode.type(mode));
    }

    @Test
    void symlinkReadlinkAndLink() throws IOException {
        assertEquals(0, AtCalls.symlinkat(c("../../etc"), dirFd, c("l")));
        MemorySegment buf = arena.allocate(64);
        long n = AtCalls.readlinkat(dirFd, c("l"), buf);
        assertEquals("../../etc", buf.getString(0).substring(0, (int) n));
        Files.writeString(dir.resolve("f"), "x");
        assertEquals(0, AtCalls.linkat(dirFd, c("f"), dirFd, c("g"), 0));
        assertEquals(2, Files.getAttribute(dir.resolve("f"), "unix:nlink"));
    }

    @Test
    void chmodChownUtimensTruncateAccess() throws IOException {
        Path f = dir.resolve("f");
        Files.writeString(f, "0123456789");
        assertEquals(0, AtCalls.fchmodat(dirFd, c("f"), 0640, 0));
        assertEquals(0640, ((Integer) Files.getAttribute(f, "unix:mode")) & 07777);
        int fd = AtCalls.openBeneath(dirFd, c("f"), Fcntl.O_PATH | Fcntl.O_CLOEXEC, 0);
        assertEquals(0, AtCalls.fchownat(fd, AtCalls.EMPTY_PATH, 4321, 8765,
                Fcntl.AT_EMPTY_PATH | Fcntl.AT_SYMLINK_NOFOLLOW));
        assertEquals(4321, Files.getAttribute(f, "unix:uid"));
        MemorySegment times = arena.allocate(TimespecLayout.TIMES);
        TimespecLayout.setAccess(times, 0, Fcntl.UTIME_OMIT);
        TimespecLayout.setModification(times, 1_000_000, 5);
        assertEquals(0, AtCalls.utimensat(fd, AtCalls.EMPTY_PATH, times, Fcntl.AT_EMPTY_PATH));
        assertEquals(1_000_000L, Files.getLastModifiedTime(f).toInstant().getEpochSecond());
        MemorySegment proc = arena.allocate(ProcFdPath.MAX_SIZE);
        assertEquals(0, AtCalls.truncate(ProcFdPath.write(fd, proc), 4));
        assertEquals(4, Files.size(f));
        assertEquals(0, AtCalls.faccessat(fd, AtCalls.EMPTY_PATH, Fcntl.R_OK, Fcntl.AT_EMPTY_PATH));
        assertEquals(-LinuxErrno.ENOENT, AtCalls.faccessat(dirFd, c("missing"), Fcntl.F_OK, 0));
        FdCalls.close(fd);
    }
}
