package dev.weft.cli;

import dev.weft.fuse.passthrough.PassthroughFilesystem;
import dev.weft.fuse.server.FuseServer;
import dev.weft.fuse.server.FuseServerStats;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code weft demo}'s FUSE step: a passthrough of a temporary directory mounted with the default settings, written,
 * read and listed through the mount and checked against the source, the server threads' counters, and the unmount.
 */
final class FuseDemo {
    private static final int FILES = 64;
    private static final int FILE_SIZE = 256 * 1024;

    private FuseDemo() {
    }

    /** Why the step cannot run here, or null. */
    static String unavailable() {
        if (!Files.exists(Path.of("/dev/fuse"))) {
            return "/dev/fuse is missing (modprobe fuse)";
        }
        if (!"root".equals(System.getProperty("user.name")) && !onPath("fusermount3")) {
            return "mounting needs root, or fusermount3 (the fuse3 package) for other users";
        }
        return null;
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    static void run(int step, PrintStream out) throws IOException, InterruptedException {
        String cause = unavailable();
        if (cause != null) {
            if ("1".equals(System.getenv("WEFT_REQUIRE_KERNEL"))) {
                throw new IllegalStateException("the FUSE step cannot run and WEFT_REQUIRE_KERNEL=1: " + cause);
            }
            out.printf("%d. FUSE passthrough: skipped: %s%n", step, cause);
            return;
        }
        Path source = Files.createTempDirectory("weft-demo-source");
        Path mnt = Files.createTempDirectory("weft-demo-mnt");
        try (PassthroughFilesystem fs = new PassthroughFilesystem(source);
             FuseServer server = FuseServer.builder(fs).mount(mnt)) {
            long t0 = System.nanoTime();
            byte[] data = new byte[FILE_SIZE];
            for (int i = 0; i < FILES; i++) {
                Arrays.fill(data, (byte) i);
                Files.write(mnt.resolve("file-" + i), data);
            }
            for (int i = 0; i < FILES; i++) {
                byte[] back = Files.readAllBytes(mnt.resolve("file-" + i));
                byte[] direct = Files.readAllBytes(source.resolve("file-" + i));
                if (back.length != FILE_SIZE || back[FILE_SIZE - 1] != (byte) i || !Arrays.equals(back, direct)) {
                    throw new IllegalStateException("file-" + i + " read back through the mount differs");
                }
            }
            List<String> listed = names(mnt), inSource = names(source);
            if (!listed.equals(inSource)) {
                throw new IllegalStateException("the mount lists " + listed + " but the source has " + inSource);
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            out.printf("%d. FUSE: a passthrough of %s mounted at %s with the defaults (FUSE 7.%d, %s):%n"
                            + "   wrote and read back %d files of %d KiB through the mount and listed them, in %,d ms;"
                            + " every byte matches the source%n",
                    step, source, mnt, server.connection().minor(), server, FILES, FILE_SIZE / 1024, ms);
            for (FuseServerStats s : server.stats()) {
                out.printf("   weft-fuse-%d: %,d requests read, %,d replies written, %,d errors%n", s.thread(),
                        s.requests(), s.replies(), s.errors());
            }
        } finally {
            deleteTree(source);
            Files.deleteIfExists(mnt);
        }
        out.printf("   unmounted %s%n", mnt);
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
