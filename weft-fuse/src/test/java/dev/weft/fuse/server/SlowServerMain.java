package dev.weft.fuse.server;

import java.nio.file.Path;

/**
 * A server process for {@link KilledServerTest}: mounts a {@link MemoryFilesystem} whose {@code slow} file never
 * answers a READ, prints {@link #MOUNTED}, then {@link #SLOW_READ_ENTERED} once a READ of {@code slow} is in its
 * handler, and serves until killed.
 */
public final class SlowServerMain {
    static final String MOUNTED = "mounted";
    static final String SLOW_READ_ENTERED = "slow read entered";

    public static void main(String[] args) throws Exception {
        MemoryFilesystem fs = new MemoryFilesystem().put("slow", "never").put("a", "fine");
        FuseServer server = FuseServer.builder(fs).threads(2).unmountOnExit(false).mount(Path.of(args[0]));
        System.out.println(MOUNTED);
        System.out.flush();
        Thread.ofPlatform().daemon().start(() -> {
            try {
                fs.slowEntered.await();
                System.out.println(SLOW_READ_ENTERED);
                System.out.flush();
            } catch (InterruptedException ignored) {
                // the process is ending
            }
        });
        server.awaitUnmount();
    }
}
