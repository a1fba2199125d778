package dev.weft.uring;

import dev.weft.sched.ConcurrencyGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.*;

/**
 * {@link UringFile} on a group whose servers own rings: workers park while their server submits and reaps; data
 * written through weft reads back with FileChannel and the reverse; 10,000 concurrent virtual threads; O_DIRECT
 * alignment errors; callers outside such a group; and the FileChannel fallback. Files live under /var/tmp (ext4:
 * O_DIRECT works there).
 */
class UringFileTest {
    private static final int BLOCK = 4096;
    private Path file;

    @BeforeEach
    void createFile() throws IOException {
        RingTestSupport.requireIoUring();
        file = Files.createTempFile(Path.of("/var/tmp"), "weft-uringfile", ".dat");
    }

    @AfterEach
    void deleteFile() throws IOException {
        if (file != null) {
            Files.deleteIfExists(file);
        }
    }

    private static void fill(MemorySegment s, int seed) {
        for (long i = 0; i < s.byteSize(); i += 4) {
            s.set(JAVA_INT, i, seed * 31 + (int) i);
        }
    }

    @Test
    void offsetsPastFourGibibytesGoThroughTheRingWhole() throws Exception {
        long far = (5L << 30) + 4096; // sparse
        AtomicReference<Object> outcome = new AtomicReference<>();
        try (ConcurrencyGroup group = UringServerPoller.groupBuilder().servers(1).build();
             UringFile f = UringFile.open(file, UringFile.Mode.READ_WRITE, false)) {
            group.threadBuilder().start(() -> {
                try (Arena a = Arena.ofConfined()) {
                    MemorySegment out = a.allocate(BLOCK, BLOCK);
                    fill(out, 7);
                    f.write(far, out);
                    MemorySegment in = a.allocate(BLOCK, BLOCK);
                    int n = f.read(far, in);
                    outcome.set(n == BLOCK && in.mismatch(out) == -1 ? f.stat().size() : "read " + n);
                } catch (Throwable t) {
                    outcome.set(t);
                }
            }).join();
        }
        assertEquals(far + BLOCK, outcome.get());
        try (FileChannel ch = FileChannel.open(file)) {
            ByteBuffer b = ByteBuffer.allocate(4);
            ch.read(b, far);
            assertEquals(7 * 31, b.order(ByteOrder.nativeOrder()).getInt(0), "FileChannel sees it where it was written");
        }
    }

