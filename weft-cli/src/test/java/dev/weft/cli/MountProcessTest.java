package dev.weft.cli;

import dev.weft.fuse.kernel.FuseMounts;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code weft mount} as a user runs it, in a process of its own: Ctrl-C (SIGINT) and SIGTERM unmount and end it, and
 * {@code weft umount} clears the mount of one that was killed.
 */
class MountProcessTest {
    @TempDir
    Path dir;
    private Path source;
    private Path mnt;

    @BeforeEach
    void requireFuseMounts() throws IOException {
        boolean kernel = Files.exists(Path.of("/dev/fuse")) && "root".equals(System.getProperty("user.name"));
        if (!kernel) {
            if ("1".equals(System.getenv("WEFT_REQUIRE_KERNEL"))) {
                fail("WEFT_REQUIRE_KERNEL=1 but FUSE mounts need /dev/fuse and root here");
            }
            org.junit.jupiter.api.Assumptions.abort("needs /dev/fuse and root");
        }
        source = Files.createDirectory(dir.resolve("source"));
        Files.writeString(source.resolve("f"), "through the mount");
        mnt = Files.createDirectory(dir.resolve("mnt"));
    }

    /** A running {@code weft mount}, mounted and used once; its output from the second line on. */
    private record Mount(Process process, BufferedReader out) {
    }

    /**
     * Starts {@code weft mount SOURCE MNT} with SIGINT at its default action ({@code env --default-signal=INT}: a
     * test run as a background job of a shell inherits SIGINT ignored, and the JVM then keeps ignoring it), waits
     * for its first line, and reads a file through the mount.
     */
    private Mount startMount() throws IOException {
        String javaBin = ProcessHandle.current().info().command().orElseThrow();
        Process p = new ProcessBuilder("env", "--default-signal=INT", javaBin, "--enable-native-access=ALL-UNNAMED",
                "--add-opens", "java.base/java.lang=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "mount", source.toString(), mnt.toString()).redirectErrorStream(true).start();
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream()));
        String first = r.readLine();
        assertTrue(first != null && first.contains("mounted at " + mnt), "first line: " + first);
        assertEquals("through the mount", Files.readString(mnt.resolve("f")));
        return new Mount(p, r);
    }

    /**
     * Sends {@code signal} (number {@code signo}) to the command, and checks that it unmounted, said so once, and
     * ended as the JVM ends on a signal once its shutdown hooks have run: status 128 + {@code signo}.
     */
    private void assertSignalUnmounts(String signal, int signo) throws Exception {
        Mount m = startMount();
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(m.process().pid())).start();
            assertEquals(0, kill.waitFor());
            assertTrue(m.process().waitFor(30, TimeUnit.SECONDS), "the command ended");
            String rest = m.out().lines().collect(Collectors.joining("\n"));
            assertEquals(1, rest.lines().filter(l -> l.contains("unmounted after")).count(), "said once: " + rest);
            assertEquals(128 + signo, m.process().exitValue(), rest);
            assertTrue(FuseMounts.find(mnt).isEmpty(), "nothing is left mounted at " + mnt);
        } finally {
            cleanUp(m.process());
        }
    }

    @Test
    void sigtermUnmountsAndEndsTheCommand() throws Exception {
        assertSignalUnmounts("TERM", 15);
    }

    @Test
    void ctrlCUnmountsAndEndsTheCommand() throws Exception {
        assertSignalUnmounts("INT", 2);
    }

    @Test
    void weftUmountClearsTheMountOfAKilledCommand() throws Exception {
        Mount m = startMount();
        try {
            m.process().toHandle().destroyForcibly(); // SIGKILL: no hook runs, the mount stays, its server gone
            assertTrue(m.process().waitFor(30, TimeUnit.SECONDS));
            IOException dead = assertThrows(IOException.class, () -> Files.readString(mnt.resolve("f")));
            assertTrue(String.valueOf(dead.getMessage()).contains("not connected"), "ENOTCONN: " + dead);
            assertTrue(FuseMounts.find(mnt).isPresent(), "the dead mount is still there");

            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            assertEquals(0, Main.run(new String[]{"umount", mnt.toString()}, new PrintStream(out, true),
                    new PrintStream(err, true)), err.toString());
            assertEquals("weft: unmounted " + mnt, out.toString().strip());
            assertTrue(FuseMounts.find(mnt).isEmpty(), "weft umount cleared the mount");
            try (var s = Files.list(mnt)) {
                assertEquals(List.of(), s.toList(), "the mount point is an empty directory again");
            }
        } finally {
            cleanUp(m.process());
        }
    }

    private void cleanUp(Process p) throws IOException {
        p.destroyForcibly();
        if (FuseMounts.find(mnt).isPresent()) {
            FuseMounts.unmount(mnt, true);
        }
    }
}
