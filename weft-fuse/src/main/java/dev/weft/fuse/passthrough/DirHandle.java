package dev.weft.fuse.passthrough;

import dev.weft.fuse.FuseException;
import dev.weft.fuse.posix.DirentParser;
import dev.weft.fuse.posix.FdCalls;
import dev.weft.fuse.posix.Fcntl;
import dev.weft.fuse.proto.LinuxErrno;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One open directory: a readable descriptor of it, a {@code getdents64} buffer, and where the listing stands.
 *
 * <h2>Offsets</h2>
 * The kernel continues a listing by passing back an entry's {@code nextOffset}, which is that record's
 * {@code d_off}: a cookie {@code lseek(SEEK_SET)} understands. {@code position} is the offset of the first
 * record not yet handed out; a READDIR at that offset continues from the buffered records, any other offset seeks
 * and drops them. A record that did not fit in a reply is {@link #unread()} and comes first next time.
 *
 * <p>{@link #lock} serialises READDIR calls on this handle (the kernel may send them from several threads);
 * every method but {@link #close()} expects it held.
 */
final class DirHandle implements AutoCloseable {
    /** Big enough for a FUSE READDIR reply's worth of names in one {@code getdents64}. */
    private static final long BUFFER_SIZE = 32 * 1024;

    final ReentrantLock lock = new ReentrantLock();
    final int fd;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment buffer = arena.allocate(BUFFER_SIZE, 8);
    private final DirentParser records = new DirentParser();
    private long position;

    /** Takes ownership of {@code fd}, a directory opened for reading. */
    DirHandle(int fd) {
        this.fd = fd;
    }

    /** Makes the next record the one at directory offset {@code offset}. */
    void seek(long offset) throws FuseException {
        if (offset == position) {
            return;
        }
        long r = FdCalls.lseek(fd, offset, Fcntl.SEEK_SET);
        if (r < 0) {
            throw new FuseException((int) -r);
        }
        records.clear();
        position = offset;
    }

    /**
     * Moves to the next record, reading more from the directory when the buffer is used up.
     *
     * @return the parser positioned on the record, or null at the end of the directory
     */
    DirentParser next() throws FuseException {
        try {
            if (records.next()) {
                return records;
            }
            long n = FdCalls.getdents64(fd, buffer);
            if (n < 0) {
                throw new FuseException((int) -n);
            }
            if (n == 0) {
                return null;
            }
            return records.reset(buffer, n).next() ? records : null;
        } catch (IllegalArgumentException malformed) {
            // The kernel's own records did not parse: nothing the caller can fix; report an I/O error.
            throw new FuseException(LinuxErrno.EIO, malformed.getMessage());
        }
    }

    /** The current record went into the reply: the listing now stands after it. */
    void consumed() {
        position = records.nextOffset();
    }

    /** The current record did not fit: hand it out first next time. */
    void unread() {
        records.unread();
    }

    /** Closes the descriptor and frees the buffer. */
    @Override
    public void close() {
        lock.lock();
        try {
            FdCalls.close(fd);
            arena.close();
        } finally {
            lock.unlock();
        }
    }
}
