package dev.weft.fuse.passthrough;

import com.sun.nio.file.ExtendedOpenOption;
import dev.weft.fuse.FuseException;
import dev.weft.fuse.kernel.FuseDeviceKernelTest;
import dev.weft.fuse.kernel.MountTeardown;
import dev.weft.fuse.proto.FuseKernelLayout;
import dev.weft.fuse.proto.FuseOpcode;
import dev.weft.fuse.proto.LinuxErrno;
import dev.weft.fuse.server.FuseServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Passthrough I/O ({@code FUSE_PASSTHROUGH}) for real: with it, O_DIRECT reads and writes of an open file go from the
 * kernel to the source file and no READ or WRITE reaches the server (without it, each one is a request); data agree
 * both ways; opens of one inode share its backing file, and the last release unregisters it (the kernel then no
 * longer knows the id); files made by CREATE are in passthrough too.
 */
class PassthroughIoTest {
    private static final int BLOCK = 4096;
    private static final int FILE_BLOCKS = 256;

    private Path source;
    private Path mnt;
    private PassthroughFilesystem fs;
    private FuseServer server;

    private void mount(boolean passthroughIo) throws IOException {
        FuseDeviceKernelTest.requireKernel();
        source = Files.createTempDirectory(Path.of("/var/tmp"), "weft-ptio-src"); // ext4: O_DIRECT works
        mnt = Files.createTempDirectory("weft-ptio-mnt");
        fs = new PassthroughFilesystem(source);
        server = FuseServer.builder(fs).passthroughIo(passthroughIo).unmountOnExit(false).mount(mnt);
    }

    @AfterEach
    void unmount() throws IOException {
        MountTeardown.run(server, fs, mnt, source, mnt);
    }

    /** READ and WRITE requests the server has read so far. */
    private long readsAndWrites() {
        Map<FuseOpcode, Long> byOpcode = server.requestsByOpcode();
        return byOpcode.getOrDefault(FuseOpcode.READ, 0L) + byOpcode.getOrDefault(FuseOpcode.WRITE, 0L);
    }

    private byte[] sourceFile(String name) throws IOException {
        byte[] data = new byte[FILE_BLOCKS * BLOCK];
        new Random(7).nextBytes(data);
        Files.write(source.resolve(name), data);
        return data;
    }

    /**
     * 256 O_DIRECT reads of 4 KiB and 64 writes through one open file; the READ and WRITE requests the server saw
     * meanwhile. (Each write still costs the kernel's GETXATTR of security.capability, as any FUSE write does.)
     */
    private long directIo(Path file, byte[] expected) throws IOException {
        // one aligned block: the aligned slice of two blocks is two blocks long when the allocation is aligned
        ByteBuffer buf = ByteBuffer.allocateDirect(2 * BLOCK).alignedSlice(BLOCK).slice(0, BLOCK);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE,
                ExtendedOpenOption.DIRECT)) {
            long before = readsAndWrites();
            for (int i = 0; i < FILE_BLOCKS; i++) {
                buf.clear();
                assertEquals(BLOCK, ch.read(buf, (long) i * BLOCK));
                for (int j = 0; j < BLOCK; j++) {
                    if (buf.get(j) != expected[i * BLOCK + j]) {
                        fail("block " + i + " differs at " + j);
                    }
                }
            }
            for (int i = 0; i < 64; i++) {
                buf.clear();
                for (int j = 0; j < BLOCK; j++) {
                    buf.put(j, (byte) (i + 1));
                }
                assertEquals(BLOCK, ch.write(buf, (long) i * 4 * BLOCK));
            }
            return readsAndWrites() - before;
        }
    }

    @Test
    void readsAndWritesGoToTheSourceFileWithoutReachingTheServer() throws Exception {
        mount(true);
        assertTrue(server.connection().has(FuseKernelLayout.FUSE_PASSTHROUGH));
        assertNotNull(server.connection().backingFiles());
        byte[] data = sourceFile("f");
        long served = directIo(mnt.resolve("f"), data);
        assertEquals(0, served, "320 reads and writes, " + server.requestsByOpcode());
        byte[] now = Files.readAllBytes(source.resolve("f"));
        for (int i = 0; i < 64; i++) {
            assertEquals((byte) (i + 1), now[i * 4 * BLOCK], "write " + i + " reached the source file");
        }
        assertEquals(now.length, Files.size(mnt.resolve("f")));
    }

    @Test
    void withoutPassthroughIoEachReadAndWriteIsARequest() throws Exception {
        mount(false);
        assertNull(server.connection().backingFiles());
        long served = directIo(mnt.resolve("f"), sourceFile("f"));
        assertEquals(320, served, "320 reads and writes, " + server.requestsByOpcode());
    }

    @Test
    void opensOfOneInodeShareItsBackingFileAndTheLastReleaseUnregistersIt() throws Exception {
        mount(true);
        byte[] data = sourceFile("f");
        int id;
        try (FileChannel a = FileChannel.open(mnt.resolve("f")); FileChannel b = FileChannel.open(mnt.resolve("f"))) {
            List<Integer> ids = fs.backingIdsInUse();
            assertEquals(2, ids.size(), "two open files in passthrough");
            assertEquals(ids.get(0), ids.get(1), "one backing file per inode");
            id = ids.get(0);
            assertTrue(id > 0);
            a.close();
            awaitTrue(() -> fs.backingIdsInUse().size() == 1, "the first release");
            ByteBuffer back = ByteBuffer.allocate(BLOCK);
            assertEquals(BLOCK, b.read(back, BLOCK));
            assertArrayEquals(java.util.Arrays.copyOfRange(data, BLOCK, 2 * BLOCK), back.array(),
                    "the other open file still reads");
        }
        awaitTrue(() -> fs.backingIdsInUse().isEmpty(), "the last release");
        FuseException gone = assertThrows(FuseException.class, () -> server.connection().backingFiles().close(id));
        assertEquals(LinuxErrno.ENOENT, gone.errno(), "the kernel no longer knows backing id " + id);
        assertArrayEquals(data, Files.readAllBytes(mnt.resolve("f")), "a new open registers it again");
    }

    @Test
    void filesMadeByCreateAreInPassthroughToo() throws Exception {
        mount(true);
        ByteBuffer block = ByteBuffer.allocate(BLOCK);
        try (FileChannel ch = FileChannel.open(mnt.resolve("new"), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE)) {
            assertEquals(1, fs.backingIdsInUse().size());
            long before = readsAndWrites();
            for (int i = 0; i < 100; i++) {
                block.clear();
                ch.write(block, (long) i * BLOCK);
            }
            assertEquals(0, readsAndWrites() - before, "100 writes: " + server.requestsByOpcode());
        }
        assertEquals(100L * BLOCK, Files.size(source.resolve("new")));
    }

    @Test
    void passthroughIoAndTheWritebackCacheExcludeEachOther() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FuseServer
                .builder(new dev.weft.fuse.FuseFilesystem() { }).passthroughIo(true).writebackCache(true)
                .mount(Path.of("/nonexistent")));
        assertTrue(e.getMessage().contains("exclude each other"), e.getMessage());
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail(what + " did not happen within 10 s");
            }
            Thread.sleep(5);
        }
    }
}
