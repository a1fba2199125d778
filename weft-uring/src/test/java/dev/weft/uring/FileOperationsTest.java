package dev.weft.uring;

import dev.weft.uring.RingTestSupport.Cqe;
import dev.weft.uring.kernel.IoUringLayout;
import dev.weft.uring.kernel.LinuxCalls;
import dev.weft.uring.kernel.LinuxErrno;
import dev.weft.uring.kernel.StatxLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import static dev.weft.uring.RingTestSupport.nativeCopy;
import static dev.weft.uring.RingTestSupport.pattern;
import static dev.weft.uring.RingTestSupport.submitAndAwait;
import static dev.weft.uring.RingTestSupport.submitAndAwaitOne;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** File operations against the real kernel, each checked through java.nio or through the ring's own results. */
class FileOperationsTest extends RingTestBase {

    @TempDir
    Path dir;

    @Test
    void nopComesBackWithItsUserData() {
        ring.sqe().nop(7);
        ring.sqe().nop(-1);
        assertEquals(2, ring.submit());
        assertEquals(List.of(new Cqe(7, 0, 0), new Cqe(-1, 0, 0)), submitAndAwait(ring, 2));
    }

    @Test
    void dataWrittenThroughTheRingIsReadBackWithFileChannel() throws IOException {
        Path file = dir.resolve("written-by-uring");
        byte[] data = pattern(10_000, 1);
        int fd = RingTestSupport.open(ring, arena, file, LinuxCalls.O_WRONLY | LinuxCalls.O_CREAT, 0644);
        try {
            ring.sqe().write(1, fd, nativeCopy(arena, data), 0);
            assertEquals(new Cqe(1, data.length, 0), submitAndAwaitOne(ring));
            ring.sqe().write(2, fd, nativeCopy(arena, pattern(100, 2)), 20_000);
            assertEquals(100, submitAndAwaitOne(ring).res());
        } finally {
            RingTestSupport.close(fd);
        }
        byte[] onDisk = Files.readAllBytes(file);
        assertEquals(20_100, onDisk.length);
        byte[] first = new byte[data.length];
        System.arraycopy(onDisk, 0, first, 0, data.length);
        assertArrayEquals(data, first);
        for (int i = data.length; i < 20_000; i++) {
            assertEquals(0, onDisk[i], "hole at " + i);
        }
        try (FileChannel ch = FileChannel.open(file)) {
            ByteBuffer tail = ByteBuffer.allocate(100);
            ch.read(tail, 20_000);
            assertArrayEquals(pattern(100, 2), tail.array());
        }
    }

