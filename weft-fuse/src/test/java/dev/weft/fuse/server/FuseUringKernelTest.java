package dev.weft.fuse.server;

import dev.weft.fuse.kernel.FuseDeviceKernelTest;
import dev.weft.fuse.kernel.FuseMounts;
import dev.weft.sched.internal.CpuAffinity;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * FUSE over io_uring against the real kernel: the server's queues (one per CPU) serve the requests made on their
 * CPU; interrupts still reach handlers; a kernel that does not offer it fails the mount with the reason; unmounts
 * end the queues. Turns the fuse module's {@code enable_uring} on for the class and puts it back after.
 */
class FuseUringKernelTest {
    private static boolean wasEnabled;

    @TempDir
    Path mnt;

    @BeforeAll
    static void enableUring() throws IOException {
        wasEnabled = FuseDeviceKernelTest.enableFuseUring();
    }

    @AfterAll
    static void restore() throws IOException {
        if (Files.exists(FuseUring.ENABLE_PARAMETER)) {
            FuseUring.setEnabled(wasEnabled);
        }
    }

    @Test
    void eachCpusQueueServesTheRequestsMadeOnThatCpu() throws Exception {
        MemoryFilesystem fs = new MemoryFilesystem().put("hello", "hello, ring\n");
        int cpus = FuseUring.possibleCpus();
        try (FuseServer server = FuseServer.builder(fs).transport(Transport.IO_URING).unmountOnExit(false)
                .mount(mnt)) {
            assertEquals("hello, ring\n", Files.readString(mnt.resolve("hello")));
            try (Stream<Path> s = Files.list(mnt)) {
                assertEquals(List.of("hello"), s.map(p -> p.getFileName().toString()).toList());
            }
            // a writer pinned to each CPU: CREATE, WRITE, FLUSH, RELEASE always reach the server
            List<Thread> writers = new ArrayList<>();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            for (int cpu = 0; cpu < cpus; cpu++) {
                int c = cpu;
                writers.add(Thread.ofPlatform().start(() -> {
                    try {
                        CpuAffinity.pinCurrentThread(c);
                        for (int i = 0; i < 30; i++) {
                            Path p = mnt.resolve("cpu" + c + "-" + i);
                            String text = "written on cpu " + c + ", file " + i;
                            Files.writeString(p, text);
                            assertEquals(text, new String(fs.data.get(fs.names.get(p.getFileName().toString())),
                                    StandardCharsets.UTF_8));
                        }
                        Files.delete(mnt.resolve("cpu" + c + "-0"));
                        assertFalse(fs.names.containsKey("cpu" + c + "-0"));
                    } catch (Throwable t) {
                        failure.compareAndSet(null, t);
                    }
                }));
            }
            for (Thread t : writers) {
                t.join(Duration.ofSeconds(60));
            }
            if (failure.get() != null) {
                throw new AssertionError("a writer failed", failure.get());
            }
            // the kernel may still send requests of its own (a RELEASE in the background): wait for the queues to
            // be idle, every request read also answered
            List<FuseServerStats> ringThreads = server.stats().stream().filter(s -> s.ringQueue() >= 0).toList();
            for (long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                 ringThreads.stream().anyMatch(t -> t.requests() != t.replies()) && System.nanoTime() < deadline; ) {
                Thread.sleep(10);
                ringThreads = server.stats().stream().filter(s -> s.ringQueue() >= 0).toList();
            }
            assertEquals(cpus * FuseServer.DEFAULT_RING_THREADS, ringThreads.size(), server.stats()::toString);
            for (int q = 0; q < cpus; q++) {
                int queue = q;
                List<FuseServerStats> its = ringThreads.stream().filter(s -> s.ringQueue() == queue).toList();
                // 30 files of at least 4 requests each were made on this queue's CPU
                long requests = its.stream().mapToLong(FuseServerStats::requests).sum();
                assertTrue(requests >= 120, "queue " + q + ": " + its);
                for (FuseServerStats t : its) {
                    assertEquals(t.requests(), t.replies(), t::toString);
                    assertEquals(0, t.errors(), t::toString);
                }
            }
        }
        assertTrue(fs.destroyed, "destroy is called on close");
        assertFalse(FuseServerKernelTest.isMounted(mnt), "unmounted after close");
    }

    @Test
    void anInterruptComesOnDevFuseAndReachesTheHandlerOfARingRequest() throws Exception {
        MemoryFilesystem fs = new MemoryFilesystem().put("slow", "never read");
        try (FuseServer server = FuseServer.builder(fs).transport(Transport.IO_URING).unmountOnExit(false)
                .mount(mnt)) {
            FuseServerKernelTest.assertASignalledReadInterruptsItsHandler(server, fs, mnt);
        }
    }

