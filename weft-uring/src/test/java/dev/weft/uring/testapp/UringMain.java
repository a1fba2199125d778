package dev.weft.uring.testapp;

import dev.weft.sched.ConcurrencyGroup;
import dev.weft.uring.UringFile;
import dev.weft.uring.UringServerPoller;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A main that reads a file through io_uring on a worker of a ring group and says from which module weft-uring came.
 * In a package of its own, outside {@code dev.weft.uring}, so that it runs with weft on the module path.
 */
public final class UringMain {
    public static void main(String[] args) throws Exception {
        Path file = Files.createTempFile("weft-uring-module", ".txt");
        try (ConcurrencyGroup group = UringServerPoller.groupBuilder().servers(1).build()) {
            Files.writeString(file, "through the ring");
            long[] n = new long[1];
            boolean[] ring = new boolean[1];
            group.threadBuilder().start(() -> {
                try (UringFile f = UringFile.open(file, UringFile.Mode.READ); Arena a = Arena.ofConfined()) {
                    MemorySegment buf = a.allocate(64);
                    n[0] = f.read(0, buf);
                    ring[0] = f.usesIoUring();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }).join();
            System.out.println("read " + n[0] + " bytes, io_uring " + ring[0] + ", from module "
                    + UringFile.class.getModule().getName());
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
