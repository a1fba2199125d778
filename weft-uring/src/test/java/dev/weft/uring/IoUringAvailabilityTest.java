package dev.weft.uring;

import dev.weft.uring.kernel.IoUringOpcode;
import dev.weft.uring.kernel.LinuxErrno;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The availability check: on this machine io_uring is there; where it is not, the message names cause and fix. */
class IoUringAvailabilityTest {

    @Test
    void ioUringIsAvailableAndTheProbeListsReadAndWrite() {
        RingTestSupport.requireIoUring();
        assertTrue(IoUringAvailability.isAvailable());
        IoUringProbe probe = IoUringAvailability.probe();
        System.out.println("[weft-uring] " + probe);
        for (int op : new int[] {IoUringOpcode.IORING_OP_NOP, IoUringOpcode.IORING_OP_READ,
                IoUringOpcode.IORING_OP_WRITE, IoUringOpcode.IORING_OP_READV, IoUringOpcode.IORING_OP_WRITEV,
                IoUringOpcode.IORING_OP_FSYNC, IoUringOpcode.IORING_OP_OPENAT, IoUringOpcode.IORING_OP_CLOSE,
                IoUringOpcode.IORING_OP_STATX, IoUringOpcode.IORING_OP_FALLOCATE}) {
            assertTrue(probe.isSupported(op), () -> IoUringOpcode.name(op) + " missing from " + probe);
        }
        assertTrue(probe.supportedNames().containsAll(List.of("READ", "WRITE")), probe::toString);
        assertTrue(probe.lastOp() >= IoUringOpcode.IORING_OP_WRITE, probe::toString);
    }

    @Test
    void theProbeOfARingMatchesTheProcessWideOne() {
        RingTestSupport.requireIoUring();
        try (IoUring ring = IoUring.open(4)) {
            assertEquals(IoUringAvailability.probe().supportedNames(), ring.probe().supportedNames());
        }
    }

    @Test
    void aKernelWithoutAnOpcodeWeftUsesIsTooOldAndTheMessageNamesIt() {
        // the opcodes of a 5.5 kernel: no READ, WRITE, OPENAT, CLOSE, STATX, FALLOCATE (5.6)
        IoUringProbe old = IoUringProbe.of(17, IoUringOpcode.IORING_OP_NOP, IoUringOpcode.IORING_OP_READV,
                IoUringOpcode.IORING_OP_WRITEV, IoUringOpcode.IORING_OP_FSYNC, IoUringOpcode.IORING_OP_READ_FIXED,
                IoUringOpcode.IORING_OP_WRITE_FIXED, IoUringOpcode.IORING_OP_ASYNC_CANCEL);
        String m = IoUringAvailability.explainMissingOpcodes(old, "5.5.0");
        assertEquals("io_uring is unavailable: kernel too old: missing READ, WRITE, OPENAT, CLOSE, STATX, FALLOCATE"
                + " (Linux 5.5.0 supports only [NOP, READV, WRITEV, FSYNC, READ_FIXED, WRITE_FIXED, ASYNC_CANCEL])."
                + " Fix: run on Linux 5.19 or later", m);
        // this kernel has them all
        assertNull(IoUringAvailability.explainMissingOpcodes(IoUringAvailability.probe(), "here"));
    }

    @Test
    void enosysSaysTheKernelHasNoIoUring() {
        String m = IoUringAvailability.explainSetupFailure(LinuxErrno.ENOSYS, null, null, "0", "4.19.0");
        assertTrue(m.contains("ENOSYS") && m.contains("4.19.0") && m.contains("CONFIG_IO_URING")
                && m.contains("older than 5.1"), m);
    }

    @Test
    void enosysUnderASeccompFilterPointsAtTheProfile() {
        String m = IoUringAvailability.explainSetupFailure(LinuxErrno.ENOSYS, "0", "-1", "2", "6.8.0");
        assertTrue(m.contains("seccomp") && m.contains("--security-opt seccomp"), m);
    }

    @Test
    void epermWithIoUringDisabledTwoSaysSoAndHowToEnable() {
        String m = IoUringAvailability.explainSetupFailure(LinuxErrno.EPERM, "2", "-1", "0", "6.8.0");
        assertTrue(m.contains("EPERM") && m.contains("io_uring_disabled is 2")
                && m.contains("sysctl -w kernel.io_uring_disabled=0"), m);
    }

    @Test
    void epermWithIoUringDisabledOneNamesTheGroup() {
        String m = IoUringAvailability.explainSetupFailure(LinuxErrno.EPERM, "1", "1001", "0", "6.8.0");
        assertTrue(m.contains("io_uring_disabled is 1") && m.contains("1001")
                && m.contains("kernel.io_uring_group"), m);
        String none = IoUringAvailability.explainSetupFailure(LinuxErrno.EPERM, "1", "-1", "0", "6.8.0");
        assertTrue(none.contains("no group is allowed"), none);
    }

    @Test
    void epermUnderASeccompFilterNamesTheContainerProfile() {
        String m = IoUringAvailability.explainSetupFailure(LinuxErrno.EPERM, "0", "-1", "2", "6.8.0");
        assertTrue(m.contains("seccomp filter") && m.contains("io_uring_setup, io_uring_enter and io_uring_register")
                && m.contains("docker"), m);
    }

    @Test
    void epermWithNeitherPointsAtASecurityModule() {
        String m = IoUringAvailability.explainSetupFailure(LinuxErrno.EPERM, "0", "-1", "0", "6.8.0");
        assertTrue(m.contains("SELinux") || m.contains("AppArmor"), m);
    }

    @Test
    void enomemNamesTheLockedMemoryLimit() {
        String m = IoUringAvailability.explainSetupFailure(LinuxErrno.ENOMEM, null, null, "0", "5.10.0");
        assertTrue(m.contains("RLIMIT_MEMLOCK") && m.contains("ulimit -l"), m);
    }
}
