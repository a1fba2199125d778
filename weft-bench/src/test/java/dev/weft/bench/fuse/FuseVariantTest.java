package dev.weft.bench.fuse;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How each variant's server is started, and what keeps one from starting. */
class FuseVariantTest {

    static final FuseVariant.Launch LAUNCH = new FuseVariant.Launch(Path.of("/jdk/bin/java"),
            List.of("--enable-native-access=ALL-UNNAMED"), "/a.jar:/b", "bindfs",
            Path.of("/work/bin/libfuse3-passthrough"));
    static final Path SRC = Path.of("/work/source"), MNT = Path.of("/work/mnt");

    @Test
    void keysInReportOrderWithNativeFirst() {
        assertEquals(List.of("native", "weft", "weft-lifo", "weft-threadlet", "weft-uring", "weft-passthrough-io",
                "bindfs", "libfuse3", "jfuse"), FuseVariant.keys());
        assertFalse(FuseVariant.NATIVE.mounts());
        assertEquals(List.of(), FuseVariant.NATIVE.command(LAUNCH, SRC, MNT));
    }

    @Test
    void weftVariantsRunTheMountCommandOfBinWeft() {
        List<String> jvm = List.of("/jdk/bin/java", "--enable-native-access=ALL-UNNAMED", "-cp", "/a.jar:/b",
                "dev.weft.cli.Main", "mount");
        assertEquals(concat(jvm, List.of("/work/source", "/work/mnt")), FuseVariant.WEFT.command(LAUNCH, SRC, MNT));
        assertEquals(concat(jvm, List.of("--idle", "lifo", "/work/source", "/work/mnt")),
                FuseVariant.WEFT_LIFO.command(LAUNCH, SRC, MNT));
        assertEquals(concat(jvm, List.of("--dispatch", "threadlet", "/work/source", "/work/mnt")),
                FuseVariant.WEFT_THREADLET.command(LAUNCH, SRC, MNT));
        assertEquals(concat(jvm, List.of("--transport", "uring", "/work/source", "/work/mnt")),
                FuseVariant.WEFT_URING.command(LAUNCH, SRC, MNT));
        assertEquals(concat(jvm, List.of("--passthrough-io", "/work/source", "/work/mnt")),
                FuseVariant.WEFT_PASSTHROUGH_IO.command(LAUNCH, SRC, MNT));
        for (FuseVariant v : List.of(FuseVariant.WEFT, FuseVariant.WEFT_LIFO, FuseVariant.WEFT_THREADLET,
                FuseVariant.WEFT_URING, FuseVariant.WEFT_PASSTHROUGH_IO)) {
            assertEquals("fuse.weft", v.fsType());
        }
    }

    @Test
    void peersForwardODirectAndNameTheirMounts() {
        assertEquals(List.of("bindfs", "-f", "--multithreaded", "--forward-odirect=4096", "-o", "subtype=bindfs",
                "/work/source", "/work/mnt"), FuseVariant.BINDFS.command(LAUNCH, SRC, MNT));
        assertEquals("fuse.bindfs", FuseVariant.BINDFS.fsType());
        assertEquals(List.of("/work/bin/libfuse3-passthrough", "/work/source", "/work/mnt"),
                FuseVariant.LIBFUSE3.command(LAUNCH, SRC, MNT));
        assertEquals("fuse.libfuse3", FuseVariant.LIBFUSE3.fsType());
        assertEquals(List.of("/jdk/bin/java", "--enable-native-access=ALL-UNNAMED", "-cp", "/a.jar:/b",
                        "dev.weft.bench.fuse.peer.JfusePassthrough", "/work/source", "/work/mnt"),
                FuseVariant.JFUSE.command(LAUNCH, SRC, MNT));
        assertEquals("fuse.jfuse", FuseVariant.JFUSE.fsType());
    }

    @Test
    void weftNeedsWeftCliOnTheClassPath(@TempDir Path dir) throws IOException {
        Path classes = dir.resolve("classes");
        Files.createDirectories(classes.resolve("dev/weft/cli"));
        assertFalse(FuseVariant.onClassPath(classes.toString(), FuseVariant.WEFT_MAIN));
        Files.writeString(classes.resolve("dev/weft/cli/Main.class"), "");
        assertTrue(FuseVariant.onClassPath("/nonexistent.jar::" + classes, FuseVariant.WEFT_MAIN));

        FuseVariant.Launch without = new FuseVariant.Launch(LAUNCH.java(), LAUNCH.jvmArgs(), "/nonexistent", "bindfs",
                LAUNCH.libfuse3Peer());
        if (Files.exists(Path.of("/dev/fuse"))) {
            String why = FuseVariant.WEFT.unavailability(without).orElseThrow();
            assertTrue(why.contains("dev.weft.cli.Main (weft-cli) is not on the class path"), why);
            assertTrue(why.contains("bin/weft bench"), why);
        }
        assertTrue(FuseVariant.NATIVE.unavailability(without).isEmpty());
    }

    @Test
    void missingBindfsIsNamedWithItsPackage() {
        FuseVariant.Launch l = new FuseVariant.Launch(LAUNCH.java(), LAUNCH.jvmArgs(), "", "no-such-bindfs-here",
                LAUNCH.libfuse3Peer());
        if (Files.exists(Path.of("/dev/fuse"))) {
            String why = FuseVariant.BINDFS.unavailability(l).orElseThrow();
            assertTrue(why.contains("'no-such-bindfs-here'") && why.contains("apt-get install bindfs"), why);
        }
        assertTrue(FuseVariant.findProgram("sh").isPresent(), "sh is on PATH");
        assertTrue(FuseVariant.findProgram("/bin/sh").isPresent());
        assertTrue(FuseVariant.findProgram("/nonexistent/sh").isEmpty());
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> c = new ArrayList<>(a);
        c.addAll(b);
        return c;
    }
}
