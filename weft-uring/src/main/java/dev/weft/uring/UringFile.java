package dev.weft.uring;

import dev.weft.ring.Completion;
import dev.weft.ring.CompletionRing;
import dev.weft.sched.ConcurrencyGroup;
import dev.weft.uring.kernel.LinuxCalls;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A file read and written at positions through io_uring, with calls that look blocking to a virtual thread: on a
 * worker of a group built with {@link UringServerPoller#groupBuilder()}, {@link #read} and {@link #write} hand the
 * operation to the worker's server and park the worker; the server goes on running other workers and submits,
 * reaps and unparks.
 *
 * <pre>{@code
 * try (ConcurrencyGroup group = UringServerPoller.groupBuilder().build();
 *      UringFile file = UringFile.open(path, UringFile.Mode.READ_WRITE, false)) {
 *     group.threadBuilder().start(() -> {
 *         try (Arena arena = Arena.ofConfined()) {
 *             MemorySegment buf = arena.allocate(4096, 4096);
 *             int n = file.read(0, buf);       // parks this worker, not its server
 *         }
 *     }).join();
 * }
 * }</pre>
 *
 * <h2>Other callers and the fallback</h2>
 * A caller that is not a worker of such a group (a platform thread, another virtual thread) makes the system call
 * itself ({@code pread}/{@code pwrite}), inside {@link ConcurrencyGroup#blocking} when it is a worker of a group
 * without rings, so a spare server stands in. When io_uring is unavailable here ({@link IoUringAvailability}), the
 * file is a {@link FileChannel} used the same way, and weft says so once on standard error, with the cause.
 *
 * <h2>Buffers</h2>
 * {@code MemorySegment} arguments must be native memory (the kernel reads or writes them while the worker is
 * parked); heap buffers go through the {@link ByteBuffer} forms, which copy through a native bounce buffer. With
 * {@code O_DIRECT} the buffer, the position and the length must be aligned to the device's logical block size
 * (usually 512 or 4096): otherwise the call fails with an IOException that says so.
 */
public final class UringFile implements AutoCloseable {
    /** How the file is opened. */
    public enum Mode { READ, READ_WRITE, CREATE_READ_WRITE }

    private static final AtomicBoolean FALLBACK_REPORTED = new AtomicBoolean();

    private final Path path;
    private final int fd;                 // -1 in fallback mode
    private final FileChannel channel;    // non-null in fallback mode
    private final boolean direct;
    private volatile boolean closed;
    /**
     * The descriptor's users: 1 for the file itself plus one per operation between its check and its completion.
     * The descriptor is closed when the count drops to 0, so an operation never reaches the kernel with a number
     * that close() freed and an open() elsewhere reused.
     */
    private final java.util.concurrent.atomic.AtomicInteger users = new java.util.concurrent.atomic.AtomicInteger(1);

    private UringFile(Path path, int fd, FileChannel channel, boolean direct) {
        this.path = path;
        this.fd = fd;
        this.channel = channel;
        this.direct = direct;
    }

    /**
     * Opens {@code path}.
     *
     * @param direct {@code O_DIRECT}: bypass the page cache (aligned buffers, positions and lengths only)
     */
    public static UringFile open(Path path, Mode mode, boolean direct) throws IOException {
        if (!IoUringAvailability.isAvailable()) {
            return openFallback(path, mode, direct, IoUringAvailability.unavailabilityCause().orElse("unknown"));
        }
        int flags = LinuxCalls.O_CLOEXEC | switch (mode) {
            case READ -> LinuxCalls.O_RDONLY;
            case READ_WRITE -> LinuxCalls.O_RDWR;
            case CREATE_READ_WRITE -> LinuxCalls.O_RDWR | LinuxCalls.O_CREAT;
        } | (direct ? LinuxCalls.O_DIRECT : 0);
        int fd;
        try (Arena a = Arena.ofConfined()) {
            fd = LinuxCalls.open(a.allocateFrom(path.toString()), flags, 0644);
        }
        if (fd < 0) {
            throw new IOException("cannot open " + path + ": errno " + -fd
                    + (direct && fd == -22 ? " (this file system does not support O_DIRECT, e.g. tmpfs)" : ""));
        }
        return new UringFile(path, fd, null, direct);
    }

    /** A file on {@link FileChannel}, as when io_uring is unavailable; {@code cause} is reported once. */
    static UringFile openFallback(Path path, Mode mode, boolean direct, String cause) throws IOException {
        if (FALLBACK_REPORTED.compareAndSet(false, true)) {
            System.err.println("weft-uring: io_uring is unavailable (" + cause + "); UringFile falls back to"
                    + " FileChannel with managed blocking");
        }
        Set<StandardOpenOption> o = EnumSet.of(StandardOpenOption.READ);
        if (mode != Mode.READ) {
            o.add(StandardOpenOption.WRITE);
        }
        if (mode == Mode.CREATE_READ_WRITE) {
            o.add(StandardOpenOption.CREATE);
        }
        FileChannel ch = direct
                ? FileChannel.open(path, java.util.stream.Stream.concat(o.stream(),
                java.util.stream.Stream.of(com.sun.nio.file.ExtendedOpenOption.DIRECT))
                .toArray(java.nio.file.OpenOption[]::new))
                : FileChannel.open(path, o.toArray(new java.nio.file.OpenOption[0]));
        return new UringFile(path, -1, ch, direct);
    }

    /** Whether this file goes through io_uring (false: the FileChannel fallback). */
    public boolean usesIoUring() {
        return channel == null;
    }

    /**
     * Reads up to {@code dst.byteSize()} bytes at {@code position} into {@code dst} (native memory).
     *
     * @return the byte count, 0 at end of file
     */
    public int read(long position, MemorySegment dst) throws IOException {
        checkArgs(position, dst, "dst");
        if (channel != null) {
            return fallbackIo(() -> channel.read(dst.asByteBuffer(), position));
        }
        long res = viaRingOrCall((sqe, ud) -> sqe.read(ud, fd, dst, position),
                () -> LinuxCalls.pread(fd, dst, dst.byteSize(), position));
        return (int) check(res, "read", position, dst.byteSize());
    }

    /** Writes {@code src} (native memory) at {@code position}; returns the byte count written. */
    public int write(long position, MemorySegment src) throws IOException {
        checkArgs(position, src, "src");
        if (channel != null) {
            return fallbackIo(() -> channel.write(src.asByteBuffer(), position));
        }
        long res = viaRingOrCall((sqe, ud) -> sqe.write(ud, fd, src, position),
                () -> LinuxCalls.pwrite(fd, src, src.byteSize(), position));
        return (int) check(res, "write", position, src.byteSize());
    }

    /** {@link #read(long, MemorySegment)} into any ByteBuffer (heap buffers through a native bounce buffer). */
    public int read(long position, ByteBuffer dst) throws IOException {
        if (dst.isDirect()) {
            int n = read(position, MemorySegment.ofBuffer(dst));
            dst.position(dst.position() + n);
            return n;
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment bounce = a.allocate(dst.remaining(), direct ? 4096 : 8);
            int n = read(position, bounce);
            dst.put(bounce.asSlice(0, n).asByteBuffer());
            return n;
        }
    }

    /** {@link #write(long, MemorySegment)} from any ByteBuffer. */
    public int write(long position, ByteBuffer src) throws IOException {
        if (src.isDirect()) {
            int n = write(position, MemorySegment.ofBuffer(src));
            src.position(src.position() + n);
            return n;
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment bounce = a.allocate(src.remaining(), direct ? 4096 : 8);
            bounce.copyFrom(MemorySegment.ofBuffer(src));
            int n = write(position, bounce);
            src.position(src.position() + n);
            return n;
        }
    }

    /** {@code fsync} ({@code dataOnly}: {@code fdatasync}). */
    public void sync(boolean dataOnly) throws IOException {
        ensureOpen();
        if (channel != null) {
            fallbackIo(() -> {
                channel.force(!dataOnly);
                return 0;
            });
            return;
        }
        long res = viaRingOrCall((sqe, ud) -> {
            if (dataOnly) {
                sqe.fdatasync(ud, fd);
            } else {
                sqe.fsync(ud, fd);
            }
        }, () -> LinuxCalls.fsync(fd, dataOnly));
        check(res, dataOnly ? "fdatasync" : "fsync", 0, 0);
    }

    /** On a worker of a ring group: hand the operation to its server and park; otherwise make the call. */
    private long viaRingOrCall(UringOperation.Preparer preparer, SysCall call) throws IOException {
        acquire();
        try {
            UringServerPoller poller = UringServerPoller.current();
            if (poller == null) {
                return blockingCall(call);
            }
            UringOperation.Parking op = new UringOperation.Parking(preparer);
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
        }
    }

    /**
     * Reads asynchronously: the future completes with the byte count, or with an IOException. On a worker of a
     * ring group the read goes to its server's ring and the worker goes on; elsewhere it is made at once (the
     * future is then already complete). {@code dst} must stay alive until the future completes.
     */
    public CompletableFuture<Integer> readAsync(long position, MemorySegment dst) throws IOException {
        checkArgs(position, dst, "dst");
        UringServerPoller poller = channel == null ? UringServerPoller.current() : null;
        if (poller == null) {
            try {
                return CompletableFuture.completedFuture(read(position, dst));
            } catch (IOException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
        UringOperation.Future op = new UringOperation.Future((sqe, ud) -> sqe.read(ud, fd, dst, position));
        acquire();
        poller.handOff(op.after(this::release));
        long size = dst.byteSize();
        return op.future.thenApply(res -> {
            try {
                return (int) check(res, "read", position, size);
            } catch (IOException e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
    }

    /**
     * Reads asynchronously and delivers {@code Completion(tag, result, null)} into {@code ring}: the raw result,
     * the byte count or {@code -errno}. Outside a worker of a ring group the read is made at once and delivered.
     * {@code dst} must stay alive until the completion arrives.
     */
    public void readAsync(long position, MemorySegment dst, CompletionRing<? super Completion<Integer>> ring,
            long tag) throws IOException {
        checkArgs(position, dst, "dst");
        UringServerPoller poller = channel == null ? UringServerPoller.current() : null;
        if (poller == null) {
            long res = channel != null ? fallbackIo(() -> channel.read(dst.asByteBuffer(), position))
                    : blockingCall(() -> LinuxCalls.pread(fd, dst, dst.byteSize(), position));
            ring.offer(new Completion<>(tag, (int) res, null));
            return;
        }
        acquire();
        poller.handOff(new UringOperation.Ringed((sqe, ud) -> sqe.read(ud, fd, dst, position), ring, tag)
                .after(this::release));
    }

    private interface IoCall {
        int run() throws IOException;
    }

    private interface SysCall {
        long run();
    }

    private static int fallbackIo(IoCall call) throws IOException {
        return ConcurrencyGroup.currentServer() != null ? ConcurrencyGroup.blocking(call::run) : call.run();
    }

    private static long blockingCall(SysCall call) {
        return ConcurrencyGroup.currentServer() != null ? ConcurrencyGroup.blocking(call::run) : call.run();
    }

    private long check(long res, String what, long position, long length) throws IOException {
        if (res >= 0) {
            return res;
        }
        int errno = (int) -res;
        throw new IOException(what + " of " + length + " bytes at " + position + " in " + path + " failed: errno "
                + errno + (errno == 22 && direct
                ? " (EINVAL with O_DIRECT: the buffer address, the position and the length must be multiples of"
                + " the device's logical block size, usually 512 or 4096)" : ""));
    }

    private void checkArgs(long position, MemorySegment buf, String name) throws IOException {
        ensureOpen();
        if (position < 0) {
            throw new IllegalArgumentException("position must be >= 0, got " + position);
        }
        if (!buf.isNative()) {
            throw new IllegalArgumentException(name + " must be native memory (Arena.allocate), not a heap segment:"
                    + " the kernel fills it while the worker is parked; use the ByteBuffer form for heap buffers");
        }
        if (buf.byteSize() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(name + " of " + buf.byteSize() + " bytes is larger than one I/O"
                    + " (2 GiB - 1)");
        }
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException(path + " is closed");
        }
    }

    /**
     * Closes the file. Operations already handed to a server finish and their workers get their results; the
     * descriptor is closed after the last of them. Later calls fail with "closed".
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        if (channel != null) {
            channel.close();
        } else {
            release(); // the file's own reference: the descriptor closes when the last operation is done
        }
    }
}
