package dev.weft.uring;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.function.Function;

/**
 * What a {@link UringFile} does with its file, in one of two ways: through io_uring ({@link RingFile}) or through a
 * {@link java.nio.channels.FileChannel} when io_uring is unavailable ({@link ChannelFile}). {@link UringFile} checks
 * the arguments first and turns results into values or exceptions.
 *
 * <p>Results are raw, as a system call returns them: ≥ 0, or {@code -errno}. An implementation may also throw an
 * IOException of its own (the channel does).
 */
interface FileIo {
    long read(long position, MemorySegment dst) throws IOException;

    long write(long position, MemorySegment src) throws IOException;

    /** {@code preadv}: fills {@code dsts} in order from {@code position}. */
    long readv(long position, MemorySegment[] dsts) throws IOException;

    /** {@code pwritev}: writes {@code srcs} in order from {@code position}. */
    long writev(long position, MemorySegment[] srcs) throws IOException;

    long sync(boolean dataOnly) throws IOException;

    long fallocate(int mode, long position, long length) throws IOException;

    /** {@code statx} of the open file into {@code statx} (a {@code struct statx}). */
    long statx(int mask, MemorySegment statx) throws IOException;

    /**
     * Hands an asynchronous read or write to the calling worker's server ring as the operation {@code make} builds
     * around the preparer (a future or a completion ring), and returns it; returns null, having done nothing, when
     * the caller is not a worker of a ring group (the caller then makes the call at once).
     */
    <T extends UringOperation> T submitAsync(boolean write, long position, MemorySegment buffer,
            Function<UringOperation.Preparer, T> make) throws IOException;

    boolean usesIoUring();

    void close() throws IOException;
}
