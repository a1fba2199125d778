package dev.weft.fuse.testapp;

import dev.weft.fuse.FuseContext;
import dev.weft.sched.ConcurrencyGroup;
import dev.weft.uring.UringFile;
import dev.weft.uring.UringServerPoller;
import dev.weft.fuse.FuseEntry;
import dev.weft.fuse.FuseName;
import dev.weft.fuse.passthrough.PassthroughFilesystem;
import dev.weft.fuse.proto.FuseKernelLayout;

import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A main that reads a file through io_uring on a worker of a ring group (weft-core and weft-uring at work), looks it
 * up through the passthrough (weft-fuse's FFM system calls, no mount), and says from which modules they came. In a
 * package of its own, so that it runs with weft on the module path.
 */
public final class ModulesMain {
    record Root(long unique) implements FuseContext {
        public int uid() { return 0; }
        public int gid() { return 0; }
        public int pid() { return 1; }
        public boolean isInterrupted() { return false; }
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("weft-modules");
        Files.writeString(dir.resolve("f"), "12345");
        try (PassthroughFilesystem fs = new PassthroughFilesystem(dir); Arena a = Arena.ofConfined();
             ConcurrencyGroup group = UringServerPoller.groupBuilder().servers(1).build()) {
            long[] read = new long[1];
            boolean[] ring = new boolean[1];
            group.threadBuilder().start(() -> {
                try (UringFile f = UringFile.open(dir.resolve("f"), UringFile.Mode.READ);
                     Arena b = Arena.ofConfined()) {
                    read[0] = f.read(0, b.allocate(64));
                    ring[0] = f.usesIoUring();
                } catch (Exception x) {
                    throw new IllegalStateException(x);
                }
            }).join();
            System.out.println("read " + read[0] + " bytes, io_uring " + ring[0] + ", from module "
                    + UringFile.class.getModule().getName() + " on a group of " + ConcurrencyGroup.class.getModule()
                    .getName());
            FuseEntry e = new FuseEntry(a.allocate(FuseKernelLayout.FUSE_ENTRY_OUT));
            fs.lookup(new Root(1), 1, new FuseName(a.allocateFrom("f")), e);
            System.out.println("looked up a file of " + e.attr().size() + " bytes, from module "
                    + PassthroughFilesystem.class.getModule().getName());
        } finally {
            Files.deleteIfExists(dir.resolve("f"));
            Files.deleteIfExists(dir);
        }
    }
}
