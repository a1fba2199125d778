package dev.weft.fuse.proto;

import static dev.weft.fuse.proto.FuseKernelLayout.*;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Decoding of well-formed requests, and every kind of malformed one. */
class FuseRequestTest {
    private static final long HDR = FUSE_IN_HEADER.byteSize();
    private static final long UNIQUE = 0x1234_5678_9abcL;

    private final Arena arena = Arena.ofConfined();

    @AfterEach
    void close() {
        arena.close();
    }

    /** Builds a request: header, then {@code body}; header.len is the total unless {@code statedLen >= 0}. */
    private MemorySegment request(int opcode, byte[] body, long statedLen) {
        MemorySegment buf = arena.allocate(Math.max(HDR + body.length, 64), 8);
        IN_HEADER_LEN.set(buf, (int) (statedLen >= 0 ? statedLen : HDR + body.length));
        IN_HEADER_OPCODE.set(buf, opcode);
        IN_HEADER_UNIQUE.set(buf, UNIQUE);
        IN_HEADER_NODEID.set(buf, 7L);
        IN_HEADER_UID.set(buf, 1000);
        IN_HEADER_GID.set(buf, 100);
        IN_HEADER_PID.set(buf, 4242);
        MemorySegment.copy(body, 0, buf, JAVA_BYTE, HDR, body.length);
        return buf;
    }

    private MemorySegment request(FuseOpcode op, byte[] body) {
        return request(op.code(), body, -1);
    }

