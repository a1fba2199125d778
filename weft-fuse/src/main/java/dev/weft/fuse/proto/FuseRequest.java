package dev.weft.fuse.proto;

import static dev.weft.fuse.proto.FuseKernelLayout.*;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/**
 * One request read from {@code /dev/fuse}, validated and split into header, fixed body struct, names, payload and
 * extensions.
 *
 * <h2>Layout</h2>
 * After {@code fuse_in_header} the body holds, in order: the opcode's fixed struct ({@link #fixedBody()}), its
 * NUL-terminated names ({@link #nameSegment}), a variable payload ({@link #payload()}: WRITE data, SETXATTR value,
 * BATCH_FORGET records), and the request extensions ({@link #extensions()}), which are the last
 * {@code fuse_in_header.total_extlen * 8} bytes. The kernel sends extensions (7.38) when INIT negotiated
 * {@code FUSE_SECURITY_CTX} or {@code FUSE_CREATE_SUPP_GROUP}, on CREATE, MKNOD, MKDIR, SYMLINK and TMPFILE.
 *
 * <h2>Validation</h2>
 * {@link #decode} checks, in order: the read length is at least {@code sizeof(fuse_in_header)}; {@code len} in the
 * header equals the read length; the extensions ({@code total_extlen * 8} bytes) fit in the body; for a known opcode,
 * the body before the extensions holds the opcode's fixed struct ({@link FuseOpcode#fixedBodySize(long)} for the
 * negotiated flags; INIT from a kernel before 7.36 may be as short as {@link FuseOpcode#minFixedBodySize()}), each of
 * its names ends in a NUL before the extensions, and a counted payload (WRITE data, SETXATTR value, BATCH_FORGET
 * records) has the length its struct states. A failure is a {@link FuseProtocolException} carrying the unique (when
 * the header was readable) and the errno to reply with. An unknown opcode is not a failure: the request decodes with
 * {@link #opcode()} {@code null}, and the server replies {@link LinuxErrno#ENOSYS}. The extensions' own records are
 * not parsed.
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
    /** Where the extensions start in {@link #body}: the end of the fixed struct, names and payload. */
    private final long extensionsStart;

    private FuseRequest(MemorySegment body, int opcodeCode, FuseOpcode opcode, long unique, long nodeid, int uid,
            int gid, int pid, long fixedSize, long[] nameStart, long[] nameEnd, long payloadStart,
            long extensionsStart) {
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
        this.extensionsStart = extensionsStart;
    }

    /**
     * Decodes the request in the first {@code length} bytes of {@code buf} on a connection that did not negotiate
     * {@code FUSE_SETXATTR_EXT}, or before INIT was answered: {@code decode(buf, length, 0)}.
     *
     * @see #decode(MemorySegment, long, long)
     */
    public static FuseRequest decode(MemorySegment buf, long length) throws FuseProtocolException {
        return decode(buf, length, 0);
    }

    /**
     * Decodes the request in the first {@code length} bytes of {@code buf}.
     *
     * @param buf             the read buffer; its address must be 8-byte aligned (allocate it with
     *                        {@code arena.allocate(size, 8)}), as the kernel's structs hold {@code uint64_t} fields
     * @param length          the byte count {@code read(2)} returned
     * @param negotiatedFlags the flags of weft's INIT reply as the kernel accepted them, joined with
     *                        {@link FuseKernelLayout#initFlags}; of these only {@code FUSE_SETXATTR_EXT} changes a
     *                        request's shape (SETXATTR's 16-byte instead of 8-byte {@code fuse_setxattr_in}). Pass 0
     *                        before INIT is answered.
     * @throws FuseProtocolException    if the request is truncated or inconsistent
     * @throws IllegalArgumentException if {@code length} is negative or beyond {@code buf}, or {@code buf} is
     *                                  misaligned: these are the caller's errors, not the kernel's
     */
    public static FuseRequest decode(MemorySegment buf, long length, long negotiatedFlags)
            throws FuseProtocolException {
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
                    + " but only " + length + " bytes were read: truncated", unique, code, LinuxErrno.EIO);
        }
        if (len < length) {
            throw new FuseProtocolException("request " + unique + " (opcode " + code + ") states len " + len
                    + " but " + length + " bytes were read", unique, code, LinuxErrno.EINVAL);
        }
        long nodeid = (long) IN_HEADER_NODEID.get(buf);
        int uid = (int) IN_HEADER_UID.get(buf);
        int gid = (int) IN_HEADER_GID.get(buf);
        int pid = (int) IN_HEADER_PID.get(buf);
        int totalExtlen = Short.toUnsignedInt((short) IN_HEADER_TOTAL_EXTLEN.get(buf));
        MemorySegment body = buf.asSlice(HEADER_SIZE, len - HEADER_SIZE);
        long extensions = totalExtlen * EXTLEN_UNIT;
        if (extensions > body.byteSize()) {
            throw new FuseProtocolException("request " + unique + " (opcode " + code + ") states total_extlen "
                    + totalExtlen + " (" + extensions + " bytes of extensions) but its body after fuse_in_header "
                    + "is only " + body.byteSize() + " bytes", unique, code, LinuxErrno.EINVAL);
        }
        long end = body.byteSize() - extensions;
        FuseOpcode op = FuseOpcode.fromCode(code);
        if (op == null) {
            return new FuseRequest(body, code, null, unique, nodeid, uid, gid, pid, 0, new long[0], new long[0], 0,
                    end);
        }

        long full = op.fixedBodySize(negotiatedFlags);
        long required = op == FuseOpcode.INIT ? op.minFixedBodySize() : full;
        if (end < required) {
            throw new FuseProtocolException(op + " request " + unique + " has a body of " + end + " bytes"
                    + (extensions == 0 ? "" : " before its " + extensions + " bytes of extensions")
                    + ", shorter than its fixed part (" + required + " bytes" + setxattrNote(op, negotiatedFlags)
                    + ")", unique, code, LinuxErrno.EINVAL);
        }
        long fixed = Math.min(end, full);
        long[] starts = new long[op.nameCount()];
        long[] ends = new long[op.nameCount()];
        long pos = fixed;
        for (int i = 0; i < starts.length; i++) {
            long nul = indexOfNul(body, pos, end);
            if (nul < 0) {
                throw new FuseProtocolException(op + " request " + unique + ": name " + (i + 1) + " of "
                        + starts.length + " is not NUL-terminated within the body of " + end + " bytes"
                        + (extensions == 0 ? "" : " before its " + extensions + " bytes of extensions"),
                        unique, code, LinuxErrno.EINVAL);
            }
            starts[i] = pos;
            ends[i] = nul;
            pos = nul + 1;
        }
        checkPayload(op, unique, body, fixed, end - pos);
        return new FuseRequest(body, code, op, unique, nodeid, uid, gid, pid, fixed, starts, ends, pos, end);
    }

    private static String setxattrNote(FuseOpcode op, long negotiatedFlags) {
        if (op != FuseOpcode.SETXATTR) {
            return "";
        }
        return (negotiatedFlags & FUSE_SETXATTR_EXT) != 0
                ? ": FUSE_SETXATTR_EXT was negotiated, so fuse_setxattr_in is the full struct"
                : ": FUSE_SETXATTR_EXT was not negotiated, so fuse_setxattr_in is the compat struct";
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
                    unique, op.code(), LinuxErrno.EINVAL);
        }
    }

    private static long indexOfNul(MemorySegment body, long from, long end) {
        for (long i = from; i < end; i++) {
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

    /** Everything after {@code fuse_in_header}, extensions included. */
    public MemorySegment body() {
        return body;
    }

    /**
     * The opcode's fixed struct, to read with {@link FuseKernelLayout#handle}. Two are shorter than their layout on
     * some connections; check {@code byteSize()} before reading the later fields: INIT from a kernel older than 7.36
     * ({@link FuseKernelLayout#INIT_IN_COMPAT_SIZE} bytes, no {@code flags2}), and SETXATTR when
     * {@code FUSE_SETXATTR_EXT} was not negotiated ({@link FuseKernelLayout#COMPAT_SETXATTR_IN_SIZE} bytes, no
     * {@code setxattr_flags}).
     */
    public MemorySegment fixedBody() {
        return body.asSlice(0, fixedSize);
    }

    /**
     * The bytes after the fixed struct and the names, up to the extensions: WRITE data, SETXATTR value,
     * BATCH_FORGET records. For an unknown opcode, the whole body before the extensions.
     */
    public MemorySegment payload() {
        return body.asSlice(payloadStart, extensionsStart - payloadStart);
    }

    /**
     * The request extensions: the last {@code fuse_in_header.total_extlen * 8} bytes of the body, empty when there
     * are none. They are a sequence of records, each opening with a {@link FuseKernelLayout#FUSE_EXT_HEADER} whose
     * {@code size} counts the whole record; a {@code type} of at most
     * {@link FuseKernelLayout#FUSE_MAX_NR_SECCTX} marks a {@link FuseKernelLayout#FUSE_SECCTX_HEADER} (security
     * contexts), {@link FuseKernelLayout#FUSE_EXT_GROUPS} a {@link FuseKernelLayout#FUSE_SUPP_GROUPS}. The decoder
     * checked only that they fit in the body. They follow the names directly, so the segment is not necessarily
     * 8-byte aligned: read it with unaligned layouts ({@code JAVA_INT_UNALIGNED}) or copy it first.
     */
    public MemorySegment extensions() {
        return body.asSlice(extensionsStart);
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