    @Test
    void workersWriteAndReadThroughTheirServersRingsAndFileChannelAgrees() throws Exception {
        int workers = 64;
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        List<UringServerPoller> pollers = new CopyOnWriteArrayList<>();
        try (ConcurrencyGroup group = ConcurrencyGroup.builder().servers(2).serverPoller(s -> {
                    UringServerPoller p = new UringServerPoller(s);
                    pollers.add(p);
                    return p;
                }).build();
             UringFile f = UringFile.open(file, UringFile.Mode.READ_WRITE, false)) {
            assertTrue(f.usesIoUring());
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < workers; i++) {
                int id = i;
                threads.add(group.threadBuilder().start(() -> {
                    try (Arena a = Arena.ofConfined()) {
                        MemorySegment out = a.allocate(BLOCK, BLOCK);
                        fill(out, id);
                        assertEquals(BLOCK, f.write((long) id * BLOCK, out));
                        MemorySegment in = a.allocate(BLOCK, BLOCK);
                        assertEquals(BLOCK, f.read((long) id * BLOCK, in));
                        assertEquals(-1, in.mismatch(out), "worker " + id + " reads back its block");
                    } catch (Throwable t) {
                        failures.add(t);
                    }
                }));
            }
            for (Thread t : threads) {
                t.join(30_000);
            }
            assertEquals(List.of(), failures);
            f.sync(true);
        }
        long submitted = pollers.stream().mapToLong(p -> p.counters()[0]).sum();
        assertTrue(submitted >= 2L * workers, "every read and write went through a server's ring: " + submitted);
        // FileChannel sees what the rings wrote
        try (FileChannel ch = FileChannel.open(file); Arena a = Arena.ofConfined()) {
            MemorySegment expected = a.allocate(BLOCK);
            for (int id = 0; id < workers; id++) {
                ByteBuffer b = ByteBuffer.allocate(BLOCK);
                ch.read(b, (long) id * BLOCK);
                fill(expected, id);
                assertEquals(-1, MemorySegment.ofArray(b.array()).mismatch(expected), "block " + id);
            }
        }
    }

    @Test
    void tenThousandConcurrentVirtualThreadsReadWhatFileChannelWrote() throws Exception {
        int threads = 10_000;
        int blocks = 256;
        byte[] data = new byte[blocks * BLOCK];
        new java.util.Random(7).nextBytes(data);
        Files.write(file, data);
        long expected = 0;
        for (int i = 0; i < threads; i++) {
            expected += data[(i % blocks) * BLOCK + (i % BLOCK)];
        }
        AtomicLong sum = new AtomicLong();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        List<UringServerPoller> pollers = new CopyOnWriteArrayList<>();
        // every thread starts before any reads, so the 10,000 reads overlap instead of running one after another
        java.util.concurrent.CountDownLatch allStarted = new java.util.concurrent.CountDownLatch(threads);
        try (ConcurrencyGroup group = ConcurrencyGroup.builder().servers(2).serverPoller(s -> {
                    UringServerPoller p = new UringServerPoller(s);
                    pollers.add(p);
                    return p;
                }).build();
             UringFile f = UringFile.open(file, UringFile.Mode.READ, false)) {
            long submittedBefore = pollers.stream().mapToLong(p -> p.counters()[0]).sum();
            List<Thread> started = new ArrayList<>(threads);
            for (int i = 0; i < threads; i++) {
                int id = i;
                started.add(group.threadBuilder().start(() -> {
                    try (Arena a = Arena.ofConfined()) {
                        MemorySegment in = a.allocate(BLOCK);
                        allStarted.countDown();
                        allStarted.await();
                        assertEquals(BLOCK, f.read((long) (id % blocks) * BLOCK, in));
                        sum.addAndGet(in.get(JAVA_BYTE, id % BLOCK));
                    } catch (Throwable t) {
                        failures.add(t);
                    }
                }));
            }
            for (Thread t : started) {
                t.join(60_000);
                assertFalse(t.isAlive(), "every thread ended: " + t);
            }
            long submitted = pollers.stream().mapToLong(p -> p.counters()[0]).sum() - submittedBefore;
            assertTrue(submitted >= threads, "each read went through a server's ring: " + submitted + " submitted");
        }
        assertEquals(List.of(), failures);
        assertEquals(expected, sum.get());
    }

    @Test
    void misalignedDirectIoIsRefusedBeforeSubmissionNamingTheValueAndTheAlignment() throws Exception {
        Files.write(file, new byte[4 * BLOCK]);
        List<UringServerPoller> pollers = new CopyOnWriteArrayList<>();
        try (ConcurrencyGroup group = ConcurrencyGroup.builder().servers(1).serverPoller(s -> {
                    UringServerPoller p = new UringServerPoller(s);
                    pollers.add(p);
                    return p;
                }).build();
             UringFile f = UringFile.open(file, UringFile.Mode.READ, true);
             Arena a = Arena.ofShared()) {
            MemorySegment aligned = a.allocate(4 * BLOCK, BLOCK);
            List<Object> outcomes = new CopyOnWriteArrayList<>();
            Thread worker = group.threadBuilder().start(() -> {
                for (java.util.concurrent.Callable<Integer> read : List.<java.util.concurrent.Callable<Integer>>of(
                        () -> f.read(0, aligned.asSlice(0, BLOCK)),         // aligned
                        () -> f.read(0, aligned.asSlice(1, BLOCK)),         // misaligned address
                        () -> f.read(1, aligned.asSlice(0, BLOCK)),         // misaligned position
                        () -> f.read(0, aligned.asSlice(0, BLOCK + 1)))) {  // misaligned length
                    try {
                        outcomes.add(read.call());
                    } catch (Throwable t) {
                        outcomes.add(t);
                    }
                }
            });
            assertTrue(worker.join(java.time.Duration.ofSeconds(10)), "the worker ended");
            assertEquals(BLOCK, outcomes.get(0));
            String[] named = {"dst's address 0x", "position 1 ", "dst's length 4097 "};
            for (int i = 0; i < named.length; i++) {
                IllegalArgumentException e = assertInstanceOf(IllegalArgumentException.class, outcomes.get(i + 1));
                assertTrue(e.getMessage().startsWith(named[i]) && e.getMessage().contains("is not a multiple of")
                        && e.getMessage().contains("O_DIRECT"), e.getMessage());
            }
            assertEquals(1, pollers.getFirst().counters()[0], "only the aligned read reached the ring");
        }
    }

    @Test
    void platformThreadsAndTheFallbackReadAndWriteToo() throws Exception {
        try (UringFile f = UringFile.open(file, UringFile.Mode.READ_WRITE, false); Arena a = Arena.ofConfined()) {
            assertEquals(5, f.write(0, ByteBuffer.wrap("hello".getBytes())));
            ByteBuffer back = ByteBuffer.allocate(5);
            assertEquals(5, f.read(0, back));
            assertEquals("hello", new String(back.array()));
        }
        try (UringFile f = UringFile.openFallback(file, UringFile.Mode.READ_WRITE, false, "a test forced it");
             ConcurrencyGroup group = ConcurrencyGroup.builder().servers(1).build()) {
            assertFalse(f.usesIoUring());
            java.util.concurrent.atomic.AtomicReference<String> read = new java.util.concurrent.atomic.AtomicReference<>();
            group.threadBuilder().start(() -> {
                try {
                    f.write(5, ByteBuffer.wrap(", weft".getBytes()));
                    ByteBuffer b = ByteBuffer.allocate(11);
                    f.read(0, b);
                    read.set(new String(b.array()));
                } catch (IOException e) {
                    read.set(e.toString());
                }
            }).join(10_000);
            assertEquals("hello, weft", read.get());
        }
        assertEquals("hello, weft", Files.readString(file));
    }

    @Test
    void theFallbackDeliversAFailedReadIntoTheCompletionRing() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("/var/tmp"), "weft-fallback-dir");
        try (UringFile f = UringFile.openFallback(dir, UringFile.Mode.READ, false, "a test forced it");
             Arena a = Arena.ofConfined()) {
            var ring = new dev.weft.ring.CompletionRing<dev.weft.ring.Completion<Integer>>(4);
            f.readAsync(0, a.allocate(16), ring, 3); // a directory: read(2) answers EISDIR, the channel throws
            dev.weft.ring.Completion<Integer> c = ring.take(10, java.util.concurrent.TimeUnit.SECONDS);
            assertNotNull(c, "the failed read was delivered");
            assertEquals(3, c.tag());
            assertInstanceOf(IOException.class, c.failure(), c::toString);
        } finally {
            Files.delete(dir);
        }
    }

    @Test
    void badArgumentsAreNamed() throws Exception {
        try (UringFile f = UringFile.open(file, UringFile.Mode.READ, false)) {
            IllegalArgumentException heap = assertThrows(IllegalArgumentException.class,
                    () -> f.read(0, MemorySegment.ofArray(new byte[16])));
            assertTrue(heap.getMessage().contains("native memory"), heap.getMessage());
            assertThrows(IllegalArgumentException.class, () -> f.read(-1, Arena.global().allocate(16)));
        }
        IOException missing = assertThrows(IOException.class,
                () -> UringFile.open(Path.of("/var/tmp/definitely-missing/x"), UringFile.Mode.READ, false));
        assertTrue(missing.getMessage().contains("cannot open"), missing.getMessage());
    }

    @Test
    void asynchronousReadsCompleteFuturesAndDeliverIntoOneCompletionRing() throws Exception {
        int blocks = 64;
        byte[] data = new byte[blocks * BLOCK];
        for (int b = 0; b < blocks; b++) {
            java.util.Arrays.fill(data, b * BLOCK, (b + 1) * BLOCK, (byte) b);
        }
        Files.write(file, data);
        dev.weft.ring.CompletionRing<dev.weft.ring.Completion<Integer>> ring = new dev.weft.ring.CompletionRing<>(16);
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        try (ConcurrencyGroup group = UringServerPoller.groupBuilder().servers(2).build();
             UringFile f = UringFile.open(file, UringFile.Mode.READ, false);
             Arena arena = Arena.ofShared()) {
            MemorySegment buffers = arena.allocate((long) blocks * BLOCK, BLOCK);
            group.threadBuilder().start(() -> {
                try {
                    // a future: the worker goes on while its server reads
                    MemorySegment first = buffers.asSlice(0, BLOCK);
                    java.util.concurrent.CompletableFuture<Integer> fut = f.readAsync(0, first);
                    assertEquals(BLOCK, fut.get(10, java.util.concurrent.TimeUnit.SECONDS));
                    assertEquals(0, first.get(JAVA_BYTE, 100));
                    // 64 reads into one ring, tagged by block; more than its 16 slots: the overflow keeps them
                    for (int b = 0; b < blocks; b++) {
                        f.readAsync((long) b * BLOCK, buffers.asSlice((long) b * BLOCK, BLOCK), ring, b);
                    }
                } catch (Throwable t) {
                    failures.add(t);
                }
            }).join(10_000);
            assertEquals(List.of(), failures);
            java.util.BitSet seen = new java.util.BitSet();
            for (int i = 0; i < blocks; i++) {
                dev.weft.ring.Completion<Integer> c = ring.take(10, java.util.concurrent.TimeUnit.SECONDS);
                assertNotNull(c, "completion " + i + " arrived");
                assertNull(c.failure());
                assertEquals(BLOCK, c.value());
                int b = (int) c.tag();
                assertFalse(seen.get(b), "each tag once");
                seen.set(b);
                assertEquals((byte) b, buffers.get(JAVA_BYTE, (long) b * BLOCK + 7), "block " + b + " read");
            }
            assertEquals(blocks, seen.cardinality());
        }
    }

    /** How many descriptors of this process are open on {@code path} (/proc/self/fd). */
    private static long descriptorsOn(Path path) throws IOException {
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).equals(path);
                } catch (IOException e) {
                    return false; // closed since the listing
                }
            }).count();
        }
    }

    @Test
    void closingAFileWithAReadInFlightLetsTheReadFinishThenReleasesTheDescriptor() throws Exception {
        Path fifo = Files.createTempDirectory(Path.of("/var/tmp"), "weft-fifo").resolve("close-while-reading");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start().waitFor());
        List<UringServerPoller> pollers = new CopyOnWriteArrayList<>();
        AtomicReference<Object> read = new AtomicReference<>();
        AtomicReference<Object> readAfterClose = new AtomicReference<>();
        try (ConcurrencyGroup group = ConcurrencyGroup.builder().servers(1).serverPoller(s -> {
                    UringServerPoller p = new UringServerPoller(s);
                    pollers.add(p);
                    return p;
                }).build()) {
            UringFile f = UringFile.open(fifo, UringFile.Mode.READ_WRITE); // O_RDWR: the open waits for no writer
            assertEquals(1, descriptorsOn(fifo));
            java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);
            Thread worker = group.threadBuilder().start(() -> {
                try (Arena a = Arena.ofConfined()) {
                    MemorySegment buf = a.allocate(16);
                    int n = f.read(0, buf); // waits in the kernel until the test writes the FIFO
                    read.set(new String(buf.asSlice(0, n).toArray(JAVA_BYTE)));
                    closed.await();
                    readAfterClose.set(f.read(0, buf));
                } catch (Throwable t) {
                    (read.get() == null ? read : readAfterClose).set(t);
                }
            });
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (pollers.getFirst().counters()[0] == 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(1, pollers.getFirst().counters()[0], "the read is in the kernel");
            Thread.sleep(50);
            assertNull(read.get(), "the read waits for data");
            f.close();
            closed.countDown();
            assertEquals(1, descriptorsOn(fifo), "the descriptor stays open while the read is in flight");
            Files.writeString(fifo, "after close"); // opens the FIFO for writing: the file's O_RDWR reads it
            assertTrue(worker.join(java.time.Duration.ofSeconds(10)), "the worker ended");
            assertEquals("after close", read.get(), "the read in flight got the data written after the close");
            IOException later = assertInstanceOf(IOException.class, readAfterClose.get());
            assertTrue(later.getMessage().contains("closed"), later.getMessage());
            assertEquals(0, descriptorsOn(fifo), "the descriptor was closed after the last operation");
        } finally {
            Files.deleteIfExists(fifo);
            Files.deleteIfExists(fifo.getParent());
        }
    }
}
