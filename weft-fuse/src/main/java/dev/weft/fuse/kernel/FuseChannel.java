package dev.weft.fuse.kernel;

import dev.weft.fuse.proto.FuseKernelLayout;
import dev.weft.fuse.proto.LinuxErrno;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * One file descriptor of a FUSE connection: the one {@link FuseDevice#mount} opened, or a clone made with
 * {@link FuseDevice#cloneChannel()} ({@code FUSE_DEV_IOC_CLONE}). All channels of a connection read requests from
 * the same queue; a reply must be written to the channel its request was read from (each has its own list of
 * requests being processed).
 *
 * <p>{@link #read} returns one whole request per call or a negative errno: {@code -ENOENT} (the request was
 * interrupted before it was read: read again), {@code -EINTR} (read again), {@code -ENODEV} (the file system was
 * unmounted: stop). {@link #write} returns {@code -ENOENT} when the request's caller has gone (the reply is dropped,
 * which is not an error).
 */
public final class FuseChannel implements AutoCloseable {
    private final int fd;
    private final boolean owned;
    private final boolean nonBlocking;

    FuseChannel(int fd, boolean owned) {
        this(fd, owned, false);
    }

    private FuseChannel(int fd, boolean owned, boolean nonBlocking) {
        this.fd = fd;
        this.owned = owned;
        this.nonBlocking = nonBlocking;
    }

    /**
     * A channel over a descriptor the caller owns and keeps open, with {@code /dev/fuse}'s message semantics (one
     * request per read, one reply per write), e.g. one end of a {@code SOCK_SEQPACKET} socket pair in a test that
     * plays the kernel. {@link #close} leaves it open.
     */
    public static FuseChannel forDescriptor(int fd) {
        if (fd < 0) {
            throw new IllegalArgumentException("fd must be >= 0, got " + fd);
        }
        return new FuseChannel(fd, false);
    }

    /** Opens {@code /dev/fuse} anew and attaches it to the connection of {@code fuseFd}. */
    static FuseChannel cloneOf(int fuseFd, boolean nonBlocking) throws IOException {
        LibC.Result open = LibC.open("/dev/fuse",
                LibC.O_RDWR | LibC.O_CLOEXEC | (nonBlocking ? LibC.O_NONBLOCK : 0));
        if (open.failed()) {
            throw new IOException("cannot open /dev/fuse for a cloned channel: " + LibC.strerror(open.errno()));
        }
        int fd = (int) open.value();
        LibC.Result r = LibC.ioctlIntPointer(fd, FuseKernelLayout.FUSE_DEV_IOC_CLONE, fuseFd);
        if (r.failed()) {
            LibC.close(fd);
            throw new IOException("ioctl(FUSE_DEV_IOC_CLONE) failed: " + LibC.strerror(r.errno()));
        }
        return new FuseChannel(fd, true, nonBlocking);
    }

    /**
     * Whether {@link #read} returns {@code -EAGAIN} at once when no request is queued (the descriptor is
     * {@code O_NONBLOCK}); such a channel waits for a request with {@link #awaitReadable}.
     */
    /** The descriptor, e.g. for an io_uring command naming this connection. Closed with the channel. */
    public int descriptor() {
        return fd;
    }

    public boolean isNonBlocking() {
        return nonBlocking;
    }

    /** The size of the {@code struct pollfd} that {@link #awaitReadable} takes. */
    public static final long POLLFD_SIZE = 8;

    /**
     * Blocks until a request is queued (or the connection is gone): {@code poll(POLLIN)}.
     *
     * @param pollfd a caller-owned {@link #POLLFD_SIZE}-byte segment, reused across calls
     * @return a negative errno if poll failed (EINTR: call again), else 0
     */
    public int awaitReadable(MemorySegment callState, MemorySegment pollfd) {
        pollfd.set(JAVA_INT, 0, fd);
        pollfd.set(java.lang.foreign.ValueLayout.JAVA_SHORT, 4, LibC.POLLIN);
        pollfd.set(java.lang.foreign.ValueLayout.JAVA_SHORT, 6, (short) 0);
        int r = LibC.poll(callState, pollfd, -1);
        return r < 0 ? -LibC.errno(callState) : 0;
    }

    /**
     * Reads one request into {@code buf} (at least {@code max_write + 4096} bytes once INIT set a {@code max_write},
     * 8-byte aligned).
     *
     * @param callState a segment from {@link #newCallState}, owned by the calling thread
     * @return the request's length, or a negative errno (see the class comment)
     */
    public long read(MemorySegment callState, MemorySegment buf) {
        long n = LibC.read(callState, fd, buf, buf.byteSize());
        return n < 0 ? -LibC.errno(callState) : n;
    }

    /** Writes one reply of {@code length} bytes from {@code buf}; returns {@code length} or a negative errno. */
    public long write(MemorySegment callState, MemorySegment buf, long length) {
        long n = LibC.write(callState, fd, buf, length);
        return n < 0 ? -LibC.errno(callState) : n;
    }

    /** A call-state segment for {@link #read} and {@link #write}, allocated in {@code arena}. */
    public static MemorySegment newCallState(Arena arena) {
        return LibC.newCallState(arena);
    }

    /** Whether a read's result means the connection is gone for good (unmounted or aborted). */
    public static boolean isGone(long readResult) {
        return readResult == -LinuxErrno.ENODEV;
    }

    /**
     * Registers {@code backingFd} as a backing file of this connection ({@code FUSE_DEV_IOC_BACKING_OPEN}), for
     * passthrough I/O.
     *
     * @return the backing id (positive), or a negative errno
     */
    public int openBacking(int backingFd) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment map = a.allocate(FuseKernelLayout.FUSE_BACKING_MAP); // flags and padding zero
            map.set(JAVA_INT, 0, backingFd);
            LibC.Result r = LibC.ioctlPointer(fd, FuseKernelLayout.FUSE_DEV_IOC_BACKING_OPEN, map);
            return r.failed() ? -r.errno() : (int) r.value();
        }
    }

    /** Unregisters a backing id ({@code FUSE_DEV_IOC_BACKING_CLOSE}): 0, or a negative errno. */
    public int closeBacking(int backingId) {
        LibC.Result r = LibC.ioctlIntPointer(fd, FuseKernelLayout.FUSE_DEV_IOC_BACKING_CLOSE, backingId);
        return r.failed() ? -r.errno() : 0;
    }

    /** Closes a cloned descriptor; the mount's own descriptor is closed by {@link FuseDevice#close}. */
    @Override
    public void close() {
        if (owned) {
            LibC.close(fd);
        }
    }
}
