package dev.weft.uring;

import dev.weft.ring.Completion;
import dev.weft.ring.CompletionRing;
import dev.weft.sched.ConcurrencyGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The calls of {@link UringFile} beyond read and write, against the real kernel, each in the three places a caller
 * can be (a worker of a ring group, a platform thread, the FileChannel fallback): vectored reads and writes,
 * fallocate, statx, asynchronous writes; and the ring options: registered files (a slot per server ring, given back
 * when the file closes) and registered buffers (reads and writes inside them go as READ_FIXED and WRITE_FIXED).
 */
class UringFileOperationsTest {
    private static final int BLOCK = 4096;
    /** How long a test waits for its workers: ample on a loaded machine, and a hung worker fails the test. */
    private static final Duration JOIN_LIMIT = Duration.ofSeconds(60);
    private Path file;

    @BeforeEach
    void createFile() throws IOException {
        RingTestSupport.requireIoUring();
        file = Files.createTempFile(Path.of("/var/tmp"), "weft-uringops", ".dat");
    }

    @AfterEach
    void deleteFile() throws IOException {
        if (file != null) {
            Files.deleteIfExists(file);
        }
    }

    /** The three kinds of caller, each given a file to use: it runs {@code body} and rethrows what it threw. */
    private interface FileBody {
        void run(UringFile f) throws Exception;
    }

    private void onWorker(UringFile.Option[] options, FileBody body) throws Exception {
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        try (ConcurrencyGroup group = UringServerPoller.groupBuilder().servers(2).build();
             UringFile f = UringFile.open(file, UringFile.Mode.READ_WRITE, options)) {
            assertTrue(f.usesIoUring());
            Thread worker = group.threadBuilder().start(() -> {
                try {
                    assertNotNull(UringServerPoller.current(), "the body runs on a worker of a ring group");
                    body.run(f);
                } catch (Throwable t) {
                    failures.add(t);
                }
            });
            assertTrue(worker.join(JOIN_LIMIT), "the worker ended within " + JOIN_LIMIT);
        }
        rethrow(failures);
    }

    private void everywhere(FileBody body) throws Exception {
        onWorker(new UringFile.Option[0], body);
        onWorker(new UringFile.Option[]{UringFile.Option.REGISTERED}, body);
        try (UringFile f = UringFile.open(file, UringFile.Mode.READ_WRITE)) {
            body.run(f); // a platform thread: the system calls themselves
        }
        try (UringFile f = UringFile.openFallback(file, UringFile.Mode.READ_WRITE, false, "a test forced it")) {
            assertFalse(f.usesIoUring());
            body.run(f);
        }
    }

    private static void rethrow(List<Throwable> failures) throws Exception {
        if (!failures.isEmpty()) {
            Throwable t = failures.getFirst();
            if (t instanceof Exception e) {
                throw e;
            }
            throw (Error) t;
        }
    }

    private static MemorySegment pattern(Arena a, int size, int seed) {
        MemorySegment s = a.allocate(size, BLOCK);
        for (int i = 0; i < size; i++) {
            s.set(JAVA_BYTE, i, (byte) (seed + i * 7));
        }
        return s;
    }