    @Test
    void dataWrittenWithFileChannelIsReadBackThroughTheRing() throws IOException {
        Path file = dir.resolve("written-by-filechannel");
        byte[] data = pattern(12_345, 3);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(data));
        }
        int fd = RingTestSupport.open(ring, arena, file, LinuxCalls.O_RDONLY, 0);
        try {
            MemorySegment buf = arena.allocate(20_000);
            ring.sqe().read(9, fd, buf, 0);
            assertEquals(new Cqe(9, data.length, 0), submitAndAwaitOne(ring));
            assertArrayEquals(data, buf.asSlice(0, data.length).toArray(JAVA_BYTE));

            MemorySegment part = arena.allocate(10);
            ring.sqe().read(10, fd, part, 10, 12_340);
            assertEquals(5, submitAndAwaitOne(ring).res(), "a read at the end is short");
            ring.sqe().read(11, fd, part, 10, 99_999);
            assertEquals(0, submitAndAwaitOne(ring).res(), "a read past the end reads nothing");
        } finally {
            RingTestSupport.close(fd);
        }
    }

    @Test
    void offsetMinusOneUsesAndAdvancesTheFilePosition() throws IOException {
        Path file = dir.resolve("position");
        int fd = RingTestSupport.open(ring, arena, file, LinuxCalls.O_WRONLY | LinuxCalls.O_CREAT, 0644);
        try {
            ring.sqe().write(1, fd, nativeCopy(arena, "abc".getBytes()), -1).link();
            ring.sqe().write(2, fd, nativeCopy(arena, "def".getBytes()), -1);
            assertEquals(2, submitAndAwait(ring, 2).size());
        } finally {
            RingTestSupport.close(fd);
        }
        assertEquals("abcdef", Files.readString(file));
    }

    @Test
    void writevThenReadvMoveSeveralBuffersInOneOperation() throws IOException {
        Path file = dir.resolve("vectored");
        byte[] a = pattern(1000, 4);
        byte[] b = pattern(3000, 5);
        byte[] c = pattern(24, 6);
        int fd = RingTestSupport.open(ring, arena, file, LinuxCalls.O_RDWR | LinuxCalls.O_CREAT, 0644);
        try {
            MemorySegment out = arena.allocate(IoUringLayout.iovecs(3));
            IoUringLayout.setIovec(out, 0, nativeCopy(arena, a));
            IoUringLayout.setIovec(out, 1, nativeCopy(arena, b));
            IoUringLayout.setIovec(out, 2, nativeCopy(arena, c));
            ring.sqe().writev(1, fd, out, 3, 0);
            assertEquals(new Cqe(1, 4024, 0), submitAndAwaitOne(ring));

            MemorySegment x = arena.allocate(24);
            MemorySegment y = arena.allocate(4000);
            MemorySegment in = arena.allocate(IoUringLayout.iovecs(2));
            IoUringLayout.setIovec(in, 0, x);
            IoUringLayout.setIovec(in, 1, y);
            ring.sqe().readv(2, fd, in, 2, 1000);
            assertEquals(new Cqe(2, 3024, 0), submitAndAwaitOne(ring));
            byte[] expected = new byte[3024];
            System.arraycopy(b, 0, expected, 0, 3000);
            System.arraycopy(c, 0, expected, 3000, 24);
            byte[] got = new byte[3024];
            MemorySegment.copy(x, JAVA_BYTE, 0, got, 0, 24);
            MemorySegment.copy(y, JAVA_BYTE, 0, got, 24, 3000);
            assertArrayEquals(expected, got);
        } finally {
            RingTestSupport.close(fd);
        }
        byte[] onDisk = Files.readAllBytes(file);
        assertEquals(4024, onDisk.length);
    }

    @Test
    void fsyncAndFdatasyncSucceedOnAFileAndFailOnABadFd() {
        Path file = dir.resolve("synced");
        int fd = RingTestSupport.open(ring, arena, file, LinuxCalls.O_WRONLY | LinuxCalls.O_CREAT, 0644);
        try {
            ring.sqe().write(1, fd, nativeCopy(arena, pattern(4096, 7)), 0).link();
            ring.sqe().fsync(2, fd).link();
            ring.sqe().fdatasync(3, fd);
            assertEquals(List.of(new Cqe(1, 4096, 0), new Cqe(2, 0, 0), new Cqe(3, 0, 0)), submitAndAwait(ring, 3));
        } finally {
            RingTestSupport.close(fd);
        }
        ring.sqe().fsync(4, 987_654);
        assertEquals(-LinuxErrno.EBADF, submitAndAwaitOne(ring).res());
    }

    @Test
    void statxReportsTheSizeAndFallocateGrowsTheFile() throws IOException {
        Path file = dir.resolve("sized");
        Files.write(file, pattern(777, 8));
        MemorySegment path = arena.allocateFrom(file.toString());
        MemorySegment stx = arena.allocate(StatxLayout.STATX);
        ring.sqe().statx(1, LinuxCalls.AT_FDCWD, path, 0, StatxLayout.STATX_BASIC_STATS, stx);
        assertEquals(new Cqe(1, 0, 0), submitAndAwaitOne(ring));
        assertEquals(777, StatxLayout.size(stx));
        assertEquals(0100644 & 0170000, StatxLayout.mode(stx) & 0170000, "a regular file");

        int fd = RingTestSupport.open(ring, arena, file, LinuxCalls.O_RDWR, 0);
        try {
            ring.sqe().fallocate(2, fd, 0, 0, 1 << 20);
            assertEquals(new Cqe(2, 0, 0), submitAndAwaitOne(ring));
        } finally {
            RingTestSupport.close(fd);
        }
        assertEquals(1 << 20, Files.size(file));

        ring.sqe().statx(3, LinuxCalls.AT_FDCWD, arena.allocateFrom(dir.resolve("missing").toString()), 0,
                StatxLayout.STATX_BASIC_STATS, stx);
        assertEquals(-LinuxErrno.ENOENT, submitAndAwaitOne(ring).res());
    }

    @Test
    void openatAndCloseThroughTheRing() throws IOException {
        Path file = dir.resolve("opened");
        Files.writeString(file, "x");
        ring.sqe().openat(1, LinuxCalls.AT_FDCWD, arena.allocateFrom(file.toString()), LinuxCalls.O_RDONLY, 0);
        Cqe opened = submitAndAwaitOne(ring);
        assertTrue(opened.res() >= 0, opened::toString);
        assertTrue(Files.exists(Path.of("/proc/self/fd/" + opened.res())));
        ring.sqe().close(2, opened.res());
        assertEquals(new Cqe(2, 0, 0), submitAndAwaitOne(ring));
        assertTrue(!Files.exists(Path.of("/proc/self/fd/" + opened.res())) || !Files.isSameFile(file,
                Path.of("/proc/self/fd/" + opened.res())), "the fd is closed");

        ring.sqe().openat(3, LinuxCalls.AT_FDCWD, arena.allocateFrom(dir.resolve("nope").toString()),
                LinuxCalls.O_RDONLY, 0);
        assertEquals(-LinuxErrno.ENOENT, submitAndAwaitOne(ring).res());
    }

    @Test
    void registeredFilesAndBuffersCarryReadsAndWrites() throws IOException {
        Path file = dir.resolve("fixed");
        int fd = RingTestSupport.open(ring, arena, file, LinuxCalls.O_RDWR | LinuxCalls.O_CREAT, 0644);
        try {
            ring.registerFiles(fd);
            MemorySegment pool = arena.allocate(2 * 4096, 4096);
            ring.registerBuffers(pool);
            assertEquals(1, ring.registeredFiles());
            assertEquals(1, ring.registeredBuffers());

            MemorySegment out = pool.asSlice(0, 4096);
            out.copyFrom(MemorySegment.ofArray(pattern(4096, 9)));
            ring.sqe().writeFixed(1, 0, out, 0, 0).fixedFile();
            assertEquals(new Cqe(1, 4096, 0), submitAndAwaitOne(ring));

            MemorySegment in = pool.asSlice(4096, 4096);
            ring.sqe().readFixed(2, 0, in, 0, 0).fixedFile();
            assertEquals(new Cqe(2, 4096, 0), submitAndAwaitOne(ring));
            assertEquals(-1L, in.mismatch(out));

            ring.sqe().read(3, 0, arena.allocate(10), 0).fixedFile();
            assertEquals(new Cqe(3, 10, 0), submitAndAwaitOne(ring));

            ring.unregisterBuffers();
            ring.unregisterFiles();
            assertEquals(0, ring.registeredFiles());
        } finally {
            RingTestSupport.close(fd);
        }
        assertArrayEquals(pattern(4096, 9), Files.readAllBytes(file));
    }
}
