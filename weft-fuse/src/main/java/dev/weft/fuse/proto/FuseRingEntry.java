package dev.weft.fuse.proto;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import static dev.weft.fuse.proto.FuseKernelLayout.FUSE_IN_HEADER;
import static dev.weft.fuse.proto.FuseKernelLayout.FUSE_OUT_HEADER;
import static dev.weft.fuse.proto.FuseKernelLayout.FUSE_URING_ENT_IN_OUT;
import static dev.weft.fuse.proto.FuseKernelLayout.FUSE_URING_OP_IN_OUT_SZ;
import static dev.weft.fuse.proto.FuseKernelLayout.FUSE_URING_REQ_HEADER;
import static dev.weft.fuse.proto.FuseKernelLayout.handle;
import static dev.weft.fuse.proto.FuseKernelLayout.offset;

/**
 * A request and its reply in one entry of FUSE over io_uring (7.42), converted to and from the byte stream of
 * {@code /dev/fuse}, so that the same decoder and encoder serve both transports.
 *
 * <h2>The entry</h2>
 * Each entry the server registers is two buffers ({@code fs/fuse/dev_uring.c}): the headers, a
 * {@code struct fuse_uring_req_header}, and the payload. For a request the kernel writes the
 * {@code fuse_in_header} into {@code in_out}, the opcode's fixed struct (its first argument, which may be empty)
 * into {@code op_in}, the remaining arguments (names, WRITE data) into the payload, and their size into
 * {@code ring_ent_in_out.payload_sz}; {@code commit_id} names the request. For the reply it reads the
 * {@code fuse_out_header} from {@code in_out} and all the reply's arguments from the payload, {@code payload_sz} of
 * them.
 *
 * <h2>Checks</h2>
 * The header's {@code len} must be the header, the fixed struct and the payload together, the fixed struct at most
 * {@value FuseKernelLayout#FUSE_URING_OP_IN_OUT_SZ} bytes and the payload no more than the buffer holds; anything
 * else is a {@link FuseProtocolException} that names the request (its {@code commit_id}), so the server can answer
 * it with an error and keep the entry.
 */
public final class FuseRingEntry {
    private static final long IN_OUT = offset(FUSE_URING_REQ_HEADER, "in_out");
    private static final long OP_IN = offset(FUSE_URING_REQ_HEADER, "op_in");
    private static final long ENT = offset(FUSE_URING_REQ_HEADER, "ring_ent_in_out");
    private static final long COMMIT_ID = ENT + offset(FUSE_URING_ENT_IN_OUT, "commit_id");
    private static final long PAYLOAD_SZ = ENT + offset(FUSE_URING_ENT_IN_OUT, "payload_sz");
    private static final VarHandle IN_LEN = handle(FUSE_IN_HEADER, "len");
    private static final long IN_HEADER = FUSE_IN_HEADER.byteSize();
    private static final long OUT_HEADER = FUSE_OUT_HEADER.byteSize();

    private FuseRingEntry() {
    }

    /** The size of the headers buffer the kernel requires of each entry. */
    public static long headersSize() {
        return FUSE_URING_REQ_HEADER.byteSize();
    }

    /** The {@code commit_id} of the request in {@code headers}: what the reply's commit must name. */
    public static long commitId(MemorySegment headers) {
        return headers.get(JAVA_LONG_UNALIGNED, COMMIT_ID);
    }

    /**
     * Copies the request in an entry ({@code headers}, {@code payload}) into {@code in} as {@code /dev/fuse} would
     * have delivered it (header, fixed struct, payload) and returns its length, for {@link FuseRequest#decode}.
     *
     * @throws FuseProtocolException when the sizes do not add up; {@code unique()} is the commit id
     */
    public static long toRequest(MemorySegment headers, MemorySegment payload, MemorySegment in)
            throws FuseProtocolException {
        if (headers.byteSize() < headersSize()) {
            throw new FuseProtocolException("ring entry headers of " + headers.byteSize() + " bytes, fewer than"
                    + " struct fuse_uring_req_header's " + headersSize(), LinuxErrno.EIO);
        }
        long commitId = commitId(headers);
        long payloadSize = Integer.toUnsignedLong(headers.get(JAVA_INT_UNALIGNED,
                PAYLOAD_SZ));
        long length = Integer.toUnsignedLong((int) IN_LEN.get(headers.asSlice(IN_OUT, IN_HEADER)));
        long fixed = length - IN_HEADER - payloadSize;
        if (payloadSize > payload.byteSize()) {
            throw new FuseProtocolException("ring entry payload_sz " + payloadSize + " exceeds its "
                    + payload.byteSize() + "-byte payload buffer", commitId, LinuxErrno.EIO);
        }
        if (fixed < 0 || fixed > FUSE_URING_OP_IN_OUT_SZ) {
            throw new FuseProtocolException("ring entry of len " + length + " with payload_sz " + payloadSize
                    + " leaves " + fixed + " bytes for the opcode's struct, outside 0.." + FUSE_URING_OP_IN_OUT_SZ,
                    commitId, LinuxErrno.EIO);
        }
        if (length > in.byteSize()) {
            throw new FuseProtocolException("ring request of " + length + " bytes exceeds the " + in.byteSize()
                    + "-byte request buffer", commitId, LinuxErrno.EIO);
        }
        MemorySegment.copy(headers, IN_OUT, in, 0, IN_HEADER);
        MemorySegment.copy(headers, OP_IN, in, IN_HEADER, fixed);
        MemorySegment.copy(payload, 0, in, IN_HEADER + fixed, payloadSize);
        return length;
    }

    /**
     * Turns a reply that {@link FuseReplyEncoder} wrote into {@code out} ({@code replyLength} bytes: the
     * {@code fuse_out_header}, then the arguments) into the entry's form: the header goes into {@code in_out} and
     * {@code payload_sz} counts the arguments. {@code out} must be laid out so that its arguments already sit at the
     * start of the entry's payload buffer (the server allocates it so); only the 16-byte header is copied.
     */
    public static void fromReply(MemorySegment out, long replyLength, MemorySegment headers) {
        if (replyLength < OUT_HEADER || replyLength > out.byteSize()) {
            throw new IllegalArgumentException("reply length " + replyLength + " is outside " + OUT_HEADER + ".."
                    + out.byteSize() + " (fuse_out_header to the reply buffer)");
        }
        MemorySegment.copy(out, 0, headers, IN_OUT, OUT_HEADER);
        headers.set(JAVA_INT_UNALIGNED, PAYLOAD_SZ, (int) (replyLength - OUT_HEADER));
    }
}
