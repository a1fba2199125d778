package dev.weft.bench.uring;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The file uring-randread reads: random bytes, written once and kept between runs while it has the right size. It
 * is written in full (no holes: a hole would be read as zeros without touching the disk) to a temporary name and
 * then renamed, so an interrupted write never leaves a file that looks finished.
 *
 * <p>Its directory must be on a disk file system: tmpfs and ramfs have no {@code O_DIRECT}, and would measure
 * memory copies rather than a device anyway.
 */
public final class DataFile {

    /** File systems that are memory, not a device. */
    static final Set<String> MEMORY_FILE_SYSTEMS = Set.of("tmpfs", "ramfs");

    /** The directory cannot hold the data file; the message says why and what to do. */
    static final class UnsuitableDirectoryException extends IOException {
        UnsuitableDirectoryException(String message) {
            super(message);
        }
    }

    private static final int CHUNK_BYTES = 1 << 20;

    private DataFile() {
    }

    /**
     * Why a directory on a file system of type {@code type} cannot hold the data file, or null if it can.
     *
     * @param property the system property that chooses the directory, for the advice
     */
    static String refusal(Path dir, String type, String property) {
        if (MEMORY_FILE_SYSTEMS.contains(type)) {
            return dir + " is on " + type + ", which has no O_DIRECT and is memory rather than a disk: set -D"
                    + property + "=DIR to a directory on a disk file system (e.g. ext4, xfs)";
        }
        return null;
    }

    /**
     * Makes {@code file} hold {@code bytes} bytes of random data, unless it already has that size.
     *
     * @return true when the file was written, false when it was reused
     * @throws UnsuitableDirectoryException when its directory is on tmpfs or ramfs
     */
    static boolean prepare(Path file, long bytes, String property) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        String problem = refusal(dir, Files.getFileStore(dir).type(), property);
        if (problem != null) {
            throw new UnsuitableDirectoryException(problem);
        }
        if (Files.isRegularFile(file) && Files.size(file) == bytes) {
            return false;
        }
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            throw new IOException(file + " exists and is not a regular file: remove it, or set -D" + property
                    + "=DIR to another directory");
        }
        Path partial = dir.resolve(file.getFileName() + ".partial");
        SplittableRandom random = new SplittableRandom(file.getFileName().toString().hashCode());
        ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK_BYTES);
        try (FileChannel ch = FileChannel.open(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            for (long done = 0; done < bytes; ) {
                chunk.clear();
                while (chunk.remaining() >= Long.BYTES) {
                    chunk.putLong(random.nextLong());
                }
                chunk.flip();
                chunk.limit((int) Math.min(chunk.limit(), bytes - done));
                while (chunk.hasRemaining()) {
                    done += ch.write(chunk, done);
                }
            }
            ch.force(true);
        } catch (IOException e) {
            Files.deleteIfExists(partial);
            throw new IOException("cannot write " + partial + ": " + e.getMessage(), e);
        }
        Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return true;
    }
    /**
     * Reads all of {@code file} once with {@code O_DIRECT}, untimed, before the first variant: the virtual disk's
     * host-side cache is cold for a file not read for a while, and the variant that runs first would pay for it
     * alone (measured: uring-randread's first variant at 21,732 IOPS, a second run at once 69,168). Returns the
     * seconds it took.
     */
    public static double warm(Path file) throws IOException {
        long start = System.nanoTime();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, com.sun.nio.file.ExtendedOpenOption.DIRECT);
             java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            ByteBuffer buf = arena.allocate(CHUNK_BYTES, 4096).asByteBuffer();
            long size = ch.size();
            for (long pos = 0; pos < size; ) {
                buf.clear();
                int n = ch.read(buf, pos);
                if (n <= 0) {
                    break;
                }
                pos += n;
            }
        }
        return (System.nanoTime() - start) / 1e9;
    }
}
