package dev.weft.bench.uring;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * uring-randread's arguments, alignment, data file and reader loop, without timing anything: fio's command line, block
 * positions and buffers fit for O_DIRECT, the refusal of tmpfs, the data file written once and then reused, and a
 * failing reader failing the run.
 */
class UringRandReadTest {

    /** A directory on the build's own disk (JUnit's @TempDir may be tmpfs, which the data file refuses). */
    private static Path diskDir(String name) throws IOException {
        Path dir = Path.of("target", "uring-randread-test", name).toAbsolutePath();
        Files.createDirectories(dir);
        return dir;
    }

    @Test
    void fioArgumentsAreTheCommandLineOfTheProfile() {
        assertEquals("fio --name=r --filename=FILE --rw=randread --bs=4k --direct=1 --ioengine=io_uring --iodepth=64"
                        + " --numjobs=1 --time_based --runtime=5 --ramp_time=3 --output-format=json",
                UringRandRead.commandLine(UringRandRead.Timing.QUICK));
        List<String> args = UringRandRead.fioArguments("/var/tmp/weft-bench/uring/randread.dat",
                UringRandRead.Timing.DEFAULT);
        assertTrue(args.contains("--filename=/var/tmp/weft-bench/uring/randread.dat"), args.toString());
        assertTrue(args.contains("--runtime=20") && args.contains("--ramp_time=5"), args.toString());
        assertEquals(RandReadVariant.keys(),
                List.of("weft-uring", "weft-uring-fixed", "filechannel-vt", "filechannel-platform", "fio-io_uring"));
    }

    @Test
    void timingRejectsAnEmptyWindow() {
        assertThrows(IllegalArgumentException.class, () -> new UringRandRead.Timing(1, 0));
        assertThrows(IllegalArgumentException.class, () -> new UringRandRead.Timing(-1, 5));
    }

    @Test
    void positionsAreWholeBlocksInsideTheFile() {
        AlignedBlocks blocks = new AlignedBlocks(UringRandRead.FILE_BYTES, AlignedBlocks.BLOCK_BYTES);
        assertEquals(262_144, blocks.blocks());
        SplittableRandom random = new SplittableRandom(1);
        long max = 0;
        for (int i = 0; i < 100_000; i++) {
            long p = blocks.randomPosition(random);
            assertEquals(0, p % 4096, "position " + p);
            assertTrue(p >= 0 && p + 4096 <= UringRandRead.FILE_BYTES, "position " + p);
            max = Math.max(max, p);
        }
        assertTrue(max > UringRandRead.FILE_BYTES / 2, "positions spread over the file, max " + max);
    }

