package dev.weft.fuse.posix;

import dev.weft.fuse.proto.LinuxErrno;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Extended attributes of an inode held by an O_PATH descriptor: the f* calls refuse it, the path calls on its
 * /proc/self/fd link reach it. Needs user xattrs on the temp directory's file system.
 */
class XattrCallsTest {
    @TempDir
    Path dir;

    private final Arena arena = Arena.ofConfined();

    @AfterEach
    void close() {
        arena.close();
    }

    @Test
    void roundTripThroughTheProcLinkOfAnOPathDescriptor() throws IOException {
        Path f = dir.resolve("f");
        Files.writeString(f, "x");
        int fd = AtCalls.openat(Fcntl.AT_FDCWD, arena.allocateFrom(f.toString()), Fcntl.O_PATH | Fcntl.O_CLOEXEC, 0);
        MemorySegment name = arena.allocateFrom("user.weft");
        MemorySegment value = arena.allocateFrom("v1").asSlice(0, 2);
        assertEquals(-LinuxErrno.EBADF, XattrCalls.fsetxattr(fd, name, value, 0), "f* calls refuse O_PATH");
        MemorySegment proc = ProcFdPath.write(fd, arena.allocate(ProcFdPath.MAX_SIZE));
        assertEquals(0, XattrCalls.setxattr(proc, name, value, Fcntl.XATTR_CREATE));
        assertEquals(-LinuxErrno.EEXIST, XattrCalls.setxattr(proc, name, value, Fcntl.XATTR_CREATE));
        assertEquals(2, XattrCalls.getxattr(proc, name, MemorySegment.NULL), "size query");
        MemorySegment dst = arena.allocate(16);
        assertEquals(2, XattrCalls.getxattr(proc, name, dst));
        assertEquals("v1", dst.getString(0));
        assertEquals(-LinuxErrno.ERANGE, XattrCalls.getxattr(proc, name, arena.allocate(1)));
        MemorySegment list = arena.allocate(64);
        long n = XattrCalls.listxattr(proc, list);
        assertEquals("user.weft".length() + 1, n);
        assertEquals(-LinuxErrno.ENODATA, XattrCalls.lgetxattr(proc, name, dst),
                "l* calls on a proc link act on the link, not the file");
        assertEquals(0, XattrCalls.removexattr(proc, name));
        assertEquals(-LinuxErrno.ENODATA, XattrCalls.getxattr(proc, name, dst));
        FdCalls.close(fd);
    }

    @Test
    void fdCallsWorkOnARegularDescriptor() throws IOException {
        Path f = dir.resolve("f");
        Files.writeString(f, "x");
        int fd = AtCalls.openat(Fcntl.AT_FDCWD, arena.allocateFrom(f.toString()), Fcntl.O_RDWR | Fcntl.O_CLOEXEC, 0);
        MemorySegment name = arena.allocateFrom("user.k");
        assertEquals(0, XattrCalls.fsetxattr(fd, name, arena.allocate(3).fill((byte) 'a'), 0));
        assertEquals(3, XattrCalls.fgetxattr(fd, name, arena.allocate(8)));
        assertTrue(XattrCalls.flistxattr(fd, MemorySegment.NULL) >= "user.k".length() + 1);
        assertEquals(0, XattrCalls.fremovexattr(fd, name));
        FdCalls.close(fd);
    }
}
