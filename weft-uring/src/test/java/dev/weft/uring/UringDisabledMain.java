package dev.weft.uring;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A process for {@link UringDisabledTest}, run while {@code kernel.io_uring_disabled} is 2: prints what weft found,
 * writes and reads {@code args[0]} through a {@link UringFile} (the fallback), and tries to build a ring group.
 */
public final class UringDisabledMain {
    public static void main(String[] args) throws Exception {
        System.out.println("available: " + IoUringAvailability.isAvailable());
        System.out.println("cause: " + IoUringAvailability.unavailabilityCause().orElse("none"));
        try (UringFile f = UringFile.open(Path.of(args[0]), UringFile.Mode.READ_WRITE, false)) {
            f.write(0, ByteBuffer.wrap("through the fallback".getBytes(StandardCharsets.UTF_8)));
            ByteBuffer back = ByteBuffer.allocate(20);
            f.read(0, back);
            System.out.println("io_uring: " + f.usesIoUring() + ", read: "
                    + new String(back.array(), StandardCharsets.UTF_8));
        }
        try (UringFile again = UringFile.open(Path.of(args[0]), UringFile.Mode.READ, false)) {
            System.out.println("second file io_uring: " + again.usesIoUring());
        }
        try {
            UringServerPoller.groupBuilder().build().close();
            System.out.println("group: built");
        } catch (UnsupportedOperationException e) {
            System.out.println("group: " + e.getMessage());
        }
    }
}
