package dev.weft.uring;

import dev.weft.sched.ConcurrencyGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Syslets on a ring group: open → read → close run by the kernel as one linked chain with each step's result; a
 * failing middle step cancels the rest; more concurrent chains than the ring has file slots wait their turn.
 */
class SysletTest {
    private static final int ECANCELED = 125, EBADF = 9;
    private Path dir;
    private ConcurrencyGroup group;

    @BeforeEach
    void setUp() throws IOException {
        RingTestSupport.requireIoUring();
        dir = Files.createTempDirectory(Path.of("/var/tmp"), "weft-syslet");
        group = UringServerPoller.groupBuilder().servers(2).build();
    }

    @AfterEach
    void tearDown() throws IOException {
        if (group != null) {
            group.close();
        }
        try (var s = Files.list(dir)) {
            for (Path p : s.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(dir);
    }

    private Syslet.Result onWorker(java.util.concurrent.Callable<Syslet.Result> body) throws Exception {
        AtomicReference<Object> out = new AtomicReference<>();
        group.threadBuilder().start(() -> {
            try {
                out.set(body.call());
            } catch (Throwable t) {
                out.set(t);
            }
        }).join(20_000);
        if (out.get() instanceof Throwable t) {
            throw new AssertionError(t);
        }
        return (Syslet.Result) out.get();
    }

    @Test
    void openReadCloseRunAsOneChainWithEachStepsResult() throws Exception {
        Path file = dir.resolve("data");
        Files.writeString(file, "hello from a syslet");
        try (Arena arena = Arena.ofShared()) {
            MemorySegment buf = arena.allocate(19);
            Syslet.Result r = onWorker(() -> Syslet.open(file, Syslet.O_RDONLY).read(buf, 0).close().run());
            assertEquals(-1, r.failedStep(), r.toString());
            assertArrayEquals(new int[]{0, 19, 0}, r.results());
            assertEquals("hello from a syslet", new String(buf.toArray(JAVA_BYTE)));
        }
    }

    @Test
    void aFailingMiddleStepCancelsTheRest() throws Exception {
        Path file = dir.resolve("readonly");
        Files.writeString(file, "x");
        try (Arena arena = Arena.ofShared()) {
            MemorySegment buf = arena.allocate(8);
            Syslet.Result r = onWorker(() -> Syslet.open(file, Syslet.O_RDONLY).write(buf, 0).fsync().close().run());
            assertEquals(1, r.failedStep(), r.toString());
            assertEquals(0, r.result(0), "the open succeeded");
            assertEquals(-EBADF, r.result(1), "writing a read-only file fails");
            assertEquals(-ECANCELED, r.result(2));
            assertEquals(-ECANCELED, r.result(3));
            // an open that fails cancels everything after it
            Syslet.Result missing = onWorker(() -> Syslet.open(dir.resolve("absent"), Syslet.O_RDONLY)
                    .read(buf, 0).close().run());
            assertEquals(0, missing.failedStep());
            assertEquals(-2, missing.result(0), "ENOENT");
            assertEquals(-ECANCELED, missing.result(1));
        }
    }

    @Test
    void aChainWhoseMiddleStepFailsLeavesNoFileInItsSlot() throws Exception {
        Path file = dir.resolve("left-in-slot");
        Files.writeString(file, "x".repeat(100));
        try (ConcurrencyGroup one = UringServerPoller.groupBuilder().servers(1).build();
             Arena arena = Arena.ofShared()) {
            MemorySegment buf = arena.allocate(4096);
            AtomicReference<Object> out = new AtomicReference<>();
            AtomicReference<String> fdinfo = new AtomicReference<>();
            Thread worker = one.threadBuilder().start(() -> {
                try {
                    // the short read fails step 1, so the kernel cancels the close
                    out.set(Syslet.open(file, Syslet.O_RDONLY).read(buf, 0).close().run());
                    int ringFd = UringServerPoller.current().ring().fd();
                    fdinfo.set(Files.readString(Path.of("/proc/self/fdinfo/" + ringFd)));
                } catch (Throwable t) {
                    out.set(t);
                }
            });
            assertTrue(worker.join(java.time.Duration.ofSeconds(20)), "the worker ended");
            Syslet.Result r = assertInstanceOf(Syslet.Result.class, out.get(), () -> String.valueOf(out.get()));
            assertEquals(-ECANCELED, r.result(2), r.toString());
            assertFalse(fdinfo.get().contains(file.getFileName().toString()),
                    "the ring's file table no longer holds the file: " + fdinfo.get());
        }
    }

    @Test
    void moreConcurrentChainsThanFileSlotsAllComplete() throws Exception {
        int chains = UringServerPoller.CHAIN_SLOTS * 3;
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < chains; i++) {
            int id = i;
            threads.add(group.threadBuilder().start(() -> {
                try (Arena arena = Arena.ofConfined()) {
                    Path f = dir.resolve("f" + id);
                    MemorySegment data = arena.allocateFrom("chain " + id);
                    Syslet.Result w = Syslet.open(f, Syslet.O_RDWR | Syslet.O_CREAT).write(data, 0).fsync().close()
                            .run();
                    assertEquals(-1, w.failedStep(), w.toString());
                    MemorySegment back = arena.allocate(data.byteSize());
                    Syslet.Result r = Syslet.open(f, Syslet.O_RDONLY).read(back, 0).close().run();
                    assertEquals(-1, r.failedStep(), r.toString());
                    assertEquals(-1, back.mismatch(data));
                } catch (Throwable t) {
                    failures.add(t);
                }
            }));
        }
        for (Thread t : threads) {
            t.join(30_000);
            assertFalse(t.isAlive());
        }
        assertEquals(List.of(), failures);
    }

    @Test
    void runOutsideARingGroupIsRefusedWithTheFix() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Syslet.open(dir.resolve("x"), Syslet.O_RDONLY).close().run());
        assertTrue(e.getMessage().contains("UringServerPoller.groupBuilder()"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Syslet.open(dir.resolve("x"), Syslet.O_RDONLY).read(MemorySegment.ofArray(new byte[4]), 0));
    }
    @Test
    void aShortReadIsTheFailedStepNotTheCancelledCloseAfterIt() throws Exception {
        Path file = dir.resolve("short");
        Files.writeString(file, "x".repeat(100));
        try (Arena arena = Arena.ofShared()) {
            MemorySegment buf = arena.allocate(4096);
            Syslet.Result r = onWorker(() -> Syslet.open(file, Syslet.O_RDONLY).read(buf, 0).close().run());
            assertEquals(100, r.result(1), "the read got what the file has");
            assertEquals(-ECANCELED, r.result(2), "the kernel broke the link after the short read");
            assertEquals(1, r.failedStep(), r.toString());
        }
    }

