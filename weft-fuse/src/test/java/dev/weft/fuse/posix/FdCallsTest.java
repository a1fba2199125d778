package dev.weft.fuse.posix;

import dev.weft.fuse.proto.LinuxErrno;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.*;

/** The descriptor wrappers against files in a temporary directory. */
class FdCallsTest {
    @TempDir
    Path dir;

    private final Arena arena = Arena.ofConfined();

    @AfterEach
    void close() {
        arena.close();
    }

    private int open(Path p, int flags) {
        int fd = AtCalls.openat(Fcntl.AT_FDCWD, arena.allocateFrom(p.toString()), flags | Fcntl.O_CLOEXEC, 0644);
        assertTrue(fd >= 0, () -> "open " + p + ": " + Errno.strerror(fd));
        return fd;
    }

    @Test
    void pwriteThenPreadRoundTrips() {
        int fd = open(dir.resolve("f"), Fcntl.O_RDWR | Fcntl.O_CREAT);
        MemorySegment data = arena.allocateFrom("hello, world", StandardCharsets.US_ASCII);
        MemorySegment payload = data.asSlice(0, data.byteSize() - 1);
        assertEquals(payload.byteSize(), FdCalls.pwrite(fd, payload, 100));
        MemorySegment dst = arena.allocate(64);
        assertEquals(payload.byteSize(), FdCalls.pread(fd, dst, 100));
        assertEquals("hello, world", dst.getString(0));
        assertEquals(0, FdCalls.pread(fd, dst, 1000), "end of file");
        assertEquals(0, FdCalls.fsync(fd));
        assertEquals(0, FdCalls.fdatasync(fd));
        assertEquals(0, FdCalls.ftruncate(fd, 3));
        assertEquals(0, FdCalls.close(fd));
        assertEquals(-LinuxErrno.EBADF, FdCalls.close(fd));
    }

    @Test
    void lseekFindsDataAndHoles() {
        int fd = open(dir.resolve("sparse"), Fcntl.O_RDWR | Fcntl.O_CREAT);
        MemorySegment block = arena.allocate(4096).fill((byte) 1);
        assertEquals(4096, FdCalls.pwrite(fd, block, 1 << 20));
        assertEquals(1 << 20, FdCalls.lseek(fd, 0, Fcntl.SEEK_DATA));
        assertEquals(0, FdCalls.lseek(fd, 0, Fcntl.SEEK_HOLE));
        assertEquals(-LinuxErrno.ENXIO, FdCalls.lseek(fd, (1 << 20) + 4096, Fcntl.SEEK_DATA));
        FdCalls.close(fd);
    }

    @Test
    void fallocateAndCopyFileRange() throws IOException {
        int in = open(dir.resolve("in"), Fcntl.O_RDWR | Fcntl.O_CREAT);
        assertEquals(0, FdCalls.fallocate(in, 0, 0, 8192));
        assertEquals(8192, Files.size(dir.resolve("in")));
        MemorySegment data = arena.allocate(10).fill((byte) 'x');
        FdCalls.pwrite(in, data, 0);
        int out = open(dir.resolve("out"), Fcntl.O_RDWR | Fcntl.O_CREAT);
        assertEquals(10, FdCalls.copyFileRange(in, 0, out, 5, 10, 0));
        byte[] copied = Files.readAllBytes(dir.resolve("out"));
        assertEquals(15, copied.length);
        assertEquals('x', copied[14]);
        FdCalls.close(in);
        FdCalls.close(out);
    }

    @Test
    void dupGivesANewDescriptor() {
        int fd = open(dir.resolve("f"), Fcntl.O_RDWR | Fcntl.O_CREAT);
        int d = FdCalls.dup(fd);
        assertTrue(d >= 0 && d != fd);
        assertEquals(0, FdCalls.close(d));
        FdCalls.close(fd);
    }

    @Test
    void getdents64ListsWhatJavaNioLists() throws IOException {
        for (int i = 0; i < 300; i++) {
            Files.createFile(dir.resolve("entry-" + i + "-" + "n".repeat(i % 40)));
        }
        int fd = open(dir, Fcntl.O_RDONLY | Fcntl.O_DIRECTORY);
        MemorySegment buf = arena.allocate(1024, 8); // small: forces many calls
        DirentParser p = new DirentParser();
        Set<String> names = new HashSet<>();
        long n;
        int calls = 0;
        while ((n = FdCalls.getdents64(fd, buf)) > 0) {
            calls++;
            p.reset(buf, n);
            while (p.next()) {
                assertTrue(names.add(new String(p.name().toArray(JAVA_BYTE), StandardCharsets.UTF_8)));
            }
        }
        assertEquals(0, n);
        assertTrue(calls > 1);
        FdCalls.close(fd);
        Set<String> expected;
        try (Stream<Path> s = Files.list(dir)) {
            expected = s.map(q -> q.getFileName().toString()).collect(Collectors.toSet());
        }
        expected.add(".");
        expected.add("..");
        assertEquals(expected, names);
    }

    @Test
    void fstatvfsOnAnOPathDescriptor() {
        int fd = open(dir, Fcntl.O_PATH | Fcntl.O_DIRECTORY);
        MemorySegment s = arena.allocate(StatvfsLayout.STATVFS);
        assertEquals(0, FdCalls.fstatvfs(fd, s));
        assertTrue(StatvfsLayout.bsize(s) > 0);
        assertTrue(StatvfsLayout.blocks(s) > 0);
        assertEquals(255, StatvfsLayout.namemax(s));
        FdCalls.close(fd);
    }
}
