package dev.weft.uring;

import dev.weft.uring.kernel.IoUringConstants;
import dev.weft.uring.kernel.IoUringLayout;
import dev.weft.uring.kernel.IoUringOpcode;
import dev.weft.uring.kernel.LinuxCalls;
import dev.weft.uring.kernel.StatxLayout;
import dev.weft.uring.kernel.SubmissionQueue;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

import static dev.weft.uring.kernel.IoUringLayout.SQE_ADDR;
import static dev.weft.uring.kernel.IoUringLayout.SQE_BUF_INDEX;
import static dev.weft.uring.kernel.IoUringLayout.SQE_FD;
import static dev.weft.uring.kernel.IoUringLayout.SQE_FILE_INDEX;
import static dev.weft.uring.kernel.IoUringLayout.SQE_FLAGS;
import static dev.weft.uring.kernel.IoUringLayout.SQE_LEN;
import static dev.weft.uring.kernel.IoUringLayout.SQE_OFF;
import static dev.weft.uring.kernel.IoUringLayout.SQE_OPCODE;
import static dev.weft.uring.kernel.IoUringLayout.SQE_OP_FLAGS;
import static dev.weft.uring.kernel.IoUringLayout.SQE_USER_DATA;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * Writes SQEs into one ring's submission queue: each <em>preparer</em> ({@link #read}, {@link #openat}, ...) fills
 * the next free SQE as the liburing {@code io_uring_prep_*} function of the same name does, and the <em>options</em>
 * ({@link #link()}, {@link #fixedFile()}) then change the SQE prepared last. The SQEs reach the kernel at the ring's
 * next {@link IoUring#submit()}. Get it from {@link IoUring#sqe()}; owner thread only.
 * <pre>{@code
 * ring.sqe().write(1, fd, buffer, 0).link();
 * ring.sqe().fsync(2, fd);
 * ring.submitAndWait(2);
 * }</pre>
 *
 * <h2>Arguments</h2>
 * {@code userData} comes back unchanged in the CQE; any value but {@link IoUring#WAKEUP_USER_DATA}. Every pointer
 * argument (buffers, iovec arrays, paths, the statx buffer) must be a <em>native</em> segment that stays allocated
 * until the operation's CQE has been reaped: the kernel reads and writes it after the preparer, and the submit, have
 * returned. A preparer checks every argument before it takes an SQE, so a rejected call leaves the queue as it was;
 * the exception names the argument, what was expected and what to do.
 *
 * <h2>File offsets</h2>
 * {@code fileOffset} is a byte offset, or -1 for the file's current position (which the operation then advances),
 * as {@code IORING_FEAT_RW_CUR_POS} (5.6) defines it.
 */
public final class Sqe {
    /** {@code UIO_MAXIOV} (include/uapi/linux/uio.h): the most iovecs one readv/writev takes. */
    public static final int UIO_MAXIOV = 1024;

    private final IoUring ring;
    private final SubmissionQueue sq;
    private final MemorySegment sqes;

    Sqe(IoUring ring, SubmissionQueue sq) {
        this.ring = ring;
        this.sq = sq;
        this.sqes = sq.sqes();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Preparers
    // ---------------------------------------------------------------------------------------------------------

    /** {@code IORING_OP_NOP}: completes with res 0 and does nothing. */
    public Sqe nop(long userData) {
        ring.checkOwnerOpen();
        checkUserData(userData);
        fill(IoUringOpcode.IORING_OP_NOP, userData, -1, 0, 0, 0, 0);
        return this;
    }

    /** {@code IORING_OP_READ} of {@code buffer.byteSize()} bytes at {@code fileOffset} into {@code buffer}. */
    public Sqe read(long userData, int fd, MemorySegment buffer, long fileOffset) {
        return read(userData, fd, buffer, wholeLength(buffer, "buffer"), fileOffset);
    }

    /** {@code IORING_OP_READ} of {@code length} bytes at {@code fileOffset} into the start of {@code buffer}. */
    public Sqe read(long userData, int fd, MemorySegment buffer, int length, long fileOffset) {
        return transfer(IoUringOpcode.IORING_OP_READ, userData, fd, buffer, length, fileOffset);
    }

    /** {@code IORING_OP_WRITE} of all of {@code buffer} at {@code fileOffset}. */
    public Sqe write(long userData, int fd, MemorySegment buffer, long fileOffset) {
        return write(userData, fd, buffer, wholeLength(buffer, "buffer"), fileOffset);
    }

    /** {@code IORING_OP_WRITE} of the first {@code length} bytes of {@code buffer} at {@code fileOffset}. */
    public Sqe write(long userData, int fd, MemorySegment buffer, int length, long fileOffset) {
        return transfer(IoUringOpcode.IORING_OP_WRITE, userData, fd, buffer, length, fileOffset);
    }

    /**
     * {@code IORING_OP_READV}: reads at {@code fileOffset} into the {@code iovecCount} buffers that
     * {@code iovecs} describes ({@code struct iovec[]}, {@link IoUringLayout#IOVEC}; fill it with
     * {@link IoUringLayout#setIovec}).
     */
    public Sqe readv(long userData, int fd, MemorySegment iovecs, int iovecCount, long fileOffset) {
        return vectored(IoUringOpcode.IORING_OP_READV, userData, fd, iovecs, iovecCount, fileOffset);
    }

    /** {@code IORING_OP_WRITEV}: writes the {@code iovecCount} buffers of {@code iovecs} at {@code fileOffset}. */
    public Sqe writev(long userData, int fd, MemorySegment iovecs, int iovecCount, long fileOffset) {
        return vectored(IoUringOpcode.IORING_OP_WRITEV, userData, fd, iovecs, iovecCount, fileOffset);
    }

    /**
     * {@code IORING_OP_READ_FIXED}: a read into {@code buffer}, which must lie inside the buffer registered at
     * {@code bufferIndex} ({@link IoUring#registerBuffers}); the kernel skips pinning the pages.
     */
    public Sqe readFixed(long userData, int fd, MemorySegment buffer, long fileOffset, int bufferIndex) {
        return fixedTransfer(IoUringOpcode.IORING_OP_READ_FIXED, userData, fd, buffer, fileOffset, bufferIndex);
    }

    /** {@code IORING_OP_WRITE_FIXED}: a write of {@code buffer}, inside registered buffer {@code bufferIndex}. */
    public Sqe writeFixed(long userData, int fd, MemorySegment buffer, long fileOffset, int bufferIndex) {
        return fixedTransfer(IoUringOpcode.IORING_OP_WRITE_FIXED, userData, fd, buffer, fileOffset, bufferIndex);
    }

    /** {@code IORING_OP_FSYNC}: {@code fsync(fd)}. */
    public Sqe fsync(long userData, int fd) {
        return onFd(IoUringOpcode.IORING_OP_FSYNC, userData, fd, 0);
    }

    /** {@code IORING_OP_FSYNC} with {@code IORING_FSYNC_DATASYNC}: {@code fdatasync(fd)}. */
    public Sqe fdatasync(long userData, int fd) {
        return onFd(IoUringOpcode.IORING_OP_FSYNC, userData, fd, IoUringConstants.IORING_FSYNC_DATASYNC);
    }

    /**
     * {@code IORING_OP_OPENAT}: {@code openat(dirfd, path, flags, mode)}; the CQE's res is the new fd.
     * {@code dirfd} is a directory fd or {@link LinuxCalls#AT_FDCWD}; {@code path} a NUL-terminated native string
     * ({@code arena.allocateFrom(String)}).
     */
    public Sqe openat(long userData, int dirfd, MemorySegment path, int flags, int mode) {
        ring.checkOwnerOpen();
        checkUserData(userData);
        checkDirfd(dirfd);
        checkPath(path);
        checkMode(mode);
        fill(IoUringOpcode.IORING_OP_OPENAT, userData, dirfd, 0, path.address(), mode, flags);
        return this;
    }

    /**
     * {@code IORING_OP_OPENAT} into slot {@code fileSlot} of the registered file table (a "direct descriptor",
     * 5.15) instead of a new fd; the CQE's res is 0. Later SQEs of the same chain can use the file at once with
     * {@link #fixedFile()}, which is how openat → read → close runs as one linked chain.
     */
    public Sqe openatDirect(long userData, int dirfd, MemorySegment path, int flags, int mode, int fileSlot) {
        ring.checkOwnerOpen();
        checkUserData(userData);
        checkDirfd(dirfd);
        checkPath(path);
        checkMode(mode);
        checkFileSlot(fileSlot, "fileSlot");
        long sqe = fill(IoUringOpcode.IORING_OP_OPENAT, userData, dirfd, 0, path.address(), mode, flags);
        SQE_FILE_INDEX.set(sqes, sqe, fileSlot + 1);
        return this;
    }

    /**
     * {@code IORING_OP_ASYNC_CANCEL} of the request whose {@code user_data} is {@code target}: completes with 0 when
     * it was cancelled (that request then completes with {@code -ECANCELED}), {@code -ENOENT} when no such request is
     * in flight, {@code -EALREADY} when it is running and cannot be stopped (it completes on its own).
     */
    public Sqe cancel(long userData, long target) {
        ring.checkOwnerOpen();
        checkUserData(userData);
        fill(IoUringOpcode.IORING_OP_ASYNC_CANCEL, userData, -1, 0, target, 0, 0);
        return this;
    }

    /**
     * {@code IORING_OP_ASYNC_CANCEL} with {@code IORING_ASYNC_CANCEL_ANY} (5.19): cancels every request of this
     * ring; completes with how many it cancelled, or {@code -ENOENT} when there was none ({@code -EINVAL} before
     * 5.19). Requests already running complete on their own.
     */
    public Sqe cancelAll(long userData) {
        ring.checkOwnerOpen();
        checkUserData(userData);
        fill(IoUringOpcode.IORING_OP_ASYNC_CANCEL, userData, -1, 0, 0, 0, IoUringConstants.IORING_ASYNC_CANCEL_ANY);
        return this;
    }

    /** {@code IORING_OP_CLOSE}: {@code close(fd)}. */
    public Sqe close(long userData, int fd) {
        return onFd(IoUringOpcode.IORING_OP_CLOSE, userData, fd, 0);
    }

    /** {@code IORING_OP_CLOSE} of slot {@code fileSlot} of the registered file table (5.15). */
    public Sqe closeDirect(long userData, int fileSlot) {
        ring.checkOwnerOpen();
        checkUserData(userData);
        checkFileSlot(fileSlot, "fileSlot");
        long sqe = fill(IoUringOpcode.IORING_OP_CLOSE, userData, 0, 0, 0, 0, 0);
        SQE_FILE_INDEX.set(sqes, sqe, fileSlot + 1);
        return this;
    }

    /**
     * {@code IORING_OP_STATX}: {@code statx(dirfd, path, flags, mask, statxBuffer)}; {@code statxBuffer} is a native
     * {@code struct statx} ({@link StatxLayout#STATX}) that the kernel fills.
     */
    public Sqe statx(long userData, int dirfd, MemorySegment path, int flags, int mask, MemorySegment statxBuffer) {
        ring.checkOwnerOpen();
        checkUserData(userData);
        checkDirfd(dirfd);
        checkPath(path);
        Objects.requireNonNull(statxBuffer, "statxBuffer");
        requireNative(statxBuffer, "statxBuffer");
        if (statxBuffer.byteSize() < StatxLayout.STATX.byteSize()) {
            throw new IllegalArgumentException("statxBuffer is " + statxBuffer.byteSize() + " bytes but struct statx"
                    + " needs " + StatxLayout.STATX.byteSize() + ": allocate it with arena.allocate(StatxLayout.STATX)");
        }
        long sqe = fill(IoUringOpcode.IORING_OP_STATX, userData, dirfd, 0, path.address(), mask, flags);
        SQE_OFF.set(sqes, sqe, statxBuffer.address()); // addr2: the statx buffer
        return this;
    }

    /** {@code IORING_OP_FALLOCATE}: {@code fallocate(fd, mode, offset, length)}. */
    public Sqe fallocate(long userData, int fd, int mode, long offset, long length) {
        ring.checkOwnerOpen();
        checkUserData(userData);
        checkFd(fd, "fd");
        if (offset < 0) {
            throw new IllegalArgumentException("offset " + offset + " is negative: pass the byte offset where the"
                    + " range starts");
        }
        if (length <= 0) {
            throw new IllegalArgumentException("length " + length + " is not positive: pass the number of bytes to"
                    + " allocate (the kernel answers EINVAL to 0)");
        }
        // liburing io_uring_prep_fallocate: mode in len, offset in off, length in addr.
        fill(IoUringOpcode.IORING_OP_FALLOCATE, userData, fd, offset, length, mode, 0);
        return this;
    }

    /**
     * {@code IORING_OP_URING_CMD}: command {@code cmdOp} to the driver behind {@code fd} (liburing
     * {@code io_uring_prep_uring_cmd}), with {@code addr} and {@code len} in the SQE's {@code addr} and {@code len}
     * (what they mean is the driver's: FUSE passes an iovec array and its length) and {@code cmd} copied into the
     * SQE's command area: up to 16 bytes, or 80 on a ring set up with {@code IORING_SETUP_SQE128}.
     */
    public Sqe uringCmd(long userData, int fd, int cmdOp, MemorySegment addr, int len, MemorySegment cmd) {
        ring.checkOwnerOpen();
        checkUserData(userData);
        checkFd(fd, "fd");
        requireNative(addr, "addr");
        long room = IoUringLayout.sqeSize(ring.setupFlags()) - IoUringLayout.SQE_CMD_OFFSET;
        if (cmd.byteSize() > room) {
            throw new IllegalArgumentException("cmd of " + cmd.byteSize() + " bytes does not fit the SQE's command"
                    + " area of " + room + " bytes" + ((ring.setupFlags() & IoUringConstants.IORING_SETUP_SQE128) == 0
                    ? ": open the ring with IORING_SETUP_SQE128 (IoUring.attemptsWith)" : ""));
        }
        if (len < 0) {
            throw new IllegalArgumentException("len " + len + " is negative");
        }
        long sqe = fill(IoUringOpcode.IORING_OP_URING_CMD, userData, fd, 0, addr.address(), len, 0);
        sqes.set(java.lang.foreign.ValueLayout.JAVA_INT, sqe + IoUringLayout.SQE_CMD_OP_OFFSET, cmdOp);
        MemorySegment.copy(cmd, 0, sqes, sqe + IoUringLayout.SQE_CMD_OFFSET, cmd.byteSize());
        return this;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Options of the SQE prepared last
    // ---------------------------------------------------------------------------------------------------------

    /**
     * {@code IOSQE_IO_LINK}: the next SQE starts only after this one completes successfully; if this one fails
     * (or, for a read or write, transfers fewer bytes than asked), the rest of the chain completes with
     * {@code -ECANCELED}. The chain ends at the first SQE without the flag, or at the end of the submission.
     */
    public Sqe link() {
        long sqe = lastPrepared("link()");
        SQE_FLAGS.set(sqes, sqe, (byte) ((byte) SQE_FLAGS.get(sqes, sqe) | IoUringConstants.IOSQE_IO_LINK));
        return this;
    }

    /**
     * {@code IOSQE_FIXED_FILE}: the SQE's fd is an index into the registered file table
     * ({@link IoUring#registerFiles}), which saves the kernel the fd lookup. Not for openat, close and statx, which
     * name their files differently ({@link #openatDirect}, {@link #closeDirect}).
     */
    public Sqe fixedFile() {
        long sqe = lastPrepared("fixedFile()");
        int opcode = Byte.toUnsignedInt((byte) SQE_OPCODE.get(sqes, sqe));
        if (opcode == IoUringOpcode.IORING_OP_OPENAT || opcode == IoUringOpcode.IORING_OP_CLOSE
                || opcode == IoUringOpcode.IORING_OP_STATX || opcode == IoUringOpcode.IORING_OP_NOP) {
            throw new IllegalStateException("fixedFile() does not apply to " + IoUringOpcode.name(opcode) + ": use"
                    + " openatDirect/closeDirect for registered file slots");
        }
        int fd = (int) SQE_FD.get(sqes, sqe);
        if (fd >= ring.registeredFiles()) {
            throw new IllegalStateException("fixedFile(): fd " + fd + " of the " + IoUringOpcode.name(opcode)
                    + " SQE is not an index of the registered file table, which has " + ring.registeredFiles()
                    + " slots: register the file with IoUring.registerFiles first");
        }
        SQE_FLAGS.set(sqes, sqe, (byte) ((byte) SQE_FLAGS.get(sqes, sqe) | IoUringConstants.IOSQE_FIXED_FILE));
        return this;
    }

    // ---------------------------------------------------------------------------------------------------------
    // For IoUring
    // ---------------------------------------------------------------------------------------------------------

    /** Queues the ring's own eventfd read; uses the SQE slot kept free for it. */
    void prepareWakeupRead(int eventFd, MemorySegment buffer) {
        long sqe = sq.claim();
        write(sqe, IoUringOpcode.IORING_OP_READ, IoUring.WAKEUP_USER_DATA, eventFd, 0, buffer.address(),
                (int) buffer.byteSize(), 0);
    }

    /** Clears {@code IOSQE_IO_LINK} on the SQE prepared last (unpublished): a chain cut short ends there. */
    void unlinkLast() {
        long sqe = lastPrepared("unlinkLast()");
        SQE_FLAGS.set(sqes, sqe, (byte) ((byte) SQE_FLAGS.get(sqes, sqe) & ~IoUringConstants.IOSQE_IO_LINK));
    }

    /** Rewrites the SQE prepared last (unpublished) as a NOP with no flags, keeping its user_data. */
    void turnLastIntoNop() {
        long sqe = lastPrepared("turnLastIntoNop()");
        write(sqe, IoUringOpcode.IORING_OP_NOP, (long) SQE_USER_DATA.get(sqes, sqe), -1, 0, 0, 0, 0);
        SQE_FLAGS.set(sqes, sqe, (byte) 0);
    }

    /** True when the SQE prepared last is unpublished and links to the next one. */
    boolean lastUnpublishedIsLinked() {
        long sqe = sq.lastUnpublished();
        return sqe >= 0 && ((byte) SQE_FLAGS.get(sqes, sqe) & IoUringConstants.IOSQE_IO_LINK) != 0;
    }

    static void requireNative(MemorySegment segment, String name) {
        if (!segment.isNative()) {
            throw new IllegalArgumentException(name + " is a heap segment (" + segment + "): the kernel reads and"
                    + " writes it after the call returns, so it must be native memory that does not move; allocate it"
                    + " from an Arena (arena.allocate(size, alignment))");
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Filling and checking
    // ---------------------------------------------------------------------------------------------------------

    /** Takes a free SQE and fills the fields every preparer sets (io_uring_prep_rw); returns its base offset. */
    /** READ or WRITE of {@code length} bytes of {@code buffer}: the checks both share, then the SQE. */
    private Sqe transfer(int opcode, long userData, int fd, MemorySegment buffer, int length, long fileOffset) {
        ring.checkOwnerOpen();
        checkUserData(userData);
        checkFd(fd, "fd");
        checkBuffer(buffer, length, "buffer");
        checkFileOffset(fileOffset);
        fill(opcode, userData, fd, fileOffset, buffer.address(), length, 0);
        return this;
    }

    /** An operation that names only its file (fsync, fdatasync, close), with the per-opcode flags {@code opFlags}. */
    private Sqe onFd(int opcode, long userData, int fd, int opFlags) {
        ring.checkOwnerOpen();
        checkUserData(userData);
        checkFd(fd, "fd");
        fill(opcode, userData, fd, 0, 0, 0, opFlags);
        return this;
    }

    /** READV or WRITEV of {@code iovecCount} iovecs. */
    private Sqe vectored(int opcode, long userData, int fd, MemorySegment iovecs, int iovecCount, long fileOffset) {
        ring.checkOwnerOpen();
        checkUserData(userData);
        checkFd(fd, "fd");
        checkIovecs(iovecs, iovecCount);
        checkFileOffset(fileOffset);
        fill(opcode, userData, fd, fileOffset, iovecs.address(), iovecCount, 0);
        return this;
    }

    /** READ_FIXED or WRITE_FIXED of all of {@code buffer}, inside registered buffer {@code bufferIndex}. */
    private Sqe fixedTransfer(int opcode, long userData, int fd, MemorySegment buffer, long fileOffset,
            int bufferIndex) {
        ring.checkOwnerOpen();
        checkUserData(userData);
        checkFd(fd, "fd");
        int length = wholeLength(buffer, "buffer");
        checkBuffer(buffer, length, "buffer");
        checkFileOffset(fileOffset);
        checkRegisteredBuffer(buffer, bufferIndex);
        long sqe = fill(opcode, userData, fd, fileOffset, buffer.address(), length, 0);
        SQE_BUF_INDEX.set(sqes, sqe, (short) bufferIndex);
        return this;
    }

    private long fill(int opcode, long userData, int fd, long off, long addr, int len, int opFlags) {
        // One slot stays free for the wake-up read (see IoUring, "Wake-up").
        if (sq.free() <= 1) {
            throw new IllegalStateException("the submission queue is full: " + sq.pending() + " of its "
                    + sq.entries() + " SQEs are waiting for the kernel (one is kept for the ring's wake-up): call"
                    + " submit() before preparing more, or open the ring with more entries");
        }
        long sqe = sq.claim();
        write(sqe, opcode, userData, fd, off, addr, len, opFlags);
        return sqe;
    }

    private void write(long sqe, int opcode, long userData, int fd, long off, long addr, int len, int opFlags) {
        SQE_OPCODE.set(sqes, sqe, (byte) opcode);
        SQE_FD.set(sqes, sqe, fd);
        SQE_OFF.set(sqes, sqe, off);
        SQE_ADDR.set(sqes, sqe, addr);
        SQE_LEN.set(sqes, sqe, len);
        SQE_OP_FLAGS.set(sqes, sqe, opFlags);
        SQE_USER_DATA.set(sqes, sqe, userData);
    }

    private long lastPrepared(String option) {
        ring.checkOwnerOpen();
        long sqe = sq.lastUnpublished();
        if (sqe < 0) {
            throw new IllegalStateException(option + " has no SQE to change: call it right after a preparer (as in"
                    + " ring.sqe().read(...)." + option + "), before submit()");
        }
        return sqe;
    }

    private static void checkUserData(long userData) {
        if (userData == IoUring.WAKEUP_USER_DATA) {
            throw new IllegalArgumentException("userData " + userData + " (0x8000000000000000) is reserved for the"
                    + " ring's wake-up read (IoUring.WAKEUP_USER_DATA): use any other value");
        }
    }

    private static void checkFd(int fd, String name) {
        if (fd < 0) {
            throw new IllegalArgumentException(name + " " + fd + " is negative: pass an open file descriptor (or,"
                    + " with fixedFile(), the index of a registered file)");
        }
    }

    private static void checkDirfd(int dirfd) {
        if (dirfd < 0 && dirfd != LinuxCalls.AT_FDCWD) {
            throw new IllegalArgumentException("dirfd " + dirfd + " is neither an open directory fd nor AT_FDCWD ("
                    + LinuxCalls.AT_FDCWD + "): pass LinuxCalls.AT_FDCWD to resolve path from the working directory");
        }
    }

    private static void checkMode(int mode) {
        if ((mode & ~07777) != 0) {
            throw new IllegalArgumentException("mode 0" + Integer.toOctalString(mode) + " has bits outside 07777:"
                    + " pass permission bits only, such as 0644");
        }
    }

    private static void checkFileOffset(long fileOffset) {
        if (fileOffset < -1) {
            throw new IllegalArgumentException("fileOffset " + fileOffset + " is negative: pass a byte offset ≥ 0,"
                    + " or -1 to use (and advance) the file position");
        }
    }

    /** {@code buffer.byteSize()} as the length of one transfer. */
    private static int wholeLength(MemorySegment buffer, String name) {
        Objects.requireNonNull(buffer, name);
        if (buffer.byteSize() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(name + " is " + buffer.byteSize() + " bytes, more than one operation"
                    + " transfers (" + Integer.MAX_VALUE + "): pass a length, or a slice of it");
        }
        return (int) buffer.byteSize();
    }

    private static void checkBuffer(MemorySegment buffer, int length, String name) {
        Objects.requireNonNull(buffer, name);
        requireNative(buffer, name);
        if (length < 0) {
            throw new IllegalArgumentException("length " + length + " is negative: pass the number of bytes, 0 to "
                    + name + ".byteSize() (" + buffer.byteSize() + ")");
        }
        if (length > buffer.byteSize()) {
            throw new IllegalArgumentException("length " + length + " is more than " + name + ".byteSize() ("
                    + buffer.byteSize() + "): the kernel would go past the end of the buffer; pass a length that fits"
                    + " or a larger buffer");
        }
    }

    private static void checkIovecs(MemorySegment iovecs, int count) {
        Objects.requireNonNull(iovecs, "iovecs");
        requireNative(iovecs, "iovecs");
        if (count < 1 || count > UIO_MAXIOV) {
            throw new IllegalArgumentException("iovecCount " + count + " is out of range: pass 1 to " + UIO_MAXIOV
                    + " (UIO_MAXIOV)");
        }
        long needed = count * IoUringLayout.IOVEC.byteSize();
        if (iovecs.byteSize() < needed) {
            throw new IllegalArgumentException("iovecs is " + iovecs.byteSize() + " bytes, too small for iovecCount "
                    + count + " (" + needed + " bytes): allocate it with arena.allocate(IoUringLayout.iovecs(n))");
        }
        if (iovecs.address() % IoUringLayout.IOVEC.byteAlignment() != 0) {
            throw new IllegalArgumentException("iovecs at 0x" + Long.toHexString(iovecs.address()) + " is not "
                    + IoUringLayout.IOVEC.byteAlignment() + "-byte aligned: allocate it with"
                    + " arena.allocate(IoUringLayout.iovecs(n))");
        }
    }

    private static void checkPath(MemorySegment path) {
        Objects.requireNonNull(path, "path");
        requireNative(path, "path");
        for (long i = 0; i < path.byteSize(); i++) {
            if (path.get(JAVA_BYTE, i) == 0) {
                return;
            }
        }
        throw new IllegalArgumentException("path has no NUL terminator in its " + path.byteSize() + " bytes: make it"
                + " with arena.allocateFrom(String), which adds one");
    }

    private void checkFileSlot(int slot, String name) {
        if (slot < 0 || slot >= ring.registeredFiles()) {
            throw new IllegalArgumentException(name + " " + slot + " is not a slot of the registered file table ("
                    + ring.registeredFiles() + " slots): register slots first with IoUring.registerFileSlots(n)");
        }
    }

    private void checkRegisteredBuffer(MemorySegment buffer, int index) {
        if (index < 0 || index >= ring.registeredBuffers()) {
            throw new IllegalArgumentException("bufferIndex " + index + " is not a registered buffer ("
                    + ring.registeredBuffers() + " registered): register buffers first with"
                    + " IoUring.registerBuffers");
        }
        if (!ring.insideRegisteredBuffer(index, buffer.address(), buffer.byteSize())) {
            throw new IllegalArgumentException("buffer (" + buffer.byteSize() + " bytes at 0x"
                    + Long.toHexString(buffer.address()) + ") is not inside registered buffer " + index
                    + ": pass that buffer or a slice of it");
        }
    }
}
