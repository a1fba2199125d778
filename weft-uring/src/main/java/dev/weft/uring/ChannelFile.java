package dev.weft.uring;

import dev.weft.sched.BlockingCall;
import dev.weft.sched.ConcurrencyGroup;
import dev.weft.uring.kernel.LinuxCalls;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.util.function.Function;

/**
 * A {@link UringFile} where io_uring is unavailable: reads, writes and syncs go through a {@link FileChannel}
 * inside {@link ConcurrencyGroup#blocking} (a worker of a group lends its server to a spare meanwhile). FileChannel
 * has no {@code fallocate} and no {@code statx}: those two are the system calls themselves, on the descriptor the
 * file was opened with (the channel is opened through {@code /proc/self/fd/N}, so both name the same file). Vectored calls are a positional call per buffer,
 * which stops at the first short one as {@code preadv} would.
 */
final class ChannelFile implements FileIo {
    private static final MemorySegment EMPTY_PATH = Arena.global().allocateFrom("");

    private final FileChannel channel;
    private final int fd;

    ChannelFile(FileChannel channel, int fd) {
        this.channel = channel;
        this.fd = fd;
    }

    @Override
    public boolean usesIoUring() {
        return false;
    }

    @Override
    public long read(long position, MemorySegment dst) throws IOException {
        return blocking(() -> (long) Math.max(0, channel.read(dst.asByteBuffer(), position))); // -1 at EOF: 0
    }

    @Override
    public long write(long position, MemorySegment src) throws IOException {
        return blocking(() -> (long) channel.write(src.asByteBuffer(), position));
    }

    @Override
    public long readv(long position, MemorySegment[] dsts) throws IOException {
        return eachBuffer(position, dsts, this::read);
    }

    @Override
    public long writev(long position, MemorySegment[] srcs) throws IOException {
        return eachBuffer(position, srcs, this::write);
    }

    private interface Transfer {
        long at(long position, MemorySegment buffer) throws IOException;
    }

    /** One positional call per buffer, in order, stopping after the first short one as preadv/pwritev would. */
    private static long eachBuffer(long position, MemorySegment[] buffers, Transfer transfer) throws IOException {
        long total = 0;
        for (MemorySegment b : buffers) {
            long n = transfer.at(position + total, b);
            total += n;
            if (n < b.byteSize()) {
                break;
            }
        }
        return total;
    }

    @Override
    public long sync(boolean dataOnly) throws IOException {
        return blocking(() -> {
            channel.force(!dataOnly);
            return 0L;
        });
    }

    @Override
    public long fallocate(int mode, long position, long length) throws IOException {
        return blocking(() -> (long) LinuxCalls.fallocate(fd, mode, position, length));
    }

    @Override
    public long statx(int mask, MemorySegment statx) throws IOException {
        return LinuxCalls.statx(fd, EMPTY_PATH, LinuxCalls.AT_EMPTY_PATH, mask, statx);
    }

    @Override
    public <T extends UringOperation> T submitAsync(boolean write, long position, MemorySegment buffer,
            Function<UringOperation.Preparer, T> make) {
        return null;
    }

    @Override
    public void close() throws IOException {
        try {
            channel.close();
        } finally {
            LinuxCalls.close(fd);
        }
    }

    private static long blocking(BlockingCall<Long, IOException> call) throws IOException {
        return ConcurrencyGroup.blocking(call);
    }
}
