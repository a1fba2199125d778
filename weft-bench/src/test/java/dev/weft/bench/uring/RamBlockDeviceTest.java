package dev.weft.bench.uring;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The RAM device of uring-randread-ram, made for real (root: losetup, mkfs.ext4, mount): a writable ext4 mount that
 * takes O_DIRECT, and nothing left behind after close (no mount, no loop device, no backing file).
 */
class RamBlockDeviceTest {
    @Test
    void mountsAnExt4FileSystemAndLeavesNothingBehind() throws Exception {
        boolean root = "root".equals(System.getProperty("user.name"));
        if ("1".equals(System.getenv("WEFT_REQUIRE_KERNEL"))) {
            assertTrue(root, "WEFT_REQUIRE_KERNEL=1: the RAM device needs root");
        }
        assumeTrue(root, "the RAM device needs root");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Path mountPoint;
        String loop;
        try (RamBlockDevice d = RamBlockDevice.create(64L << 20, new PrintStream(log, true, StandardCharsets.UTF_8))) {
            mountPoint = d.mountPoint();
            assertEquals("ext4", Files.getFileStore(mountPoint).type());
            Path f = mountPoint.resolve("probe.dat");
            assertTrue(DataFile.prepare(f, 1 << 20, "test"), "written: the mount is a disk file system");
            assertEquals(1 << 20, Files.size(f));
            String line = log.toString(StandardCharsets.UTF_8);
            loop = line.substring(line.indexOf("/dev/loop"), line.indexOf(" on "));
            assertTrue(Files.readString(Path.of("/proc/self/mountinfo")).contains(" " + mountPoint + " "));
        }
        assertFalse(Files.readString(Path.of("/proc/self/mountinfo")).contains(" " + mountPoint + " "),
                "unmounted");
        assertFalse(Files.exists(mountPoint), "mount point removed");
        String backing = Path.of("/sys/block", Path.of(loop).getFileName().toString(), "loop", "backing_file")
                .toString();
        assertFalse(Files.exists(Path.of(backing)), "loop device " + loop + " detached");
        try (var shm = Files.list(Path.of("/dev/shm"))) {
            assertFalse(shm.anyMatch(p -> p.getFileName().toString().startsWith("weft-bench-ram-")),
                    "backing file deleted");
        }
    }

}
