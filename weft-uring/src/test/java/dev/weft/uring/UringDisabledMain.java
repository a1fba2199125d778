package dev.weft.uring;

import dev.weft.ring.Completion;
import dev.weft.ring.CompletionRing;
import dev.weft.sched.ConcurrencyGroup;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

/**
 * A process for {@link UringDisabledTest}, run while {@code kernel.io_uring_disabled} is 2: prints what weft found,
 * writes and reads {@code args[0]} through a {@link UringFile} (the fallback), then runs the README's example (a
 * group from {@link UringServerPoller#groupBuilder()}, every call of it on a worker) on that file and prints what
 * each call returned and whether the file holds what it wrote.
 */
public final class UringDisabledMain {
    private static final int BLOCK = 4096;

    public static void main(String[] args) throws Exception {
        Path path = Path.of(args[0]);
        System.out.println("available: " + IoUringAvailability.isAvailable());
        System.out.println("cause: " + IoUringAvailability.unavailabilityCause().orElse("none"));
        try (UringFile f = UringFile.open(path, UringFile.Mode.READ_WRITE, false)) {
            f.write(0, ByteBuffer.wrap("through the fallback".getBytes(StandardCharsets.UTF_8)));
            ByteBuffer back = ByteBuffer.allocate(20);
            f.read(0, back);
            System.out.println("io_uring: " + f.usesIoUring() + ", read: "
                    + new String(back.array(), StandardCharsets.UTF_8));
        }
        try (UringFile again = UringFile.open(path, UringFile.Mode.READ, false)) {
            System.out.println("second file io_uring: " + again.usesIoUring());
        }
        readmeExample(path);
    }

    /** The README's example, step by step, on a file of three blocks 0, 1, 2 (block b holds bytes b * 16 + i). */
    private static void readmeExample(Path path) throws Exception {
        byte[] blocks = new byte[3 * BLOCK];
        for (int i = 0; i < blocks.length; i++) {
            blocks[i] = (byte) (i / BLOCK * 16 + i);
        }
        Files.write(path, blocks);
        try (ConcurrencyGroup group = UringServerPoller.groupBuilder().build();
             UringFile file = UringFile.open(path, UringFile.Mode.READ_WRITE)) {
            group.threadBuilder().start(() -> {
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment buf = arena.allocate(4096, 4096);
                    int n = file.read(0, buf);                          // block 0
                    file.write(8192, buf);                              // block 0 over block 2
                    long v = file.read(0, buf, arena.allocate(512));
                    file.fallocate(UringFile.FALLOC_FL_KEEP_SIZE, 0, 1 << 20);
                    UringFile.Stat st = file.stat();
                    file.sync(true);
                    CompletableFuture<Integer> f = file.readAsync(4096, buf);   // block 1
                    int async = f.join();
                    var ring = new CompletionRing<Completion<Integer>>(64);
                    file.writeAsync(8192, buf, ring, 7);                // block 1 over block 2
                    Completion<Integer> c = ring.take();
                    System.out.println("readme: ring worker " + (UringServerPoller.current() != null) + ", read " + n
                            + ", vectored " + v + ", size " + st.size() + ", a MiB allocated "
                            + (st.allocatedBytes() >= 1 << 20) + ", readAsync " + async + ", completion " + c);
                } catch (IOException | InterruptedException e) {
                    System.out.println("readme: failed: " + e);
                }
            }).join();
        }
        byte[] after = Files.readAllBytes(path);
        byte[] expected = blocks.clone();
        System.arraycopy(blocks, BLOCK, expected, 2 * BLOCK, BLOCK);
        System.out.println("readme data: " + (Arrays.equals(expected, after) ? "block 2 holds block 1" : "differs"));
    }
}
