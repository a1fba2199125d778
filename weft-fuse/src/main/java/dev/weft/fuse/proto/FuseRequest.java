package dev.weft.fuse.proto;

import static dev.weft.fuse.proto.FuseKernelLayout.*;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/**
 * One request read from {@code /dev/fuse}, validated and split into header, fixed body struct, names and payload.
 *
 * <h2>Validation</h2>
 * {@link #decode} checks, in order: the read length is at least {@code sizeof(fuse_in_header)}; {@code len} in the
 * header equals the read length; for a known opcode, the body holds the opcode's fixed struct
 * ({@link FuseOpcode#minFixedBodySize()}), each of its names ends in a NUL inside the body, and a counted payload
 * (WRITE data, SETXATTR value, BATCH_FORGET records) has the length its struct states. A failure is a
 * {@link FuseProtocolException} carrying the unique (when the header was readable) and the errno to reply with. An
 * unknown opcode is not a failure: the request decodes with {@link #opcode()} {@code null}, and the server replies
 * {@link LinuxErrno#ENOSYS}.
 *
 * <h2>Lifetime</h2>
 * A request is a view of the read buffer, not a copy: it is valid until that buffer is reused. {@link #nameBytes}
 * copies.
 */
public final class FuseRequest {
    private static final long HEADER_SIZE = FUSE_IN_HEADER.byteSize();

    private final MemorySegment body;
    private final int opcodeCode;
    private final FuseOpcode opcode;
    private final long unique;
    private final long nodeid;
    private final int uid;
    private final int gid;
    private final int pid;
    private final long fixedSize;
    private final long[] nameStart;
    private final long[] nameEnd;
    private final long payloadStart;

    private FuseRequest(MemorySegment body, int opcodeCode, FuseOpcode opcode, long unique, long nodeid, int uid,
            int gid, int pid, long fixedSize, long[] nameStart, long[] nameEnd, long payloadStart) {
        this.body = body;
        this.opcodeCode = opcodeCode;
        this.opcode = opcode;
        this.unique = unique;
        this.nodeid = nodeid;
        this.uid = uid;
        this.gid = gid;
        this.pid = pid;
        this.fixedSize = fixedSize;
        this.nameStart = nameStart;
        this.nameEnd = nameEnd;
        this.payloadStart = payloadStart;
    }

    /**
     * Decodes the request in the first {@code length} bytes of {@code buf}.
     *
     * @param buf    the read buffer; its address must be 8-byte aligned (allocate it with
     *               {@code arena.allocate(size, 8)}), as the kernel's structs hold {@code uint64_t} fields
     * @param length the byte count {@code read(2)} returned
     * @throws FuseProtocolException    if the request is truncated or inconsistent
     * @throws IllegalArgumentException if {@code length} is negative or beyond {@code buf}, or {@code buf} is
     *                                  misaligned: these are the caller's errors, not the kernel's
     */
    public static FuseRequest decode(MemorySegment buf, long length) throws FuseProtocolException {
        if (length < 0 || length > buf.byteSize()) {
            throw new IllegalArgumentException("read length " + length + " is outside the buffer of "
                    + buf.byteSize() + " bytes; pass the byte count read(2) returned");
        }
        if (buf.maxByteAlignment() < DIRENT_ALIGNMENT) {
            throw new IllegalArgumentException("the request buffer is aligned to " + buf.maxByteAlignment()
                    + " bytes; allocate it 8-byte aligned (arena.allocate(size, 8))");
        }
        if (length < HEADER_SIZE) {
            throw new FuseProtocolException("request of " + length + " bytes is shorter than fuse_in_header ("
                    + HEADER_SIZE + " bytes)", LinuxErrno.EIO);
        }
        long len = Integer.toUnsignedLong((int) IN_HEADER_LEN.get(buf));
        int code = (int) IN_HEADER_OPCODE.get(buf);
        long unique = (long) IN_HEADER_UNIQUE.get(buf);
        if (len > length) {
            throw new FuseProtocolException("request " + unique + " (opcode " + code + ") states len " + len
                    + " but only " + length + " bytes were read: truncated", unique, LinuxErrno.EIO);
        }
        if (len < length) {
            throw new FuseProtocolException("request " + unique + " (opcode " + code + ") states len " + len
                    + " but " + length + " bytes were read", unique, LinuxErrno.EINVAL);
        }
        long nodeid = (long) IN_HEADER_NODEID.get(buf);
        int uid = (int) IN_HEADER_UID.get(buf);
        int gid = (int) IN_HEADER_GID.get(buf);
        int pid = (int) IN_HEADER_PID.get(buf);
        MemorySegment body = buf.asSlice(HEADER_SIZE, len - HEADER_SIZE);
        FuseOpcode op = FuseOpcode.fromCode(code);
        if (op == null) {
            return new FuseRequest(body, code, null, unique, nodeid, uid, gid, pid, 0, new long[0], new long[0], 0);
        }

        long minFixed = op.minFixedBodySize();
        if (body.byteSize() < minFixed) {
            throw new FuseProtocolException(op + " request " + unique + " has a body of " + body.byteSize()
                    + " bytes, shorter than its fixed part (" + minFixed + " bytes)", unique, LinuxErrno.EINVAL);
        }
        long fixed = op.bodyLayout() == null ? 0 : Math.min(body.byteSize(), op.bodyLayout().byteSize());
        long[] starts = new long[op.nameCount()];
        long[] ends = new long[op.nameCount()];
        long pos = fixed;
        for (int i = 0; i < starts.length; i++) {
            long nul = indexOfNul(body, pos);
            if (nul < 0) {
                throw new FuseProtocolException(op + " request " + unique + ": name " + (i + 1) + " of "
                        + starts.length + " is not NUL-terminated within the body of " + body.byteSize()
                        + " bytes", unique, LinuxErrno.EINVAL);
            }
            starts[i] = pos;
            ends[i] = nul;
            pos = nul + 1;
        }
        checkPayload(op, unique, body, fixed, body.byteSize() - pos);
        return new FuseRequest(body, code, op, unique, nodeid, uid, gid, pid, fixed, starts, ends, pos);
    }

