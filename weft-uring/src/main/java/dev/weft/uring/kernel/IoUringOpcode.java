package dev.weft.uring.kernel;

import java.util.List;

/**
 * {@code enum io_uring_op} of {@code /usr/include/linux/io_uring.h} (linux-libc-dev 6.1.187): the SQE opcodes, in
 * declaration order, so an opcode is its index in {@link #NAMES}. Newer kernels append opcodes; those have no name
 * here and print as {@code OP_<n>}.
 */
public final class IoUringOpcode {
    private IoUringOpcode() {}

    public static final int IORING_OP_NOP = 0;
    public static final int IORING_OP_READV = 1;
    public static final int IORING_OP_WRITEV = 2;
    public static final int IORING_OP_FSYNC = 3;
    public static final int IORING_OP_READ_FIXED = 4;
    public static final int IORING_OP_WRITE_FIXED = 5;
    public static final int IORING_OP_ASYNC_CANCEL = 14;
    public static final int IORING_OP_FALLOCATE = 17;
    public static final int IORING_OP_OPENAT = 18;
    public static final int IORING_OP_CLOSE = 19;
    public static final int IORING_OP_STATX = 21;
    public static final int IORING_OP_READ = 22;
    public static final int IORING_OP_WRITE = 23;
    public static final int IORING_OP_MSG_RING = 40;
    public static final int IORING_OP_URING_CMD = 46;

    /** The names of {@code enum io_uring_op} without the {@code IORING_OP_} prefix, indexed by opcode. */
    public static final List<String> NAMES = List.of(
            "NOP", "READV", "WRITEV", "FSYNC", "READ_FIXED", "WRITE_FIXED", "POLL_ADD", "POLL_REMOVE",
            "SYNC_FILE_RANGE", "SENDMSG", "RECVMSG", "TIMEOUT", "TIMEOUT_REMOVE", "ACCEPT", "ASYNC_CANCEL",
            "LINK_TIMEOUT", "CONNECT", "FALLOCATE", "OPENAT", "CLOSE", "FILES_UPDATE", "STATX", "READ", "WRITE",
            "FADVISE", "MADVISE", "SEND", "RECV", "OPENAT2", "EPOLL_CTL", "SPLICE", "PROVIDE_BUFFERS",
            "REMOVE_BUFFERS", "TEE", "SHUTDOWN", "RENAMEAT", "UNLINKAT", "MKDIRAT", "SYMLINKAT", "LINKAT", "MSG_RING",
            "FSETXATTR", "SETXATTR", "FGETXATTR", "GETXATTR", "SOCKET", "URING_CMD", "SEND_ZC", "SENDMSG_ZC");

    /** The opcode's name ({@code "READ"}), or {@code "OP_<n>"} for one newer than the header. */
    public static String name(int opcode) {
        return opcode >= 0 && opcode < NAMES.size() ? NAMES.get(opcode) : "OP_" + opcode;
    }

    /** The opcode named {@code name} ({@code "READ"} or {@code "IORING_OP_READ"}), or -1. */
    public static int byName(String name) {
        String n = name.startsWith("IORING_OP_") ? name.substring("IORING_OP_".length()) : name;
        return NAMES.indexOf(n);
    }
}
