package dev.weft.fuse.passthrough;

import dev.weft.fuse.kernel.FuseDeviceKernelTest;
import dev.weft.fuse.kernel.MountTeardown;
import dev.weft.fuse.server.FuseServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The inode budget against the real kernel: a tree of many more files than the budget, all looked up through the
 * mount, while some files stay open. Every lookup succeeds, the passthrough asks the kernel to prune, the kernel's
 * FORGETs bring the descriptors held back under the budget, and the open files keep working.
 */
class PassthroughPruneTest {
    private static final int BUDGET = 200;
    private static final int DIRS = 20;
    private static final int FILES_PER_DIR = 100;

    private Path source;
    private Path mnt;
    private FuseServer server;
    private PassthroughFilesystem fs;

    @AfterEach
    void unmount() throws IOException {
        MountTeardown.run(server, fs, mnt, source, mnt);
    }

    @Test
    void aTreeLargerThanTheBudgetIsLookedUpWhileTheKernelForgetsWhatIsNotInUse() throws Exception {
        FuseDeviceKernelTest.requireKernel();
        source = Files.createTempDirectory(Path.of("/var/tmp"), "weft-prune-src");
        mnt = Files.createTempDirectory("weft-prune-mnt");
        for (int d = 0; d < DIRS; d++) {
            Path dir = Files.createDirectory(source.resolve("d" + d));
            for (int f = 0; f < FILES_PER_DIR; f++) {
                Files.writeString(dir.resolve("f" + f), d + "/" + f);
            }
        }
        fs = new PassthroughFilesystem(source, PassthroughOptions.defaults().withInodeBudget(BUDGET));
        assertEquals(BUDGET, fs.inodeBudget());
        server = FuseServer.builder(fs).unmountOnExit(false).mount(mnt);
        requirePrune(server);

        // files held open through the whole walk: the kernel must not drop them, and they must keep working
        List<FileChannel> open = new ArrayList<>();
        try {
            for (int k = 0; k < 10; k++) {
                open.add(FileChannel.open(mnt.resolve("d" + k + "/f0"), StandardOpenOption.READ,
                        StandardOpenOption.WRITE));
            }
            for (int round = 0; round < 2; round++) { // the second walk looks pruned names up again
                for (int d = 0; d < DIRS; d++) {
                    for (int f = 0; f < FILES_PER_DIR; f++) {
                        Path p = mnt.resolve("d" + d + "/f" + f);
                        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class,
                                LinkOption.NOFOLLOW_LINKS);
                        assertEquals((d + "/" + f).length(), a.size(), p.toString());
                    }
                }
            }
            assertTrue(fs.prunedNodeids() > 0, "the passthrough asked the kernel to prune");
            // the walk ends with a pass that may have stopped above the budget (the kernel still held entries the
            // walk had just used): the pruner tries again by itself until the count is within it
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (fs.inodeCount() > BUDGET && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertTrue(fs.inodeCount() <= BUDGET, "inodes held after the walk: " + fs.inodeCount() + " (budget "
                    + BUDGET + ", " + DIRS * (FILES_PER_DIR + 1) + " looked up, " + fs.prunedNodeids() + " pruned)");
            for (int k = 0; k < open.size(); k++) {
                FileChannel ch = open.get(k);
                ByteBuffer b = ByteBuffer.allocate(64);
                int n = ch.read(b, 0);
                assertEquals(k + "/0", new String(b.array(), 0, n, StandardCharsets.UTF_8));
                ch.write(ByteBuffer.wrap("!".getBytes(StandardCharsets.UTF_8)), n);
            }
        } finally {
            for (FileChannel ch : open) {
                ch.close();
            }
        }
        for (int k = 0; k < 10; k++) {
            assertEquals(k + "/0!", Files.readString(source.resolve("d" + k + "/f0")), "written through a file held"
                    + " open across the prunes");
        }
    }

