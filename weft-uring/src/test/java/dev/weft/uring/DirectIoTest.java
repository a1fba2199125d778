package dev.weft.uring;

import dev.weft.uring.RingTestSupport.Cqe;
import dev.weft.uring.kernel.LinuxCalls;
import dev.weft.uring.kernel.LinuxErrno;
import dev.weft.uring.kernel.StatxLayout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.weft.uring.RingTestSupport.pattern;
import static dev.weft.uring.RingTestSupport.submitAndAwaitOne;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * O_DIRECT on a real file system (a file under /var/tmp, ext4 on these machines; tmpfs has no O_DIRECT): aligned
 * transfers work, a misaligned buffer gives -EINVAL.
 */
class DirectIoTest {

    private IoUring ring;
    private Arena arena;
    private Path file;
    private int align;

    @BeforeAll
    static void kernel() {
        RingTestSupport.requireIoUring();
    }

    @BeforeEach
    void open() throws IOException {
        ring = IoUring.open(8);
        arena = Arena.ofConfined();
        file = Files.createTempFile(Path.of("/var/tmp"), "weft-uring-direct", ".bin");
        Files.write(file, pattern(16 * 4096, 13));
        MemorySegment stx = arena.allocate(StatxLayout.STATX);
        ring.sqe().statx(1, LinuxCalls.AT_FDCWD, arena.allocateFrom(file.toString()), 0,
                StatxLayout.STATX_DIOALIGN, stx);
        assertEquals(0, submitAndAwaitOne(ring).res());
        align = Math.max(512, StatxLayout.dioMemAlign(stx));
    }

    @AfterEach
    void close() throws IOException {
        ring.close();
        arena.close();
        Files.deleteIfExists(file);
    }

    @Test
    void alignedDirectReadsWorkAndAMisalignedBufferIsEinval() {
        int fd = RingTestSupport.open(ring, arena, file, LinuxCalls.O_RDONLY | LinuxCalls.O_DIRECT, 0);
        try {
            MemorySegment aligned = arena.allocate(2 * 4096, 4096);
            ring.sqe().read(1, fd, aligned, 4096, 4096);
            assertEquals(new Cqe(1, 4096, 0), submitAndAwaitOne(ring));
            byte[] expected = new byte[4096];
            System.arraycopy(pattern(16 * 4096, 13), 4096, expected, 0, 4096);
            assertArrayEquals(expected, aligned.asSlice(0, 4096).toArray(JAVA_BYTE));

            MemorySegment misaligned = aligned.asSlice(1, 4096);
            assertTrue(misaligned.address() % align != 0);
            ring.sqe().read(2, fd, misaligned, 0);
            assertEquals(new Cqe(2, -LinuxErrno.EINVAL, 0), submitAndAwaitOne(ring));

            ring.sqe().read(3, fd, aligned, 4096, 1); // misaligned file offset
            assertEquals(-LinuxErrno.EINVAL, submitAndAwaitOne(ring).res());
        } finally {
            RingTestSupport.close(fd);
        }
    }

    @Test
    void aMisalignedDirectWriteIsEinvalAndWritesNothing() throws IOException {
        int fd = RingTestSupport.open(ring, arena, file, LinuxCalls.O_WRONLY | LinuxCalls.O_DIRECT, 0);
        try {
            MemorySegment buf = arena.allocate(2 * 4096, 4096);
            buf.fill((byte) 0x5a);
            ring.sqe().write(1, fd, buf.asSlice(3, 4096), 0);
            assertEquals(-LinuxErrno.EINVAL, submitAndAwaitOne(ring).res());
            ring.sqe().write(2, fd, buf, 4096, 0);
            assertEquals(4096, submitAndAwaitOne(ring).res());
        } finally {
            RingTestSupport.close(fd);
        }
        byte[] onDisk = Files.readAllBytes(file);
        assertEquals(0x5a, onDisk[0]);
        assertEquals(pattern(16 * 4096, 13)[4096], onDisk[4096], "only the aligned write landed");
    }
}
