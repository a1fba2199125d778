package dev.weft.uring;

import dev.weft.sched.ConcurrencyGroup;
import dev.weft.uring.kernel.IoUringLayout;
import dev.weft.uring.kernel.LinuxCalls;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.IntConsumer;
import java.util.function.LongSupplier;

/**
 * A {@link UringFile} on a descriptor. On a worker of a ring group each call becomes an {@link UringOperation} on
 * the worker's server ring and the worker parks; anywhere else it is the system call itself, inside
 * {@link ConcurrencyGroup#blocking} on a worker of a group without rings.
 *
 * <h2>Registered files and buffers</h2>
 * A file opened with {@link UringFile.Option#REGISTERED} takes a slot in the table of each server ring that runs an
 * operation on it, at the first one ({@link UringServerPoller#fileSlot}); its SQEs then carry the slot and
 * {@code IOSQE_FIXED_FILE}. A read or write whose buffer lies inside a buffer the group registered
 * ({@link UringOptions#registeredBuffers}) becomes READ_FIXED or WRITE_FIXED. Both are decided on the server thread
 * while it prepares the SQE.
 *
 * <h2>Closing</h2>
 * {@code users} counts the file itself plus each operation between its check and its completion; the descriptor
 * is closed when it drops to 0, so an operation never reaches the kernel with a number that close() freed and an
 * open() elsewhere reused. Then every ring that registered the file is asked to empty its slot, which holds its own
 * reference to the open file.
 */
final class RingFile implements FileIo {
    /** The empty path statx gets with AT_EMPTY_PATH, to describe the descriptor itself. */
    private static final MemorySegment EMPTY_PATH = Arena.global().allocateFrom("");

    private final String path;
    private final int fd;
    private final boolean registered;
    private final AtomicInteger users = new AtomicInteger(1);
    private final Set<UringServerPoller> registeredWith = ConcurrentHashMap.newKeySet();

    RingFile(String path, int fd, boolean registered) {
        this.path = path;
        this.fd = fd;
        this.registered = registered;
    }

    int descriptor() {
        return fd;
    }

    /** Server thread of {@code poller}: it gave this file a slot. */
    void registeredWith(UringServerPoller poller) {
        registeredWith.add(poller);
    }

    @Override
    public boolean usesIoUring() {
        return true;
    }

    @Override
    public long read(long position, MemorySegment dst) throws IOException {
        return transfer(false, position, dst);
    }

    @Override
    public long write(long position, MemorySegment src) throws IOException {
        return transfer(true, position, src);
    }

    /**
     * The hot path, read or write of one buffer: one {@link Transfer} object is all it allocates (no preparer or call
     * lambdas).
     */
    private long transfer(boolean write, long position, MemorySegment buf) throws IOException {
        return run(new Transfer(this, write, buf, position));
    }

    /** An operation on this file: its SQE for a worker of a ring group, the system call itself for anyone else. */
    private abstract static class FileOp extends UringOperation.Parking {
        FileOp(UringOperation.Preparer p) {
            super(p);
        }

        /** The system call, for a caller that is not a worker of a ring group. */
        abstract long call();
    }

    /** A read or write: prepares its own SQE, and is its own system call. */
    private static final class Transfer extends FileOp {
        private final RingFile file;
        private final boolean write;
        private final MemorySegment buf;
        private final long position;

        Transfer(RingFile file, boolean write, MemorySegment buf, long position) {
            super(null);
            this.file = file;
            this.write = write;
            this.buf = buf;
            this.position = position;
        }

        @Override
        void prepare(UringServerPoller poller, Sqe sqe, long userData) {
            file.transfer(poller, sqe, userData, write, buf, position);
        }

        @Override
        long call() {
            return write ? LinuxCalls.pwrite(file.fd, buf, buf.byteSize(), position)
                    : LinuxCalls.pread(file.fd, buf, buf.byteSize(), position);
        }
    }

    @Override
    public long readv(long position, MemorySegment[] dsts) throws IOException {
        return vectored(false, position, dsts);
    }

    @Override
    public long writev(long position, MemorySegment[] srcs) throws IOException {
        return vectored(true, position, srcs);
    }

