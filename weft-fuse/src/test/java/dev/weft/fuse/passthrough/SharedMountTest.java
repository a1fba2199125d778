package dev.weft.fuse.passthrough;

import dev.weft.fuse.kernel.FuseDevice;
import dev.weft.fuse.kernel.FuseDeviceKernelTest;
import dev.weft.fuse.kernel.MountTeardown;
import dev.weft.fuse.kernel.Nobody;
import dev.weft.fuse.server.FuseServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The mount options a shared or protected mount needs, through a real mount of the passthrough served by root:
 * {@code allow_other} with {@code default_permissions} (what {@code weft mount --allow-other} sets), seen by the user
 * {@code nobody} through {@code setpriv}; no {@code allow_other}; and {@code ro}.
 */
class SharedMountTest {
    private static final int NOBODY = Nobody.UID;
    /** A group neither nobody nor root is in (Debian's "users"). */
    private static final int USERS = 100;

    private Path root;
    private Path source;
    private Path mnt;
    private PassthroughFilesystem fs;
    private FuseServer server;

    @BeforeEach
    void makeSource() throws IOException {
        FuseDeviceKernelTest.requireKernel();
        FuseDeviceKernelTest.requireProgram("setpriv", "util-linux");
        root = Files.createTempDirectory(Path.of("/var/tmp"), "weft-shared");
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        source = Files.createDirectory(root.resolve("src"));
        mnt = Files.createDirectory(root.resolve("mnt"));
        for (Path d : new Path[] {source, mnt}) {
            Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Files.writeString(source.resolve("public"), "for all");
        Files.setPosixFilePermissions(source.resolve("public"), PosixFilePermissions.fromString("rw-r--r--"));
        Files.writeString(source.resolve("private"), "root only");
        Files.setPosixFilePermissions(source.resolve("private"), PosixFilePermissions.fromString("rw-------"));
        Path drop = Files.createDirectory(source.resolve("drop"));
        Files.setPosixFilePermissions(drop, PosixFilePermissions.fromString("rwxrwxrwx"));
    }

    @AfterEach
    void unmount() throws IOException {
        MountTeardown.run(server, fs, mnt, root);
    }

    private void mount(FuseDevice.Options options) throws IOException {
        fs = new PassthroughFilesystem(source);
        server = FuseServer.builder(fs).options(options).unmountOnExit(false).mount(mnt);
    }

    @Test
    void withAllowOtherTheKernelChecksOtherUsersAndTheirFilesAreTheirs() throws Exception {
        mount(new FuseDevice.Options("weft-shared", true, true, false));

        assertEquals(new Run(0, "for all"), asNobody("cat public"));
        Run denied = asNobody("cat private");
        assertNotEquals(0, denied.status());
        assertTrue(denied.output().contains("Permission denied"), denied.output());
        Run readOnlyForThem = asNobody("echo more >> public");
        assertTrue(readOnlyForThem.output().contains("Permission denied"), readOnlyForThem.output());
        assertEquals("for all", Files.readString(source.resolve("public")), "nothing was written");

        assertEquals(new Run(0, "65534:65534:644"),
                asNobody("umask 022; echo mine > drop/mine && stat -c %u:%g:%a drop/mine"));
        assertEquals("mine\n", Files.readString(source.resolve("drop/mine")));
        assertEquals(NOBODY, Files.getAttribute(source.resolve("drop/mine"), "unix:uid"), "the creator owns it");
        assertEquals(NOBODY, Files.getAttribute(source.resolve("drop/mine"), "unix:gid"));
        assertEquals(new Run(0, "65534:65534:750"), asNobody("umask 027; mkdir drop/dir && stat -c %u:%g:%a drop/dir"));
        assertEquals(NOBODY, Files.getAttribute(source.resolve("drop/dir"), "unix:uid"));

        Run notTheirs = asNobody("rm -f public");
        assertTrue(notTheirs.output().contains("Permission denied"), "the mount's root is root's 755: "
                + notTheirs.output());
        assertTrue(Files.exists(source.resolve("public")));
    }

    /**
     * Set-ID bits after writes, truncates, fallocates and truncating opens by another user, as the kernel's own file
     * system leaves
     * them: the same commands run as nobody on a plain directory beside the source and through the mount, then the
     * source's modes are compared with the plain directory's (the mount's own view may lag by the attribute timeout).
     * The files are of a group neither nobody nor the server is in, where the set-group-ID rule gives the same for
     * both (README says where it does not).
     */
    @Test
    void writesAndTruncatesByAnotherUserClearSetIdBitsAsNatively() throws Exception {
        mount(new FuseDevice.Options("weft-shared", true, true, false));
        Path plain = Files.createDirectory(root.resolve("plain"));
        Files.setPosixFilePermissions(plain, PosixFilePermissions.fromString("rwxr-xr-x"));
        String[][] files = {{"suid", "4777"}, {"sgid-gx", "2777"}, {"sgid-nogx", "2767"}, {"both", "6777"}};
        List<String> ops = List.of("buffered", "direct", "truncate", "fallocate", "opentrunc");
        for (Path dir : List.of(source, plain)) {
            for (String op : ops) {
                for (String[] f : files) {
                    Path p = dir.resolve(op + "-" + f[0]);
                    Files.write(p, new byte[8192]);
                    Files.setAttribute(p, "unix:uid", NOBODY);
                    Files.setAttribute(p, "unix:gid", USERS); // neither nobody's group nor root's
                    Files.setAttribute(p, "unix:mode", Integer.parseInt(f[1], 8));
                }
            }
        }
        for (Path dir : List.of(plain, mnt)) {
            StringBuilder script = new StringBuilder();
            for (String[] f : files) {
                script.append("echo x >> ").append(dir).append("/buffered-").append(f[0]).append(" && ")
                        .append("dd if=/dev/zero of=").append(dir).append("/direct-").append(f[0])
                        .append(" bs=4096 count=1 oflag=direct conv=notrunc status=none && ")
                        .append("truncate -s 100 ").append(dir).append("/truncate-").append(f[0]).append(" && ")
                        .append("fallocate -l 65536 ").append(dir).append("/fallocate-").append(f[0]).append(" && ")
                        .append(": > ").append(dir).append("/opentrunc-").append(f[0]).append(" && ");
            }
            script.append("echo done");
            assertEquals(new Run(0, "done"), asNobody(script.toString()), dir.toString());
        }
        for (String op : ops) {
            for (String[] f : files) {
                String name = op + "-" + f[0];
                assertEquals(Integer.toOctalString((int) Files.getAttribute(plain.resolve(name), "unix:mode")),
                        Integer.toOctalString((int) Files.getAttribute(source.resolve(name), "unix:mode")),
                        name + " (was " + f[1] + ")");
            }
        }
        assertEquals(0100777, Files.getAttribute(plain.resolve("direct-suid"), "unix:mode"),
                "natively, an unprivileged write clears the set-user-ID bit");
    }

    @Test
    void withoutAllowOtherEveryOtherUserIsRefused() throws Exception {
        mount(FuseDevice.Options.defaults());
        Run refused = asNobody("cat public");
        assertNotEquals(0, refused.status());
        assertTrue(refused.output().contains("Permission denied"), refused.output());
        assertEquals("for all", Files.readString(mnt.resolve("public")), "the mounting user (root) is served");
    }

    @Test
    void aReadOnlyMountRefusesEveryChangeWithEROFS() throws Exception {
        mount(new FuseDevice.Options("weft-ro", false, false, true));
        assertEquals("root only", Files.readString(mnt.resolve("private")), "reads are served");
        for (ThrowingAction change : new ThrowingAction[] {
                () -> Files.writeString(mnt.resolve("public"), "changed"),
                () -> Files.createFile(mnt.resolve("new")),
                () -> Files.delete(mnt.resolve("public")),
                () -> Files.createDirectory(mnt.resolve("d")),
                () -> Files.setPosixFilePermissions(mnt.resolve("public"), PosixFilePermissions.fromString("rwxrwxrwx"))}) {
            FileSystemException e = assertThrows(FileSystemException.class, change::run);
            assertEquals("Read-only file system", e.getReason(), e.toString());
        }
        assertEquals("for all", Files.readString(source.resolve("public")));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(source.resolve("public"))));
        try (Stream<Path> s = Files.list(source)) {
            assertEquals(3, s.count(), "nothing was created or deleted");
        }
    }

    private interface ThrowingAction {
        void run() throws IOException;
    }

    private record Run(int status, String output) {
    }

    /** Runs {@code sh -c script} as nobody in the mount point; its exit status and output (stderr too), trimmed. */
    private Run asNobody(String script) throws Exception {
        Nobody.Run r = Nobody.sh(mnt, script, 30);
        return new Run(r.status(), r.output().strip());
    }
}
