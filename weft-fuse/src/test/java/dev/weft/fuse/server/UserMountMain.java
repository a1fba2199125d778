package dev.weft.fuse.server;

import dev.weft.fuse.kernel.FuseMounts;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A process for {@link NonRootMountTest}, run as a user other than root.
 * <ul>
 *   <li>{@code serve MOUNTPOINT}: mounts a {@link MemoryFilesystem} with the default mounter, prints
 *       {@code mounted uid=N}, reads {@code a} and writes and reads back {@code b} through the mount, prints what it
 *       read, then waits for a line on standard input, closes the server and prints {@code unmounted} once its mount
 *       is gone from mountinfo.</li>
 *   <li>{@code umount MOUNTPOINT}: what {@code weft umount} runs ({@link FuseMounts#unmount}); prints
 *       {@code cleared}.</li>
 * </ul>
 */
public final class UserMountMain {
    public static void main(String[] args) throws Exception {
        Path mnt = Path.of(args[1]);
        switch (args[0]) {
            case "serve" -> serve(mnt);
            case "umount" -> {
                FuseMounts.unmount(mnt, false);
                System.out.println("cleared");
            }
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    private static void serve(Path mnt) throws Exception {
        MemoryFilesystem fs = new MemoryFilesystem().put("a", "mounted by a user");
        FuseServer server = FuseServer.builder(fs).threads(2).unmountOnExit(false).mount(mnt);
        System.out.println("mounted uid=" + Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        System.out.println("read a: " + Files.readString(mnt.resolve("a")));
        Files.writeString(mnt.resolve("b"), "written by a user");
        System.out.println("read b: " + Files.readString(mnt.resolve("b")));
        System.out.flush();
        new BufferedReader(new InputStreamReader(System.in)).readLine();
        server.close();
        System.out.println(FuseMounts.find(mnt).isEmpty() ? "unmounted" : "still mounted");
    }
}
