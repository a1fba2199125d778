package dev.weft.uring;

import dev.weft.uring.kernel.IoUringConstants;
import dev.weft.uring.kernel.LinuxErrno;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Rings of 128-byte SQEs and IORING_OP_URING_CMD, against the real kernel. */
class UringCmdTest {

    @BeforeAll
    static void kernel() {
        RingTestSupport.requireIoUring();
    }

    @Test
    void aRingOf128ByteSqesRunsEverySqeItIsGiven() {
        // with the SQE stride wrong, the kernel would read the second SQE from the first one's upper half
        try (IoUring ring = IoUring.open(8, IoUring.attemptsWith(IoUringConstants.IORING_SETUP_SQE128))) {
            assertTrue((ring.setupFlags() & IoUringConstants.IORING_SETUP_SQE128) != 0, ring::describeSetup);
            for (int round = 0; round < 3; round++) { // wraps the 8-entry queue
                for (int i = 0; i < 5; i++) {
                    ring.sqe().nop(100 + i);
                }
                ring.submitAndWait(5);
                List<Long> seen = new ArrayList<>();
                ring.forEachCompletion((ud, res, flags) -> {
                    assertEquals(0, res);
                    seen.add(ud);
                });
                assertEquals(List.of(100L, 101L, 102L, 103L, 104L), seen);
            }
        }
    }

    @Test
    void aUringCmdToAFileWithoutCommandsCompletesWithEopnotsupp() throws IOException {
        Path file = Files.createTempFile("weft-uring-cmd", ".bin");
        try (IoUring ring = IoUring.open(8, IoUring.attemptsWith(IoUringConstants.IORING_SETUP_SQE128));
             Arena arena = Arena.ofConfined()) {
            int fd = dev.weft.uring.kernel.LinuxCalls.open(arena.allocateFrom(file.toString()),
                    dev.weft.uring.kernel.LinuxCalls.O_RDONLY, 0);
            assertTrue(fd >= 0, "open: " + fd);
            try {
                MemorySegment cmd = arena.allocate(24).fill((byte) 7);
                ring.sqe().uringCmd(1, fd, 1, arena.allocate(16), 2, cmd);
                ring.submitAndWait(1);
                int[] res = {1};
                assertEquals(1, ring.forEachCompletion((ud, r, f) -> res[0] = r));
                assertEquals(-LinuxErrno.EOPNOTSUPP, res[0], () -> LinuxErrno.name(res[0]));
            } finally {
                dev.weft.uring.kernel.LinuxCalls.close(fd);
            }
        } finally {
            Files.delete(file);
        }
    }

    @Test
    void aCommandLargerThanTheSqeHoldsIsRefusedBeforeItTakesAnSqe() {
        try (IoUring ring = IoUring.open(8); Arena arena = Arena.ofConfined()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ring.sqe().uringCmd(1, 0, 1, arena.allocate(16), 2, arena.allocate(24)));
            assertTrue(e.getMessage().contains("IORING_SETUP_SQE128"), e.getMessage());
            assertEquals(0, ring.pendingSubmissions());
        }
        try (IoUring ring = IoUring.open(8, IoUring.attemptsWith(IoUringConstants.IORING_SETUP_SQE128));
             Arena arena = Arena.ofConfined()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ring.sqe().uringCmd(1, 0, 1, arena.allocate(16), 2, arena.allocate(81)));
            assertTrue(e.getMessage().contains("80 bytes"), e.getMessage());
        }
    }
}