    private static void checkPayload(FuseOpcode op, long unique, MemorySegment body, long fixed, long payload)
            throws FuseProtocolException {
        long stated;
        String what;
        switch (op) {
            case WRITE -> {
                stated = Integer.toUnsignedLong((int) WRITE_IN_SIZE.get(body));
                what = "fuse_write_in.size";
            }
            case SETXATTR -> {
                stated = Integer.toUnsignedLong((int) SETXATTR_IN_SIZE.get(body));
                what = "fuse_setxattr_in.size";
            }
            case BATCH_FORGET -> {
                long count = Integer.toUnsignedLong((int) BATCH_FORGET_IN_COUNT.get(body));
                stated = count * FUSE_FORGET_ONE.byteSize();
                what = "fuse_batch_forget_in.count (" + count + ") * sizeof(fuse_forget_one)";
                if (payload >= stated) {
                    return; // the kernel may pad; fewer records than stated is the error
                }
            }
            default -> {
                return;
            }
        }
        if (stated != payload) {
            throw new FuseProtocolException(op + " request " + unique + ": " + what + " states " + stated
                    + " payload bytes but the body holds " + payload + " after its fixed part of " + fixed,
                    unique, LinuxErrno.EINVAL);
        }
    }

    private static long indexOfNul(MemorySegment body, long from) {
        long size = body.byteSize();
        for (long i = from; i < size; i++) {
            if (body.get(JAVA_BYTE, i) == 0) {
                return i;
            }
        }
        return -1;
    }

    /** The opcode, or {@code null} for an opcode weft does not know: reply {@link LinuxErrno#ENOSYS}. */
    public FuseOpcode opcode() {
        return opcode;
    }

    /** The kernel's opcode number, known or not. */
    public int opcodeCode() {
        return opcodeCode;
    }

    /** Whether {@link #opcode()} is known; if not, the body was not validated beyond the header. */
    public boolean isKnown() {
        return opcode != null;
    }

    public long unique() {
        return unique;
    }

    public long nodeid() {
        return nodeid;
    }

    public int uid() {
        return uid;
    }

    public int gid() {
        return gid;
    }

    public int pid() {
        return pid;
    }

    /** {@code fuse_in_header.len}: the whole request's size. */
    public long length() {
        return HEADER_SIZE + body.byteSize();
    }

    /** Everything after {@code fuse_in_header}. */
    public MemorySegment body() {
        return body;
    }

    /**
     * The opcode's fixed struct, to read with {@link FuseKernelLayout#handle}. For INIT from a kernel older than
     * 7.36 it is shorter than {@code fuse_init_in}: check {@code byteSize()} before reading {@code flags2}.
     */
    public MemorySegment fixedBody() {
        return body.asSlice(0, fixedSize);
    }

    /** The bytes after the fixed struct and the names: WRITE data, SETXATTR value, BATCH_FORGET records. */
    public MemorySegment payload() {
        return body.asSlice(payloadStart);
    }

    /** How many names the request carries (0, 1 or 2). */
    public int nameCount() {
        return nameStart.length;
    }

    /** Name {@code index} without its NUL, as a view of the buffer. */
    public MemorySegment nameSegment(int index) {
        return body.asSlice(nameStart[index], nameEnd[index] - nameStart[index]);
    }

    /** Name {@code index} without its NUL, copied. Linux names are bytes; this is the faithful form. */
    public byte[] nameBytes(int index) {
        return nameSegment(index).toArray(JAVA_BYTE);
    }

    /** Name {@code index} decoded as UTF-8; bytes that are not UTF-8 become U+FFFD, so use it for display only. */
    public String name(int index) {
        return new String(nameBytes(index), StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return (opcode == null ? "opcode " + opcodeCode : opcode.toString()) + "{unique=" + unique + ", nodeid="
                + nodeid + ", len=" + length() + "}";
    }
}
