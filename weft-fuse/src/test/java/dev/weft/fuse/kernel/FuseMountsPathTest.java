package dev.weft.fuse.kernel;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A mount point is looked up in mountinfo under the name the kernel gives it: its parent's symlinks resolved. */
class FuseMountsPathTest {

    @Test
    void aSymlinkedParentIsResolvedAndTheMountPointItselfIsNot(@TempDir Path dir) throws Exception {
        Path real = Files.createDirectory(dir.resolve("real"));
        Path link = Files.createSymbolicLink(dir.resolve("link"), real);
        Path realDir = real.toRealPath();
        assertEquals(realDir.resolve("mnt"), FuseMounts.kernelPath(link.resolve("mnt")),
                "resolved through the parent, even though mnt does not exist (a dead mount cannot be stat'ed)");
        assertEquals(realDir.resolve("mnt"), FuseMounts.kernelPath(link.resolve("x/../mnt")));
        assertEquals(Path.of("/"), FuseMounts.kernelPath(Path.of("/")));
    }
}
