package dev.weft.fuse.testapp;

import dev.weft.fuse.FuseContext;
import dev.weft.fuse.FuseEntry;
import dev.weft.fuse.FuseName;
import dev.weft.fuse.passthrough.PassthroughFilesystem;
import dev.weft.fuse.proto.FuseKernelLayout;

import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A main that looks a file up through the passthrough (its FFM system calls, no mount) and says from which module
 * weft-fuse came. In a package of its own, so that it runs with weft on the module path.
 */
public final class PassthroughMain {
    record Root(long unique) implements FuseContext {
        public int uid() { return 0; }
        public int gid() { return 0; }
        public int pid() { return 1; }
        public boolean isInterrupted() { return false; }
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("weft-fuse-module");
        Files.writeString(dir.resolve("f"), "12345");
        try (PassthroughFilesystem fs = new PassthroughFilesystem(dir); Arena a = Arena.ofConfined()) {
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