    @Test
    void aHandlerThatBlocksLeavesItsCpusOtherRequestsToTheQueuesOtherThread() throws Exception {
        MemoryFilesystem fs = new MemoryFilesystem().put("slow", "never read").put("hello", "still served");
        try (FuseServer server = FuseServer.builder(fs).transport(Transport.IO_URING).ringThreads(2)
                .unmountOnExit(false).mount(mnt)) {
            // the slow read, made on CPU 0, holds one of queue 0's threads in its handler
            Process cat = new ProcessBuilder("taskset", "-c", "0", "cat", mnt.resolve("slow").toString())
                    .redirectErrorStream(true).start();
            try {
                assertTrue(fs.slowEntered.await(20, TimeUnit.SECONDS), "the slow read reached the handler");
                assertEquals("still served", readOnCpu0(mnt.resolve("hello")));
            } finally {
                fs.releaseSlow();
                cat.destroy();
                cat.waitFor(20, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void requestsMadeAsSoonAsTheMountReturnsGoThroughTheRings() throws Exception {
        // mount returns once every queue has registered its entries: before that the kernel sends requests to
        // /dev/fuse, whose one reader (under io_uring) would serve them all, one at a time
        for (int round = 0; round < 20; round++) {
            Path dir = Files.createDirectory(mnt.resolve("m" + round));
            MemoryFilesystem fs = new MemoryFilesystem().put("hello", "at once");
            try (FuseServer server = FuseServer.builder(fs).transport(Transport.IO_URING).unmountOnExit(false)
                    .mount(dir)) {
                assertEquals("at once", Files.readString(dir.resolve("hello")));
                long onDevFuse = server.stats().stream().filter(s -> s.ringQueue() < 0)
                        .mapToLong(FuseServerStats::requests).sum();
                assertEquals(0, onDevFuse, "round " + round + ": requests read on /dev/fuse: " + server.stats());
            }
        }
    }

    @Test
    void notificationsReachTheKernelUnderIoUringToo() throws Exception {
        FuseNotifierKernelTest.CachingFilesystem fs = new FuseNotifierKernelTest.CachingFilesystem();
        fs.put("a", "one");
        try (FuseServer server = FuseServer.builder(fs).transport(Transport.IO_URING).unmountOnExit(false)
                .mount(mnt)) {
            assertEquals("one", Files.readString(mnt.resolve("a")));
            fs.change("a", "two");
            assertEquals("one", Files.readString(mnt.resolve("a")), "the kernel serves its cached pages");
            assertTrue(fs.notifier.invalInode(fs.names.get("a"), 0, 0));
            assertEquals("two", Files.readString(mnt.resolve("a")));
        }
    }

    @Test
    void anUnmountFromOutsideEndsTheQueues() throws Exception {
        FuseServerKernelTest.assertAnOutsideUnmountEndsTheServer(
                FuseServer.builder(new MemoryFilesystem().put("a", "x")).transport(Transport.IO_URING), mnt);
    }

    @Test
    void aKernelWithUringSwitchedOffFailsTheMountWithTheReason() throws Exception {
        FuseUring.setEnabled(false);
        try {
            IOException e = assertThrows(IOException.class, () -> FuseServer.builder(new MemoryFilesystem())
                    .transport(Transport.IO_URING).unmountOnExit(false).mount(mnt));
            assertTrue(e.getMessage().contains("echo 1 > " + FuseUring.ENABLE_PARAMETER), e.getMessage());
            assertFalse(FuseServerKernelTest.isMounted(mnt), "nothing left mounted");
        } finally {
            FuseUring.setEnabled(true);
        }
    }

    @Test
    void underThreadletDispatchABlockedHandlerLeavesItsThreadToServeTheCpusOtherRequests() throws Exception {
        // one thread per queue: inline, a request made on CPU 0 behind the blocked one would wait for it
        MemoryFilesystem fs = new MemoryFilesystem().put("slow", "slow, then served").put("hello", "still served");
        try (FuseServer server = FuseServer.builder(fs).transport(Transport.IO_URING).ringThreads(1)
                .dispatch(Dispatch.THREADLET).unmountOnExit(false).mount(mnt)) {
            Process cat = new ProcessBuilder("taskset", "-c", "0", "cat", mnt.resolve("slow").toString()).start();
            try {
                assertTrue(fs.slowEntered.await(20, TimeUnit.SECONDS), "the slow read reached the handler");
                for (int i = 0; i < 20; i++) {
                    assertEquals("still served", readOnCpu0(mnt.resolve("hello")), "read " + i);
                }
                assertTrue(cat.isAlive(), "the slow read still waits");
                FuseServerStats queue0 = server.stats().stream().filter(s -> s.ringQueue() == 0).findFirst()
                        .orElseThrow();
                assertEquals(1, queue0.blockedHandlers(), queue0::toString);
                fs.releaseSlow();
                // the handler replies on one of the group's servers; the queue's thread commits the reply
                assertTrue(cat.waitFor(20, TimeUnit.SECONDS), "the slow read ended after the release");
                assertEquals("slow, then served", new String(cat.getInputStream().readAllBytes(),
                        StandardCharsets.UTF_8));
                assertEquals(0, cat.exitValue());
            } finally {
                fs.releaseSlow();
                cat.destroy();
                cat.waitFor(20, TimeUnit.SECONDS);
            }
            List<FuseServerStats> rings = server.stats().stream().filter(s -> s.ringQueue() >= 0).toList();
            assertEquals(0, rings.stream().mapToLong(FuseServerStats::errors).sum(), rings::toString);
        }
        assertTrue(fs.destroyed, "destroy is called on close");
    }

    @Test
    void underThreadletDispatchAnInterruptReachesABlockedRingHandler() throws Exception {
        MemoryFilesystem fs = new MemoryFilesystem().put("slow", "never read");
        try (FuseServer server = FuseServer.builder(fs).transport(Transport.IO_URING).dispatch(Dispatch.THREADLET)
                .unmountOnExit(false).mount(mnt)) {
            // the signal waits until the handler has blocked: an INTERRUPT that came between its entry and its
            // first wait (a preempted ring thread, on a loaded machine) would let it end inline, never blocked
            FuseServerKernelTest.assertASignalledReadInterruptsItsHandler(server, fs, mnt, () -> {
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (blockedHandlers(server) < 1 && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                assertTrue(blockedHandlers(server) >= 1, "the handler blocked as a threadlet: " + server.stats());
            });
        }
    }

    @Test
    void underThreadletDispatchTheQueuesEndWithTheConnectionWhileAHandlerHangsAndDestroyWaitsForIt()
            throws Exception {
        MemoryFilesystem fs = new MemoryFilesystem().put("slow", "never read");
        fs.slowIgnoresInterrupts = true;
        // one entry per queue: the blocked handler holds queue 0's only one, so no CQE will come for it at the end
        FuseServer server = FuseServer.builder(fs).transport(Transport.IO_URING).dispatch(Dispatch.THREADLET)
                .ringThreads(1).ringDepth(1).unmountOnExit(false).mount(mnt);
        Process cat = new ProcessBuilder("taskset", "-c", "0", "cat", mnt.resolve("slow").toString()).start();
        try {
            assertTrue(fs.slowEntered.await(20, TimeUnit.SECONDS), "the slow read reached the handler");
            FuseMounts.unmount(mnt, true); // weft umount --abort: the connection ends under the blocked handler
            assertTrue(cat.waitFor(20, TimeUnit.SECONDS), "the abort ended cat's read");
            // the queue threads do not wait for the entry the handler holds: nothing can be committed any more
            assertTrue(server.awaitUnmount(Duration.ofSeconds(20)), "every server thread ended: " + server.stats());
            assertFalse(fs.destroyed, "not destroyed under a running handler");
            fs.releaseSlow();
            server.close();
            for (long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                 !fs.destroyed && System.nanoTime() < deadline; ) {
                Thread.sleep(5);
            }
            assertTrue(fs.destroyed, "destroyed once the handler replied");
        } finally {
            fs.releaseSlow();
            cat.destroy();
            cat.waitFor(20, TimeUnit.SECONDS);
            server.close();
        }
    }

    private static long blockedHandlers(FuseServer server) {
        return server.stats().stream().mapToLong(FuseServerStats::blockedHandlers).sum();
    }

    private static String readOnCpu0(Path p) throws Exception {
        AtomicReference<String> read = new AtomicReference<>();
        Thread reader = Thread.ofPlatform().start(() -> {
            CpuAffinity.pinCurrentThread(0);
            try {
                read.set(Files.readString(p));
            } catch (IOException e) {
                read.set(e.toString());
            }
        });
        assertTrue(reader.join(Duration.ofSeconds(20)), "a request made on CPU 0 waited for the slow one");
        return read.get();
    }
}
