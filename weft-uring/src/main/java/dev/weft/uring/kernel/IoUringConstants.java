package dev.weft.uring.kernel;

import java.util.StringJoiner;

/**
 * The io_uring flag and command values, quoted from {@code /usr/include/linux/io_uring.h} of linux-libc-dev 6.1.187
 * (Linux UAPI; every value here is in mainline since the version noted beside it). Opcodes are in
 * {@link IoUringOpcode}; the system call numbers and the few other C constants are in {@link LinuxCalls}.
 */
public final class IoUringConstants {
    private IoUringConstants() {}

    // ---- io_uring_setup() flags: io_uring_params.flags ----

    /** {@code IORING_SETUP_CQSIZE (1U << 3)}: app defines CQ size (5.5). */
    public static final int IORING_SETUP_CQSIZE = 1 << 3;
    /** {@code IORING_SETUP_CLAMP (1U << 4)}: clamp SQ/CQ ring sizes (5.6). */
    public static final int IORING_SETUP_CLAMP = 1 << 4;
    /** {@code IORING_SETUP_SUBMIT_ALL (1U << 7)}: continue submitting the batch when one SQE fails (5.18). */
    public static final int IORING_SETUP_SUBMIT_ALL = 1 << 7;
    /** {@code IORING_SETUP_COOP_TASKRUN (1U << 8)}: run completion work at the next kernel entry, no IPI (5.19). */
    public static final int IORING_SETUP_COOP_TASKRUN = 1 << 8;
    /** {@code IORING_SETUP_TASKRUN_FLAG (1U << 9)}: set IORING_SQ_TASKRUN when completion work waits (5.19). */
    public static final int IORING_SETUP_TASKRUN_FLAG = 1 << 9;
    /** {@code IORING_SETUP_SQE128 (1U << 10)}: SQEs are 128 bytes, for URING_CMD's larger command area (5.19). */
    public static final int IORING_SETUP_SQE128 = 1 << 10;
    /** {@code IORING_SETUP_SINGLE_ISSUER (1U << 12)}: only one task submits (6.0). */
    public static final int IORING_SETUP_SINGLE_ISSUER = 1 << 12;
    /** {@code IORING_SETUP_DEFER_TASKRUN (1U << 13)}: completion work runs only in io_uring_enter(GETEVENTS) (6.1). */
    public static final int IORING_SETUP_DEFER_TASKRUN = 1 << 13;

    /** Names of the setup flags above, for messages. */
    public static String setupFlagNames(int flags) {
        return names(flags, new int[] {IORING_SETUP_CQSIZE, IORING_SETUP_CLAMP, IORING_SETUP_SUBMIT_ALL,
                IORING_SETUP_COOP_TASKRUN, IORING_SETUP_TASKRUN_FLAG, IORING_SETUP_SQE128,
                IORING_SETUP_SINGLE_ISSUER, IORING_SETUP_DEFER_TASKRUN}, new String[] {"CQSIZE", "CLAMP", "SUBMIT_ALL",
                "COOP_TASKRUN", "TASKRUN_FLAG", "SQE128", "SINGLE_ISSUER", "DEFER_TASKRUN"});
    }

    // ---- io_uring_params.features ----

    /** {@code IORING_FEAT_SINGLE_MMAP (1U << 0)}: SQ and CQ rings share one mapping (5.4). */
    public static final int IORING_FEAT_SINGLE_MMAP = 1 << 0;
    /** {@code IORING_FEAT_NODROP (1U << 1)}: CQEs that do not fit are kept on an overflow list, never dropped (5.5). */
    public static final int IORING_FEAT_NODROP = 1 << 1;
    /** {@code IORING_FEAT_SUBMIT_STABLE (1U << 2)}: SQE data is consumed at submission (5.5). */
    public static final int IORING_FEAT_SUBMIT_STABLE = 1 << 2;
    /** {@code IORING_FEAT_RW_CUR_POS (1U << 3)}: offset -1 means the file position (5.6). */
    public static final int IORING_FEAT_RW_CUR_POS = 1 << 3;
    /** {@code IORING_FEAT_EXT_ARG (1U << 8)}: io_uring_enter takes io_uring_getevents_arg (5.11). */
    public static final int IORING_FEAT_EXT_ARG = 1 << 8;
    /** {@code IORING_FEAT_LINKED_FILE (1U << 12)}: fixed files of a link are resolved when each step runs (5.17). */
    public static final int IORING_FEAT_LINKED_FILE = 1 << 12;