    private byte[] readWithFileChannel(long position, int length) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(length);
            while (b.hasRemaining() && ch.read(b, position + b.position()) > 0) {
                // until full or end of file
            }
            return b.array();
        }
    }

    @Test
    void vectoredWritesLandInOrderAndVectoredReadsSplitTheFileAcrossBuffers() throws Exception {
        everywhere(f -> {
            Files.write(file, new byte[0], StandardOpenOption.TRUNCATE_EXISTING);
            try (Arena a = Arena.ofConfined()) {
                MemorySegment s1 = pattern(a, 3 * BLOCK, 1);
                MemorySegment s2 = pattern(a, 100, 2);
                MemorySegment s3 = pattern(a, BLOCK, 3);
                assertEquals(3 * BLOCK + 100 + BLOCK, f.write(512, s1, s2, s3));
                byte[] all = readWithFileChannel(512, 4 * BLOCK + 100);
                assertArrayEquals(s1.toArray(JAVA_BYTE), java.util.Arrays.copyOfRange(all, 0, 3 * BLOCK));
                assertArrayEquals(s2.toArray(JAVA_BYTE), java.util.Arrays.copyOfRange(all, 3 * BLOCK, 3 * BLOCK + 100));
                assertArrayEquals(s3.toArray(JAVA_BYTE), java.util.Arrays.copyOfRange(all, 3 * BLOCK + 100,
                        4 * BLOCK + 100));

                MemorySegment d1 = a.allocate(100);
                MemorySegment d2 = a.allocate(5 * BLOCK); // more than is left: a short read at end of file
                long n = f.read(512 + 3 * BLOCK, d1, d2);
                assertEquals(100 + BLOCK, n, "the read stops at end of file");
                assertArrayEquals(s2.toArray(JAVA_BYTE), d1.toArray(JAVA_BYTE));
                assertArrayEquals(s3.toArray(JAVA_BYTE), d2.asSlice(0, BLOCK).toArray(JAVA_BYTE));
            }
        });
    }

    @Test
    void fallocateGrowsKeepsSizeAndPunchesHoles() throws Exception {
        everywhere(f -> {
            Files.write(file, new byte[0], StandardOpenOption.TRUNCATE_EXISTING);
            f.fallocate(UringFile.FALLOC_ALLOCATE, 0, 16 * BLOCK);
            assertEquals(16 * BLOCK, Files.size(file), "mode 0 grows the file");
            f.fallocate(UringFile.FALLOC_FL_KEEP_SIZE, 16 * BLOCK, 16 * BLOCK);
            assertEquals(16 * BLOCK, Files.size(file), "KEEP_SIZE leaves the size");
            assertTrue(f.stat().allocatedBytes() >= 32 * BLOCK, "yet allocates: " + f.stat());

            try (Arena a = Arena.ofConfined()) {
                assertEquals(16 * BLOCK, f.write(0, pattern(a, 16 * BLOCK, 5)));
            }
            f.fallocate(UringFile.FALLOC_FL_PUNCH_HOLE | UringFile.FALLOC_FL_KEEP_SIZE, 4 * BLOCK, 4 * BLOCK);
            byte[] back = readWithFileChannel(0, 16 * BLOCK);
            for (int i = 4 * BLOCK; i < 8 * BLOCK; i++) {
                assertEquals(0, back[i], "the hole reads as zeros at " + i);
            }
            assertEquals((byte) (5 + 3 * 7), back[3], "data before the hole is kept");
            assertEquals(16 * BLOCK, Files.size(file));

            IOException e = assertThrows(IOException.class,
                    () -> f.fallocate(UringFile.FALLOC_FL_PUNCH_HOLE, 0, BLOCK), "PUNCH_HOLE needs KEEP_SIZE");
            assertTrue(e.getMessage().contains("EOPNOTSUPP"), e.getMessage());
        });
        try (UringFile f = UringFile.open(file, UringFile.Mode.READ_WRITE)) {
            assertThrows(IllegalArgumentException.class, () -> f.fallocate(0x100, 0, BLOCK));
            assertThrows(IllegalArgumentException.class, () -> f.fallocate(0, -1, BLOCK));
            assertThrows(IllegalArgumentException.class, () -> f.fallocate(0, 0, 0));
        }
    }

    @Test
    void statReportsWhatTheFileSystemSays() throws Exception {
        everywhere(f -> {
            Files.write(file, new byte[12345]);
            Instant mtime = Instant.parse("2024-02-03T04:05:06.789Z");
            Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.from(mtime));
            UringFile.Stat st = f.stat();
            assertEquals(12345, st.size());
            assertEquals(12345, f.size());
            assertEquals(mtime, st.modified());
            assertTrue(st.blockSize() >= 512, st.toString());
            assertTrue(st.allocatedBytes() >= 12345, st.toString());
            // ext4 on a block device reports its O_DIRECT alignment (STATX_DIOALIGN, 6.1)
            assertTrue(st.directIoAlignment() >= 512 && Integer.bitCount(st.directIoAlignment()) == 1,
                    st.toString());
        });
    }

    @Test
    void writesCompleteFuturesAndDeliverIntoACompletionRing() throws Exception {
        everywhere(f -> {
            Files.write(file, new byte[0], StandardOpenOption.TRUNCATE_EXISTING);
            try (Arena a = Arena.ofShared()) {
                List<CompletableFuture<Integer>> futures = new ArrayList<>();
                List<MemorySegment> blocks = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    MemorySegment b = pattern(a, BLOCK, i);
                    blocks.add(b);
                    futures.add(f.writeAsync((long) i * BLOCK, b));
                }
                CompletionRing<Completion<Integer>> ring = new CompletionRing<>(16);
                for (int i = 8; i < 16; i++) {
                    MemorySegment b = pattern(a, BLOCK, i);
                    blocks.add(b);
                    f.writeAsync((long) i * BLOCK, b, ring, i);
                }
                for (CompletableFuture<Integer> fu : futures) {
                    assertEquals(BLOCK, fu.get(10, TimeUnit.SECONDS));
                }
                boolean[] seen = new boolean[16];
                for (int i = 8; i < 16; i++) {
                    Completion<Integer> c = ring.take(10, TimeUnit.SECONDS);
                    assertNotNull(c, "completion " + i + " arrives");
                    assertNull(c.failure());
                    assertEquals(BLOCK, c.value());
                    seen[(int) c.tag()] = true;
                }
                for (int i = 8; i < 16; i++) {
                    assertTrue(seen[i], "tag " + i);
                }
                byte[] back = readWithFileChannel(0, 16 * BLOCK);
                for (int i = 0; i < 16; i++) {
                    assertArrayEquals(blocks.get(i).toArray(JAVA_BYTE),
                            java.util.Arrays.copyOfRange(back, i * BLOCK, (i + 1) * BLOCK), "block " + i);
                }
            }
        });
    }

    @Test
    void aRegisteredFileTakesASlotPerServerRingAndGivesItBackWhenClosed() throws Exception {
        Files.write(file, new byte[64 * BLOCK]);
        List<UringServerPoller> pollers = new CopyOnWriteArrayList<>();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        UringOptions options = UringOptions.DEFAULTS.withFileSlots(2);
        try (ConcurrencyGroup group = ConcurrencyGroup.builder().servers(2).serverPoller(s -> {
            UringServerPoller p = new UringServerPoller(s, options);
            pollers.add(p);
            return p;
        }).build()) {
            // three registered files on rings of two slots: the third of a ring goes by descriptor, as well
            List<UringFile> files = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                files.add(UringFile.open(file, UringFile.Mode.READ_WRITE, UringFile.Option.REGISTERED));
            }
            List<Thread> workers = new ArrayList<>();
            for (int w = 0; w < 16; w++) {
                int id = w;
                workers.add(group.threadBuilder().start(() -> {
                    try (Arena a = Arena.ofConfined()) {
                        for (int round = 0; round < 50; round++) {
                            UringFile f = files.get((id + round) % 3);
                            MemorySegment out = pattern(a, BLOCK, id + round);
                            long pos = (long) (id * 4 + round % 4) * BLOCK;
                            assertEquals(BLOCK, f.write(pos, out));
                            MemorySegment in = a.allocate(BLOCK);
                            assertEquals(BLOCK, f.read(pos, in));
                            assertEquals(-1, out.mismatch(in), "worker " + id + " round " + round);
                            f.sync(true);
                            Thread.yield(); // move between servers
                        }
                    } catch (Throwable t) {
                        failures.add(t);
                    }
                }));
            }
            for (Thread t : workers) {
                t.join(JOIN_LIMIT);
                assertFalse(t.isAlive(), "worker " + t + " ended within " + JOIN_LIMIT);
            }
            rethrow(failures);
            assertEquals(2, pollers.size());
            long fixed = pollers.stream().mapToLong(p -> p.counters()[4]).sum();
            assertTrue(fixed > 0, "operations went by registered slot: " + fixed);
            for (UringServerPoller p : pollers) {
                assertTrue(p.registeredFileCount() <= 2, "at most fileSlots per ring: " + p.registeredFileCount());
            }
            assertTrue(pollers.stream().mapToInt(UringServerPoller::registeredFileCount).sum() > 0);

            for (UringFile f : files) {
                f.close();
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (pollers.stream().mapToInt(UringServerPoller::registeredFileCount).sum() > 0
                    && System.nanoTime() < deadline) {
                Thread.sleep(1); // the servers empty the slots at their next step (dropFile wakes them)
            }
            for (UringServerPoller p : pollers) {
                assertEquals(0, p.registeredFileCount(), "closed files leave no slot behind");
            }
        }
    }

    @Test
    void readsAndWritesInsideRegisteredBuffersGoFixedAndOthersDoNot() throws Exception {
        Files.write(file, new byte[0], StandardOpenOption.TRUNCATE_EXISTING);
        List<UringServerPoller> pollers = new CopyOnWriteArrayList<>();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        Arena global = Arena.ofShared();
        MemorySegment registered = global.allocate(64 * BLOCK, BLOCK);
        UringOptions options = UringOptions.DEFAULTS.withRegisteredBuffers(registered);
        UringServerPoller.groupBuilder(options); // the options are tried at once: this registration works here
        try (ConcurrencyGroup group = ConcurrencyGroup.builder().servers(2).serverPoller(s -> {
            UringServerPoller p = new UringServerPoller(s, options);
            pollers.add(p);
            return p;
        }).build();
             UringFile f = UringFile.open(file, UringFile.Mode.READ_WRITE, UringFile.Option.DIRECT)) {
            List<Thread> workers = new ArrayList<>();
            for (int w = 0; w < 8; w++) {
                int id = w;
                workers.add(group.threadBuilder().start(() -> {
                    try (Arena a = Arena.ofConfined()) {
                        MemorySegment mine = registered.asSlice((long) id * 8 * BLOCK, 8 * BLOCK);
                        MemorySegment src = pattern(a, 8 * BLOCK, id);
                        mine.copyFrom(src);
                        assertEquals(8 * BLOCK, f.write((long) id * 8 * BLOCK, mine));
                        mine.fill((byte) 0);
                        assertEquals(8 * BLOCK, f.read((long) id * 8 * BLOCK, mine));
                        assertEquals(-1, src.mismatch(mine), "worker " + id);
                        MemorySegment plain = a.allocate(8 * BLOCK, BLOCK); // not registered: a plain READ
                        assertEquals(8 * BLOCK, f.read((long) id * 8 * BLOCK, plain));
                        assertEquals(-1, src.mismatch(plain), "worker " + id + ", plain buffer");
                    } catch (Throwable t) {
                        failures.add(t);
                    }
                }));
            }
            for (Thread t : workers) {
                t.join(JOIN_LIMIT);
                assertFalse(t.isAlive(), "worker " + t + " ended within " + JOIN_LIMIT);
            }
            rethrow(failures);
            long fixed = pollers.stream().mapToLong(p -> p.counters()[3]).sum();
            long submitted = pollers.stream().mapToLong(p -> p.counters()[0]).sum();
            assertEquals(16, fixed, "the write and the first read of each worker were fixed");
            assertTrue(submitted >= 24, "and the plain reads were not: " + submitted + " submitted");
        } finally {
            global.close();
        }
    }

    @Test
    void theFallbackCreatesOpensDirectAndKeepsToTheFileItOpened() throws Exception {
        Path created = file.resolveSibling(file.getFileName() + ".fallback");
        Path moved = file.resolveSibling(file.getFileName() + ".moved");
        try (Arena a = Arena.ofConfined();
             UringFile f = UringFile.openFallback(created, UringFile.Mode.CREATE_READ_WRITE, true, "a test forced it")) {
            assertFalse(f.usesIoUring());
            assertTrue(Files.isRegularFile(created), "CREATE_READ_WRITE created it");
            // the path now names another file: every call still goes to the one opened (channel and descriptor)
            Files.move(created, moved);
            Files.write(created, new byte[0]);
            assertEquals(BLOCK, f.write(0, pattern(a, BLOCK, 3)), "an aligned O_DIRECT write");
            f.fallocate(0, BLOCK, 4 * BLOCK);
            assertEquals(5L * BLOCK, f.stat().size(), "statx sees the write and the fallocate");
            assertEquals(5L * BLOCK, Files.size(moved));
            assertEquals(0, Files.size(created), "the new file at the path was not touched");
            MemorySegment back = a.allocate(BLOCK, BLOCK);
            assertEquals(BLOCK, f.read(0, back));
            assertEquals(-1, back.mismatch(pattern(a, BLOCK, 3)));
        } finally {
            Files.deleteIfExists(created);
            Files.deleteIfExists(moved);
        }
    }

    @Test
    void aWorkerOpensThroughItsServersRing() throws Exception {
        Path created = file.resolveSibling(file.getFileName() + ".new");
        List<UringServerPoller> pollers = new CopyOnWriteArrayList<>();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        try (ConcurrencyGroup group = ConcurrencyGroup.builder().servers(1).serverPoller(s -> {
            UringServerPoller p = new UringServerPoller(s);
            pollers.add(p);
            return p;
        }).build()) {
            Thread worker = group.threadBuilder().start(() -> {
                try {
                    UringFile.open(created, UringFile.Mode.CREATE_READ_WRITE).close();
                    IOException e = assertThrows(IOException.class, () -> UringFile.open(
                            file.resolveSibling("weft-no-such-file"), UringFile.Mode.READ));
                    assertTrue(e.getMessage().contains("ENOENT"), e.getMessage());
                } catch (Throwable t) {
                    failures.add(t);
                }
            });
            assertTrue(worker.join(JOIN_LIMIT), "the worker ended within " + JOIN_LIMIT);
            rethrow(failures);
            assertTrue(Files.isRegularFile(created), "created");
            assertEquals(2, pollers.getFirst().counters()[0], "both opens were IORING_OP_OPENAT on the ring");
        } finally {
            Files.deleteIfExists(created);
        }
    }

    @Test
    void badOptionsAndVectorsAreRejectedWithTheirNames() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> UringOptions.DEFAULTS.withRingEntries(100));
        assertThrows(IllegalArgumentException.class, () -> UringOptions.DEFAULTS.withFileSlots(-1));
        IllegalArgumentException heap = assertThrows(IllegalArgumentException.class,
                () -> UringOptions.DEFAULTS.withRegisteredBuffers(MemorySegment.ofArray(new byte[4096])));
        assertTrue(heap.getMessage().contains("registeredBuffers[0]"), heap.getMessage());
        try (UringFile f = UringFile.open(file, UringFile.Mode.READ_WRITE); Arena a = Arena.ofConfined()) {
            assertThrows(IllegalArgumentException.class, () -> f.read(0, new MemorySegment[0]));
            MemorySegment[] tooMany = new MemorySegment[Sqe.UIO_MAXIOV + 1];
            java.util.Arrays.fill(tooMany, a.allocate(8));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> f.write(0, tooMany));
            assertTrue(e.getMessage().contains("UIO_MAXIOV"), e.getMessage());
            IllegalArgumentException one = assertThrows(IllegalArgumentException.class,
                    () -> f.write(0, a.allocate(8), MemorySegment.ofArray(new byte[8])));
            assertTrue(one.getMessage().contains("srcs[1]"), one.getMessage());
        }
    }
}
