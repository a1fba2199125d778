package dev.weft.fuse.server;

import dev.weft.fuse.FuseConnectionInfo;
import dev.weft.fuse.proto.FuseKernelLayout;
import dev.weft.fuse.proto.FuseReplyEncoder;
import dev.weft.fuse.proto.FuseRequest;
import dev.weft.fuse.proto.LinuxErrno;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

import static dev.weft.fuse.proto.FuseKernelLayout.*;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * FUSE_INIT: weft speaks minor {@link FuseKernelLayout#KERNEL_MINOR_VERSION} and accepts kernels from
 * {@link FuseKernelLayout#MIN_SUPPORTED_MINOR_VERSION}; the connection runs at the smaller of the two. The flags
 * weft asks for are what a fast passthrough needs ({@link #wanted}), and the kernel grants the ones it offered.
 */
final class InitNegotiation {
    /** The largest WRITE weft accepts, and READ it serves: 1 MiB. */
    static final int MAX_WRITE = 1 << 20;
    /** {@code max_pages} for {@link #MAX_WRITE} (the kernel's default limit is 256). */
    static final int MAX_PAGES = MAX_WRITE / 4096;
    /** Room for the request header and the largest fixed struct before WRITE data (libfuse's 0x1000). */
    static final int HEADER_ROOM = 4096;
    /** Background requests (asynchronous reads, direct I/O) the kernel may queue at once. */
    static final int MAX_BACKGROUND = 64;

    /*
     * fuse_init_in is read field by field at its layout's offsets: a kernel before 7.36 sends only the fields before
     * flags2 (INIT_IN_COMPAT_SIZE bytes), and a handle on the struct would refuse a body shorter than the struct.
     */
    private static final long IN_MAJOR = offset(FUSE_INIT_IN, "major");
    private static final long IN_MINOR = offset(FUSE_INIT_IN, "minor");
    private static final long IN_MAX_READAHEAD = offset(FUSE_INIT_IN, "max_readahead");
    private static final long IN_FLAGS = offset(FUSE_INIT_IN, "flags");
    private static final long IN_FLAGS2 = offset(FUSE_INIT_IN, "flags2");
    private static final VarHandle OUT_MAJOR = handle(FUSE_INIT_OUT, "major");
    private static final VarHandle OUT_MINOR = handle(FUSE_INIT_OUT, "minor");
    private static final VarHandle OUT_MAX_READAHEAD = handle(FUSE_INIT_OUT, "max_readahead");
    private static final VarHandle OUT_FLAGS = handle(FUSE_INIT_OUT, "flags");
    private static final VarHandle OUT_MAX_BACKGROUND = handle(FUSE_INIT_OUT, "max_background");
    private static final VarHandle OUT_CONGESTION = handle(FUSE_INIT_OUT, "congestion_threshold");
    private static final VarHandle OUT_MAX_WRITE = handle(FUSE_INIT_OUT, "max_write");
    private static final VarHandle OUT_TIME_GRAN = handle(FUSE_INIT_OUT, "time_gran");
    private static final VarHandle OUT_MAX_PAGES = handle(FUSE_INIT_OUT, "max_pages");
    private static final VarHandle OUT_FLAGS2 = handle(FUSE_INIT_OUT, "flags2");
    private static final VarHandle OUT_MAX_STACK_DEPTH = handle(FUSE_INIT_OUT, "max_stack_depth");

    /**
     * {@code max_stack_depth} with passthrough I/O: the backing files sit on ordinary file systems (depth 0), so the
     * FUSE mount is one level above them. The kernel refuses backing files on a stack as deep as this.
     */
    static final int MAX_STACK_DEPTH = 1;

    /** {@code #define EPROTO 71}: protocol error, the reply to an INIT weft cannot speak. */
    private static final int EPROTO = 71;

    private InitNegotiation() {
    }

    /**
     * The capability flags weft asks for; {@code writebackCache} adds {@code FUSE_WRITEBACK_CACHE}, {@code uring}
     * adds {@code FUSE_OVER_IO_URING}, {@code readdirplus} (the file system implements READDIRPLUS) adds
     * {@code FUSE_DO_READDIRPLUS} and {@code FUSE_READDIRPLUS_AUTO}: without it the kernel lists directories with
     * READDIR (it does not fall back to READDIR when READDIRPLUS fails, so asking for it regardless would leave a
     * file system with READDIR alone unable to list anything), as libfuse decides; {@code passthrough} adds
     * {@code FUSE_PASSTHROUGH}; {@code atomicOTrunc} (the file system's open honours O_TRUNC) adds
     * {@code FUSE_ATOMIC_O_TRUNC}; {@code killPrivV2} (the file system clears set-ID bits itself) adds
     * {@code FUSE_HANDLE_KILLPRIV_V2}, but never together with passthrough: the kernel then writes passthrough files
     * with the server's credentials and expects the server, which never sees those writes, to clear the bits.
     */
    static long wanted(boolean writebackCache, boolean uring, boolean readdirplus, boolean passthrough,
            boolean killPrivV2, boolean atomicOTrunc) {
        long f = FUSE_ASYNC_READ | FUSE_BIG_WRITES | FUSE_MAX_PAGES | FUSE_PARALLEL_DIROPS | FUSE_ASYNC_DIO
                | FUSE_AUTO_INVAL_DATA | FUSE_INIT_EXT;
        if (readdirplus) {
            f |= FUSE_DO_READDIRPLUS | FUSE_READDIRPLUS_AUTO;
        }
        if (writebackCache) {
            f |= FUSE_WRITEBACK_CACHE;
        }
        if (passthrough) {
            f |= FUSE_PASSTHROUGH;
        } else if (killPrivV2) {
            f |= FUSE_HANDLE_KILLPRIV_V2;
        }
        if (atomicOTrunc) {
            f |= FUSE_ATOMIC_O_TRUNC;
        }
        return uring ? f | FUSE_OVER_IO_URING : f;
    }

    /** What {@link #answer} decided: the reply to write, and the connection, or null to wait for another INIT. */
    record Outcome(long replyLength, FuseConnectionInfo connection, IOException failure) {
    }

    /**
     * Answers the kernel's INIT in {@code out}.
     *
     * @return the reply; {@code connection} is null when the kernel's major is newer (weft replied with its own
     * version, and the kernel sends INIT again) or when the kernel is too old ({@code failure} says so)
     */
    static Outcome answer(FuseRequest init, MemorySegment out, boolean writebackCache, boolean uring,
            boolean readdirplus, boolean passthrough, boolean killPrivV2, boolean atomicOTrunc) {
        MemorySegment in = init.fixedBody();
        int major = in.get(JAVA_INT, IN_MAJOR);
        int minor = in.get(JAVA_INT, IN_MINOR);
        MemorySegment body = out.asSlice(FuseReplyEncoder.headerSize(), FUSE_INIT_OUT.byteSize()).fill((byte) 0);
        if (major > KERNEL_VERSION) {
            // the kernel offers a newer major: answer with ours only, it retries with ours
            OUT_MAJOR.set(body, KERNEL_VERSION);
            OUT_MINOR.set(body, KERNEL_MINOR_VERSION);
            return new Outcome(FuseReplyEncoder.replyOk(out, init.unique(), FUSE_INIT_OUT.byteSize()), null, null);
        }
        if (major < KERNEL_VERSION || minor < MIN_SUPPORTED_MINOR_VERSION) {
            return new Outcome(FuseReplyEncoder.replyError(out, init.unique(), EPROTO), null,
                    new IOException("the kernel speaks FUSE " + major + "." + minor + "; weft needs 7."
                            + MIN_SUPPORTED_MINOR_VERSION + " or newer (Linux 5.4+)"));
        }
        int maxReadahead = in.get(JAVA_INT, IN_MAX_READAHEAD);
        long offered = Integer.toUnsignedLong(in.get(JAVA_INT, IN_FLAGS));
        if ((offered & FUSE_INIT_EXT) != 0 && in.byteSize() >= FUSE_INIT_IN.byteSize()) {
            offered |= Integer.toUnsignedLong(in.get(JAVA_INT, IN_FLAGS2)) << 32;
        }
        long granted = offered & wanted(writebackCache, uring, readdirplus, passthrough, killPrivV2, atomicOTrunc);
        int negotiated = Math.min(minor, KERNEL_MINOR_VERSION);
        OUT_MAJOR.set(body, KERNEL_VERSION);
        OUT_MINOR.set(body, negotiated);
        OUT_MAX_READAHEAD.set(body, maxReadahead);
        OUT_FLAGS.set(body, (int) granted);
        OUT_FLAGS2.set(body, (int) (granted >>> 32));
        OUT_MAX_BACKGROUND.set(body, (short) MAX_BACKGROUND);
        OUT_CONGESTION.set(body, (short) (MAX_BACKGROUND * 3 / 4));
        OUT_MAX_WRITE.set(body, MAX_WRITE);
        OUT_TIME_GRAN.set(body, 1);
        OUT_MAX_PAGES.set(body, (short) MAX_PAGES);
        if ((granted & FUSE_PASSTHROUGH) != 0) {
            OUT_MAX_STACK_DEPTH.set(body, MAX_STACK_DEPTH);
        }
        FuseConnectionInfo info = new FuseConnectionInfo(KERNEL_VERSION, negotiated, minor, granted, MAX_WRITE,
                maxReadahead, null, null);
        return new Outcome(FuseReplyEncoder.replyOk(out, init.unique(), FUSE_INIT_OUT.byteSize()), info, null);
    }
}
