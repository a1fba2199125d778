package dev.weft.fuse.kernel;

import dev.weft.fuse.passthrough.PassthroughFilesystem;
import dev.weft.fuse.server.FuseServer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** What the kernel tests do after each test: stop the server, clear the mount, delete the trees. */
public final class MountTeardown {
    private MountTeardown() {
    }

    /**
     * Closes {@code server} and {@code fs} (either may be null), aborts and detaches whatever is still mounted at
     * {@code mnt}, and deletes {@code trees} (null entries and missing trees are skipped).
     */
    public static void run(FuseServer server, PassthroughFilesystem fs, Path mnt, Path... trees) throws IOException {
        if (server != null) {
            server.close();
        }
        if (fs != null) {
            fs.close();
        }
        if (mnt != null && FuseMounts.find(mnt).isPresent()) {
            FuseMounts.unmount(mnt, true);
        }
        for (Path tree : trees) {
            if (tree != null && Files.exists(tree)) {
                try (Stream<Path> s = Files.walk(tree)) {
                    for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        }
    }
}
