package dev.weft.fuse.passthrough;

import dev.weft.fuse.kernel.FuseDeviceKernelTest;
import dev.weft.fuse.kernel.FuseMounts;
import dev.weft.fuse.kernel.MountTeardown;
import dev.weft.fuse.server.Dispatch;
import dev.weft.fuse.server.FuseServer;
import dev.weft.fuse.server.FuseUring;
import dev.weft.fuse.server.Transport;
import dev.weft.fuse.server.IdleOrder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.*;
import java.util.concurrent.*;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The passthrough mounted for real: operations through the mount with {@code java.nio} compared with the source
 * directory, concurrent readers and writers, {@code fio --verify=crc32c}, {@code stress-ng} file stressors, escape
 * attempts, and an unmount while files are open. The source lives under /var/tmp (a disk file system: xattrs and
 * O_DIRECT work there, unlike tmpfs).
 */
class PassthroughMountTest {
    private Path source;
    private Path mnt;
    private FuseServer server;
    private PassthroughFilesystem fs;

    /** What enable_uring was before a test over io_uring switched it on; null if none did. */
    private Boolean uringWas;

    private void mount(Dispatch dispatch, IdleOrder idle) throws IOException {
        mount(FuseServer.builder(fsOverNewSource()).dispatch(dispatch).idleOrder(idle));
    }

    /** Mounts over FUSE io_uring, switching the fuse module's enable_uring on for the test. */
    private void mountOverIoUring() throws IOException {
        uringWas = FuseDeviceKernelTest.enableFuseUring();
        mount(FuseServer.builder(fsOverNewSource()).transport(Transport.IO_URING));
    }

    private PassthroughFilesystem fsOverNewSource() throws IOException {
        FuseDeviceKernelTest.requireKernel();
        source = Files.createTempDirectory(Path.of("/var/tmp"), "weft-pt-src");
        mnt = Files.createTempDirectory("weft-pt-mnt");
        fs = new PassthroughFilesystem(source);
        return fs;
    }

    private void mount(FuseServer.Builder b) throws IOException {
        server = b.unmountOnExit(false).mount(mnt);
    }

    @AfterEach
    void unmount() throws IOException {
        try {
            MountTeardown.run(server, fs, mnt, source, mnt);
        } finally {
            if (uringWas != null) {
                FuseUring.setEnabled(uringWas);
            }
        }
    }

