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

/** The peer's arguments, and the one struct it reads; mounting is exercised by the benchmark itself. */
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
}
