package dev.weft.fuse.server;

import java.nio.file.Path;

/**
 * A server process for {@link KilledServerTest}: mounts a {@link MemoryFilesystem} whose {@code slow} file never
 * answers a READ, prints {@code mounted}, and serves until killed.
 */
public final class SlowServerMain {
    public static void main(String[] args) throws Exception {
        MemoryFilesystem fs = new MemoryFilesystem().put("slow", "never").put("a", "fine");
        FuseServer server = FuseServer.builder(fs).threads(2).unmountOnExit(false).mount(Path.of(args[0]));
        System.out.println("mounted");
        System.out.flush();
        server.awaitUnmount();
    }
}
