package dev.weft.fuse.passthrough;

import dev.weft.fuse.kernel.FuseDeviceKernelTest;
import dev.weft.fuse.kernel.MountTeardown;
import dev.weft.fuse.server.Dispatch;
import dev.weft.fuse.server.FuseServer;
import dev.weft.fuse.server.FuseUring;
import dev.weft.fuse.server.IdleOrder;
import dev.weft.fuse.server.Transport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The passthrough against the kernel's own file system: the same random sequence of operations (writes at
 * offsets, reads, truncates, mkdir, rmdir, unlink, rename, hard and symbolic links, modes, times, xattrs, listings,
 * stats) is applied to a plain directory and through the mount, and every outcome must be the same: the value, or
 * the exception's type and errno text. After each sequence the two trees must be equal (types, modes, sizes,
 * contents, link counts, symlink targets, xattrs). Both trees are on the same ext4 file system under /var/tmp. The
 * defaults, FUSE over io_uring, threadlet dispatch with LIFO readers, and passthrough I/O each get their own
 * sequences.
 */
class PassthroughDifferentialTest {
    private static final String[] NAMES = {"a", "b", "c", "d/a", "d/b", "d/e/c", "e", "e/a", "f"};
    private static final String[] LINK_TARGETS = {"a", "b", "d", "d/a", "e/a", "missing", "d/e"};
    private static final int OPS = 2000;

    private Path root;
    private PassthroughFilesystem fs;
    private FuseServer server;
    private Path mnt;
    /** What enable_uring was before a test over io_uring switched it on; null if none did. */
    private Boolean uringWas;

    @AfterEach
    void unmount() throws IOException {
        try {
            MountTeardown.run(server, fs, mnt, root);
        } finally {
            if (uringWas != null) {
                FuseUring.setEnabled(uringWas);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 42})
    void randomOperationsHaveTheSameOutcomesAsOnTheKernelsFileSystem(long seed) throws Exception {
        run(seed, b -> b);
    }

    @ParameterizedTest
    @ValueSource(longs = {5, 6})
    void theSameOverIoUring(long seed) throws Exception {
        FuseDeviceKernelTest.requireKernel();
        uringWas = FuseDeviceKernelTest.enableFuseUring();
        run(seed, b -> b.transport(Transport.IO_URING));
    }

    @ParameterizedTest
    @ValueSource(longs = {7})
    void theSameUnderThreadletDispatchAndLifo(long seed) throws Exception {
        run(seed, b -> b.dispatch(Dispatch.THREADLET).idleOrder(IdleOrder.LIFO));
    }

    @ParameterizedTest
    @ValueSource(longs = {10})
    void theSameUnderThreadletDispatchOverIoUring(long seed) throws Exception {
        FuseDeviceKernelTest.requireKernel();
        uringWas = FuseDeviceKernelTest.enableFuseUring();
        run(seed, b -> b.transport(Transport.IO_URING).dispatch(Dispatch.THREADLET));
    }

    @ParameterizedTest
    @ValueSource(longs = {8, 9})
    void theSameWithPassthroughIo(long seed) throws Exception {
        run(seed, b -> b.passthroughIo(true));
    }

    private void run(long seed, UnaryOperator<FuseServer.Builder> settings) throws Exception {
        FuseDeviceKernelTest.requireKernel();
        root = Files.createTempDirectory(Path.of("/var/tmp"), "weft-diff");
        Path nativeDir = Files.createDirectory(root.resolve("native"));
        Path source = Files.createDirectory(root.resolve("source"));
        mnt = Files.createDirectory(root.resolve("mnt"));
        fs = new PassthroughFilesystem(source);
        server = settings.apply(FuseServer.builder(fs)).unmountOnExit(false).mount(mnt);

        Random random = new Random(seed);
        List<String> log = new ArrayList<>();
        for (int i = 0; i < OPS; i++) {
            Op op = Op.random(random);
            String expected = op.apply(nativeDir);
            String actual = op.apply(mnt);
            log.add(op + " -> " + expected);
            assertEquals(expected, actual, () -> "seed " + seed + ", operation " + log.size() + ": " + op
                    + "\nthe operations before it:\n" + String.join("\n", log.subList(Math.max(0, log.size() - 25),
                    log.size())));
        }
        for (String kind : List.of("write", "read", "truncate", "mkdir", "delete", "rename", "link", "symlink", "chmod",
                "xattr", "list", "stat")) {
            assertTrue(log.stream().anyMatch(l -> l.startsWith(kind + " ") && !l.contains("-> error")),
                    "seed " + seed + ": some " + kind + " succeeded (the sequence reaches every operation)");
        }
        assertEquals(snapshot(nativeDir), snapshot(source), "seed " + seed + ": the source equals the native tree");
        assertEquals(snapshot(nativeDir), snapshot(mnt), "seed " + seed + ": the mount shows it");
    }

    /** One operation on relative paths, applied to a tree; its outcome as text. */
    private record Op(String kind, String path, String other, long number, byte[] data) {
        static Op random(Random r) {
            String path = NAMES[r.nextInt(NAMES.length)];
            String other = NAMES[r.nextInt(NAMES.length)];
            String kind = switch (r.nextInt(16)) {
                case 0, 1, 2 -> "write";
                case 3, 4 -> "read";
                case 5 -> "truncate";
                case 6 -> "mkdir";
                case 7 -> "delete";
                case 8 -> "rename";
                case 9, 10 -> "link";
                case 11 -> "symlink";
                case 12 -> "chmod";
                case 13 -> "xattr";
                case 14 -> "list";
                default -> "stat";
            };
            if (kind.equals("symlink")) {
                other = LINK_TARGETS[r.nextInt(LINK_TARGETS.length)];
            }
            long number = switch (kind) {
                case "write" -> r.nextInt(3) == 0 ? 0 : r.nextInt(70_000);
                case "truncate" -> r.nextInt(10_000);
                case "chmod" -> r.nextInt(01000);
                case "xattr" -> r.nextInt(4);
                case "rename" -> r.nextInt(2);
                default -> 0;
            };
            byte[] data = new byte[kind.equals("write") ? 1 + r.nextInt(r.nextBoolean() ? 100 : 40_000) : 0];
            r.nextBytes(data);
            return new Op(kind, path, other, number, data);
        }

        String apply(Path tree) {
            Path p = tree.resolve(path);
            Path q = tree.resolve(other);
            try {
                return switch (kind) {
                    case "write" -> {
                        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                            int n = ch.write(ByteBuffer.wrap(data), number);
                            yield "wrote " + n + ", size " + ch.size();
                        }
                    }
                    case "read" -> "read " + Arrays.hashCode(Files.readAllBytes(p));
                    case "truncate" -> {
                        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
                            ch.truncate(number);
                            yield "size " + ch.size();
                        }
                    }
                    case "mkdir" -> {
                        Files.createDirectory(p);
                        yield "made";
                    }
                    case "delete" -> {
                        Files.delete(p);
                        yield "deleted";
                    }
                    case "rename" -> {
                        if (number == 0) {
                            Files.move(p, q, StandardCopyOption.ATOMIC_MOVE); // rename(2): replaces
                        } else {
                            Files.move(p, q); // refuses to replace
                        }
                        yield "moved";
                    }
                    case "link" -> {
                        Files.createLink(q, p);
                        yield "linked, nlink " + Files.getAttribute(p, "unix:nlink", LinkOption.NOFOLLOW_LINKS);
                    }
                    case "symlink" -> {
                        Files.createSymbolicLink(p, Path.of(other));
                        yield "symlink " + Files.readSymbolicLink(p);
                    }
                    case "chmod" -> {
                        Files.setAttribute(p, "unix:mode", (int) number);
                        Files.setLastModifiedTime(p, FileTime.fromMillis(1_500_000_000_000L + number));
                        yield "mode " + Integer.toOctalString((int) Files.getAttribute(p, "unix:mode"))
                                + ", mtime " + Files.getLastModifiedTime(p);
                    }
                    case "xattr" -> xattr(p);
                    case "list" -> {
                        try (Stream<Path> s = Files.list(p)) {
                            yield "entries " + s.map(e -> e.getFileName().toString()).sorted().toList();
                        }
                    }
                    default -> "stat " + describe(p);
                };
            } catch (IOException | UnsupportedOperationException e) {
                String why = e instanceof FileSystemException f ? f.getReason() : e.getMessage();
                return "error " + e.getClass().getSimpleName()
                        + (why != null ? ": " + why.replace(tree.toString(), "TREE") : "");
            }
        }

