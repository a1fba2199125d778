package dev.weft.uring.kernel;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.SequenceLayout;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.MemoryLayout.sequenceLayout;
import static java.lang.foreign.MemoryLayout.structLayout;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * The io_uring structs shared with the kernel, from {@code /usr/include/linux/io_uring.h} of linux-libc-dev 6.1.187
 * (the UAPI header {@code include/uapi/linux/io_uring.h}; liburing carries the same file as
 * {@code src/include/liburing/io_uring.h}). Later kernels only rename reserved fields (6.5 renamed
 * {@code io_sqring_offsets.resv2} and {@code io_cqring_offsets.resv2} to {@code user_addr}, for
 * {@code IORING_SETUP_NO_MMAP}, which weft does not use); no size or offset below has changed.
 *
 * <p>Unions are declared as their first, widest member, named after it; the C declaration beside each layout lists
 * the other names. Unsigned fields are the signed Java type of the same width. Every other class of weft-uring
 * reaches these structs through the layouts and handles here; none types a byte offset. The ring offsets that the
 * kernel returns in {@code io_uring_params} ({@code sq_off}, {@code cq_off}) are data, not layout: the ring
 * classes add them to the mapping at run time, as liburing's {@code setup.c} does.
 */
public final class IoUringLayout {
    private IoUringLayout() {}

    /**
     * <pre>{@code
     * struct io_uring_sqe {
     *     __u8  opcode;  __u8 flags;  __u16 ioprio;  __s32 fd;         // 0x00
     *     union { __u64 off; __u64 addr2; struct { __u32 cmd_op; __u32 __pad1; }; };          // 0x08
     *     union { __u64 addr; __u64 splice_off_in; };                                          // 0x10
     *     __u32 len;                                                                           // 0x18
     *     union { __kernel_rwf_t rw_flags; __u32 fsync_flags; __u32 open_flags;
     *             __u32 statx_flags; ... (one __u32 of per-opcode flags) };                   // 0x1c
     *     __u64 user_data;                                                                     // 0x20
     *     union { __u16 buf_index; __u16 buf_group; } __attribute__((packed));                 // 0x28
     *     __u16 personality;                                                                   // 0x2a
     *     union { __s32 splice_fd_in; __u32 file_index; struct { __u16 addr_len; __u16 __pad3[1]; }; }; // 0x2c
     *     union { struct { __u64 addr3; __u64 __pad2[1]; }; __u8 cmd[0]; };                    // 0x30
     * };                                                                                       // 0x40
     * }</pre>
     */
    public static final StructLayout IO_URING_SQE = structLayout(
            JAVA_BYTE.withName("opcode"), JAVA_BYTE.withName("flags"), JAVA_SHORT.withName("ioprio"),
            JAVA_INT.withName("fd"),
            JAVA_LONG.withName("off"),
            JAVA_LONG.withName("addr"),
            JAVA_INT.withName("len"),
            JAVA_INT.withName("rw_flags"),
            JAVA_LONG.withName("user_data"),
            JAVA_SHORT.withName("buf_index"),
            JAVA_SHORT.withName("personality"),
            JAVA_INT.withName("file_index"),
            JAVA_LONG.withName("addr3"),
            sequenceLayout(1, JAVA_LONG).withName("__pad2"))
            .withName("io_uring_sqe");

    /**
     * <pre>{@code
     * struct io_uring_cqe {
     *     __u64 user_data;   // sqe->data submission passed back
     *     __s32 res;         // result code for this event
     *     __u32 flags;
     *     __u64 big_cqe[];   // only with IORING_SETUP_CQE32, which weft does not use
     * };
     * }</pre>
     */
    public static final StructLayout IO_URING_CQE = structLayout(
            JAVA_LONG.withName("user_data"), JAVA_INT.withName("res"), JAVA_INT.withName("flags"))
            .withName("io_uring_cqe");