    @Test
    void operationsThroughTheMountMatchTheSource() throws Exception {
        mount(Dispatch.INLINE, IdleOrder.LIFO);
        Files.createDirectories(mnt.resolve("d/e"));
        Files.writeString(mnt.resolve("d/e/f.txt"), "through the mount");
        assertEquals("through the mount", Files.readString(source.resolve("d/e/f.txt")));
        Files.writeString(source.resolve("g.txt"), "from the source");
        assertEquals("from the source", Files.readString(mnt.resolve("g.txt")));

        // modes, owners and times
        Files.setPosixFilePermissions(mnt.resolve("g.txt"), PosixFilePermissions.fromString("rw-r-----"));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(source.resolve("g.txt"))));
        FileTime t = FileTime.fromMillis(1_600_000_000_123L);
        Files.setLastModifiedTime(mnt.resolve("g.txt"), t);
        assertEquals(t, Files.getLastModifiedTime(source.resolve("g.txt")));
        Files.setAttribute(mnt.resolve("g.txt"), "unix:gid", 100);
        assertEquals(100, Files.getAttribute(source.resolve("g.txt"), "unix:gid"));
        for (String attr : List.of("unix:mode", "unix:uid", "unix:gid", "unix:size", "unix:nlink",
                "lastModifiedTime")) {
            assertEquals(Files.getAttribute(source.resolve("g.txt"), attr, LinkOption.NOFOLLOW_LINKS),
                    Files.getAttribute(mnt.resolve("g.txt"), attr, LinkOption.NOFOLLOW_LINKS), attr);
        }

        // truncate, append, positional writes
        try (FileChannel ch = FileChannel.open(mnt.resolve("g.txt"), StandardOpenOption.WRITE)) {
            ch.truncate(4);
            ch.write(ByteBuffer.wrap("XY".getBytes()), 10);
        }
        byte[] expected = new byte[12];
        System.arraycopy("from".getBytes(), 0, expected, 0, 4);
        expected[10] = 'X';
        expected[11] = 'Y';
        assertArrayEquals(expected, Files.readAllBytes(source.resolve("g.txt")));
        Files.writeString(mnt.resolve("g.txt"), "+", StandardOpenOption.APPEND);
        assertEquals(13, Files.size(source.resolve("g.txt")));

        // symlinks, hard links, rename, and rename flags (renameat2(2) on the mount: the kernel sends RENAME2)
        Files.createSymbolicLink(mnt.resolve("link"), Path.of("d/e/f.txt"));
        assertEquals(Path.of("d/e/f.txt"), Files.readSymbolicLink(source.resolve("link")));
        assertEquals("through the mount", Files.readString(mnt.resolve("link")));
        Files.createLink(mnt.resolve("hard"), mnt.resolve("g.txt"));
        assertEquals(2, Files.getAttribute(source.resolve("g.txt"), "unix:nlink"));
        assertEquals(Files.getAttribute(mnt.resolve("hard"), "unix:ino"),
                Files.getAttribute(mnt.resolve("g.txt"), "unix:ino"));
        Files.move(mnt.resolve("hard"), mnt.resolve("d/moved"));
        assertTrue(Files.exists(source.resolve("d/moved")));
        assertFalse(Files.exists(source.resolve("hard")));
        Files.writeString(mnt.resolve("other"), "other");
        Object movedIno = Files.getAttribute(source.resolve("d/moved"), "unix:ino");
        assertEquals(-dev.weft.fuse.proto.LinuxErrno.EEXIST, renameat2(mnt.resolve("d/moved"), mnt.resolve("other"),
                dev.weft.fuse.posix.Fcntl.RENAME_NOREPLACE), "RENAME_NOREPLACE onto an existing name");
        assertEquals("other", Files.readString(source.resolve("other")), "the target is kept");
        assertEquals(movedIno, Files.getAttribute(source.resolve("d/moved"), "unix:ino"), "the source name too");
        // the VFS refuses that one itself (it knows "other" exists); a target made behind the kernel's back, while
        // it caches the name as absent (the passthrough's negative entries, 1 s), is refused by the server
        assertFalse(Files.exists(mnt.resolve("ghost")));
        Files.writeString(source.resolve("ghost"), "made in the source");
        assertEquals(-dev.weft.fuse.proto.LinuxErrno.EEXIST, renameat2(mnt.resolve("d/moved"), mnt.resolve("ghost"),
                dev.weft.fuse.posix.Fcntl.RENAME_NOREPLACE), "RENAME_NOREPLACE onto a name the kernel thinks free");
        assertEquals("made in the source", Files.readString(source.resolve("ghost")));
        Files.delete(source.resolve("ghost"));
        assertEquals(0, renameat2(mnt.resolve("d/moved"), mnt.resolve("other"),
                dev.weft.fuse.posix.Fcntl.RENAME_EXCHANGE), "RENAME_EXCHANGE");
        assertEquals(movedIno, Files.getAttribute(source.resolve("other"), "unix:ino"), "the names swapped");
        assertEquals("other", Files.readString(source.resolve("d/moved")));
        assertEquals(0, renameat2(mnt.resolve("d/moved"), mnt.resolve("d/fresh"),
                dev.weft.fuse.posix.Fcntl.RENAME_NOREPLACE), "RENAME_NOREPLACE onto a free name");
        assertEquals("other", Files.readString(source.resolve("d/fresh")));
        assertFalse(Files.exists(source.resolve("d/moved")));
        assertTrue(server.requestsByOpcode().getOrDefault(dev.weft.fuse.proto.FuseOpcode.RENAME2, 0L) >= 2,
                "the flags reached the server: " + server.requestsByOpcode());
        assertEquals(0, renameat2(mnt.resolve("d/fresh"), mnt.resolve("d/moved"), 0)); // as the checks below expect

        // xattrs
        UserDefinedFileAttributeView view = Files.getFileAttributeView(mnt.resolve("g.txt"),
                UserDefinedFileAttributeView.class);
        view.write("weft.test", StandardCharsets.UTF_8.encode("value"));
        UserDefinedFileAttributeView srcView = Files.getFileAttributeView(source.resolve("g.txt"),
                UserDefinedFileAttributeView.class);
        assertTrue(srcView.list().contains("weft.test"));
        ByteBuffer bb = ByteBuffer.allocate(srcView.size("weft.test"));
        srcView.read("weft.test", bb);
        assertEquals("value", new String(bb.array(), StandardCharsets.UTF_8));
        assertEquals(srcView.list(), view.list());
        view.delete("weft.test");
        assertFalse(srcView.list().contains("weft.test"));

        // listings and errno
        assertEquals(names(source), names(mnt));
        assertEquals(names(source.resolve("d")), names(mnt.resolve("d")));
        assertThrows(NoSuchFileException.class, () -> Files.readString(mnt.resolve("absent")));
        assertThrows(DirectoryNotEmptyException.class, () -> Files.delete(mnt.resolve("d")));
        assertThrows(FileAlreadyExistsException.class, () -> Files.createDirectory(mnt.resolve("d")));
        Files.delete(mnt.resolve("d/e/f.txt"));
        Files.delete(mnt.resolve("d/e"));
        assertFalse(Files.exists(source.resolve("d/e")));
        var st = Files.getFileStore(mnt);
        assertTrue(st.getTotalSpace() > 0, "statfs passes through");
    }

    @Test
    void aLargeDirectoryListsWholeThroughTheMount() throws Exception {
        mount(Dispatch.INLINE, IdleOrder.FIFO);
        assertALargeDirectoryListsWhole();
    }

    @Test
    void aLargeDirectoryListsWholeOverIoUring() throws Exception {
        mountOverIoUring();
        assertALargeDirectoryListsWhole();
    }

    private void assertALargeDirectoryListsWhole() throws IOException {
        Path big = Files.createDirectory(source.resolve("big"));
        Set<String> names = new TreeSet<>();
        for (int i = 0; i < 5000; i++) {
            // lengths 1 to 255 bytes, some multi-byte: many READDIRPLUS replies, cut at every kind of boundary
            String stem = i % 7 == 0 ? "é-" + i : "f" + i;
            String name = (stem + "x".repeat(255)).substring(0, Math.max(stem.length(), 1 + (i * 37) % 250));
            while (name.getBytes(StandardCharsets.UTF_8).length > 255) {
                name = name.substring(0, name.length() - 1);
            }
            names.add(name);
            if (i % 3 == 0) {
                Files.createDirectory(big.resolve(name));
            } else {
                Files.createFile(big.resolve(name));
            }
        }
        for (int round = 0; round < 2; round++) { // the second listing meets the entries the first one cached
            try (Stream<Path> s = Files.list(mnt.resolve("big"))) {
                List<String> listed = s.map(p -> p.getFileName().toString()).toList();
                assertEquals(names.size(), listed.size(), "no entry listed twice or lost");
                assertEquals(names, new TreeSet<>(listed));
            }
        }
        try (Stream<Path> s = Files.list(mnt.resolve("big"))) {
            assertEquals(1667, s.filter(Files::isDirectory).count(), "types come through");
        }
    }

    @Test
    void offsetsPastFourGibibytesReadAndWriteThroughTheMount() throws Exception {
        mount(Dispatch.INLINE, IdleOrder.FIFO);
        long far = (5L << 30) + 12_345; // a sparse file: nothing is allocated below
        try (FileChannel ch = FileChannel.open(mnt.resolve("sparse"), StandardOpenOption.CREATE,
                StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            assertEquals(9, ch.write(ByteBuffer.wrap("far away!".getBytes(StandardCharsets.UTF_8)), far));
            assertEquals(far + 9, ch.size());
            ByteBuffer back = ByteBuffer.allocate(9);
            assertEquals(9, ch.read(back, far));
            assertEquals("far away!", new String(back.array(), StandardCharsets.UTF_8));
            ByteBuffer hole = ByteBuffer.allocate(4);
            assertEquals(4, ch.read(hole, 4L << 30));
            assertArrayEquals(new byte[4], hole.array(), "a hole reads as zeros");
        }
        assertEquals(far + 9, Files.size(source.resolve("sparse")));
        try (FileChannel src = FileChannel.open(source.resolve("sparse"))) {
            ByteBuffer b = ByteBuffer.allocate(9);
            src.read(b, far);
            assertEquals("far away!", new String(b.array(), StandardCharsets.UTF_8));
        }
        Files.write(mnt.resolve("sparse"), new byte[0], StandardOpenOption.TRUNCATE_EXISTING);
        assertEquals(0, Files.size(source.resolve("sparse")));
    }

    @Test
    void aTruncatingOpenTruncatesWithoutASetattr() throws Exception {
        mount(Dispatch.INLINE, IdleOrder.FIFO);
        Files.writeString(source.resolve("t"), "a longer content");
        Files.writeString(mnt.resolve("t"), "short"); // O_WRONLY | O_CREAT | O_TRUNC of an existing file
        assertEquals("short", Files.readString(source.resolve("t")));
        assertEquals("short", Files.readString(mnt.resolve("t")));
        assertTrue(server.connection().has(dev.weft.fuse.proto.FuseKernelLayout.FUSE_ATOMIC_O_TRUNC));
        assertFalse(server.requestsByOpcode().containsKey(dev.weft.fuse.proto.FuseOpcode.SETATTR),
                "O_TRUNC went with OPEN: " + server.requestsByOpcode());
    }

    @Test
    void closesOnALocalFileSystemCostNoFlush() throws Exception {
        mount(Dispatch.INLINE, IdleOrder.FIFO); // the source is on /var/tmp: ext4 here
        assertTrue(PassthroughFilesystem.flushIsNoOp(fsType(source)),
                "the source's file system is one whose close reports nothing");
        for (int i = 0; i < 20; i++) {
            Files.writeString(mnt.resolve("f" + i), "x");
            assertEquals("x", Files.readString(mnt.resolve("f" + i)));
        }
        Map<dev.weft.fuse.proto.FuseOpcode, Long> ops = server.requestsByOpcode();
        assertTrue(ops.getOrDefault(dev.weft.fuse.proto.FuseOpcode.RELEASE, 0L) >= 20, ops.toString());
        assertFalse(ops.containsKey(dev.weft.fuse.proto.FuseOpcode.FLUSH), "40 closes, no FLUSH: " + ops);
        assertFalse(PassthroughFilesystem.flushIsNoOp(0x6969L), "NFS: FLUSH reports what close would");
        assertFalse(PassthroughFilesystem.flushIsNoOp(0x65735546L), "FUSE over FUSE too");
    }

    /** {@code statfs.f_type} of {@code p}, through weft's own call. */
    private static long fsType(Path p) {
        try (java.lang.foreign.Arena a = java.lang.foreign.Arena.ofConfined()) {
            int fd = dev.weft.fuse.posix.AtCalls.openat(dev.weft.fuse.posix.Fcntl.AT_FDCWD, a.allocateFrom(p.toString()),
                    dev.weft.fuse.posix.Fcntl.O_PATH | dev.weft.fuse.posix.Fcntl.O_CLOEXEC, 0);
            assertTrue(fd >= 0, "open " + p + ": errno " + -fd);
            try {
                long t = dev.weft.fuse.posix.FdCalls.fstatfsType(fd);
                assertTrue(t >= 0, "fstatfs " + p + ": errno " + -t);
                return t;
            } finally {
                dev.weft.fuse.posix.FdCalls.close(fd);
            }
        }
    }

    /**
     * Symlinks out of the tree, made in the source and used through the mount. The file an escape would reach
     * exists: {@code secret} next to the source, where the server would land if it resolved {@code ../secret} from
     * the source's root (the client's kernel resolves it from the mount's root: the mount point's parent, where
     * nothing of that name is). Operations on the links that do not follow them (lstat, times, owner) must change
     * the links in the source, never that file; one that follows the absolute link is resolved by the client's
     * kernel on its own file system, and the server opens nothing for it.
     */
    @Test
    void symlinksOutOfTheTreeNeverLetTheServerReachTheFileBeyond() throws Exception {
        mount(Dispatch.INLINE, IdleOrder.LIFO);
        Path secret = source.resolveSibling(source.getFileName() + "-secret"); // next to the source, on /var/tmp
        Path besideMount = mnt.resolveSibling(secret.getFileName()); // where the client resolves ../secret
        assertFalse(Files.exists(besideMount, LinkOption.NOFOLLOW_LINKS), besideMount + " must not exist");
        FileTime old = FileTime.fromMillis(1_500_000_000_000L);
        try {
            Files.writeString(secret, "secret");
            Files.setLastModifiedTime(secret, old);
            Files.createSymbolicLink(source.resolve("abs"), secret);
            Files.createSymbolicLink(source.resolve("rel"), Path.of("../" + secret.getFileName()));
            // the root's .. is the mount point's parent in the VFS, never the source's parent
            assertEquals(mnt.getParent().toRealPath(), mnt.resolve("..").toRealPath());

            for (String link : List.of("abs", "rel")) {
                Path m = mnt.resolve(link);
                assertTrue(Files.isSymbolicLink(m), link);
                assertEquals(Files.readSymbolicLink(source.resolve(link)), Files.readSymbolicLink(m), link);
                assertEquals((long) Files.readSymbolicLink(m).toString().length(),
                        Files.getAttribute(m, "unix:size", LinkOption.NOFOLLOW_LINKS), link + ": lstat is the link's");
                Files.getFileAttributeView(m, java.nio.file.attribute.BasicFileAttributeView.class,
                        LinkOption.NOFOLLOW_LINKS).setTimes(FileTime.fromMillis(1_600_000_000_000L), null, null);
                assertEquals(FileTime.fromMillis(1_600_000_000_000L),
                        Files.getLastModifiedTime(source.resolve(link), LinkOption.NOFOLLOW_LINKS), link);
                Files.setAttribute(m, "unix:gid", 100, LinkOption.NOFOLLOW_LINKS); // lchown
                assertEquals(100, Files.getAttribute(source.resolve(link), "unix:gid", LinkOption.NOFOLLOW_LINKS));
            }

            long opens = server.requestsByOpcode().getOrDefault(dev.weft.fuse.proto.FuseOpcode.OPEN, 0L);
            assertEquals("secret", Files.readString(mnt.resolve("abs")), "the client's kernel follows abs itself");
            assertEquals(opens, server.requestsByOpcode().getOrDefault(dev.weft.fuse.proto.FuseOpcode.OPEN, 0L),
                    "and the server opened nothing for it");

            assertThrows(NoSuchFileException.class, () -> Files.readString(mnt.resolve("rel")),
                    "rel resolves beside the mount point, where there is no such file");
            Files.writeString(mnt.resolve("rel"), "written through rel"); // creates it there, not next to the source
            assertEquals("written through rel", Files.readString(besideMount));

            assertEquals("secret", Files.readString(secret), "the file beyond the source is unchanged");
            assertEquals(old, Files.getLastModifiedTime(secret), "its times too");
            assertEquals(0, Files.getAttribute(secret, "unix:gid"), "and its owner");
        } finally {
            Files.deleteIfExists(secret);
            Files.deleteIfExists(besideMount);
        }
    }

    @Test
    void manyConcurrentReadersAndWriters() throws Exception {
        mount(Dispatch.THREADLET, IdleOrder.LIFO);
        int threads = 16;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> fs = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            int id = i;
            fs.add(pool.submit(() -> {
                Random r = new Random(id);
                Path p = mnt.resolve("w" + id);
                byte[] data = new byte[64 * 1024 + id];
                for (int round = 0; round < 20; round++) {
                    r.nextBytes(data);
                    Files.write(p, data);
                    assertArrayEquals(data, Files.readAllBytes(p));
                    assertArrayEquals(data, Files.readAllBytes(source.resolve("w" + id)));
                }
                return null;
            }));
        }
        for (Future<?> f : fs) {
            f.get(120, TimeUnit.SECONDS);
        }
        pool.shutdown();
    }

    @Test
    void fioVerifiesEveryBlockItWrote() throws Exception {
        mount(Dispatch.INLINE, IdleOrder.LIFO);
        fioVerify();
    }

    @Test
    void fioVerifiesEveryBlockItWroteOverIoUring() throws Exception {
        mountOverIoUring();
        fioVerify();
        assertTrue(server.stats().stream().filter(st -> st.ringQueue() >= 0)
                .mapToLong(dev.weft.fuse.server.FuseServerStats::requests).sum() > 16384, "the queues served fio");
    }

    /**
     * With the write-back cache the kernel fills a page written in part by reading it, also through a file opened
     * write-only, and writes pages at their own offsets, also for O_APPEND: the backing file must be open for
     * reading and without O_APPEND, or writes fail (EBADF) or land at the end.
     */
    @Test
    void writeOnlyAndAppendWritesWorkWithTheWriteBackCache() throws Exception {
        mount(FuseServer.builder(fsOverNewSource()).writebackCache(true));
        assertTrue(server.connection().has(dev.weft.fuse.proto.FuseKernelLayout.FUSE_WRITEBACK_CACHE));
        byte[] original = new byte[3 * 4096];
        java.util.Arrays.fill(original, (byte) 'a');
        Files.write(source.resolve("pages"), original);
        try (var ch = java.nio.channels.FileChannel.open(mnt.resolve("pages"), StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap("middle".getBytes()), 4096 + 100); // part of the second page
        }
        byte[] expected = original.clone();
        System.arraycopy("middle".getBytes(), 0, expected, 4096 + 100, 6);
        assertArrayEquals(expected, Files.readAllBytes(mnt.resolve("pages")), "through the mount");
        assertArrayEquals(expected, Files.readAllBytes(source.resolve("pages")), "in the source");

        Files.writeString(source.resolve("log"), "first\n");
        Files.writeString(mnt.resolve("log"), "second\n", StandardOpenOption.APPEND);
        Files.writeString(mnt.resolve("log"), "third\n", StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        assertEquals("first\nsecond\nthird\n", Files.readString(mnt.resolve("log")));
        assertEquals("first\nsecond\nthird\n", Files.readString(source.resolve("log")));
    }

    private void fioVerify() throws Exception {
        requireTool("fio");
        Process fio = new ProcessBuilder("fio", "--name=verify", "--directory=" + mnt, "--size=32m", "--bs=4k",
                "--rw=randwrite", "--ioengine=psync", "--direct=1", "--numjobs=2", "--verify=crc32c",
                "--verify_fatal=1", "--do_verify=1", "--verify_state_save=0").redirectErrorStream(true).start();
        String out = new String(fio.getInputStream().readAllBytes());
        assertEquals(0, fio.waitFor(), out);
        assertTrue(out.contains("err= 0"), out);
        assertFalse(out.contains("verify: bad"), out);
    }

    @Test
    void stressNgFileStressorsRunWithoutFailures() throws Exception {
        mount(Dispatch.INLINE, IdleOrder.FIFO);
        stressNg();
    }

    @Test
    void stressNgFileStressorsRunWithoutFailuresOverIoUring() throws Exception {
        mountOverIoUring();
        stressNg();
    }

    private void stressNg() throws Exception {
        requireTool("stress-ng");
        Process p = new ProcessBuilder("stress-ng", "--temp-path", mnt.toString(), "--timeout", "10s",
                "--metrics-brief", "--hdd", "2", "--hdd-bytes", "8m", "--dir", "1", "--rename", "1", "--link", "1",
                "--symlink", "1", "--dentry", "1", "--xattr", "1", "--verify").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
        assertTrue(out.contains("successful run completed") || out.contains("passed:"), out);
        assertFalse(out.matches("(?s).*failed: [1-9].*"), out);
    }

    @Test
    void unmountWhileFilesAreOpenAndBusy() throws Exception {
        mount(Dispatch.INLINE, IdleOrder.LIFO);
        Files.write(source.resolve("big"), new byte[1 << 20]);
        CountDownLatch reading = new CountDownLatch(4);
        AtomicBoolean detached = new AtomicBoolean(); // set once the mount is gone from the mount table
        CountDownLatch readAfterDetach = new CountDownLatch(4);
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<Long>> readers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            readers.add(pool.submit(() -> {
                long bytesAfterDetach = 0; // of reads begun after the detach was seen
                try (FileChannel ch = FileChannel.open(mnt.resolve("big"))) {
                    ByteBuffer b = ByteBuffer.allocate(4096);
                    for (int round = 0; !stop.get(); round++) {
                        boolean after = detached.get();
                        b.clear();
                        int n = ch.read(b, (round * 4096L) % (1 << 20));
                        if (after && n > 0 && bytesAfterDetach == 0) {
                            readAfterDetach.countDown();
                        }
                        bytesAfterDetach += after ? n : 0;
                        if (round == 10) {
                            reading.countDown();
                        }
                    }
                }
                return bytesAfterDetach;
            }));
        }
        assertTrue(reading.await(20, TimeUnit.SECONDS));
        // close() detaches lazily: the mount point is free at once, the open files keep working until closed,
        // then the server ends
        CompletableFuture<Void> closing = CompletableFuture.runAsync(() -> {
            try {
                server.close();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (FuseMounts.find(mnt).isPresent() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertTrue(FuseMounts.find(mnt).isEmpty(), "detached while files are open");
        detached.set(true);
        assertFalse(closing.isDone(), "the server still serves the open files");
        assertTrue(readAfterDetach.await(20, TimeUnit.SECONDS), "every reader read after the detach");
        stop.set(true);
        for (Future<Long> f : readers) {
            assertTrue(f.get(30, TimeUnit.SECONDS) > 0, "bytes read after the detach");
        }
        closing.get(30, TimeUnit.SECONDS);
        pool.shutdown();
    }

    /** {@code renameat2(old, new, flags)} on absolute paths: 0 or a negative errno. */
    private static int renameat2(Path from, Path to, int flags) {
        try (java.lang.foreign.Arena a = java.lang.foreign.Arena.ofConfined()) {
            return dev.weft.fuse.posix.AtCalls.renameat2(dev.weft.fuse.posix.Fcntl.AT_FDCWD,
                    a.allocateFrom(from.toString()), dev.weft.fuse.posix.Fcntl.AT_FDCWD, a.allocateFrom(to.toString()),
                    flags);
        }
    }

    private static void requireTool(String tool) {
        FuseDeviceKernelTest.requireProgram(tool, tool); // fio and stress-ng: packages of the same names
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
