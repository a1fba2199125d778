package dev.weft.uring;

import dev.weft.uring.RingTestSupport.Cqe;
import dev.weft.uring.kernel.LinuxCalls;
import dev.weft.uring.kernel.LinuxErrno;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.weft.uring.RingTestSupport.pattern;
import static dev.weft.uring.RingTestSupport.submitAndAwait;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Linked chains (IOSQE_IO_LINK) run by the kernel from one submit: openat → read → close, with the file opened into
 * a registered slot so that the later steps can name it before it exists; and a chain whose middle step fails.
 */
class LinkedChainTest extends RingTestBase {

    @TempDir
    Path dir;

    @Test
    void openatReadCloseRunAsOneChainInOneSubmit() throws IOException {
        Path file = dir.resolve("chained");
        byte[] data = pattern(5000, 11);
        Files.write(file, data);
        ring.registerFileSlots(1);
        MemorySegment buf = arena.allocate(data.length);

        ring.sqe().openatDirect(1, LinuxCalls.AT_FDCWD, arena.allocateFrom(file.toString()), LinuxCalls.O_RDONLY, 0,
                0).link();
        ring.sqe().read(2, 0, buf, 0).fixedFile().link(); // exactly the file's size: a short read breaks a chain
        ring.sqe().closeDirect(3, 0);
        assertEquals(3, ring.submit(), "the whole chain goes in one io_uring_enter");

        assertEquals(List.of(new Cqe(1, 0, 0), new Cqe(2, data.length, 0), new Cqe(3, 0, 0)), submitAndAwait(ring, 3));
        assertArrayEquals(data, buf.toArray(JAVA_BYTE));
    }

    @Test
    void aFailedMiddleStepCancelsTheRestOfTheChain() throws IOException {
        Path file = dir.resolve("broken-chain");
        Files.write(file, pattern(100, 12));
        ring.registerFileSlots(1);
        MemorySegment buf = arena.allocate(100);

        ring.sqe().openatDirect(1, LinuxCalls.AT_FDCWD, arena.allocateFrom(file.toString()), LinuxCalls.O_RDONLY, 0,
                0).link();
        ring.sqe().read(2, 987_654, buf, 0).link(); // not an open fd
        ring.sqe().closeDirect(3, 0).link();
        ring.sqe().nop(4);
        ring.sqe().nop(5); // not in the chain
        assertEquals(5, ring.submit());

        List<Cqe> cqes = submitAndAwait(ring, 5);
        assertEquals(new Cqe(1, 0, 0), find(cqes, 1));
        assertEquals(-LinuxErrno.EBADF, find(cqes, 2).res());
        assertEquals(-LinuxErrno.ECANCELED, find(cqes, 3).res());
        assertEquals(-LinuxErrno.ECANCELED, find(cqes, 4).res());
        assertEquals(0, find(cqes, 5).res());

        // The open step succeeded, so slot 0 still holds the file: close it now.
        ring.sqe().closeDirect(6, 0);
        assertEquals(new Cqe(6, 0, 0), submitAndAwait(ring, 1).get(0));
    }

    private static Cqe find(List<Cqe> cqes, long userData) {
        return cqes.stream().filter(c -> c.userData() == userData).findFirst()
                .orElseThrow(() -> new AssertionError("no CQE for " + userData + " in " + cqes));
    }
}