        private String xattr(Path p) throws IOException {
            UserDefinedFileAttributeView view = Files.getFileAttributeView(p, UserDefinedFileAttributeView.class);
            String name = "weft.k" + (number & 1);
            switch ((int) number) {
                case 0, 1 -> view.write(name, StandardCharsets.UTF_8.encode("v" + path + other));
                case 2 -> view.delete(name);
                default -> {
                }
            }
            return "xattrs " + view.list().stream().sorted().toList();
        }

        @Override
        public String toString() {
            return kind + " " + path + (kind.matches("rename|link|symlink") ? " " + other : "")
                    + (number != 0 ? " #" + number : "") + (data.length > 0 ? " (" + data.length + " bytes)" : "");
        }
    }

    /** Type, mode, size, link count and owner; not times or inode numbers, which differ between the trees. */
    private static String describe(Path p) throws IOException {
        Map<String, Object> a = Files.readAttributes(p, "unix:mode,size,nlink,uid,gid", LinkOption.NOFOLLOW_LINKS);
        return Integer.toOctalString((int) a.get("mode")) + " size " + a.get("size") + " nlink " + a.get("nlink")
                + " owner " + a.get("uid") + ":" + a.get("gid");
    }

    /** Every path of the tree with its description, contents or symlink target, and xattrs. */
    private static Map<String, String> snapshot(Path tree) throws IOException {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(tree)) {
            for (Path p : s.toList()) {
                if (p.equals(tree)) {
                    continue;
                }
                StringBuilder d = new StringBuilder(describe(p));
                if (Files.isSymbolicLink(p)) {
                    d.append(" -> ").append(Files.readSymbolicLink(p));
                } else {
                    if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                        d.append(" data ").append(Arrays.hashCode(Files.readAllBytes(p)));
                    }
                    Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
                    perms.addAll(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
                    UserDefinedFileAttributeView v = Files.getFileAttributeView(p, UserDefinedFileAttributeView.class,
                            LinkOption.NOFOLLOW_LINKS);
                    for (String x : v.list().stream().sorted().toList()) {
                        ByteBuffer b = ByteBuffer.allocate(v.size(x));
                        v.read(x, b);
                        d.append(" xattr ").append(x).append('=').append(new String(b.array(), StandardCharsets.UTF_8));
                    }
                }
                m.put(tree.relativize(p).toString(), d.toString());
            }
        }
        return m;
    }
}
