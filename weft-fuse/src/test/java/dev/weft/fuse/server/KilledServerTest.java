package dev.weft.fuse.server;

import dev.weft.fuse.kernel.FuseDeviceKernelTest;
import dev.weft.fuse.kernel.FuseMounts;
import dev.weft.fuse.kernel.MountTeardown;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A server killed (SIGKILL) while a request is in it: the process waiting on that request ends instead of hanging,
 * the dead mount answers ENOTCONN, and {@link FuseMounts#unmount} (what {@code weft umount} runs) clears it.
 */
class KilledServerTest {

    @TempDir
    Path mnt;
    /** The server process's standard output. */
    private BufferedReader serverOut;

    @Test
    void aServerKilledMidRequestLeavesNoHungProcessAndWeftUmountClearsTheMount() throws Exception {
        FuseDeviceKernelTest.requireKernel();
        Process server = startSlowServer();
        Process cat = null;
        try {
            assertEquals("fine", Files.readString(mnt.resolve("a")));
            cat = new ProcessBuilder("cat", mnt.resolve("slow").toString()).redirectErrorStream(true).start();
            awaitLine(SlowServerMain.SLOW_READ_ENTERED); // cat's READ is in the server's handler
            assertTrue(cat.isAlive(), "cat waits on the slow read");

            server.destroyForcibly(); // SIGKILL: the kernel closes its /dev/fuse descriptors and aborts
            assertTrue(server.waitFor(20, TimeUnit.SECONDS));
            assertTrue(cat.waitFor(20, TimeUnit.SECONDS), "cat ended when the server died");
            assertNotEquals(0, cat.exitValue(), "its read failed");

            IOException dead = assertThrows(IOException.class, () -> Files.readString(mnt.resolve("a")));
            assertTrue(String.valueOf(dead.getMessage()).contains("not connected")
                    || dead.getClass().getSimpleName().contains("FileSystem"), "ENOTCONN: " + dead);
            assertTrue(FuseMounts.find(mnt).isPresent(), "the dead mount is still there before weft umount");

            FuseMounts.unmount(mnt, false);
            assertTrue(FuseMounts.find(mnt).isEmpty(), "weft umount cleared the mount");
            try (var s = Files.list(mnt)) {
                assertEquals(List.of(), s.toList(), "the mount point is an empty directory again");
            }
        } finally {
            stopAll(server, cat);
        }
    }

    @Test
    void weftUmountAbortEndsTheRequestsOfAHangingServerAndTheServer() throws Exception {
        FuseDeviceKernelTest.requireKernel();
        Process server = startSlowServer();
        Process cat = null;
        try {
            cat = new ProcessBuilder("cat", mnt.resolve("slow").toString()).redirectErrorStream(true).start();
            awaitLine(SlowServerMain.SLOW_READ_ENTERED); // cat's READ is in the server, which never answers it
            assertTrue(cat.isAlive(), "cat waits on the hanging read");

            FuseMounts.unmount(mnt, true); // weft umount --abort
            assertTrue(cat.waitFor(20, TimeUnit.SECONDS), "the abort ended cat's read");
            assertNotEquals(0, cat.exitValue(), "its read failed");
            assertTrue(FuseMounts.find(mnt).isEmpty(), "and the mount is gone");
            assertTrue(server.waitFor(20, TimeUnit.SECONDS), "the server saw its connection end and exited");
        } finally {
            stopAll(server, cat);
        }
    }

    /** Kills the processes a test started and clears what is left mounted. */
    private void stopAll(Process server, Process cat) throws IOException {
        server.destroyForcibly();
        if (cat != null) {
            cat.destroyForcibly();
        }
        MountTeardown.run(null, null, mnt); // @TempDir removes the directory
    }

    /** Starts {@link SlowServerMain} on {@link #mnt} in a JVM of its own, and returns once it has mounted. */
    private Process startSlowServer() throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process server = new ProcessBuilder(java, "--add-opens", "java.base/java.lang=ALL-UNNAMED",
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                SlowServerMain.class.getName(), mnt.toString()).redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        serverOut = new BufferedReader(new InputStreamReader(server.getInputStream()));
        String first = serverOut.readLine();
        if (!SlowServerMain.MOUNTED.equals(first)) {
            server.destroyForcibly();
            fail("the server process did not mount: " + first);
        }
        return server;
    }

    /** Waits (up to 20 s) for the server process to print {@code line} next. */
    private void awaitLine(String line) throws Exception {
        java.util.concurrent.CompletableFuture<String> next = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return serverOut.readLine();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertEquals(line, next.get(20, TimeUnit.SECONDS), "the server process's next line");
    }
}