    @Test
    void aStepTooLargeForOneSqeIsRefusedWhenTheChainIsBuilt() {
        MemorySegment huge = MemorySegment.NULL.reinterpret(3L << 30); // never touched: refused by its size
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Syslet.open(dir.resolve("x"), Syslet.O_RDONLY).read(huge, 0));
        assertTrue(e.getMessage().contains("slice"), e.getMessage());
    }

    @Test
    void aStepRefusedOnTheServerEndsTheChainThereWithoutLinkingTheNextSubmission() throws Exception {
        Path file = dir.resolve("cut");
        Files.writeString(file, "abcd");
        int chains = UringServerPoller.CHAIN_SLOTS + 8; // more than the slots: a chain cut short gives its slot back
        try (Arena arena = Arena.ofShared()) {
            MemorySegment path = arena.allocateFrom(file.toString());
            MemorySegment back = arena.allocate(4);
            AtomicReference<Object> out = new AtomicReference<>();
            group.threadBuilder().start(() -> {
                try {
                    UringServerPoller poller = UringServerPoller.current();
                    for (int i = 0; i < chains; i++) {
                        UringChain chain = new UringChain(List.of(
                                (sqe, ud, slot) -> sqe.openatDirect(ud, dev.weft.uring.kernel.LinuxCalls.AT_FDCWD,
                                        path, Syslet.O_RDONLY, 0, slot),
                                (sqe, ud, slot) -> {
                                    throw new IllegalArgumentException("refused on the server");
                                },
                                (sqe, ud, slot) -> sqe.closeDirect(ud, slot)), java.util.BitSet.valueOf(new long[]{0b100}));
                        poller.handOff(chain);
                        chain.await();
                        assertEquals(0, chain.results()[0], "the open ran");
                        assertEquals(-22, chain.results()[1], "the refused step: EINVAL");
                        assertEquals(-22, chain.results()[2], "never prepared");
                        // the next submission runs on its own, not linked behind the cut chain
                        try (UringFile f = UringFile.open(file, UringFile.Mode.READ)) {
                            assertEquals(4, f.read(0, back));
                        }
                    }
                    out.set("ok");
                } catch (Throwable t) {
                    out.set(t);
                }
            }).join(30_000);
            if (out.get() instanceof Throwable t) {
                throw new AssertionError(t);
            }
            assertEquals("ok", out.get());
        }
    }
}
