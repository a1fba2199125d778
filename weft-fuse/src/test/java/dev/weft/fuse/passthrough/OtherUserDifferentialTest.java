package dev.weft.fuse.passthrough;

import dev.weft.fuse.kernel.FuseDevice;
import dev.weft.fuse.kernel.FuseDeviceKernelTest;
import dev.weft.fuse.kernel.MountTeardown;
import dev.weft.fuse.kernel.Nobody;
import dev.weft.fuse.server.FuseServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Permissions as another user sees them: a tree of files and directories owned by root and by nobody, with modes
 * from private to sticky world-writable, is made twice, once as a plain directory and once as the source of a mount
 * served by root with {@code allow_other} and {@code default_permissions} (what {@code weft mount --allow-other}
 * sets). The same random shell commands (read, write, append, create, remove, mkdir, rmdir, rename, link, symlink,
 * chmod, chown, touch, truncate, list) then run as nobody in each, and each command's exit status and messages must
 * be the same, and so must the trees afterwards (owners, modes, sizes).
 */
class OtherUserDifferentialTest {
    private static final int NOBODY = Nobody.UID;
    private static final String[] NAMES = {"root-644", "root-600", "root-666", "own-644", "own-600",
            "pub/root-644", "pub/own-644", "sticky/root-666", "sticky/own-644", "closed/x", "pub/new", "sticky/new",
            "new", "pub", "sticky", "closed"};

    private Path root;
    private PassthroughFilesystem fs;
    private FuseServer server;
    private Path mnt;

    @AfterEach
    void unmount() throws IOException {
        MountTeardown.run(server, fs, mnt, root);
    }

    @ParameterizedTest
    @ValueSource(longs = {11, 12, 13})
    void commandsAsAnotherUserEndAsOnAPlainDirectory(long seed) throws Exception {
        FuseDeviceKernelTest.requireKernel();
        FuseDeviceKernelTest.requireProgram("setpriv", "util-linux");
        root = Files.createTempDirectory(Path.of("/var/tmp"), "weft-users");
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path plain = populate(Files.createDirectory(root.resolve("plain")));
        Path source = populate(Files.createDirectory(root.resolve("source")));
        mnt = Files.createDirectory(root.resolve("mnt"));
        Files.setPosixFilePermissions(mnt, PosixFilePermissions.fromString("rwxr-xr-x"));
        fs = new PassthroughFilesystem(source);
        server = FuseServer.builder(fs).options(new FuseDevice.Options("weft-users", true, true, false))
                .unmountOnExit(false).mount(mnt);

        List<String> commands = commands(new Random(seed), 150);
        List<String> expected = runAsNobody(plain, commands);
        List<String> actual = runAsNobody(mnt, commands);
        for (int i = 0; i < commands.size(); i++) {
            assertEquals(expected.get(i), actual.get(i), "seed " + seed + ", command " + i + ": " + commands.get(i));
        }
        assertEquals(describe(plain), describe(source), "seed " + seed + ": the trees afterwards");
    }

    /** The starting tree: root's and nobody's files, an open directory, a sticky one, a closed one. */
    private static Path populate(Path dir) throws IOException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        file(dir.resolve("root-644"), 0, 0644);
        file(dir.resolve("root-600"), 0, 0600);
        file(dir.resolve("root-666"), 0, 0666);
        file(dir.resolve("own-644"), NOBODY, 0644);
        file(dir.resolve("own-600"), NOBODY, 0600);
        Path pub = Files.createDirectory(dir.resolve("pub"));
        Files.setAttribute(pub, "unix:mode", 0777);
        file(pub.resolve("root-644"), 0, 0644);
        file(pub.resolve("own-644"), NOBODY, 0644);
        Path sticky = Files.createDirectory(dir.resolve("sticky"));
        Files.setAttribute(sticky, "unix:mode", 01777);
        file(sticky.resolve("root-666"), 0, 0666);
        file(sticky.resolve("own-644"), NOBODY, 0644);
        Path closed = Files.createDirectory(dir.resolve("closed"));
        Files.setAttribute(closed, "unix:mode", 0700);
        file(closed.resolve("x"), 0, 0644);
        return dir;
    }

    private static void file(Path p, int uid, int mode) throws IOException {
        Files.writeString(p, "content of " + p.getFileName());
        Files.setAttribute(p, "unix:uid", uid);
        Files.setAttribute(p, "unix:gid", uid == 0 ? 0 : NOBODY);
        Files.setAttribute(p, "unix:mode", mode);
    }

    private static List<String> commands(Random r, int n) {
        List<String> c = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String a = NAMES[r.nextInt(NAMES.length)], b = NAMES[r.nextInt(NAMES.length)];
            c.add(switch (r.nextInt(15)) {
                case 0 -> "cat " + a;
                case 1 -> "echo w" + i + " > " + a;
                case 2 -> "echo a" + i + " >> " + a;
                case 3 -> "rm -f " + a;
                case 4 -> "mkdir " + a;
                case 5 -> "rmdir " + a;
                case 6 -> "mv -T " + a + " " + b;
                case 7 -> "ln " + a + " " + b;
                case 8 -> "ln -s " + a + " " + b;
                case 9 -> "chmod " + Integer.toOctalString(r.nextInt(010000)) + " " + a; // set-ID bits too
                case 10 -> "chown " + (r.nextBoolean() ? "root" : "nobody") + " " + a;
                case 11 -> "touch " + a;
                case 12 -> "truncate -s " + r.nextInt(100) + " " + a;
                case 13 -> "ls " + a;
                default -> "test -w " + a + " && echo writable; test -r " + a + " && echo readable";
            });
        }
        return c;
    }

    /** Runs each command as nobody in {@code dir}; its exit status and output, with the directory's path removed. */
    private static List<String> runAsNobody(Path dir, List<String> commands) throws Exception {
        StringBuilder script = new StringBuilder();
        for (String c : commands) {
            script.append("( ").append(c).append(" ) 2>&1; s=$?; echo; echo \"[$s]\"\n"); // cat may end mid-line
        }
        String out = Nobody.sh(dir, script.toString(), 120).output().replace(dir.toString(), "DIR");
        List<String> results = new ArrayList<>();
        StringBuilder one = new StringBuilder();
        for (String line : out.split("\n")) {
            one.append(line).append('\n');
            if (line.matches("\\[\\d+]")) {
                results.add(one.toString());
                one.setLength(0);
            }
        }
        assertEquals(commands.size(), results.size(), out);
        return results;
    }

    /** Every path with its type, owner, mode and size (directories' sizes differ between file systems). */
    private static String describe(Path tree) throws IOException {
        StringBuilder d = new StringBuilder();
        try (var s = Files.walk(tree)) {
            for (Path p : s.sorted().toList()) {
                var a = Files.readAttributes(p, "unix:mode,uid,gid,size", java.nio.file.LinkOption.NOFOLLOW_LINKS);
                int mode = (int) a.get("mode");
                boolean dir = (mode & 0170000) == 0040000;
                d.append(tree.relativize(p)).append(' ').append(Integer.toOctalString(mode)).append(' ')
                        .append(a.get("uid")).append(':').append(a.get("gid"))
                        .append(dir ? "" : " " + a.get("size")).append('\n');
            }
        }
        return d.toString();
    }
}