    @Test
    void rejectsBlockSizesAndFileSizesThatODirectCannotUse() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new AlignedBlocks(1 << 20, 3000));
        assertTrue(e.getMessage().contains("3000") && e.getMessage().contains("power of two"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new AlignedBlocks(1 << 20, 256));
        e = assertThrows(IllegalArgumentException.class, () -> new AlignedBlocks((1 << 20) + 512, 4096));
        assertTrue(e.getMessage().contains("multiple of the block size 4096"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new AlignedBlocks(0, 4096));
    }

    @Test
    void buffersStartOnABlockBoundaryAndHoldOneBlock() {
        AlignedBlocks blocks = new AlignedBlocks(UringRandRead.FILE_BYTES, AlignedBlocks.BLOCK_BYTES);
        for (int i = 0; i < 50; i++) {
            ByteBuffer b = blocks.newDirectBuffer();
            assertTrue(b.isDirect());
            assertEquals(4096, b.capacity());
            assertEquals(4096, b.remaining());
            assertEquals(0, MemorySegment.ofBuffer(b).address() % 4096);
            b.position(100).limit(200);
            b.clear();
            assertEquals(4096, b.remaining(), "clear() gives back exactly one block");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = blocks.newSegment(arena);
            assertEquals(4096, s.byteSize());
            assertEquals(0, s.address() % 4096);
        }
    }

    @Test
    void refusesTmpfsAndRamfsWithTheFix() {
        String why = DataFile.refusal(Path.of("/dev/shm/w"), "tmpfs", UringRandRead.DIR_PROPERTY);
        assertEquals("/dev/shm/w is on tmpfs, which has no O_DIRECT and is memory rather than a disk: set"
                + " -Dweft.bench.uring-dir=DIR to a directory on a disk file system (e.g. ext4, xfs)", why);
        assertTrue(DataFile.refusal(Path.of("/r"), "ramfs", UringRandRead.DIR_PROPERTY).contains("ramfs"));
        assertNull(DataFile.refusal(Path.of("/var/tmp"), "ext4", UringRandRead.DIR_PROPERTY));
        assertNull(DataFile.refusal(Path.of("/var/tmp"), "xfs", UringRandRead.DIR_PROPERTY));
    }

    @Test
    void refusesADirectoryOnTmpfsWithoutWritingThere() throws IOException {
        Path shm = Path.of("/dev/shm");
        assertEquals("tmpfs", Files.getFileStore(shm).type(), "this test needs /dev/shm on tmpfs, as on Linux");
        Path dir = Files.createTempDirectory(shm, "weft-uring-randread-");
        try {
            Path file = dir.resolve("uring").resolve("randread.dat");
            DataFile.UnsuitableDirectoryException e = assertThrows(DataFile.UnsuitableDirectoryException.class,
                    () -> DataFile.prepare(file, 1 << 20, UringRandRead.DIR_PROPERTY));
            assertTrue(e.getMessage().contains("is on tmpfs") && e.getMessage().contains("-Dweft.bench.uring-dir"),
                    e.getMessage());
            try (var files = Files.list(file.getParent())) {
                assertEquals(0, files.count(), "nothing written on tmpfs");
            }
        } finally {
            try (var walk = Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void theDataFileIsWrittenInFullOnceAndThenReused() throws IOException {
        Path file = diskDir("data").resolve("randread.dat");
        Files.deleteIfExists(file);
        long bytes = (1 << 20) + 8192;
        assertTrue(DataFile.prepare(file, bytes, UringRandRead.DIR_PROPERTY), "written");
        assertEquals(bytes, Files.size(file));
        assertFalse(Files.exists(file.resolveSibling("randread.dat.partial")));
        byte[] tail = new byte[4096];
        System.arraycopy(Files.readAllBytes(file), (int) bytes - 4096, tail, 0, 4096);
        assertFalse(java.util.Arrays.equals(tail, new byte[4096]), "random bytes up to the end, no hole");

        long modified = Files.getLastModifiedTime(file).toMillis();
        assertFalse(DataFile.prepare(file, bytes, UringRandRead.DIR_PROPERTY), "reused");
        assertEquals(modified, Files.getLastModifiedTime(file).toMillis());

        Files.write(file, new byte[10]);
        assertTrue(DataFile.prepare(file, bytes, UringRandRead.DIR_PROPERTY), "wrong size: written again");
        assertEquals(bytes, Files.size(file));
        Files.delete(file);
    }

    @Test
    void countersSumEveryReadersCount() {
        ReadCounters c = new ReadCounters(3);
        c.incrementOpaque(0);
        c.incrementOpaque(2);
        c.incrementOpaque(2);
        assertEquals(3, c.sumOpaque());
        assertThrows(IllegalArgumentException.class, () -> new ReadCounters(0));
    }

    @Test
    void aFailingReaderFailsTheRunWithItsError() {
        AlignedBlocks blocks = new AlignedBlocks(1 << 20, 4096);
        AtomicInteger closed = new AtomicInteger();
        IOException e = assertThrows(IOException.class, () -> TimedReaders.run(4, Thread.ofVirtual(),
                () -> new TimedReaders.BlockReader() {
                    @Override
                    public void read(long position) throws IOException {
                        throw new IOException("read at " + position + " failed: errno 22");
                    }

                    @Override
                    public void close() {
                        closed.incrementAndGet();
                    }
                }, blocks, Duration.ofSeconds(10), Duration.ofSeconds(10)));
        assertTrue(e.getMessage().contains("errno 22"), e.getMessage());
        assertEquals(4, closed.get(), "every reader closed its buffer");
    }

    @Test
    void readersReadAlignedPositionsAndAreCounted() throws Exception {
        AlignedBlocks blocks = new AlignedBlocks(1 << 20, 4096);
        AtomicInteger misaligned = new AtomicInteger();
        TimedReaders.Window w = TimedReaders.run(2, Thread.ofPlatform(), () -> new TimedReaders.BlockReader() {
            @Override
            public void read(long position) {
                if (position % 4096 != 0 || position + 4096 > (1 << 20)) {
                    misaligned.incrementAndGet();
                }
                Thread.onSpinWait();
            }

            @Override
            public void close() {
            }
        }, blocks, Duration.ZERO, Duration.ofMillis(50));
        assertEquals(0, misaligned.get());
        assertTrue(w.reads() > 0 && w.nanos() > 0, w.toString());
    }
}
