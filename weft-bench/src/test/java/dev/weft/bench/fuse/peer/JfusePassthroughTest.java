package dev.weft.bench.fuse.peer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The peer's arguments, the one struct it reads, and the peer mounted: data, xattrs and close through it. */
class JfusePassthroughTest {

    @Test
    void takesTwoExistingDirectories(@TempDir Path dir) throws IOException {
        Path src = Files.createDirectory(dir.resolve("src"));
        Path mnt = Files.createDirectory(dir.resolve("mnt"));
        assertArrayEquals(new Path[] {src, mnt}, JfusePassthrough.parse(new String[] {src + "/.", mnt.toString()}));

        IllegalArgumentException count = assertThrows(IllegalArgumentException.class,
                () -> JfusePassthrough.parse(new String[] {src.toString()}));
        assertEquals("expected SOURCE and MOUNTPOINT, got 1 arguments", count.getMessage());

        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> JfusePassthrough.parse(new String[] {src.toString(), dir.resolve("nope").toString()}));
        assertTrue(missing.getMessage().startsWith("MOUNTPOINT '") && missing.getMessage().endsWith(
                "nope' is not a directory"), missing.getMessage());

        Path comma = Files.createDirectory(dir.resolve("a,b"));
        IllegalArgumentException split = assertThrows(IllegalArgumentException.class,
                () -> JfusePassthrough.parse(new String[] {comma.toString(), mnt.toString()}));
        assertTrue(split.getMessage().contains("has a comma"), split.getMessage());
    }

    @Test
    void statLayoutIsGlibcsX8664StructStat() {
        assertEquals(144, StatLayout.STAT.byteSize());
        assertEquals(24, StatLayout.STAT.byteOffset(groupElement("st_mode")));
        assertEquals(48, StatLayout.STAT.byteOffset(groupElement("st_size")));
        assertEquals(88, StatLayout.STAT.byteOffset(groupElement("st_mtim")));
    }
    @Test
    void mountedItPassesDataAndXattrsThrough(@TempDir Path dir) throws Exception {
        boolean kernel = Files.exists(Path.of("/dev/fuse")) && "root".equals(System.getProperty("user.name"));
        if (!kernel) {
            if ("1".equals(System.getenv("WEFT_REQUIRE_KERNEL"))) {
                org.junit.jupiter.api.Assertions.fail("WEFT_REQUIRE_KERNEL=1 but FUSE mounts need /dev/fuse and root");
            }
            org.junit.jupiter.api.Assumptions.abort("needs /dev/fuse and root");
        }
        Path src = Files.createDirectory(dir.resolve("src"));
        Path mnt = Files.createDirectory(dir.resolve("mnt"));
        String javaBin = ProcessHandle.current().info().command().orElseThrow();
        Process p = new ProcessBuilder(javaBin, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), JfusePassthrough.class.getName(), src.toString(),
                mnt.toString()).redirectErrorStream(true).start();
        try {
            java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()));
            String first = out.readLine();
            assertTrue(first != null && first.contains("mounted on " + mnt), "first line: " + first);
            Files.writeString(mnt.resolve("f"), "through jfuse"); // create, write, flush, release
            assertEquals("through jfuse", Files.readString(src.resolve("f")));
            var view = Files.getFileAttributeView(mnt.resolve("f"),
                    java.nio.file.attribute.UserDefinedFileAttributeView.class);
            view.write("k", java.nio.ByteBuffer.wrap("v".getBytes()));
            assertEquals(java.util.List.of("k"), view.list());
            assertEquals(java.util.List.of("k"), Files.getFileAttributeView(src.resolve("f"),
                    java.nio.file.attribute.UserDefinedFileAttributeView.class).list(), "the xattr reached the source");
            view.delete("k");
            assertEquals(java.util.List.of(), view.list());
        } finally {
            p.toHandle().destroy(); // SIGTERM: its shutdown hook unmounts
            assertTrue(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
        }
    }
}