    /**
     * <pre>{@code
     * struct io_sqring_offsets {
     *     __u32 head; __u32 tail; __u32 ring_mask; __u32 ring_entries;
     *     __u32 flags; __u32 dropped; __u32 array; __u32 resv1;
     *     __u64 resv2;      // user_addr since 6.5
     * };
     * }</pre>
     */
    public static final StructLayout IO_SQRING_OFFSETS = structLayout(
            JAVA_INT.withName("head"), JAVA_INT.withName("tail"), JAVA_INT.withName("ring_mask"),
            JAVA_INT.withName("ring_entries"), JAVA_INT.withName("flags"), JAVA_INT.withName("dropped"),
            JAVA_INT.withName("array"), JAVA_INT.withName("resv1"), JAVA_LONG.withName("resv2"))
            .withName("io_sqring_offsets");

    /**
     * <pre>{@code
     * struct io_cqring_offsets {
     *     __u32 head; __u32 tail; __u32 ring_mask; __u32 ring_entries;
     *     __u32 overflow; __u32 cqes; __u32 flags; __u32 resv1;
     *     __u64 resv2;      // user_addr since 6.5
     * };
     * }</pre>
     */
    public static final StructLayout IO_CQRING_OFFSETS = structLayout(
            JAVA_INT.withName("head"), JAVA_INT.withName("tail"), JAVA_INT.withName("ring_mask"),
            JAVA_INT.withName("ring_entries"), JAVA_INT.withName("overflow"), JAVA_INT.withName("cqes"),
            JAVA_INT.withName("flags"), JAVA_INT.withName("resv1"), JAVA_LONG.withName("resv2"))
            .withName("io_cqring_offsets");

    /**
     * Passed to {@code io_uring_setup(2)}, copied back filled in:
     * <pre>{@code
     * struct io_uring_params {
     *     __u32 sq_entries; __u32 cq_entries; __u32 flags; __u32 sq_thread_cpu;
     *     __u32 sq_thread_idle; __u32 features; __u32 wq_fd; __u32 resv[3];
     *     struct io_sqring_offsets sq_off;
     *     struct io_cqring_offsets cq_off;
     * };
     * }</pre>
     */
    public static final StructLayout IO_URING_PARAMS = structLayout(
            JAVA_INT.withName("sq_entries"), JAVA_INT.withName("cq_entries"), JAVA_INT.withName("flags"),
            JAVA_INT.withName("sq_thread_cpu"), JAVA_INT.withName("sq_thread_idle"), JAVA_INT.withName("features"),
            JAVA_INT.withName("wq_fd"), sequenceLayout(3, JAVA_INT).withName("resv"),
            IO_SQRING_OFFSETS.withName("sq_off"),
            IO_CQRING_OFFSETS.withName("cq_off"))
            .withName("io_uring_params");

    /**
     * <pre>{@code
     * struct io_uring_probe_op {
     *     __u8 op; __u8 resv;
     *     __u16 flags;      // IO_URING_OP_* flags
     *     __u32 resv2;
     * };
     * }</pre>
     */
    public static final StructLayout IO_URING_PROBE_OP = structLayout(
            JAVA_BYTE.withName("op"), JAVA_BYTE.withName("resv"), JAVA_SHORT.withName("flags"),
            JAVA_INT.withName("resv2"))
            .withName("io_uring_probe_op");

    /**
     * The fixed part of the probe that {@code IORING_REGISTER_PROBE} fills; {@link #ioUringProbe(int)} adds the
     * {@code ops[]} array:
     * <pre>{@code
     * struct io_uring_probe {
     *     __u8 last_op;     // last opcode supported
     *     __u8 ops_len;     // length of ops[] array below
     *     __u16 resv;
     *     __u32 resv2[3];
     *     struct io_uring_probe_op ops[];
     * };
     * }</pre>
     */
    public static final StructLayout IO_URING_PROBE = structLayout(
            JAVA_BYTE.withName("last_op"), JAVA_BYTE.withName("ops_len"), JAVA_SHORT.withName("resv"),
            sequenceLayout(3, JAVA_INT).withName("resv2"))
            .withName("io_uring_probe");