    private static byte[] cat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int pos = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, pos, p.length);
            pos += p.length;
        }
        return out;
    }

    private static byte[] cstr(String s) {
        return (s + "\0").getBytes(StandardCharsets.UTF_8);
    }

    private byte[] struct(java.lang.foreign.MemoryLayout layout, Object... fieldValuePairs) {
        MemorySegment s = arena.allocate(layout);
        for (int i = 0; i < fieldValuePairs.length; i += 2) {
            VarHandle h = handle(layout, (String) fieldValuePairs[i]);
            h.set(s, fieldValuePairs[i + 1]);
        }
        return s.toArray(JAVA_BYTE);
    }

    private static FuseProtocolException malformed(MemorySegment buf, long length) {
        return assertThrows(FuseProtocolException.class, () -> FuseRequest.decode(buf, length));
    }

    // ---- well-formed ------------------------------------------------------------------------------------------

    @Test
    void lookupRoundTrip() throws FuseProtocolException {
        MemorySegment buf = request(FuseOpcode.LOOKUP, cstr("hello.txt"));
        FuseRequest r = FuseRequest.decode(buf, HDR + 10);
        assertSame(FuseOpcode.LOOKUP, r.opcode());
        assertEquals(UNIQUE, r.unique());
        assertEquals(7, r.nodeid());
        assertEquals(1000, r.uid());
        assertEquals(100, r.gid());
        assertEquals(4242, r.pid());
        assertEquals(1, r.nameCount());
        assertEquals("hello.txt", r.name(0));
        assertArrayEquals("hello.txt".getBytes(StandardCharsets.US_ASCII), r.nameBytes(0));
        assertEquals(0, r.payload().byteSize());
    }

    @Test
    void namesAreBytesNotUtf8() throws FuseProtocolException {
        byte[] latin1 = {(byte) 0xE9, 't', (byte) 0xE9, 0};
        FuseRequest r = FuseRequest.decode(request(FuseOpcode.UNLINK, latin1), HDR + latin1.length);
        assertArrayEquals(new byte[] {(byte) 0xE9, 't', (byte) 0xE9}, r.nameBytes(0));
    }

    @Test
    void renameCarriesTwoNamesAfterItsStruct() throws FuseProtocolException {
        byte[] body = cat(struct(FUSE_RENAME_IN, "newdir", 9L), cstr("a"), cstr("bb"));
        FuseRequest r = FuseRequest.decode(request(FuseOpcode.RENAME, body), HDR + body.length);
        assertEquals(2, r.nameCount());
        assertEquals("a", r.name(0));
        assertEquals("bb", r.name(1));
        assertEquals(9L, (long) handle(FUSE_RENAME_IN, "newdir").get(r.fixedBody()));
    }

    @Test
    void symlinkCarriesNameAndTarget() throws FuseProtocolException {
        byte[] body = cat(cstr("link"), cstr("/target/path"));
        FuseRequest r = FuseRequest.decode(request(FuseOpcode.SYMLINK, body), HDR + body.length);
        assertEquals("link", r.name(0));
        assertEquals("/target/path", r.name(1));
    }

    @Test
    void initRoundTripFullAndCompat() throws FuseProtocolException {
        byte[] full = struct(FUSE_INIT_IN, "major", 7, "minor", 45, "max_readahead", 131072,
                "flags", (int) (FUSE_INIT_EXT | FUSE_ASYNC_READ), "flags2", 1);
        FuseRequest r = FuseRequest.decode(request(FuseOpcode.INIT, full), HDR + full.length);
        MemorySegment in = r.fixedBody();
        assertEquals(64, in.byteSize());
        assertEquals(7, (int) handle(FUSE_INIT_IN, "major").get(in));
        assertEquals(45, (int) handle(FUSE_INIT_IN, "minor").get(in));
        assertEquals(FUSE_INIT_EXT | FUSE_ASYNC_READ | FUSE_SECURITY_CTX,
                initFlags((int) handle(FUSE_INIT_IN, "flags").get(in), (int) handle(FUSE_INIT_IN, "flags2").get(in)));

        byte[] compat = new byte[(int) INIT_IN_COMPAT_SIZE];
        System.arraycopy(full, 0, compat, 0, compat.length);
        FuseRequest old = FuseRequest.decode(request(FuseOpcode.INIT, compat), HDR + compat.length);
        assertEquals(INIT_IN_COMPAT_SIZE, old.fixedBody().byteSize());
    }

    @Test
    void writeRoundTripExposesTheData() throws FuseProtocolException {
        byte[] data = "payload!".getBytes(StandardCharsets.US_ASCII);
        byte[] body = cat(struct(FUSE_WRITE_IN, "fh", 3L, "offset", 4096L, "size", data.length), data);
        FuseRequest r = FuseRequest.decode(request(FuseOpcode.WRITE, body), HDR + body.length);
        assertEquals(3L, (long) handle(FUSE_WRITE_IN, "fh").get(r.fixedBody()));
        assertEquals(4096L, (long) handle(FUSE_WRITE_IN, "offset").get(r.fixedBody()));
        assertArrayEquals(data, r.payload().toArray(JAVA_BYTE));
    }

    @Test
    void batchForgetRecordsFollowTheStruct() throws FuseProtocolException {
        byte[] body = cat(struct(FUSE_BATCH_FORGET_IN, "count", 2),
                struct(FUSE_FORGET_ONE, "nodeid", 5L, "nlookup", 1L),
                struct(FUSE_FORGET_ONE, "nodeid", 6L, "nlookup", 2L));
        FuseRequest r = FuseRequest.decode(request(FuseOpcode.BATCH_FORGET, body), HDR + body.length);
        assertEquals(32, r.payload().byteSize());
        assertTrue(r.opcode().isNoReply());
    }

    // ---- malformed --------------------------------------------------------------------------------------------

    @Test
    void emptyBufferIsTruncatedWithoutUnique() {
        FuseProtocolException e = malformed(arena.allocate(0, 8), 0);
        assertEquals(OptionalLong.empty(), e.unique());
        assertEquals(LinuxErrno.EIO, e.errno());
    }

    @Test
    void shorterThanTheHeaderIsTruncatedWithoutUnique() {
        MemorySegment buf = request(FuseOpcode.LOOKUP, cstr("x"));
        FuseProtocolException e = malformed(buf, HDR - 1);
        assertEquals(OptionalLong.empty(), e.unique());
        assertTrue(e.getMessage().contains("fuse_in_header"), e.getMessage());
    }

    @Test
    void headerLenLargerThanReadIsTruncated() {
        MemorySegment buf = request(FuseOpcode.LOOKUP.code(), cstr("x"), HDR + 100);
        FuseProtocolException e = malformed(buf, HDR + 2);
        assertEquals(OptionalLong.of(UNIQUE), e.unique());
        assertEquals(LinuxErrno.EIO, e.errno());
    }

    @Test
    void headerLenSmallerThanReadIsInconsistent() {
        MemorySegment buf = request(FuseOpcode.LOOKUP.code(), cstr("x"), HDR);
        FuseProtocolException e = malformed(buf, HDR + 2);
        assertEquals(OptionalLong.of(UNIQUE), e.unique());
        assertEquals(LinuxErrno.EINVAL, e.errno());
    }

    @Test
    void hugeHeaderLenIsUnsignedAndRejected() {
        for (long stated : new long[] {0xFFFF_FFFFL, 0x8000_0000L}) {
            MemorySegment buf = request(FuseOpcode.LOOKUP.code(), cstr("x"), stated);
            FuseProtocolException e = malformed(buf, HDR + 2);
            assertEquals(OptionalLong.of(UNIQUE), e.unique());
            assertTrue(e.getMessage().contains(Long.toString(stated)), e.getMessage());
        }
    }

    @Test
    void zeroHeaderLenIsRejected() {
        MemorySegment buf = request(FuseOpcode.STATFS.code(), new byte[0], 0);
        assertEquals(OptionalLong.of(UNIQUE), malformed(buf, HDR).unique());
    }

    @Test
    void readLengthOutsideTheBufferIsTheCallersError() {
        MemorySegment buf = request(FuseOpcode.STATFS, new byte[0]);
        assertThrows(IllegalArgumentException.class, () -> FuseRequest.decode(buf, -1));
        assertThrows(IllegalArgumentException.class, () -> FuseRequest.decode(buf, Long.MIN_VALUE));
        assertThrows(IllegalArgumentException.class, () -> FuseRequest.decode(buf, buf.byteSize() + 1));
        assertThrows(IllegalArgumentException.class, () -> FuseRequest.decode(buf, Long.MAX_VALUE));
    }

    @Test
    void misalignedBufferIsTheCallersError() {
        MemorySegment buf = MemorySegment.ofArray(new byte[64]);
        assertThrows(IllegalArgumentException.class, () -> FuseRequest.decode(buf, 64));
    }

    @Test
    void bodyShorterThanTheFixedStructIsInconsistent() {
        byte[] body = new byte[(int) FUSE_WRITE_IN.byteSize() - 8];
        FuseProtocolException e = malformed(request(FuseOpcode.WRITE, body), HDR + body.length);
        assertEquals(OptionalLong.of(UNIQUE), e.unique());
        assertEquals(LinuxErrno.EINVAL, e.errno());
        assertTrue(e.getMessage().contains("WRITE"), e.getMessage());

        byte[] shortInit = new byte[(int) INIT_IN_COMPAT_SIZE - 4];
        assertEquals(OptionalLong.of(UNIQUE),
                malformed(request(FuseOpcode.INIT, shortInit), HDR + shortInit.length).unique());
    }

    @Test
    void nameWithoutNulIsMalformed() {
        byte[] noNul = "abc".getBytes(StandardCharsets.US_ASCII);
        FuseProtocolException e = malformed(request(FuseOpcode.LOOKUP, noNul), HDR + noNul.length);
        assertEquals(OptionalLong.of(UNIQUE), e.unique());
        assertEquals(LinuxErrno.EINVAL, e.errno());
        assertTrue(e.getMessage().contains("NUL"), e.getMessage());
    }

    @Test
    void secondNameWithoutNulIsMalformed() {
        byte[] body = cat(struct(FUSE_RENAME_IN, "newdir", 9L), cstr("a"), "b".getBytes(StandardCharsets.US_ASCII));
        FuseProtocolException e = malformed(request(FuseOpcode.RENAME, body), HDR + body.length);
        assertTrue(e.getMessage().contains("name 2 of 2"), e.getMessage());
    }

    @Test
    void emptyBodyForANameOpcodeIsMalformed() {
        malformed(request(FuseOpcode.MKDIR, struct(FUSE_MKDIR_IN)), HDR + FUSE_MKDIR_IN.byteSize());
        malformed(request(FuseOpcode.LOOKUP, new byte[0]), HDR);
    }

    @Test
    void writeSizeDisagreeingWithTheDataIsInconsistent() {
        byte[] body = cat(struct(FUSE_WRITE_IN, "size", 100), new byte[8]);
        assertEquals(LinuxErrno.EINVAL, malformed(request(FuseOpcode.WRITE, body), HDR + body.length).errno());
        byte[] huge = cat(struct(FUSE_WRITE_IN, "size", -1), new byte[8]);
        malformed(request(FuseOpcode.WRITE, huge), HDR + huge.length);
    }

    @Test
    void batchForgetCountBeyondTheBodyIsInconsistent() {
        byte[] body = cat(struct(FUSE_BATCH_FORGET_IN, "count", 3), struct(FUSE_FORGET_ONE, "nodeid", 5L));
        malformed(request(FuseOpcode.BATCH_FORGET, body), HDR + body.length);
        byte[] huge = struct(FUSE_BATCH_FORGET_IN, "count", -1);
        malformed(request(FuseOpcode.BATCH_FORGET, huge), HDR + huge.length);
    }

    @Test
    void setxattrValueSizeIsChecked() throws FuseProtocolException {
        byte[] ok = cat(struct(FUSE_SETXATTR_IN, "size", 3), cstr("user.k"), new byte[] {1, 2, 3});
        assertEquals(3, FuseRequest.decode(request(FuseOpcode.SETXATTR, ok), HDR + ok.length).payload().byteSize());
        byte[] bad = cat(struct(FUSE_SETXATTR_IN, "size", 9), cstr("user.k"), new byte[] {1, 2, 3});
        malformed(request(FuseOpcode.SETXATTR, bad), HDR + bad.length);
    }

    @Test
    void unknownOpcodeDecodesForAnEnosysReply() throws FuseProtocolException {
        byte[] junk = {1, 2, 3};
        FuseRequest r = FuseRequest.decode(request(9999, junk, -1), HDR + junk.length);
        assertFalse(r.isKnown());
        assertNull(r.opcode());
        assertEquals(9999, r.opcodeCode());
        assertEquals(UNIQUE, r.unique());

        MemorySegment out = arena.allocate(64, 8);
        long n = FuseReplyEncoder.replyError(out, r.unique(), LinuxErrno.ENOSYS);
        assertEquals(16, n);
        assertEquals(-LinuxErrno.ENOSYS, (int) OUT_HEADER_ERROR.get(out));
        assertEquals(UNIQUE, (long) OUT_HEADER_UNIQUE.get(out));
    }

    @Test
    void negativeOpcodeIsUnknownNotACrash() throws FuseProtocolException {
        FuseRequest r = FuseRequest.decode(request(-5, new byte[0], -1), HDR);
        assertFalse(r.isKnown());
    }
}
