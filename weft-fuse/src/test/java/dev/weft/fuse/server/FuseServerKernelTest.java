package dev.weft.fuse.server;

import dev.weft.fuse.kernel.FuseDeviceKernelTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The server against the real kernel: an in-memory file system mounted with each idle order and dispatch, used
 * through {@code java.nio}; INTERRUPT from a signalled reader; unmount.
 */
class FuseServerKernelTest {

    @TempDir
    Path mnt;

    @ParameterizedTest
    @CsvSource({"LIFO,INLINE", "FIFO,INLINE", "LIFO,THREADLET", "FIFO,THREADLET"})
    void servesReadsWritesAndListingsThroughTheMount(IdleOrder order, Dispatch dispatch) throws Exception {
        FuseDeviceKernelTest.requireKernel();
        MemoryFilesystem fs = new MemoryFilesystem().put("hello", "hello, weft\n").put("b", "bee");
        try (FuseServer server = FuseServer.builder(fs).threads(2).idleOrder(order).dispatch(dispatch)
                .unmountOnExit(false).mount(mnt)) {
            assertTrue(server.connection().minor() >= 31, "negotiated " + server.connection());
            assertEquals("hello, weft\n", Files.readString(mnt.resolve("hello")));
            try (Stream<Path> s = Files.list(mnt)) {
                assertEquals(List.of("b", "hello"), s.map(p -> p.getFileName().toString()).sorted().toList());
            }
            Files.writeString(mnt.resolve("new"), "written through the mount");
            assertEquals("written through the mount",
                    new String(fs.data.get(fs.names.get("new")), StandardCharsets.UTF_8));
            assertFalse(Files.exists(mnt.resolve("absent")));
            Files.delete(mnt.resolve("b"));
            assertFalse(fs.names.containsKey("b"));

            // many concurrent readers and writers, each on its own file
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                int id = i;
                futures.add(pool.submit(() -> {
                    Path p = mnt.resolve("f" + id);
                    for (int round = 0; round < 50; round++) {
                        String text = "file " + id + " round " + round;
                        Files.writeString(p, text);
                        assertEquals(text, Files.readString(p));
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
            pool.shutdown();
            long requests = server.stats().stream().mapToLong(FuseServerStats::requests).sum();
            assertTrue(requests > 8 * 50 * 2, "requests " + requests);
        }
        assertTrue(fs.destroyed, "destroy is called on close");
        assertFalse(isMounted(mnt), "unmounted after close");
    }

    /** A file system with READDIR and no READDIRPLUS, as many simple ones are. */
    static final class ReaddirOnly implements dev.weft.fuse.FuseFilesystem {
        final MemoryFilesystem files;

        ReaddirOnly(MemoryFilesystem files) {
            this.files = files;
        }

        @Override
        public void lookup(dev.weft.fuse.FuseContext ctx, long parent, dev.weft.fuse.FuseName name,
                dev.weft.fuse.FuseEntry entry) throws dev.weft.fuse.FuseException {
            files.lookup(ctx, parent, name, entry);
        }

        @Override
        public void getattr(dev.weft.fuse.FuseContext ctx, long nodeid, long fh, dev.weft.fuse.FuseAttr attr)
                throws dev.weft.fuse.FuseException {
            files.getattr(ctx, nodeid, fh, attr);
        }

        @Override
        public void opendir(dev.weft.fuse.FuseContext ctx, long nodeid, int flags, dev.weft.fuse.FuseOpen open) {
            files.opendir(ctx, nodeid, flags, open);
        }

        @Override
        public void readdir(dev.weft.fuse.FuseContext ctx, long nodeid, long fh, long offset,
                dev.weft.fuse.FuseDirFiller filler) {
            files.readdir(ctx, nodeid, fh, offset, filler);
        }
    }

    @Test
    void aFileSystemWithReaddirAloneIsListedThroughReaddir() throws Exception {
        FuseDeviceKernelTest.requireKernel();
        MemoryFilesystem files = new MemoryFilesystem().put("one", "1").put("two", "2");
        try (FuseServer server = FuseServer.builder(new ReaddirOnly(files)).threads(1).unmountOnExit(false)
                .mount(mnt)) {
            assertFalse(server.connection().has(dev.weft.fuse.proto.FuseKernelLayout.FUSE_DO_READDIRPLUS),
                    "READDIRPLUS is not asked for when the file system does not implement it");
            try (Stream<Path> s = Files.list(mnt)) {
                assertEquals(List.of("one", "two"), s.map(p -> p.getFileName().toString()).sorted().toList());
            }
        }
        try (FuseServer server = FuseServer.builder(files).threads(1).unmountOnExit(false).mount(mnt)) {
            assertTrue(server.connection().has(dev.weft.fuse.proto.FuseKernelLayout.FUSE_DO_READDIRPLUS),
                    "and is when it does");
        }
        try (FuseServer server = FuseServer.builder(files).readdirplus(false).threads(1).unmountOnExit(false)
                .mount(mnt)) {
            assertFalse(server.connection().has(dev.weft.fuse.proto.FuseKernelLayout.FUSE_DO_READDIRPLUS),
                    "unless the builder says otherwise");
            try (Stream<Path> s = Files.list(mnt)) {
                assertEquals(List.of("one", "two"), s.map(p -> p.getFileName().toString()).sorted().toList());
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"INLINE", "THREADLET"})
    void aSignalledReadSendsInterruptAndTheHandlerSeesIt(Dispatch dispatch) throws Exception {
        FuseDeviceKernelTest.requireKernel();
        MemoryFilesystem fs = new MemoryFilesystem().put("slow", "never read");
        try (FuseServer server = FuseServer.builder(fs).threads(2).dispatch(dispatch).unmountOnExit(false)
                .mount(mnt)) {
            assertASignalledReadInterruptsItsHandler(server, fs, mnt);
        }
    }

    /**
     * A {@code cat} of {@code slow} on {@code server}'s mount, sent SIGTERM while the handler holds the read: the
     * kernel sends FUSE_INTERRUPT, the handler sees it, and a /dev/fuse reader counted it. SIGTERM kills {@code cat},
     * so nobody sees the reply: that an interrupted request ends with EINTR is {@link ReaderInterruptTest}'s. Not
     * SIGINT: a shell that runs the tests as a background job (a CI runner's, {@code mvn ... &}) starts them with
     * SIGINT ignored, which {@code cat} inherits; it would sleep on in the read (seen: 3 failures in a suite run that
     * way).
     */
    static void assertASignalledReadInterruptsItsHandler(FuseServer server, MemoryFilesystem fs, Path mnt)
            throws Exception {
        assertASignalledReadInterruptsItsHandler(server, fs, mnt, () -> { });
    }

    /** As above, running {@code beforeSignal} once the handler is entered and before the signal is sent. */
    static void assertASignalledReadInterruptsItsHandler(FuseServer server, MemoryFilesystem fs, Path mnt,
            Runnable beforeSignal) throws Exception {
        Process cat = new ProcessBuilder("cat", mnt.resolve("slow").toString()).redirectErrorStream(true).start();
        assertTrue(fs.slowEntered.await(20, TimeUnit.SECONDS), "the slow read reached the handler");
        beforeSignal.run();
        new ProcessBuilder("kill", "-TERM", Long.toString(cat.pid())).start().waitFor();
        assertTrue(cat.waitFor(20, TimeUnit.SECONDS), "cat ended after the signal");
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!fs.slowSawInterrupt && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertTrue(fs.slowSawInterrupt, "the handler saw the interrupt");
        assertTrue(server.stats().stream().filter(s -> s.ringQueue() < 0)
                .mapToLong(FuseServerStats::interrupts).sum() >= 1, "read by a /dev/fuse reader");
        fs.releaseSlow();
    }

    @Test
    void anUnmountFromOutsideEndsTheServer() throws Exception {
        FuseDeviceKernelTest.requireKernel();
        assertAnOutsideUnmountEndsTheServer(FuseServer.builder(new MemoryFilesystem().put("a", "x")).threads(3), mnt);
    }

    /** Mounts {@code b} at {@code mnt}, reads "a" through it, unmounts with umount(8), and sees every thread stop. */
    static void assertAnOutsideUnmountEndsTheServer(FuseServer.Builder b, Path mnt) throws Exception {
        FuseServer server = b.unmountOnExit(false).mount(mnt);
        assertEquals("x", Files.readString(mnt.resolve("a")));
        Process umount = new ProcessBuilder("umount", mnt.toString()).redirectErrorStream(true).start();
        assertEquals(0, umount.waitFor(), new String(umount.getInputStream().readAllBytes()));
        assertTrue(server.awaitUnmount(Duration.ofSeconds(20)), "threads stop after umount");
        server.close();
    }

    @Test
    void mountsThroughFusermount3AndUnmountsThroughIt() throws Exception {
        FuseDeviceKernelTest.requireKernel();
        FuseDeviceKernelTest.requireProgram("fusermount3", "fuse3");
        MemoryFilesystem fs = new MemoryFilesystem().put("a", "via fusermount3");
        try (FuseServer server = FuseServer.builder(fs).threads(2).unmountOnExit(false)
                .mounter(dev.weft.fuse.kernel.FuseDevice.Mounter.FUSERMOUNT).mount(mnt)) {
            assertEquals("via fusermount3", Files.readString(mnt.resolve("a")));
            var m = dev.weft.fuse.kernel.FuseMounts.find(mnt).orElseThrow();
            assertEquals("fuse.weft", m.fstype(), "fusermount3 mounted it with subtype weft");
        }
        assertFalse(isMounted(mnt));
    }

    static boolean isMounted(Path p) throws Exception {
        String abs = p.toAbsolutePath().normalize().toString();
        return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                .anyMatch(l -> l.split(" ")[4].equals(abs));
    }
}