    /** {@code struct io_uring_probe} with room for {@code ops} entries in {@code ops[]}. */
    public static StructLayout ioUringProbe(int ops) {
        return structLayout(IO_URING_PROBE.withName("header"), sequenceLayout(ops, IO_URING_PROBE_OP).withName("ops"))
                .withName("io_uring_probe");
    }

    /**
     * The vector element of {@code readv}/{@code writev} and of {@code IORING_REGISTER_BUFFERS}, from
     * {@code /usr/include/x86_64-linux-gnu/bits/types/struct_iovec.h} (glibc 2.36; the kernel's
     * {@code include/uapi/linux/uio.h} has the same two fields):
     * <pre>{@code
     * struct iovec {
     *     void  *iov_base;  // pointer to data
     *     size_t iov_len;   // length of data
     * };
     * }</pre>
     */
    public static final StructLayout IOVEC = structLayout(ADDRESS.withName("iov_base"), JAVA_LONG.withName("iov_len"))
            .withName("iovec");

    /** {@code n} iovecs, as the kernel reads them. */
    public static SequenceLayout iovecs(int n) {
        return sequenceLayout(n, IOVEC);
    }

    // ---- io_uring_sqe: handles with (segment, base offset) coordinates, base = index * IO_URING_SQE.byteSize() ----

    public static final VarHandle SQE_OPCODE = sqe("opcode");
    public static final VarHandle SQE_FLAGS = sqe("flags");
    public static final VarHandle SQE_IOPRIO = sqe("ioprio");
    public static final VarHandle SQE_FD = sqe("fd");
    public static final VarHandle SQE_OFF = sqe("off");
    public static final VarHandle SQE_ADDR = sqe("addr");
    public static final VarHandle SQE_LEN = sqe("len");
    /** The per-opcode flags union: {@code rw_flags}, {@code fsync_flags}, {@code open_flags}, {@code statx_flags}. */
    public static final VarHandle SQE_OP_FLAGS = sqe("rw_flags");
    public static final VarHandle SQE_USER_DATA = sqe("user_data");
    public static final VarHandle SQE_BUF_INDEX = sqe("buf_index");
    public static final VarHandle SQE_FILE_INDEX = sqe("file_index");

    // ---- io_uring_cqe: (segment, base offset) coordinates, base = index * IO_URING_CQE.byteSize() ----

    public static final VarHandle CQE_USER_DATA = IO_URING_CQE.varHandle(groupElement("user_data"));
    public static final VarHandle CQE_RES = IO_URING_CQE.varHandle(groupElement("res"));
    public static final VarHandle CQE_FLAGS = IO_URING_CQE.varHandle(groupElement("flags"));

    // ---- io_uring_params: a segment holding one struct ----

    private static final VarHandle P_SQ_ENTRIES = params("sq_entries");
    private static final VarHandle P_CQ_ENTRIES = params("cq_entries");
    private static final VarHandle P_FLAGS = params("flags");
    private static final VarHandle P_FEATURES = params("features");

    public static void paramsSetFlags(MemorySegment p, int flags) { P_FLAGS.set(p, flags); }
    public static int paramsSqEntries(MemorySegment p) { return (int) P_SQ_ENTRIES.get(p); }
    public static int paramsCqEntries(MemorySegment p) { return (int) P_CQ_ENTRIES.get(p); }
    public static int paramsFlags(MemorySegment p) { return (int) P_FLAGS.get(p); }
    public static int paramsFeatures(MemorySegment p) { return (int) P_FEATURES.get(p); }

    /** The size of one SQE of a ring set up with {@code setupFlags}: 128 bytes with IORING_SETUP_SQE128, else 64. */
    public static long sqeSize(int setupFlags) {
        return (setupFlags & IoUringConstants.IORING_SETUP_SQE128) != 0 ? 2 * IO_URING_SQE.byteSize()
                : IO_URING_SQE.byteSize();
    }

