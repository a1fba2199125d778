package dev.weft.fuse.passthrough;

import dev.weft.fuse.FuseEntry;
import dev.weft.fuse.FuseName;
import dev.weft.fuse.posix.Fcntl;
import dev.weft.fuse.proto.LinuxErrno;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.*;

/**
 * SETXATTR, GETXATTR, LISTXATTR and REMOVEXATTR on inodes held by O_PATH descriptors. Needs user xattrs on the temp
 * directory's file system (ext4 on this project's machines; tmpfs has them since Linux 6.6).
 */
class PassthroughXattrTest extends PassthroughFixture {

    @BeforeEach
    void requireUserXattrs() throws Exception {
        Path probe = Files.createFile(source.resolve(".probe"));
        UserDefinedFileAttributeView v = Files.getFileAttributeView(probe, UserDefinedFileAttributeView.class);
        assertNotNull(v, "no user xattr view on " + Files.getFileStore(source));
        v.write("probe", ByteBuffer.wrap(new byte[] {1}));
        Files.delete(probe);
    }

    private MemorySegment value(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return arena.allocate(b.length).copyFrom(MemorySegment.ofArray(b));
    }

    @Test
    void roundTrip() throws Exception {
        Path p = Files.writeString(source.resolve("f"), "x");
        long f = lookup(ROOT, "f").nodeid();
        FuseName key = name("user.weft.test");
        fs.setxattr(ROOT_CALLER, f, key, value("hello"), 0);
        assertErrno(LinuxErrno.EEXIST, () -> fs.setxattr(ROOT_CALLER, f, key, value("x"), Fcntl.XATTR_CREATE));

        assertEquals(5, fs.getxattr(ROOT_CALLER, f, key, MemorySegment.NULL), "size query");
        MemorySegment dst = arena.allocate(16);
        int n = fs.getxattr(ROOT_CALLER, f, key, dst);
        assertEquals("hello", new String(dst.asSlice(0, n).toArray(JAVA_BYTE), StandardCharsets.UTF_8));
        assertErrno(LinuxErrno.ERANGE, () -> fs.getxattr(ROOT_CALLER, f, key, arena.allocate(2)));

        UserDefinedFileAttributeView v = Files.getFileAttributeView(p, UserDefinedFileAttributeView.class);
        assertEquals(5, v.size("weft.test"), "visible on the source");

        int listSize = fs.listxattr(ROOT_CALLER, f, MemorySegment.NULL);
        MemorySegment list = arena.allocate(listSize);
        assertEquals(listSize, fs.listxattr(ROOT_CALLER, f, list));
        assertTrue(new String(list.toArray(JAVA_BYTE), StandardCharsets.UTF_8).contains("user.weft.test\0"));

        fs.removexattr(ROOT_CALLER, f, key);
        assertErrno(LinuxErrno.ENODATA, () -> fs.getxattr(ROOT_CALLER, f, key, dst));
        assertErrno(LinuxErrno.ENODATA, () -> fs.removexattr(ROOT_CALLER, f, key));
    }

    @Test
    void heapNamesAndValues() throws Exception {
        Files.createDirectory(source.resolve("d"));
        long d = lookup(ROOT, "d").nodeid();
        fs.setxattr(ROOT_CALLER, d, FuseName.of("user.h"), MemorySegment.ofArray(new byte[] {7, 8}), 0);
        byte[] out = new byte[4];
        assertEquals(2, fs.getxattr(ROOT_CALLER, d, FuseName.of("user.h"), MemorySegment.ofArray(out)));
        assertArrayEquals(new byte[] {7, 8, 0, 0}, out);
    }

    @Test
    void aSymlinksOwnXattrsNotItsTargets() throws Exception {
        Path target = Files.writeString(source.resolve("target"), "x");
        Files.getFileAttributeView(target, UserDefinedFileAttributeView.class)
                .write("mark", ByteBuffer.wrap(new byte[] {1}));
        Files.createSymbolicLink(source.resolve("l"), Path.of("target"));
        FuseEntry l = lookup(ROOT, "l");
        assertErrno(LinuxErrno.ENODATA, () -> fs.getxattr(ROOT_CALLER, l.nodeid(), name("user.mark"),
                MemorySegment.NULL));
        assertErrno(LinuxErrno.EPERM, () -> fs.setxattr(ROOT_CALLER, l.nodeid(), name("user.x"), value("v"), 0));
    }
}
