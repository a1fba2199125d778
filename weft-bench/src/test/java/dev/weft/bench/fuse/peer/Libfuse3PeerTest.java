package dev.weft.bench.fuse.peer;

import dev.weft.bench.fuse.FuseVariant;
import dev.weft.bench.fuse.MountTable;
import dev.weft.bench.fuse.MountedServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The C peer: built once from its source, and mounted: data (O_DIRECT too), directories, links and xattrs. */
class Libfuse3PeerTest {

    private static void requireTools() {
        boolean kernel = Files.exists(Path.of("/dev/fuse")) && "root".equals(System.getProperty("user.name"));
        boolean tools = Files.exists(Path.of("/usr/include/fuse3/fuse.h"));
        if (!kernel || !tools) {
            String what = !kernel ? "FUSE mounts need /dev/fuse and root" : "libfuse3-dev is not installed";
            if ("1".equals(System.getenv("WEFT_REQUIRE_KERNEL"))) {
                org.junit.jupiter.api.Assertions.fail("WEFT_REQUIRE_KERNEL=1 but " + what + " (.ci/run installs it)");
            }
            org.junit.jupiter.api.Assumptions.abort(what);
        }
    }

    @Test
    void builtOnceThenReused(@TempDir Path dir) throws Exception {
        requireTools();
        Path binary = dir.resolve("bin/libfuse3-passthrough");
        assertEquals(Optional.empty(), Libfuse3Peer.ensureBuilt(binary));
        assertTrue(Files.isExecutable(binary));
        FileTime built = Files.getLastModifiedTime(binary);
        Thread.sleep(20);
        assertEquals(Optional.empty(), Libfuse3Peer.ensureBuilt(binary));
        assertEquals(built, Files.getLastModifiedTime(binary), "not rebuilt from the same source");
        Files.writeString(binary.resolveSibling("libfuse3-passthrough.c"), "/* another source */");
        assertEquals(Optional.empty(), Libfuse3Peer.ensureBuilt(binary));
        assertEquals(Files.readString(binary.resolveSibling("libfuse3-passthrough.c")).length(),
                new String(Libfuse3Peer.class.getResourceAsStream(Libfuse3Peer.SOURCE).readAllBytes(),
                        StandardCharsets.UTF_8).length(), "rebuilt when the source beside it differs");
    }

    @Test
    void mountedItPassesDataDirectoriesLinksAndXattrsThrough(@TempDir Path dir) throws Exception {
        requireTools();
        Path binary = dir.resolve("bin/libfuse3-passthrough");
        assertEquals(Optional.empty(), Libfuse3Peer.ensureBuilt(binary));
        Path src = Files.createDirectory(dir.resolve("src"));
        Path mnt = Files.createDirectory(dir.resolve("mnt"));
        byte[] data = new byte[1 << 20];
        new java.util.Random(7).nextBytes(data);
        Files.write(src.resolve("data"), data);
        FuseVariant.Launch launch = new FuseVariant.Launch(Path.of("java"), List.of(), "", "bindfs", binary);
        PrintStream progress = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        try (var server = MountedServer.start("libfuse3", FuseVariant.LIBFUSE3.command(launch, src, mnt), mnt,
                FuseVariant.LIBFUSE3.fsType(), dir.resolve("peer.log"), Duration.ofSeconds(30), progress)) {
            assertArrayEquals(Files.list(src).sorted().map(Path::getFileName).toArray(),
                    Files.list(mnt).sorted().map(Path::getFileName).toArray(), "the source's entries, not /'s");
            assertArrayEquals(data, Files.readAllBytes(mnt.resolve("data")));
            assertArrayEquals(java.util.Arrays.copyOfRange(data, 4096, 8192), directRead(mnt.resolve("data"), 4096),
                    "an O_DIRECT read through the peer");
            Files.createDirectory(mnt.resolve("d"));
            Files.writeString(mnt.resolve("d/f"), "through the C peer");
            assertEquals("through the C peer", Files.readString(src.resolve("d/f")));
            Files.createSymbolicLink(mnt.resolve("s"), Path.of("d/f"));
            assertEquals(Path.of("d/f"), Files.readSymbolicLink(src.resolve("s")));
            Files.createLink(mnt.resolve("h"), mnt.resolve("d/f"));
            assertEquals(2, (int) Files.getAttribute(src.resolve("d/f"), "unix:nlink"));
            Files.move(mnt.resolve("h"), mnt.resolve("moved"));
            assertTrue(Files.exists(src.resolve("moved")) && !Files.exists(src.resolve("h")));
            var view = Files.getFileAttributeView(mnt.resolve("d/f"), UserDefinedFileAttributeView.class);
            view.write("k", ByteBuffer.wrap("v".getBytes(StandardCharsets.UTF_8)));
            assertEquals(List.of("k"), Files.getFileAttributeView(src.resolve("d/f"),
                    UserDefinedFileAttributeView.class).list(), "the xattr reached the source");
            Files.delete(mnt.resolve("moved"));
            assertFalse(Files.exists(src.resolve("moved")));
        }
        assertTrue(MountTable.find(mnt).isEmpty(), "unmounted on close");
    }

    private static byte[] directRead(Path file, int offset) throws Exception {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ,
                com.sun.nio.file.ExtendedOpenOption.DIRECT)) {
            ByteBuffer b = ByteBuffer.allocateDirect(8192).alignedSlice(4096).limit(4096);
            assertEquals(4096, ch.read(b, offset));
            byte[] out = new byte[4096];
            b.flip().get(out);
            return out;
        }
    }
}