    /**
     * A client that opens files through the mount until it gets an error, and holds them (stress-ng's {@code open}
     * stressor does): its opens stop at the handle cap (seven eighths of the server's descriptor limit), the budget
     * in force shrinks by what they take, and lookups of a tree still find descriptors. Without the smaller budget
     * the last of these stats failed with EMFILE (32 of 8,000, holding 12,000 files, with a 20,000-descriptor
     * limit).
     */
    @Test
    void aClientHoldingAllTheFilesItCanOpenLeavesRoomForOtherLookups() throws Exception {
        FuseDeviceKernelTest.requireKernel();
        // the passthrough reckons with at most 20,000 descriptors (where root can raise the process's limit to a
        // million, the cap and the budget are then what is tested, as no call would run out)
        long processLimit = dev.weft.fuse.posix.ProcessCalls.raiseOpenFileLimit(
                PassthroughFilesystem.OPEN_FILE_LIMIT);
        assertTrue(processLimit >= 20_000, "this test needs an open-file limit of 20,000; the process has "
                + processLimit);
        long limit = 20_000;
        int files = (int) (limit * 4 / 10);
        source = Files.createTempDirectory(Path.of("/var/tmp"), "weft-prune-src");
        mnt = Files.createTempDirectory("weft-prune-mnt");
        Files.writeString(source.resolve("held"), "held");
        Path tree = Files.createDirectory(source.resolve("tree"));
        for (int f = 0; f < files; f++) {
            Files.writeString(tree.resolve("f" + f), Integer.toString(f));
        }
        fs = new PassthroughFilesystem(source, PassthroughOptions.defaults(), limit);
        int alone = fs.inodeBudget();
        int cap = fs.handleCapNow(); // the share of the limit: other passthroughs on the default may be open
        server = FuseServer.builder(fs).unmountOnExit(false).mount(mnt);
        requirePrune(server);

        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process client = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"),
                HoldOpenMain.class.getName(), mnt.resolve("held").toString(), Long.toString(limit))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            java.io.BufferedReader said = new java.io.BufferedReader(
                    new java.io.InputStreamReader(client.getInputStream()));
            // on a platform thread with a timeout: a client stuck in the mount must fail the test, not hang it
            String failure = java.util.concurrent.CompletableFuture.supplyAsync(() -> readLine(said),
                    r -> Thread.ofPlatform().daemon().start(r)).get(120, java.util.concurrent.TimeUnit.SECONDS);
            assertTrue(failure != null && failure.startsWith("failed after " + cap + ": ")
                    && failure.contains("Too many open files in system"), failure);
            assertEquals("held " + cap, readLine(said), "the client's opens through the mount");
            assertTrue(fs.inodeBudget() < alone / 4, "budget in force " + fs.inodeBudget() + " with " + cap
                    + " files open, " + alone + " with none");
            int failed = 0;
            String firstFailure = null;
            for (int f = 0; f < files; f++) {
                Path p = mnt.resolve("tree/f" + f);
                try {
                    BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class,
                            LinkOption.NOFOLLOW_LINKS);
                    assertEquals(Integer.toString(f).length(), a.size(), p.toString());
                } catch (IOException e) {
                    failed++;
                    if (firstFailure == null) {
                        firstFailure = e.toString();
                    }
                }
            }
            assertEquals(0, failed, failed + " of " + files + " stats failed, the first with " + firstFailure
                    + "; budget in force " + fs.inodeBudget() + ", inodes " + fs.inodeCount());
        } finally {
            client.getOutputStream().close();
            client.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
            client.destroyForcibly();
        }
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (fs.inodeBudget() != alone && System.nanoTime() < deadline) {
            Thread.sleep(10); // the client's files are released once it has exited
        }
        assertEquals(alone, fs.inodeBudget(), "the budget comes back when the files are closed");
    }

    private static String readLine(java.io.BufferedReader r) {
        try {
            return r.readLine();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void requirePrune(FuseServer server) {
        if (server.connection().minor() < 45) {
            String cause = "FUSE_NOTIFY_PRUNE needs FUSE 7.45; this kernel speaks 7." + server.connection().minor();
            if ("1".equals(System.getenv("WEFT_REQUIRE_KERNEL"))) {
                fail("WEFT_REQUIRE_KERNEL=1 but " + cause);
            }
            Assumptions.abort(cause);
        }
    }

    @Test
    void theBudgetInForceGivesWayToOpenFiles() {
        assertEquals(15_000, PassthroughFilesystem.budgetInForce(15_000, 20_000, 0));
        assertEquals(15_000, PassthroughFilesystem.budgetInForce(15_000, 20_000, 3_000), "room left: 15,750");
        assertEquals(20_000 - 8_000 - 1_250, PassthroughFilesystem.budgetInForce(15_000, 20_000, 8_000));
        assertEquals(312, PassthroughFilesystem.budgetInForce(15_000, 20_000, 19_500), "never below 1/64");
        assertEquals(100, PassthroughFilesystem.budgetInForce(100, 20_000, 19_500), "nor above the budget");
        assertEquals(0, PassthroughFilesystem.budgetInForce(0, 20_000, 8_000), "0: never prune");
        assertEquals(500, PassthroughFilesystem.budgetInForce(500, 0, 8_000), "an unknown limit changes nothing");
        assertEquals(17_500, PassthroughFilesystem.handleCap(20_000));
        assertEquals(Integer.MAX_VALUE, PassthroughFilesystem.handleCap(0));
    }

    @Test
    void passthroughsOnTheDefaultBudgetSplitTheProcesssDescriptorLimit(@org.junit.jupiter.api.io.TempDir Path a,
            @org.junit.jupiter.api.io.TempDir Path b) throws Exception {
        int alone;
        try (PassthroughFilesystem first = new PassthroughFilesystem(a)) {
            alone = first.inodeBudget(); // the default over the open passthroughs (other tests close theirs)
            assertTrue(alone > 0, "a default budget");
            try (PassthroughFilesystem second = new PassthroughFilesystem(b);
                 PassthroughFilesystem fixed = new PassthroughFilesystem(b,
                         PassthroughOptions.defaults().withInodeBudget(123))) {
                assertTrue(first.inodeBudget() < alone, first.inodeBudget() + " with a second, " + alone + " alone");
                assertEquals(first.inodeBudget(), second.inodeBudget());
                assertEquals(123, fixed.inodeBudget(), "a budget given is not shared");
            }
            assertEquals(alone, first.inodeBudget(), "the second's share comes back when it closes");
            first.close(); // and once more by try: a passthrough closed twice stops sharing once
        }
        try (PassthroughFilesystem one = new PassthroughFilesystem(a);
             PassthroughFilesystem two = new PassthroughFilesystem(b)) {
            assertEquals(one.inodeBudget(), two.inodeBudget());
            assertTrue(one.inodeBudget() < alone, "two open share the limit: " + one.inodeBudget() + " of " + alone);
        }
    }
}
