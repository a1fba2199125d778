package dev.weft.fuse.proto;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

import static dev.weft.fuse.proto.FuseKernelLayout.*;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static org.junit.jupiter.api.Assertions.*;

/** Requests taken out of, and replies put into, an io_uring entry; entries whose sizes do not add up. */
class FuseRingEntryTest {
    private static final long HDR = FUSE_IN_HEADER.byteSize();
    private static final long OP_IN = offset(FUSE_URING_REQ_HEADER, "op_in");
    private static final long ENT = offset(FUSE_URING_REQ_HEADER, "ring_ent_in_out");
    private static final long COMMIT_ID = ENT + offset(FUSE_URING_ENT_IN_OUT, "commit_id");
    private static final long PAYLOAD_SZ = ENT + offset(FUSE_URING_ENT_IN_OUT, "payload_sz");
    private static final long UNIQUE = 0x77_0001L;

    private final Arena arena = Arena.ofConfined();
    private final MemorySegment headers = arena.allocate(FuseRingEntry.headersSize(), 8);
    private final MemorySegment payload = arena.allocate(8192, 8);
    private final MemorySegment in = arena.allocate(16384, 8);

    @AfterEach
    void close() {
        arena.close();
    }

    /** The kernel's side: header (len as stated), the fixed struct in op_in, the rest in the payload. */
    private void entry(FuseOpcode op, byte[] fixed, byte[] rest, long statedLen) {
        IN_HEADER_LEN.set(headers, (int) statedLen);
        IN_HEADER_OPCODE.set(headers, op.code());
        IN_HEADER_UNIQUE.set(headers, UNIQUE);
        MemorySegment.copy(fixed, 0, headers, JAVA_BYTE, OP_IN, fixed.length);
        MemorySegment.copy(rest, 0, payload, JAVA_BYTE, 0, rest.length);
        headers.set(JAVA_LONG_UNALIGNED, COMMIT_ID, UNIQUE);
        headers.set(JAVA_INT_UNALIGNED, PAYLOAD_SZ, rest.length);
    }

    private void entry(FuseOpcode op, byte[] fixed, byte[] rest) {
        entry(op, fixed, rest, HDR + fixed.length + rest.length);
    }

    @Test
    void aWriteComesOutAsDevFuseWouldDeliverIt() throws Exception {
        byte[] writeIn = new byte[(int) FUSE_WRITE_IN.byteSize()];
        writeIn[16] = 5; // size = 5
        byte[] data = "hello".getBytes(StandardCharsets.US_ASCII);
        entry(FuseOpcode.WRITE, writeIn, data);
        long n = FuseRingEntry.toRequest(headers, payload, in);
        assertEquals(HDR + writeIn.length + data.length, n);
        FuseRequest r = FuseRequest.decode(in, n);
        assertEquals(FuseOpcode.WRITE, r.opcode());
        assertEquals(UNIQUE, r.unique());
        assertEquals("hello", new String(r.payload().toArray(JAVA_BYTE), StandardCharsets.US_ASCII));
        assertEquals(UNIQUE, FuseRingEntry.commitId(headers));
    }

    @Test
    void aLookupHasAnEmptyFixedStructAndItsNameInThePayload() throws Exception {
        entry(FuseOpcode.LOOKUP, new byte[0], "name\0".getBytes(StandardCharsets.US_ASCII));
        FuseRequest r = FuseRequest.decode(in, FuseRingEntry.toRequest(headers, payload, in));
        assertEquals(FuseOpcode.LOOKUP, r.opcode());
        assertEquals("name", r.name(0));
    }

    @Test
    void sizesThatDoNotAddUpAreProtocolErrorsNamingTheCommitId() {
        // len smaller than header + payload: a negative fixed struct
        entry(FuseOpcode.LOOKUP, new byte[0], "name\0".getBytes(StandardCharsets.US_ASCII), HDR + 2);
        assertMalformed("leaves -3 bytes for the opcode's struct");
        // a fixed struct larger than op_in
        entry(FuseOpcode.WRITE, new byte[0], new byte[0], HDR + FUSE_URING_OP_IN_OUT_SZ + 1);
        assertMalformed("outside 0..128");
        // payload_sz beyond the payload buffer
        entry(FuseOpcode.WRITE, new byte[0], new byte[0], HDR);
        headers.set(JAVA_INT_UNALIGNED, PAYLOAD_SZ, 8193);
        assertMalformed("exceeds its 8192-byte payload buffer");
        // payload_sz of 2^32 - 1 (unsigned)
        headers.set(JAVA_INT_UNALIGNED, PAYLOAD_SZ, -1);
        assertMalformed("payload_sz 4294967295");
        // a request larger than the request buffer
        entry(FuseOpcode.WRITE, new byte[40], new byte[8000]);
        FuseProtocolException e = assertThrows(FuseProtocolException.class,
                () -> FuseRingEntry.toRequest(headers, payload, in.asSlice(0, 4096)));
        assertTrue(e.getMessage().contains("exceeds the 4096-byte request buffer"), e.getMessage());
        // headers buffer too small
        e = assertThrows(FuseProtocolException.class,
                () -> FuseRingEntry.toRequest(headers.asSlice(0, 200), payload, in));
        assertTrue(e.getMessage().contains("fewer than struct fuse_uring_req_header's"), e.getMessage());
    }

    private void assertMalformed(String part) {
        FuseProtocolException e = assertThrows(FuseProtocolException.class,
                () -> FuseRingEntry.toRequest(headers, payload, in));
        assertTrue(e.getMessage().contains(part), e.getMessage());
        assertEquals(UNIQUE, e.unique().orElseThrow(), "the commit id, so the entry can be answered");
        assertEquals(LinuxErrno.EIO, e.errno());
    }

    @Test
    void aReplyPutsItsHeaderInInOutAndCountsItsArgumentsAsPayload() {
        MemorySegment out = arena.allocate(FUSE_OUT_HEADER.byteSize() + 64, 8);
        long len = FuseReplyEncoder.replyOk(out, UNIQUE, 24);
        FuseRingEntry.fromReply(out, len, headers);
        assertEquals(24, headers.get(JAVA_INT_UNALIGNED, PAYLOAD_SZ));
        assertEquals(UNIQUE, headers.get(JAVA_LONG_UNALIGNED, offset(FUSE_OUT_HEADER, "unique")));
        assertEquals((int) len, headers.get(JAVA_INT_UNALIGNED, offset(FUSE_OUT_HEADER, "len")));

        long err = FuseReplyEncoder.replyError(out, UNIQUE, LinuxErrno.ENOENT);
        FuseRingEntry.fromReply(out, err, headers);
        assertEquals(0, headers.get(JAVA_INT_UNALIGNED, PAYLOAD_SZ));
        assertEquals(-LinuxErrno.ENOENT, headers.get(JAVA_INT_UNALIGNED, offset(FUSE_OUT_HEADER, "error")));

        assertThrows(IllegalArgumentException.class, () -> FuseRingEntry.fromReply(out, 8, headers));
        assertThrows(IllegalArgumentException.class, () -> FuseRingEntry.fromReply(out, out.byteSize() + 1, headers));
    }
}
