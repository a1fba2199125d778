package dev.weft.fuse.server;

import dev.weft.fuse.kernel.FuseDeviceKernelTest;
import dev.weft.fuse.kernel.FuseMounts;
import dev.weft.fuse.kernel.MountTeardown;
import dev.weft.fuse.kernel.Nobody;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A user other than root ({@code nobody}, through {@code setpriv}) mounts with the default mounter, which goes
 * through {@code fusermount3} (the descriptor comes back over {@code _FUSE_COMMFD}), serves the mount, and unmounts
 * it; and clears a dead mount of its own with what {@code weft umount} runs. The classes are copied where that user
 * can read them.
 */
class NonRootMountTest {
    private static final int NOBODY = Nobody.UID;
    private static final Path DEVICE = Path.of("/dev/fuse");

    private Path root;
    private Path mnt;
    private String classPath;
    private Path stderr;

    @BeforeEach
    void copyClassPath() throws IOException {
        FuseDeviceKernelTest.requireKernel();
        FuseDeviceKernelTest.requireProgram("fusermount3", "fuse3");
        FuseDeviceKernelTest.requireProgram("setpriv", "util-linux");
        Set<PosixFilePermission> device = Files.getPosixFilePermissions(DEVICE);
        if (!device.containsAll(Set.of(PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE))) {
            String cause = DEVICE + " is " + PosixFilePermissions.toString(device) + ", not open to other users as udev"
                    + " makes it on most systems (chmod 0666 /dev/fuse; .ci/run does)";
            if ("1".equals(System.getenv("WEFT_REQUIRE_KERNEL"))) {
                fail("WEFT_REQUIRE_KERNEL=1 but " + cause);
            }
            org.junit.jupiter.api.Assumptions.abort(cause);
        }
        root = Files.createTempDirectory("weft-nonroot");
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        List<String> entries = new ArrayList<>();
        int i = 0;
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path from = Path.of(e);
            if (!Files.exists(from)) {
                continue;
            }
            Path to = root.resolve("cp" + i++ + (Files.isDirectory(from) ? "" : ".jar"));
            copy(from, to);
            entries.add(to.toString());
        }
        classPath = String.join(File.pathSeparator, entries);
        stderr = root.resolve("stderr.txt");
        mnt = Files.createDirectory(root.resolve("mnt"));
        Files.setAttribute(mnt, "unix:uid", NOBODY);
        Files.setAttribute(mnt, "unix:gid", NOBODY);
    }

    @AfterEach
    void cleanUp() throws IOException {
        MountTeardown.run(null, null, mnt, root);
    }

    @Test
    void aUserMountsThroughFusermount3ServesAndUnmounts() throws Exception {
        Process p = asNobody("serve");
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream()));
            assertEquals("mounted uid=" + NOBODY, out.readLine(),
                    () -> "the server runs as nobody and mounted: " + stderrOrEmpty());
            assertEquals("read a: mounted by a user", out.readLine());
            assertEquals("read b: written by a user", out.readLine(), "CREATE, WRITE and READ through the mount");

            FuseMounts.Mount m = FuseMounts.find(mnt).orElseThrow(() -> new AssertionError("no mount at " + mnt));
            assertEquals("fuse.weft", m.fstype());
            assertTrue(superOptions(mnt).contains("user_id=" + NOBODY), "the mount is nobody's: " + superOptions(mnt));
            assertThrows(AccessDeniedException.class, () -> Files.readString(mnt.resolve("a")),
                    "without allow_other the kernel refuses every other user, root too");

            try (OutputStream in = p.getOutputStream()) {
                in.write('\n');
            }
            assertEquals("unmounted", out.readLine(), "close() unmounted through fusermount3 -u");
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue());
            assertTrue(FuseMounts.find(mnt).isEmpty(), "nothing is left mounted");
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void aUserClearsADeadMountOfItsOwnWithWeftUmount() throws Exception {
        Process p = asNobody("serve");
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream()));
            assertEquals("mounted uid=" + NOBODY, out.readLine(), this::stderrOrEmpty);
            // killed only once it waits on stdin: a process killed while it waits on its own server stays in D
            // state until the connection is aborted (the kernel waits out a request the server already read)
            assertEquals("read a: mounted by a user", out.readLine());
            assertEquals("read b: written by a user", out.readLine());
        } finally {
            p.destroyForcibly(); // SIGKILL: the mount stays, dead
        }
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        assertTrue(FuseMounts.find(mnt).isPresent(), "the dead mount is still there");

        Process umount = asNobody("umount");
        String said = new String(umount.getInputStream().readAllBytes());
        assertTrue(umount.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, umount.exitValue(), said);
        assertEquals("cleared", said.strip());
        assertTrue(FuseMounts.find(mnt).isEmpty(), "umount2 refused nobody (EPERM), fusermount3 -u cleared it");
    }

    @Test
    void aDeviceTheUserCannotOpenIsNamedWithItsFix() throws Exception {
        Set<PosixFilePermission> was = Files.getPosixFilePermissions(DEVICE);
        Files.setPosixFilePermissions(DEVICE, PosixFilePermissions.fromString("rw-------")); // no udev rule
        try {
            Process p = asNobody("serve");
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            String said = stderr();
            assertNotEquals(0, p.exitValue());
            assertTrue(said.contains("/dev/fuse (rw-------) is not open to user nobody")
                    && said.contains("chmod 0666 /dev/fuse"), said);
            assertTrue(FuseMounts.find(mnt).isEmpty());
        } finally {
            Files.setPosixFilePermissions(DEVICE, was);
        }
    }

    @Test
    void whyFusermount3RefusedIsInTheException() throws Exception {
        Files.setAttribute(mnt, "unix:uid", 0); // root's directory, mode 755: nobody may not mount on it
        Process p = asNobody("serve");
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        String said = stderr();
        assertNotEquals(0, p.exitValue());
        assertTrue(said.contains("fusermount3 did not mount " + mnt + " (exit status 1): fusermount3: "), said);
        assertTrue(FuseMounts.find(mnt).isEmpty());
    }

    private String stderrOrEmpty() {
        try {
            return stderr();
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** What the processes run as nobody printed on standard error (for the assertions' messages). */
    private String stderr() throws IOException {
        return Files.exists(stderr) ? Files.readString(stderr) : "";
    }

    private Process asNobody(String mode) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(Nobody.command(java, "--add-opens", "java.base/java.lang=ALL-UNNAMED",
                "--enable-native-access=ALL-UNNAMED", "-Djava.io.tmpdir=" + root, "-XX:-UsePerfData", "-cp", classPath,
                UserMountMain.class.getName(), mode, mnt.toString())).redirectError(stderr.toFile()).start();
    }

    /** The super options of the mount at {@code p} in mountinfo (the last field). */
    private static String superOptions(Path p) throws IOException {
        String want = p.getParent().toRealPath().resolve(p.getFileName()).toString(); // root may not stat the mount
        return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream().map(l -> l.split(" "))
                .filter(f -> f[4].equals(want)).map(f -> f[f.length - 1]).reduce((a, b) -> b).orElse("");
    }

    private static void copy(Path from, Path to) throws IOException {
        if (!Files.isDirectory(from)) {
            Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES);
            return;
        }
        try (Stream<Path> s = Files.walk(from)) {
            for (Path src : s.toList()) {
                Path dst = to.resolve(from.relativize(src).toString());
                if (Files.isDirectory(src)) {
                    Files.createDirectories(dst);
                } else {
                    Files.copy(src, dst);
                }
            }
        }
    }
}