    /** {@code sqe->cmd}: where a URING_CMD's command bytes start (16 bytes, or 80 with SQE128). */
    public static final long SQE_CMD_OFFSET = IO_URING_SQE.byteOffset(groupElement("addr3"));
    /** {@code sqe->cmd_op}: the URING_CMD's command, in the union with {@code off}. */
    public static final long SQE_CMD_OP_OFFSET = IO_URING_SQE.byteOffset(groupElement("off"));

    /** {@code p->sq_off.<field>}: a byte offset into the SQ ring mapping. */
    public static int paramsSqOff(MemorySegment p, String field) {
        return p.get(JAVA_INT, IO_URING_PARAMS.byteOffset(groupElement("sq_off"), groupElement(field)));
    }

    /** {@code p->cq_off.<field>}: a byte offset into the CQ ring mapping. */
    public static int paramsCqOff(MemorySegment p, String field) {
        return p.get(JAVA_INT, IO_URING_PARAMS.byteOffset(groupElement("cq_off"), groupElement(field)));
    }

    // ---- io_uring_probe ----

    private static final long PROBE_OPS = ioUringProbe(0).byteOffset(groupElement("ops"));
    private static final VarHandle PROBE_LAST_OP = MethodHandles.insertCoordinates(
            IO_URING_PROBE.varHandle(groupElement("last_op")), 1, 0L);
    private static final VarHandle PROBE_OPS_LEN = MethodHandles.insertCoordinates(
            IO_URING_PROBE.varHandle(groupElement("ops_len")), 1, 0L);
    private static final VarHandle PROBE_OP_OP = IO_URING_PROBE_OP.varHandle(groupElement("op"));
    private static final VarHandle PROBE_OP_FLAGS = IO_URING_PROBE_OP.varHandle(groupElement("flags"));

    public static int probeLastOp(MemorySegment probe) { return Byte.toUnsignedInt((byte) PROBE_LAST_OP.get(probe)); }
    public static int probeOpsLen(MemorySegment probe) { return Byte.toUnsignedInt((byte) PROBE_OPS_LEN.get(probe)); }

    /** {@code probe->ops[i].op}. */
    public static int probeOp(MemorySegment probe, int i) {
        return Byte.toUnsignedInt((byte) PROBE_OP_OP.get(probe, PROBE_OPS + i * IO_URING_PROBE_OP.byteSize()));
    }

    /** {@code probe->ops[i].flags}: {@link IoUringConstants#IO_URING_OP_SUPPORTED} when the opcode works. */
    public static int probeOpFlags(MemorySegment probe, int i) {
        return Short.toUnsignedInt((short) PROBE_OP_FLAGS.get(probe, PROBE_OPS + i * IO_URING_PROBE_OP.byteSize()));
    }

    // ---- iovec: (segment, base offset) coordinates, base = index * IOVEC.byteSize() ----

    public static final VarHandle IOVEC_BASE = IOVEC.varHandle(groupElement("iov_base"));
    public static final VarHandle IOVEC_LEN = IOVEC.varHandle(groupElement("iov_len"));

    /** Sets {@code iovecs[i]} to describe {@code buffer}, which must be native. */
    public static void setIovec(MemorySegment iovecs, int i, MemorySegment buffer) {
        long base = i * IOVEC.byteSize();
        IOVEC_BASE.set(iovecs, base, buffer);
        IOVEC_LEN.set(iovecs, base, buffer.byteSize());
    }

    private static VarHandle sqe(String field) {
        return IO_URING_SQE.varHandle(groupElement(field));
    }

    private static VarHandle params(String field) {
        return MethodHandles.insertCoordinates(IO_URING_PARAMS.varHandle(groupElement(field)), 1, 0L);
    }
}
