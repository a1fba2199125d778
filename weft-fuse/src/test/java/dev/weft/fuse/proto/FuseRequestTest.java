package dev.weft.fuse.proto;

import static dev.weft.fuse.proto.FuseKernelLayout.*;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
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
        return request(opcode, body, statedLen, 0);
    }

    /** As {@link #request(int, byte[], long)}, with {@code fuse_in_header.total_extlen} set to {@code totalExtlen}. */
    private MemorySegment request(int opcode, byte[] body, long statedLen, int totalExtlen) {
        MemorySegment buf = arena.allocate(Math.max(HDR + body.length, 64), 8);
        IN_HEADER_TOTAL_EXTLEN.set(buf, (short) totalExtlen);
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

    /** A request whose body ends in {@code extensions}, counted in {@code total_extlen}. */
    private MemorySegment requestWithExtensions(FuseOpcode op, byte[] body, byte[] extensions) {
        assertEquals(0, extensions.length % 8, "extensions are whole 8-byte units");
        return request(op.code(), cat(body, extensions), -1, extensions.length / 8);
    }

    /** A FUSE_EXT_GROUPS extension with one group, as the kernel builds it for FUSE_CREATE_SUPP_GROUP. */
    private byte[] suppGroupsExtension(int group) {
        long size = recAlign(FUSE_EXT_HEADER.byteSize() + FUSE_SUPP_GROUPS.byteSize() + 4);
        MemorySegment x = arena.allocate(size, 8);
        handle(FUSE_EXT_HEADER, "size").set(x, (int) size);
        handle(FUSE_EXT_HEADER, "type").set(x, FUSE_EXT_GROUPS);
        MemorySegment sg = x.asSlice(FUSE_EXT_HEADER.byteSize());
        handle(FUSE_SUPP_GROUPS, "nr_groups").set(sg, 1);
        sg.set(JAVA_INT_UNALIGNED, FUSE_SUPP_GROUPS.byteSize(), group);
        return x.toArray(JAVA_BYTE);
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

    /** The {@code fuse_setxattr_in} a kernel sends without {@code FUSE_SETXATTR_EXT}: its first 8 bytes. */
    private byte[] compatSetxattrIn(int size) {
        return Arrays.copyOf(struct(FUSE_SETXATTR_IN, "size", size), COMPAT_SETXATTR_IN_SIZE);
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
        byte[] ok = cat(compatSetxattrIn(3), cstr("user.k"), new byte[] {1, 2, 3});
        assertEquals(3, FuseRequest.decode(request(FuseOpcode.SETXATTR, ok), HDR + ok.length).payload().byteSize());
        byte[] bad = cat(compatSetxattrIn(9), cstr("user.k"), new byte[] {1, 2, 3});
        malformed(request(FuseOpcode.SETXATTR, bad), HDR + bad.length);
        byte[] badExt = cat(struct(FUSE_SETXATTR_IN, "size", 9), cstr("user.k"), new byte[] {1, 2, 3});
        assertThrows(FuseProtocolException.class,
                () -> FuseRequest.decode(request(FuseOpcode.SETXATTR, badExt), HDR + badExt.length, FUSE_SETXATTR_EXT));
    }

    @Test
    void setxattrExtendedStructNeedsTheNegotiatedFlag() throws FuseProtocolException {
        byte[] ext = cat(struct(FUSE_SETXATTR_IN, "size", 3, "flags", 1, "setxattr_flags", FUSE_SETXATTR_ACL_KILL_SGID),
                cstr("system.posix_acl_access"), new byte[] {1, 2, 3});
        FuseRequest r = FuseRequest.decode(request(FuseOpcode.SETXATTR, ext), HDR + ext.length, FUSE_SETXATTR_EXT);
        assertEquals(FUSE_SETXATTR_IN.byteSize(), r.fixedBody().byteSize());
        assertEquals(FUSE_SETXATTR_ACL_KILL_SGID, (int) handle(FUSE_SETXATTR_IN, "setxattr_flags").get(r.fixedBody()));
        assertEquals(1, (int) handle(FUSE_SETXATTR_IN, "flags").get(r.fixedBody()));
        assertEquals("system.posix_acl_access", r.name(0));
        assertArrayEquals(new byte[] {1, 2, 3}, r.payload().toArray(JAVA_BYTE));

        // the same bytes read as the compat struct: the name would start at setxattr_flags, and the value is off
        malformed(request(FuseOpcode.SETXATTR, ext), HDR + ext.length);
    }

    @Test
    void setxattrCompatStructDecodesWithoutTheFlag() throws FuseProtocolException {
        byte[] compat = cat(compatSetxattrIn(2), cstr("user.k"), new byte[] {7, 8});
        FuseRequest r = FuseRequest.decode(request(FuseOpcode.SETXATTR, compat), HDR + compat.length, 0);
        assertEquals(COMPAT_SETXATTR_IN_SIZE, r.fixedBody().byteSize());
        assertEquals("user.k", r.name(0));
        assertArrayEquals(new byte[] {7, 8}, r.payload().toArray(JAVA_BYTE));
        FuseRequest same = FuseRequest.decode(request(FuseOpcode.SETXATTR, compat), HDR + compat.length);
        assertEquals(COMPAT_SETXATTR_IN_SIZE, same.fixedBody().byteSize(), "decode(buf, length) is flags 0");
    }

    @Test
    void setxattrShorterThanTheNegotiatedStructNamesTheFlag() {
        byte[] body = new byte[12];
        FuseProtocolException e = assertThrows(FuseProtocolException.class,
                () -> FuseRequest.decode(request(FuseOpcode.SETXATTR, body), HDR + body.length, FUSE_SETXATTR_EXT));
        assertEquals(LinuxErrno.EINVAL, e.errno());
        assertTrue(e.getMessage().contains("FUSE_SETXATTR_EXT was negotiated"), e.getMessage());
        FuseProtocolException compat = malformed(request(FuseOpcode.SETXATTR, new byte[4]), HDR + 4);
        assertTrue(compat.getMessage().contains("was not negotiated"), compat.getMessage());
    }

    // ---- extensions (fuse_in_header.total_extlen) -------------------------------------------------------------

    @Test
    void mknodWithSupplementaryGroupExtension() throws FuseProtocolException {
        byte[] ext = suppGroupsExtension(4242);
        byte[] body = cat(struct(FUSE_MKNOD_IN, "mode", 0100644), cstr("file"));
        FuseRequest r = FuseRequest.decode(requestWithExtensions(FuseOpcode.MKNOD, body, ext),
                HDR + body.length + ext.length);
        assertEquals("file", r.name(0));
        assertEquals(0, r.payload().byteSize());
        assertEquals(HDR + body.length + ext.length, r.length());
        MemorySegment x = r.extensions();
        assertEquals(ext.length, x.byteSize());
        // the extension follows a name of any length: read it unaligned
        assertEquals(ext.length, x.get(JAVA_INT_UNALIGNED, offset(FUSE_EXT_HEADER, "size")));
        assertEquals(FUSE_EXT_GROUPS, x.get(JAVA_INT_UNALIGNED, offset(FUSE_EXT_HEADER, "type")));
        assertEquals(1, x.get(JAVA_INT_UNALIGNED, FUSE_EXT_HEADER.byteSize()));
        assertEquals(4242, x.get(JAVA_INT_UNALIGNED, FUSE_EXT_HEADER.byteSize() + FUSE_SUPP_GROUPS.byteSize()));
    }

    @Test
    void symlinkNamesEndBeforeTheExtensions() throws FuseProtocolException {
        byte[] ext = suppGroupsExtension(7);
        byte[] body = cat(cstr("link"), cstr("target"));
        FuseRequest r = FuseRequest.decode(requestWithExtensions(FuseOpcode.SYMLINK, body, ext),
                HDR + body.length + ext.length);
        assertEquals("link", r.name(0));
        assertEquals("target", r.name(1));
        assertEquals(0, r.payload().byteSize());
        assertArrayEquals(ext, r.extensions().toArray(JAVA_BYTE));
    }

    @Test
    void createAndTmpfileCarryNameAndExtensions() throws FuseProtocolException {
        byte[] ext = suppGroupsExtension(100);
        for (FuseOpcode op : new FuseOpcode[] {FuseOpcode.CREATE, FuseOpcode.TMPFILE}) {
            byte[] body = cat(struct(FUSE_CREATE_IN, "flags", 2, "mode", 0100600, "open_flags",
                    FUSE_OPEN_KILL_SUIDGID), cstr(op == FuseOpcode.TMPFILE ? "/" : "new"));
            FuseRequest r = FuseRequest.decode(requestWithExtensions(op, body, ext), HDR + body.length + ext.length);
            assertEquals(FUSE_OPEN_KILL_SUIDGID, (int) handle(FUSE_CREATE_IN, "open_flags").get(r.fixedBody()));
            assertEquals(1, r.nameCount());
            assertEquals(ext.length, r.extensions().byteSize());
        }
    }

    @Test
    void writePayloadExcludesTheExtensions() throws FuseProtocolException {
        byte[] data = {1, 2, 3, 4, 5};
        byte[] body = cat(struct(FUSE_WRITE_IN, "size", data.length), data);
        byte[] ext = new byte[8];
        FuseRequest r = FuseRequest.decode(requestWithExtensions(FuseOpcode.WRITE, body, ext),
                HDR + body.length + ext.length);
        assertArrayEquals(data, r.payload().toArray(JAVA_BYTE));
        assertEquals(8, r.extensions().byteSize());
    }

    @Test
    void noExtensionsIsAnEmptySegment() throws FuseProtocolException {
        FuseRequest r = FuseRequest.decode(request(FuseOpcode.LOOKUP, cstr("a")), HDR + 2);
        assertEquals(0, r.extensions().byteSize());
    }

    @Test
    void extensionsLongerThanTheBodyAreInconsistent() {
        byte[] body = cat(struct(FUSE_MKNOD_IN), cstr("f"));
        MemorySegment buf = request(FuseOpcode.MKNOD.code(), body, -1, body.length / 8 + 1);
        FuseProtocolException e = malformed(buf, HDR + body.length);
        assertEquals(OptionalLong.of(UNIQUE), e.unique());
        assertEquals(LinuxErrno.EINVAL, e.errno());
        assertTrue(e.getMessage().contains("total_extlen"), e.getMessage());
    }

    @Test
    void totalExtlenIsUnsigned() {
        MemorySegment buf = request(FuseOpcode.STATFS.code(), new byte[8], -1, 0xFFFF);
        FuseProtocolException e = malformed(buf, HDR + 8);
        assertEquals(LinuxErrno.EINVAL, e.errno());
        assertTrue(e.getMessage().contains("65535"), e.getMessage());
        assertTrue(e.getMessage().contains(Long.toString(0xFFFF * 8L)), e.getMessage());
    }

    @Test
    void extensionsThatSwallowTheFixedStructAreInconsistent() {
        byte[] body = struct(FUSE_GETATTR_IN);
        FuseProtocolException e = malformed(request(FuseOpcode.GETATTR.code(), body, -1, 1), HDR + body.length);
        assertEquals(LinuxErrno.EINVAL, e.errno());
        assertTrue(e.getMessage().contains("before its 8 bytes of extensions"), e.getMessage());
    }

    @Test
    void aNameMustEndBeforeTheExtensions() {
        // the only NUL is inside the extension record: the name is not terminated where it must be
        byte[] body = cat(struct(FUSE_MKDIR_IN), "dir".getBytes(StandardCharsets.US_ASCII));
        byte[] ext = suppGroupsExtension(1);
        FuseProtocolException e = malformed(requestWithExtensions(FuseOpcode.MKDIR, body, ext),
                HDR + body.length + ext.length);
        assertTrue(e.getMessage().contains("NUL"), e.getMessage());
        assertTrue(e.getMessage().contains("extensions"), e.getMessage());
    }

    @Test
    void writeDataCountedIntoTheExtensionsIsInconsistent() {
        // fuse_write_in.size covers the data and the extension: the payload before the extensions is short
        byte[] body = cat(struct(FUSE_WRITE_IN, "size", 16), new byte[8]);
        malformed(requestWithExtensions(FuseOpcode.WRITE, body, new byte[8]), HDR + body.length + 8);
    }

    @Test
    void wholeBodyOfExtensionsIsFineForAnOpcodeWithoutBody() throws FuseProtocolException {
        FuseRequest r = FuseRequest.decode(request(FuseOpcode.STATFS.code(), new byte[16], -1, 2), HDR + 16);
        assertEquals(0, r.fixedBody().byteSize());
        assertEquals(0, r.payload().byteSize());
        assertEquals(16, r.extensions().byteSize());
    }

    @Test
    void unknownOpcodePayloadExcludesExtensions() throws FuseProtocolException {
        FuseRequest r = FuseRequest.decode(request(9999, new byte[24], -1, 1), HDR + 24);
        assertFalse(r.isKnown());
        assertEquals(16, r.payload().byteSize());
        assertEquals(8, r.extensions().byteSize());
        FuseProtocolException e = malformed(request(9999, new byte[8], -1, 2), HDR + 8);
        assertEquals(OptionalLong.of(UNIQUE), e.unique());
    }

    // ---- opcodes added after 7.31 -----------------------------------------------------------------------------

    @Test
    void statxRoundTrip() throws FuseProtocolException {
        byte[] body = struct(FUSE_STATX_IN, "getattr_flags", FUSE_GETATTR_FH, "fh", 12L, "sx_mask", 0x7ff);
        FuseRequest r = FuseRequest.decode(request(FuseOpcode.STATX, body), HDR + body.length);
        assertSame(FuseOpcode.STATX, r.opcode());
        assertEquals(12L, (long) handle(FUSE_STATX_IN, "fh").get(r.fixedBody()));
        assertEquals(0x7ff, (int) handle(FUSE_STATX_IN, "sx_mask").get(r.fixedBody()));
        malformed(request(FuseOpcode.STATX, new byte[16]), HDR + 16);
    }

    @Test
    void copyFileRange64AndSyncfsRoundTrip() throws FuseProtocolException {
        byte[] cfr = struct(FUSE_COPY_FILE_RANGE_IN, "len", 1L << 33, "nodeid_out", 9L);
        FuseRequest r = FuseRequest.decode(request(FuseOpcode.COPY_FILE_RANGE_64, cfr), HDR + cfr.length);
        assertEquals(1L << 33, (long) handle(FUSE_COPY_FILE_RANGE_IN, "len").get(r.fixedBody()));
        byte[] sync = struct(FUSE_SYNCFS_IN);
        assertSame(FuseOpcode.SYNCFS, FuseRequest.decode(request(FuseOpcode.SYNCFS, sync), HDR + 8).opcode());
    }

    @Test
    void tmpfileWithoutItsNameIsMalformed() {
        byte[] body = struct(FUSE_CREATE_IN);
        malformed(request(FuseOpcode.TMPFILE, body), HDR + body.length);
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