    /**
     * Names of the feature bits, for messages; unknown bits are shown as {@code bitN}. Bits 0-12 are in the 6.1
     * header; 13-17 (REG_REG_RING 6.3 to NO_IOWAIT 6.15) are from liburing's {@code src/include/liburing/io_uring.h}.
     */
    public static String featureNames(int features) {
        String[] names = {"SINGLE_MMAP", "NODROP", "SUBMIT_STABLE", "RW_CUR_POS", "CUR_PERSONALITY", "FAST_POLL",
                "POLL_32BITS", "SQPOLL_NONFIXED", "EXT_ARG", "NATIVE_WORKERS", "RSRC_TAGS", "CQE_SKIP", "LINKED_FILE",
                "REG_REG_RING", "RECVSEND_BUNDLE", "MIN_TIMEOUT", "RW_ATTR", "NO_IOWAIT"};
        StringJoiner j = new StringJoiner("|");
        for (int bit = 0; bit < 32; bit++) {
            if ((features & (1 << bit)) != 0) {
                j.add(bit < names.length ? names[bit] : "bit" + bit);
            }
        }
        return j.length() == 0 ? "none" : j.toString();
    }

    // ---- io_uring_sqe.flags ----

    /** {@code IOSQE_FIXED_FILE (1U << 0)}: fd is an index into the registered file table. */
    public static final int IOSQE_FIXED_FILE = 1 << 0;
    /** {@code IOSQE_IO_DRAIN (1U << 1)}: issue after in-flight I/O. */
    public static final int IOSQE_IO_DRAIN = 1 << 1;
    /** {@code IOSQE_IO_LINK (1U << 2)}: the next SQE starts only after this one succeeds. */
    public static final int IOSQE_IO_LINK = 1 << 2;
    /** {@code IOSQE_IO_HARDLINK (1U << 3)}: like LINK, but the next SQE runs even if this one fails. */
    public static final int IOSQE_IO_HARDLINK = 1 << 3;

    // ---- io_uring_sqe.fsync_flags ----

    /** {@code IORING_FSYNC_DATASYNC (1U << 0)}: fdatasync semantics. */
    public static final int IORING_FSYNC_DATASYNC = 1 << 0;

    // ---- io_uring_sqe.cancel_flags (5.19) ----

    /** {@code IORING_ASYNC_CANCEL_ANY (1U << 2)}: cancel every request of the ring, whatever its user_data. */
    public static final int IORING_ASYNC_CANCEL_ANY = 1 << 2;

    // ---- io_sqring flags (the word at sq_off.flags) ----

    /** {@code IORING_SQ_NEED_WAKEUP (1U << 0)}: the SQPOLL thread sleeps (weft does not use SQPOLL). */
    public static final int IORING_SQ_NEED_WAKEUP = 1 << 0;
    /** {@code IORING_SQ_CQ_OVERFLOW (1U << 1)}: CQEs wait on the overflow list; enter with GETEVENTS to flush. */
    public static final int IORING_SQ_CQ_OVERFLOW = 1 << 1;
    /** {@code IORING_SQ_TASKRUN (1U << 2)}: completion work waits; enter with GETEVENTS to run it. */
    public static final int IORING_SQ_TASKRUN = 1 << 2;

    // ---- io_uring_enter(2) flags ----

    /** {@code IORING_ENTER_GETEVENTS (1U << 0)}: wait for min_complete completions (and run completion work). */
    public static final int IORING_ENTER_GETEVENTS = 1 << 0;

    // ---- io_uring_register(2) opcodes ----

    /** {@code IORING_REGISTER_BUFFERS = 0}: arg is a {@code struct iovec[nr_args]}. */
    public static final int IORING_REGISTER_BUFFERS = 0;
    /** {@code IORING_UNREGISTER_BUFFERS = 1}. */
    public static final int IORING_UNREGISTER_BUFFERS = 1;
    /** {@code IORING_REGISTER_FILES = 2}: arg is an {@code __s32[nr_args]}; -1 leaves a slot empty. */
    public static final int IORING_REGISTER_FILES = 2;
    /** {@code IORING_UNREGISTER_FILES = 3}. */
    public static final int IORING_UNREGISTER_FILES = 3;
    /**
     * {@code IORING_REGISTER_FILES_UPDATE = 6}: arg is a {@code struct io_uring_files_update { __u32 offset;
     * __u32 resv; __aligned_u64 fds; }}, nr_args the number of fds; replaces slots from {@code offset} on.
     */
    public static final int IORING_REGISTER_FILES_UPDATE = 6;
    /** {@code IORING_REGISTER_PROBE = 8}: arg is a {@code struct io_uring_probe} with {@code nr_args} ops. */
    public static final int IORING_REGISTER_PROBE = 8;

    // ---- io_uring_probe_op.flags ----

    /** {@code IO_URING_OP_SUPPORTED (1U << 0)}. */
    public static final int IO_URING_OP_SUPPORTED = 1 << 0;

    /** The largest probe: opcodes are a {@code __u8}. */
    public static final int PROBE_MAX_OPS = 256;

    private static String names(int flags, int[] bits, String[] names) {
        StringJoiner j = new StringJoiner("|");
        int rest = flags;
        for (int i = 0; i < bits.length; i++) {
            if ((flags & bits[i]) != 0) {
                j.add(names[i]);
                rest &= ~bits[i];
            }
        }
        if (rest != 0) {
            j.add("0x" + Integer.toHexString(rest));
        }
        return j.length() == 0 ? "none" : j.toString();
    }
}