    private long vectored(boolean write, long position, MemorySegment[] buffers) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment iovecs = arena.allocate(IoUringLayout.iovecs(buffers.length));
            for (int i = 0; i < buffers.length; i++) {
                IoUringLayout.setIovec(iovecs, i, buffers[i]);
            }
            int n = buffers.length;
            return run((p, sqe, ud) -> onFile(p, sqe, file -> {
                if (write) {
                    sqe.writev(ud, file, iovecs, n, position);
                } else {
                    sqe.readv(ud, file, iovecs, n, position);
                }
            }), () -> write ? LinuxCalls.pwritev(fd, iovecs, n, position) : LinuxCalls.preadv(fd, iovecs, n, position));
        }
    }

    @Override
    public long sync(boolean dataOnly) throws IOException {
        return run((p, sqe, ud) -> onFile(p, sqe, file -> {
            if (dataOnly) {
                sqe.fdatasync(ud, file);
            } else {
                sqe.fsync(ud, file);
            }
        }), () -> LinuxCalls.fsync(fd, dataOnly));
    }

    @Override
    public long fallocate(int mode, long position, long length) throws IOException {
        return run((p, sqe, ud) -> onFile(p, sqe, file -> sqe.fallocate(ud, file, mode, position, length)),
                () -> LinuxCalls.fallocate(fd, mode, position, length));
    }

    @Override
    public long statx(int mask, MemorySegment statx) throws IOException {
        // statx names its file by descriptor and path: a registered slot does not apply
        return run((p, sqe, ud) -> sqe.statx(ud, fd, EMPTY_PATH, LinuxCalls.AT_EMPTY_PATH, mask, statx),
                () -> LinuxCalls.statx(fd, EMPTY_PATH, LinuxCalls.AT_EMPTY_PATH, mask, statx));
    }

    @Override
    public <T extends UringOperation> T submitAsync(boolean write, long position, MemorySegment buffer,
            Function<UringOperation.Preparer, T> make) throws IOException {
        UringServerPoller poller = UringServerPoller.current();
        if (poller == null) {
            return null;
        }
        T op = make.apply((p, sqe, ud) -> transfer(p, sqe, ud, write, buffer, position));
        acquire();
        op.after(this::release);
        poller.handOff(op);
        return op;
    }

    /** Server thread: one read or write, fixed file and fixed buffer where they apply. */
    private void transfer(UringServerPoller p, Sqe sqe, long ud, boolean write, MemorySegment buf, long position) {
        int index = p.registeredBufferIndex(buf);
        int slot = registered ? p.fileSlot(this) : -1; // as onFile, without its lambda on this hot path
        int file = slot >= 0 ? slot : fd;
        if (index >= 0) {
            if (write) {
                sqe.writeFixed(ud, file, buf, position, index);
            } else {
                sqe.readFixed(ud, file, buf, position, index);
            }
        } else if (write) {
            sqe.write(ud, file, buf, position);
        } else {
            sqe.read(ud, file, buf, position);
        }
        if (slot >= 0) {
            sqe.fixedFile();
        }
    }

    /**
     * Server thread: {@code prepare} fills one SQE naming the file by {@code file}: this file's slot in
     * {@code p}'s table (then the SQE is marked fixed-file) or, when unregistered or no slot is free, its descriptor.
     */
    private void onFile(UringServerPoller p, Sqe sqe, IntConsumer prepare) {
        int slot = registered ? p.fileSlot(this) : -1;
        prepare.accept(slot >= 0 ? slot : fd);
        if (slot >= 0) {
            sqe.fixedFile();
        }
    }

    /** {@link #run(FileOp)} of the operation {@code preparer} prepares, whose system call is {@code call}. */
    private long run(UringOperation.Preparer preparer, LongSupplier call) throws IOException {
        return run(new FileOp(preparer) {
            @Override
            long call() {
                return call.getAsLong();
            }
        });
    }

    /** On a worker of a ring group: hand the operation to its server and park; otherwise make the call. */
    private long run(FileOp op) throws IOException {
        acquire();
        try {
            UringServerPoller poller = UringServerPoller.current();
            if (poller == null) {
                return ConcurrencyGroup.blocking(op::call); // the call itself outside a group's worker
            }
            poller.handOff(op);
            return op.await();
        } finally {
            release();
        }
    }

    private void acquire() throws IOException {
        for (;;) {
            int u = users.get();
            if (u == 0) {
                throw new IOException(path + " is closed");
            }
            if (users.compareAndSet(u, u + 1)) {
                return;
            }
        }
    }

    private void release() {
        if (users.decrementAndGet() == 0) {
            LinuxCalls.close(fd);
            for (UringServerPoller p : registeredWith) {
                p.dropFile(this);
            }
        }
    }

    /** Drops the file's own reference: the descriptor closes after the last operation in flight. */
    @Override
    public void close() {
        release();
    }
}
