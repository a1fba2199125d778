package dev.weft.uring;

import dev.weft.ring.Completion;
import dev.weft.ring.CompletionRing;
import dev.weft.sched.ConcurrencyGroup;
import dev.weft.uring.kernel.LinuxCalls;
import dev.weft.uring.kernel.LinuxErrno;
import dev.weft.uring.kernel.StatxLayout;
import com.sun.nio.file.ExtendedOpenOption;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

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
 * <h2>Calls</h2>
 * Positional {@link #read(long, MemorySegment) read} and {@link #write(long, MemorySegment) write}, their vectored
 * forms ({@code preadv}/{@code pwritev} with up to 1024 buffers), {@link #sync}, {@link #fallocate} and
 * {@link #stat} ({@code statx}) all park a worker and go through its server's ring; {@link #readAsync} and
 * {@link #writeAsync} let the worker go on and complete a future or deliver into a {@link CompletionRing}.
 *
 * <h2>Registered files and buffers</h2>
 * {@link Option#REGISTERED} gives the file a slot in each server ring's file table ({@code IOSQE_FIXED_FILE}); a
 * group made with {@link UringServerPoller#groupBuilder(UringOptions)} and {@link UringOptions#registeredBuffers}
 * turns every read or write whose buffer lies inside one of those buffers into READ_FIXED or WRITE_FIXED. Neither
 * changes what the calls do, only what the kernel does per operation.
 *
 * <h2>Other callers and the fallback</h2>
 * A caller that is not a worker of such a group (a platform thread, another virtual thread) makes the system call
 * itself ({@code pread}, {@code preadv}, {@code fallocate}, ...), inside {@link ConcurrencyGroup#blocking} when it is
 * a worker of a group without rings, so a spare server stands in. When io_uring is unavailable here
 * ({@link IoUringAvailability}), the file is a {@link FileChannel} used the same way (plus a second descriptor for
 * {@code fallocate} and {@code statx}, which FileChannel lacks), and weft says so once on standard error, with the
 * cause; {@link UringServerPoller#groupBuilder()} then builds groups without rings, so the example above runs
 * unchanged, its calls going through the channel inside {@link ConcurrencyGroup#blocking}.
 *
 * <h2>Buffers</h2>
 * {@code MemorySegment} arguments must be native memory (the kernel reads or writes them while the worker is
 * parked); heap buffers go through the {@link ByteBuffer} forms, which copy through a native bounce buffer. With
 * {@code O_DIRECT} the buffer's address, the position and the length must be aligned as the file system says
 * ({@code statx} STATX_DIOALIGN, read when the file is opened; 512 assumed where it does not say): a call that is
 * not fails before it is submitted with an IllegalArgumentException naming the value and the alignment it needs.
 * What the kernel still refuses (a device whose blocks are larger than assumed) fails with an IOException that says
 * what to align.
 */
public final class UringFile implements AutoCloseable {
    /** How the file is opened. */
    public enum Mode {
        /** {@code O_RDONLY}: an existing file, for reading (ENOENT when it is missing). */
        READ,
        /** {@code O_RDWR}: an existing file, for reading and writing (ENOENT when it is missing). */
        READ_WRITE,
        /** {@code O_RDWR | O_CREAT}: the file, created (mode 0644) when it is missing. */
        CREATE_READ_WRITE
    }

    /** How the file is opened, beyond its {@link Mode}. */
    public enum Option {
        /** {@code O_DIRECT}: bypass the page cache (aligned buffers, positions and lengths only). */
        DIRECT,
        /**
         * Each server ring that runs an operation on the file registers it in its file table once (a slot of
         * {@link UringOptions#fileSlots}); later SQEs name it by slot ({@code IOSQE_FIXED_FILE}), which spares the
         * kernel a descriptor lookup and a reference count per operation. Worth it for a file many operations use.
         */
        REGISTERED
    }

    /** {@code fallocate} mode 0: allocate the range, growing the file if it ends past the end. */
    public static final int FALLOC_ALLOCATE = 0;
    /** {@code FALLOC_FL_KEEP_SIZE}: allocate without changing the file size. */
    public static final int FALLOC_FL_KEEP_SIZE = 0x01;
    /** {@code FALLOC_FL_PUNCH_HOLE}: deallocate the range (with {@link #FALLOC_FL_KEEP_SIZE}, as the kernel asks). */
    public static final int FALLOC_FL_PUNCH_HOLE = 0x02;
    /** {@code FALLOC_FL_ZERO_RANGE}: make the range read as zeros. */
    public static final int FALLOC_FL_ZERO_RANGE = 0x10;

    /**
     * What {@link #stat()} reports, from {@code statx}.
     *
     * @param size             the file size in bytes
     * @param allocatedBytes   bytes allocated on the device ({@code stx_blocks × 512})
     * @param blockSize        the preferred I/O size
     * @param modified         the last modification time
     * @param directIoAlignment the alignment O_DIRECT needs for buffers, positions and lengths on this file, or 0
     *                          when the file system does not say ({@code STATX_DIOALIGN}, 6.1)
     */
    public record Stat(long size, long allocatedBytes, int blockSize, Instant modified, int directIoAlignment) {
    }

    private static final int UIO_MAXIOV = Sqe.UIO_MAXIOV;

    private final Path path;
    private final FileIo io;
    /** What O_DIRECT asks of this file's buffers, positions and lengths; null without O_DIRECT. */
    private final DirectIoAlignment directAlignment;
    private volatile boolean closed;

    private UringFile(Path path, FileIo io, DirectIoAlignment directAlignment) {
        this.path = path;
        this.io = io;
        this.directAlignment = directAlignment;
    }

    /** The file on {@code io}; with {@code direct}, once its O_DIRECT alignment is read (io closed if that fails). */
    private static UringFile on(Path path, FileIo io, boolean direct) throws IOException {
        if (!direct) {
            return new UringFile(path, io, null);
        }
        try {
            return new UringFile(path, io, DirectIoAlignment.of(io));
        } catch (IOException | RuntimeException e) {
            try {
                io.close();
            } catch (IOException | RuntimeException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    /**
     * Opens {@code path}.
     *
     * @param direct {@code O_DIRECT}: bypass the page cache (aligned buffers, positions and lengths only)
     */
    public static UringFile open(Path path, Mode mode, boolean direct) throws IOException {
        return direct ? open(path, mode, Option.DIRECT) : open(path, mode);
    }

    /**
     * Opens {@code path} with {@code options}. On a worker of a ring group the open itself goes through the ring
     * ({@code IORING_OP_OPENAT}) and parks the worker; elsewhere it is {@code open(2)}.
     */
    public static UringFile open(Path path, Mode mode, Option... options) throws IOException {
        Set<Option> opts = options.length == 0 ? EnumSet.noneOf(Option.class) : EnumSet.copyOf(Arrays.asList(options));
        boolean direct = opts.contains(Option.DIRECT);
        if (!IoUringAvailability.isAvailable()) {
            return openFallback(path, mode, direct, IoUringAvailability.unavailabilityCause().orElse("unknown"));
        }
        int fd = openDescriptor(path, mode, direct);
        return on(path, new RingFile(path.toString(), fd, opts.contains(Option.REGISTERED)), direct);
    }

    private static int openDescriptor(Path path, Mode mode, boolean direct) throws IOException {
        int flags = LinuxCalls.O_CLOEXEC | switch (mode) {
            case READ -> LinuxCalls.O_RDONLY;
            case READ_WRITE -> LinuxCalls.O_RDWR;
            case CREATE_READ_WRITE -> LinuxCalls.O_RDWR | LinuxCalls.O_CREAT;
        } | (direct ? LinuxCalls.O_DIRECT : 0);
        int fd;
        try (Arena a = Arena.ofShared()) { // shared: the server thread checks the path's terminator
            MemorySegment name = a.allocateFrom(path.toString());
            UringServerPoller poller = UringServerPoller.current();
            if (poller != null) { // a worker of a ring group: IORING_OP_OPENAT, the worker parks
                fd = UringOperation.Parking.handOffAndAwait(poller,
                        (p, sqe, ud) -> sqe.openat(ud, LinuxCalls.AT_FDCWD, name, flags, 0644));
            } else {
                fd = ConcurrencyGroup.blocking(() -> LinuxCalls.open(name, flags, 0644));
            }
        }
        if (fd < 0) {
            throw new IOException("cannot open " + path + ": " + LinuxErrno.name(fd)
                    + (direct && fd == -LinuxErrno.EINVAL
                    ? " (this file system does not support O_DIRECT, e.g. tmpfs)" : ""));
        }
        return fd;
    }

    /** A file on {@link FileChannel}, as when io_uring is unavailable; {@code cause} is reported once. */
    static UringFile openFallback(Path path, Mode mode, boolean direct, String cause) throws IOException {
        IoUringAvailability.reportFallbackOnce(cause);
        // FileChannel has no fallocate and no statx: a descriptor for those two, opened first, and the channel
        // opened through it (/proc/self/fd/N names the open file, not the path): both are the same file even if
        // the path is renamed or replaced in between
        int fd = openDescriptor(path, mode, false);
        List<OpenOption> o = new ArrayList<>(List.of(StandardOpenOption.READ));
        if (mode != Mode.READ) {
            o.add(StandardOpenOption.WRITE);
        }
        if (direct) {
            o.add(ExtendedOpenOption.DIRECT);
        }
        FileChannel ch;
        try {
            ch = FileChannel.open(Path.of("/proc/self/fd/" + fd), o.toArray(OpenOption[]::new));
        } catch (IOException | RuntimeException e) {
            LinuxCalls.close(fd);
            throw e;
        }
        return on(path, new ChannelFile(ch, fd), direct);
    }

    /** Whether this file goes through io_uring (false: the FileChannel fallback). */
    public boolean usesIoUring() {
        return io.usesIoUring();
    }

    /**
     * Reads up to {@code dst.byteSize()} bytes at {@code position} into {@code dst} (native memory).
     *
     * @return the byte count, 0 at end of file
     */
    public int read(long position, MemorySegment dst) throws IOException {
        checkArgs(position, dst, "dst");
        return (int) check(io.read(position, dst), "read", position, dst.byteSize());
    }

    /** Writes {@code src} (native memory) at {@code position}; returns the byte count written. */
    public int write(long position, MemorySegment src) throws IOException {
        checkArgs(position, src, "src");
        return (int) check(io.write(position, src), "write", position, src.byteSize());
    }

    /**
     * Reads at {@code position} into {@code dsts} in order, in one operation ({@code preadv}): the byte count,
     * less than their total at end of file. At most 1024 buffers ({@code UIO_MAXIOV}).
     */
    public long read(long position, MemorySegment... dsts) throws IOException {
        long total = checkVector(position, dsts, "dsts");
        return check(io.readv(position, dsts), "readv", position, total);
    }

    /** Writes {@code srcs} in order at {@code position}, in one operation ({@code pwritev}): the byte count. */
    public long write(long position, MemorySegment... srcs) throws IOException {
        long total = checkVector(position, srcs, "srcs");
        return check(io.writev(position, srcs), "writev", position, total);
    }

    /** {@link #read(long, MemorySegment)} into any ByteBuffer (heap buffers through a native bounce buffer). */
    public int read(long position, ByteBuffer dst) throws IOException {
        if (dst.isDirect()) {
            int n = read(position, MemorySegment.ofBuffer(dst));
            dst.position(dst.position() + n);
            return n;
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment bounce = a.allocate(dst.remaining(), bounceAlignment());
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
            MemorySegment bounce = a.allocate(src.remaining(), bounceAlignment());
            bounce.copyFrom(MemorySegment.ofBuffer(src));
            int n = write(position, bounce);
            src.position(src.position() + n);
            return n;
        }
    }

    /** The alignment of a native copy of a heap buffer: what O_DIRECT asks of addresses, at least a page. */
    private long bounceAlignment() {
        return directAlignment == null ? 8 : Math.max(4096, directAlignment.memory());
    }

    /** {@code fsync} ({@code dataOnly}: {@code fdatasync}). */
    public void sync(boolean dataOnly) throws IOException {
        ensureOpen();
        check(io.sync(dataOnly), dataOnly ? "fdatasync" : "fsync", 0, 0);
    }

    /**
     * {@code fallocate(mode, position, length)}: {@link #FALLOC_ALLOCATE}, or {@link #FALLOC_FL_KEEP_SIZE},
     * {@link #FALLOC_FL_PUNCH_HOLE} and {@link #FALLOC_FL_ZERO_RANGE} combined as {@code fallocate(2)} allows
     * (EOPNOTSUPP where the file system does not).
     */
    public void fallocate(int mode, long position, long length) throws IOException {
        ensureOpen();
        if ((mode & ~(FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE | FALLOC_FL_ZERO_RANGE)) != 0) {
            throw new IllegalArgumentException("mode 0x" + Integer.toHexString(mode) + " has bits other than"
                    + " FALLOC_FL_KEEP_SIZE, FALLOC_FL_PUNCH_HOLE and FALLOC_FL_ZERO_RANGE");
        }
        if (position < 0 || length <= 0) {
            throw new IllegalArgumentException("position " + position + " and length " + length + ": the position"
                    + " must be >= 0 and the length > 0");
        }
        long res = io.fallocate(mode, position, length);
        if (res < 0) {
            throw new IOException("fallocate(mode 0x" + Integer.toHexString(mode) + ") of " + length + " bytes at "
                    + position + " in " + path + " failed: " + LinuxErrno.name((int) res)
                    + (res == -LinuxErrno.EOPNOTSUPP ? " (the file system does not support this mode)" : ""));
        }
    }

    /** The file's size, allocation, preferred I/O size, modification time and O_DIRECT alignment ({@code statx}). */
    public Stat stat() throws IOException {
        ensureOpen();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(StatxLayout.STATX);
            check(io.statx(StatxLayout.STATX_BASIC_STATS | StatxLayout.STATX_DIOALIGN, buf), "statx", 0, 0);
            boolean dio = (StatxLayout.mask(buf) & StatxLayout.STATX_DIOALIGN) != 0;
            return new Stat(StatxLayout.size(buf), StatxLayout.blocks(buf) * 512, StatxLayout.blockSize(buf),
                    Instant.ofEpochSecond(StatxLayout.mtimeSeconds(buf), StatxLayout.mtimeNanos(buf)),
                    dio ? Math.max(StatxLayout.dioMemAlign(buf), StatxLayout.dioOffsetAlign(buf)) : 0);
        }
    }

    /** The file's size in bytes ({@code statx}). */
    public long size() throws IOException {
        return stat().size();
    }

    /**
     * Reads asynchronously: the future completes with the byte count, or with an IOException. On a worker of a
     * ring group the read goes to its server's ring and the worker goes on; elsewhere it is made at once (the
     * future is then already complete). {@code dst} must stay alive until the future completes.
     */
    public CompletableFuture<Integer> readAsync(long position, MemorySegment dst) throws IOException {
        return async(false, position, dst);
    }

    /** {@link #readAsync(long, MemorySegment)}'s twin: writes {@code src} at {@code position}. */
    public CompletableFuture<Integer> writeAsync(long position, MemorySegment src) throws IOException {
        return async(true, position, src);
    }

    private CompletableFuture<Integer> async(boolean write, long position, MemorySegment buf) throws IOException {
        checkArgs(position, buf, write ? "src" : "dst");
        String what = write ? "write" : "read";
        long size = buf.byteSize();
        UringOperation.Future op = io.submitAsync(write, position, buf, UringOperation.Future::new);
        if (op == null) { // not a worker of a ring group: the call now (the arguments are checked already)
            try {
                long res = write ? io.write(position, buf) : io.read(position, buf);
                return CompletableFuture.completedFuture((int) check(res, what, position, size));
            } catch (IOException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
        return op.future.thenApply(res -> {
            try {
                return (int) check(res, what, position, size);
            } catch (IOException e) {
                throw new CompletionException(e);
            }
        });
    }

    /**
     * Reads asynchronously and delivers {@code Completion(tag, result, null)} into {@code ring}: the raw result,
     * the byte count or {@code -errno}; or {@code Completion(tag, null, failure)} when the read could not be made
     * (its server stopped, or the FileChannel of the fallback threw). Outside a worker of a ring group the read is
     * made at once and delivered. {@code dst} must stay alive until the completion arrives.
     *
     * @throws IOException only when the file is already closed
     */
    public void readAsync(long position, MemorySegment dst, CompletionRing<? super Completion<Integer>> ring,
            long tag) throws IOException {
        async(false, position, dst, ring, tag);
    }

    /** {@link #readAsync(long, MemorySegment, CompletionRing, long)}'s twin: writes {@code src} at {@code position}. */
    public void writeAsync(long position, MemorySegment src, CompletionRing<? super Completion<Integer>> ring,
            long tag) throws IOException {
        async(true, position, src, ring, tag);
    }

    private void async(boolean write, long position, MemorySegment buf,
            CompletionRing<? super Completion<Integer>> ring, long tag) throws IOException {
        checkArgs(position, buf, write ? "src" : "dst");
        Objects.requireNonNull(ring, "ring");
        if (io.submitAsync(write, position, buf, p -> new UringOperation.Ringed(p, ring, tag)) == null) {
            Completion<Integer> done;
            try {
                done = Completion.success(tag, (int) (write ? io.write(position, buf) : io.read(position, buf)));
            } catch (IOException e) { // the fallback's channel throws where a system call returns -errno
                done = Completion.failure(tag, e);
            }
            ring.offer(done);
        }
    }

    private long check(long res, String what, long position, long length) throws IOException {
        if (res >= 0) {
            return res;
        }
        int errno = (int) -res;
        throw new IOException(what + " of " + length + " bytes at " + position + " in " + path + " failed: "
                + LinuxErrno.name((int) res) + (errno == LinuxErrno.EINVAL && directAlignment != null
                ? " (EINVAL with O_DIRECT: the buffer address, the position and the length must be multiples of"
                + " the device's logical block size, usually 512 or 4096; stat().directIoAlignment() says which)"
                : ""));
    }

    private void checkArgs(long position, MemorySegment buf, String name) throws IOException {
        ensureOpen();
        if (position < 0) {
            throw new IllegalArgumentException("position must be >= 0, got " + position);
        }
        Objects.requireNonNull(buf, name);
        if (!buf.isNative()) {
            throw new IllegalArgumentException(name + " must be native memory (Arena.allocate), not a heap segment:"
                    + " the kernel fills it while the worker is parked; use the ByteBuffer form for heap buffers");
        }
        if (buf.byteSize() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(name + " of " + buf.byteSize() + " bytes is larger than one I/O"
                    + " (2 GiB - 1)");
        }
        if (directAlignment != null) {
            directAlignment.check(position, buf, name);
        }
    }

    /** Checks each buffer and the count; returns their total size. */
    private long checkVector(long position, MemorySegment[] bufs, String name) throws IOException {
        Objects.requireNonNull(bufs, name);
        if (bufs.length == 0 || bufs.length > UIO_MAXIOV) {
            throw new IllegalArgumentException(name + " has " + bufs.length + " buffers: pass 1 to " + UIO_MAXIOV
                    + " (UIO_MAXIOV)");
        }
        long total = 0;
        for (int i = 0; i < bufs.length; i++) {
            checkArgs(position, bufs[i], name + "[" + i + "]");
            total += bufs[i].byteSize();
        }
        if (total > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(name + " hold " + total + " bytes, more than one I/O (2 GiB - 1)");
        }
        return total;
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
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        io.close();
    }
}
