package dev.weft.cli;

import dev.weft.fuse.server.Dispatch;
import dev.weft.fuse.server.IdleOrder;
import dev.weft.fuse.server.Transport;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.*;

/** The arguments of {@code weft mount} and {@code weft umount}: good ones parsed, bad ones named. */
class MountCommandTest {

    @Test
    void parsesEveryOption() {
        MountCommand.MountArgs a = MountCommand.MountArgs.parse(new String[]{"--threads", "3", "--dispatch",
                "threadlet", "--idle", "LIFO", "--allow-other", "--ro", "--writeback-cache", "--fsname", "src",
                "--read-spin-us", "25", "--transport", "uring", "--ring-threads", "3", "--inode-budget", "5000", "/a", "b"});
        assertEquals(3, a.threads());
        assertEquals(Transport.IO_URING, a.transport());
        assertEquals(3, a.ringThreads());
        assertEquals(Dispatch.THREADLET, a.dispatch());
        assertEquals(IdleOrder.LIFO, a.idle());
        assertTrue(a.allowOther() && a.readOnly() && a.writebackCache());
        assertEquals("src", a.fsname());
        assertEquals(Duration.ofNanos(25_000), a.readSpin());
        assertEquals(5000, a.inodeBudget());
        assertFalse(a.pinned());
        assertTrue(MountCommand.MountArgs.parse(new String[]{"--pin", "/a", "/b"}).pinned());
        assertEquals(Path.of("/a"), a.source());
        assertEquals(Path.of("b").toAbsolutePath().normalize(), a.mountpoint());
        assertTrue(MountCommand.MountArgs.parse(new String[]{"--passthrough-io", "/a", "/b"}).passthroughIo());
        IllegalArgumentException both = assertThrows(IllegalArgumentException.class, () -> MountCommand.MountArgs
                .parse(new String[]{"--passthrough-io", "--writeback-cache", "/a", "/b"}));
        assertTrue(both.getMessage().contains("exclude each other"), both.getMessage());
    }

    @Test
    void defaultsAreOneThreadPerCpuInlineAndTheServersDefaults() {
        MountCommand.MountArgs a = MountCommand.MountArgs.parse(new String[]{"/src", "/mnt"});
        assertEquals(0, a.threads(), "unset: the server's default, one per CPU");
        assertEquals(Dispatch.INLINE, a.dispatch());
        assertEquals(Transport.DEV_FUSE, a.transport());
        assertNull(a.readSpin(), "unset: the server's default");
        assertEquals(0, a.inodeBudget(), "unset: the passthrough's default");
        assertEquals("/src", a.fsname());
    }

    @Test
    void badArgumentsAreNamed() {
        assertMessage("--threads needs a number, got 'x'", "--threads", "x", "/a", "/b");
        assertMessage("--threads must be 1..1024, got 0", "--threads", "0", "/a", "/b");
        assertMessage("--dispatch must be one of [inline, threadlet], got 'pool'", "--dispatch", "pool", "/a", "/b");
        assertMessage("--idle must be one of [lifo, fifo], got 'random'", "--idle", "random", "/a", "/b");
        assertMessage("--transport must be one of [dev, uring], got 'tcp'", "--transport", "tcp", "/a", "/b");
        assertMessage("--ring-threads must be 1..64, got 65", "--transport", "uring", "--ring-threads", "65", "/a",
                "/b");
        assertMessage("--ring-threads applies to --transport uring only", "--ring-threads", "2", "/a", "/b");
        assertMessage("--fsname needs a value", "/a", "/b", "--fsname");
        assertMessage("--inode-budget must be 1..1073741824, got 0", "--inode-budget", "0", "/a", "/b");
        assertMessage("unknown option --bogus", "--bogus", "/a", "/b");
        assertMessage("expected SOURCE and MOUNTPOINT, got 1 arguments [/a]", "/a");
        assertMessage("--read-spin-us must be 0..1000000, got -1", "--read-spin-us", "-1", "/a", "/b");
        assertMessage("--read-spin-us must be 0..1000000, got NaN", "--read-spin-us", "NaN", "/a", "/b");
        assertMessage("--read-spin-us must be 0..1000000, got Infinity", "--read-spin-us", "Infinity", "/a", "/b");
        assertMessage("--pin applies to --transport dev only (the io_uring queue threads are always pinned to their"
                + " queue's CPU)", "--pin", "--transport", "uring", "/a", "/b");
        assertMessage("unknown option --pin=yes", "--pin=yes", "/a", "/b");
        assertMessage("--fsname must be non-empty, without ',' (it separates mount options), got ''", "--fsname", "",
                "/a", "/b");
        assertMessage("--fsname must be non-empty, without ',' (it separates mount options), got 'a,b'", "--fsname",
                "a,b", "/a", "/b");
    }

    /** A bad fsname is a usage error found before anything is opened: status 2 and the usage, as other bad options. */
    @Test
    void aBadFsnameIsAUsageErrorWithStatus2(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        for (String bad : new String[]{"", "a,allow_other"}) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            assertEquals(2, MountCommand.mount(new String[]{"--fsname", bad, dir.toString(), dir.toString()},
                    System.out, new PrintStream(err, true)), err.toString());
            assertTrue(err.toString().contains("--fsname must be non-empty"), err.toString());
            assertTrue(err.toString().contains(MountCommand.MOUNT_USAGE), err.toString());
        }
    }

    @Test
    void helpPrintsTheUsageWithStatus0() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream o = new PrintStream(out, true);
        assertEquals(0, MountCommand.mount(new String[]{"--help"}, o, System.err));
        assertEquals(0, MountCommand.umount(new String[]{"-h"}, o, System.err));
        assertTrue(out.toString().contains(MountCommand.MOUNT_USAGE), out.toString());
        assertTrue(out.toString().contains(MountCommand.UMOUNT_USAGE), out.toString());
    }

    @Test
    void mountAndUmountReportUsageErrorsWithStatus2() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream e = new PrintStream(err, true);
        assertEquals(2, MountCommand.mount(new String[]{"--idle"}, System.out, e));
        assertTrue(err.toString().contains("--idle needs a value"), err.toString());
        assertEquals(2, MountCommand.mount(new String[]{"/definitely/not/here", "/tmp"}, System.out, e));
        assertTrue(err.toString().contains("SOURCE /definitely/not/here is not a directory"), err.toString());
        assertEquals(2, MountCommand.umount(new String[]{}, System.out, e));
        assertEquals(2, MountCommand.umount(new String[]{"/a", "/b"}, System.out, e));
        assertEquals(1, MountCommand.umount(new String[]{"/definitely/not/mounted"}, System.out, e));
        assertTrue(err.toString().contains("no FUSE file system is mounted at /definitely/not/mounted"),
                err.toString());
    }

    private static void assertMessage(String expected, String... args) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MountCommand.MountArgs.parse(args));
        assertEquals(expected, e.getMessage());
    }
}
