package dev.weft.fuse.server;

import dev.weft.fuse.FuseException;
import dev.weft.fuse.FuseNotifier;
import dev.weft.fuse.kernel.FuseChannel;
import dev.weft.fuse.proto.FuseKernelLayout;
import dev.weft.fuse.proto.FuseReplyEncoder;
import dev.weft.fuse.proto.LinuxErrno;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * {@link FuseNotifier} through the connection's own {@code /dev/fuse} descriptor. Each call writes from a buffer of
 * its own (notifications are rare). Calls hold a read lock while they write, and check {@code closed} under it;
 * {@link #close}, which the server calls before it closes the descriptor, sets {@code closed} and then takes the
 * write lock, so no call writes to a descriptor number that is closed, or already reused by another open; calls
 * after it fail with {@code ENODEV}. A write blocked in the kernel (an invalidation waiting for a directory lock
 * that a request nobody will answer holds) is waited for {@link #CLOSE_WAIT_SECONDS} at most: it holds its own
 * reference to the open file, so closing the descriptor under it is safe.
 */
final class ChannelNotifier implements FuseNotifier {
    /** FUSE_NOTIFY_PRUNE's protocol minor version. */
    static final int PRUNE_MINOR = 45;
    /** FUSE_EXPIRE_ONLY's protocol minor version. */
    static final int EXPIRE_ONLY_MINOR = 38;
    /** Room for any notification but a prune: header, the largest body (delete's), a name and its NUL. */
    private static final long SMALL_MESSAGE = FuseReplyEncoder.headerSize()
            + FuseKernelLayout.FUSE_NOTIFY_DELETE_OUT.byteSize() + FuseReplyEncoder.MAX_NOTIFY_NAME + 1;

    private final FuseChannel channel;
    private final int minor;
    /** How long {@link #close} waits for notifications being written. */
    static final long CLOSE_WAIT_SECONDS = 5;

    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private volatile boolean closed;

    ChannelNotifier(FuseChannel channel, int minor) {
        this.channel = channel;
        this.minor = minor;
    }

    @Override
    public boolean canPrune() {
        return minor >= PRUNE_MINOR;
    }

    @Override
    public void prune(long[] nodeids, int count) throws FuseException {
        if (count < 0 || count > nodeids.length) {
            throw new IllegalArgumentException("count " + count + " of " + nodeids.length + " node ids");
        }
        requireOpen(); // before the version check: a closed connection says so whatever its version
        if (!canPrune()) {
            throw new FuseException(LinuxErrno.ENOSYS, "FUSE_NOTIFY_PRUNE needs FUSE 7." + PRUNE_MINOR
                    + "; this connection speaks 7." + minor);
        }
        if (count == 0) {
            return;
        }
        int perMessage = Math.min(count, FuseReplyEncoder.MAX_PRUNE_NODEIDS);
        lock.readLock().lock();
        try (Arena a = Arena.ofConfined()) {
            requireOpen();
            MemorySegment buf = a.allocate(FuseReplyEncoder.headerSize()
                    + FuseKernelLayout.FUSE_NOTIFY_PRUNE_OUT.byteSize() + 8L * perMessage, 8);
            MemorySegment callState = FuseChannel.newCallState(a);
            for (int from = 0; from < count; from += perMessage) {
                int n = Math.min(perMessage, count - from);
                long r = channel.write(callState, buf, FuseReplyEncoder.notifyPrune(buf, nodeids, from, n));
                if (r < 0) {
                    throw new FuseException((int) -r, "FUSE_NOTIFY_PRUNE of node ids " + from + ".." + (from + n)
                            + " of " + count + " (the ones before were sent)");
                }
            }
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public boolean invalInode(long nodeid, long offset, long length) throws FuseException {
        return send("FUSE_NOTIFY_INVAL_INODE of node " + nodeid,
                buf -> FuseReplyEncoder.notifyInvalInode(buf, nodeid, offset, length));
    }

    @Override
    public boolean invalEntry(long parent, byte[] name, boolean expireOnly) throws FuseException {
        requireOpen(); // before the version check, as in prune
        if (expireOnly && minor < EXPIRE_ONLY_MINOR) {
            throw new FuseException(LinuxErrno.ENOSYS, "FUSE_EXPIRE_ONLY needs FUSE 7." + EXPIRE_ONLY_MINOR
                    + "; this connection speaks 7." + minor);
        }
        int flags = expireOnly ? FuseKernelLayout.FUSE_EXPIRE_ONLY : 0;
        return send("FUSE_NOTIFY_INVAL_ENTRY in node " + parent,
                buf -> FuseReplyEncoder.notifyInvalEntry(buf, parent, name, flags));
    }

    @Override
    public boolean delete(long parent, long child, byte[] name) throws FuseException {
        return send("FUSE_NOTIFY_DELETE of node " + child + " in node " + parent,
                buf -> FuseReplyEncoder.notifyDelete(buf, parent, child, name));
    }

    /** Encodes (which checks the arguments) and writes one message; false for the kernel's ENOENT. */
    private boolean send(String what, java.util.function.ToLongFunction<MemorySegment> encode) throws FuseException {
        lock.readLock().lock();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(SMALL_MESSAGE, 8);
            long len = encode.applyAsLong(buf);
            requireOpen();
            long r = channel.write(FuseChannel.newCallState(a), buf, len);
            if (r == -LinuxErrno.ENOENT) {
                return false;
            }
            if (r < 0) {
                throw new FuseException((int) -r, what);
            }
            return true;
        } finally {
            lock.readLock().unlock();
        }
    }

    private void requireOpen() throws FuseException {
        if (closed) {
            throw ended();
        }
    }

    private static FuseException ended() {
        return new FuseException(LinuxErrno.ENODEV, "the FUSE connection has ended");
    }

    /**
     * The connection is ending: fails later calls with {@code ENODEV} and waits for calls that are writing, at most
     * {@link #CLOSE_WAIT_SECONDS}.
     *
     * @return false when a call was still writing after that
     */
    boolean close() {
        closed = true;
        boolean quiet = false;
        try {
            quiet = lock.writeLock().tryLock(CLOSE_WAIT_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (quiet) {
            lock.writeLock().unlock();
        }
        return quiet;
    }
}
