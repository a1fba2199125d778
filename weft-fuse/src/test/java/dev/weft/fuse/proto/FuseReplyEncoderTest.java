package dev.weft.fuse.proto;

import static dev.weft.fuse.proto.FuseKernelLayout.*;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Reply headers, and dirent packing: alignment, zeroed padding, and overflow. */
class FuseReplyEncoderTest {
    private static final long OUT = FUSE_OUT_HEADER.byteSize();
    private final Arena arena = Arena.ofConfined();

    @AfterEach
    void close() {
        arena.close();
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void okReplyCopiesTheBody() {
        MemorySegment out = arena.allocate(256, 8);
        MemorySegment body = arena.allocate(FUSE_WRITE_OUT);
        handle(FUSE_WRITE_OUT, "size").set(body, 4096);
        long n = FuseReplyEncoder.replyOk(out, 77L, body);
        assertEquals(OUT + 8, n);
        assertEquals((int) n, (int) OUT_HEADER_LEN.get(out));
        assertEquals(0, (int) OUT_HEADER_ERROR.get(out));
        assertEquals(77L, (long) OUT_HEADER_UNIQUE.get(out));
        assertEquals(4096, (int) handle(FUSE_WRITE_OUT, "size").get(out.asSlice(OUT)));
    }

    @Test
    void errorReplyNegatesTheErrnoAndRejectsBadOnes() {
        MemorySegment out = arena.allocate(16, 8);
        assertEquals(16, FuseReplyEncoder.replyError(out, 1L, LinuxErrno.ENOENT));
        assertEquals(-2, (int) OUT_HEADER_ERROR.get(out));
        assertThrows(IllegalArgumentException.class, () -> FuseReplyEncoder.replyError(out, 1L, 0));
        assertThrows(IllegalArgumentException.class, () -> FuseReplyEncoder.replyError(out, 1L, -5));
        assertThrows(IllegalArgumentException.class, () -> FuseReplyEncoder.replyError(out, 1L, 512));
    }

    @Test
    void bodyLargerThanTheBufferIsRefused() {
        MemorySegment out = arena.allocate(32, 8);
        assertThrows(IllegalArgumentException.class, () -> FuseReplyEncoder.replyOk(out, 1L, 17));
        assertThrows(IllegalArgumentException.class, () -> FuseReplyEncoder.replyOk(out, 1L, -1));
    }

    @Test
    void direntsAreEightByteAlignedWithZeroPadding() {
        MemorySegment out = arena.allocate(4096, 8);
        out.fill((byte) 0x5A);
        FuseReplyEncoder.DirentWriter w = FuseReplyEncoder.direntWriter(out, 4096);
        assertTrue(w.addDirent(10, 1, 4, b("a")));          // 24 + 1 -> 32
        assertTrue(w.addDirent(11, 2, 8, b("12345678")));   // 24 + 8 -> 32
        assertTrue(w.addDirent(12, 3, 8, b("123456789")));  // 24 + 9 -> 40
        assertEquals(104, w.bodyLength());
        long n = w.finish(5L);
        assertEquals(OUT + 104, n);
        assertEquals((int) n, (int) OUT_HEADER_LEN.get(out));

        MemorySegment first = out.asSlice(OUT);
        assertEquals(10L, (long) DIRENT_INO.get(first));
        assertEquals(1L, (long) DIRENT_OFF.get(first));
        assertEquals(1, (int) DIRENT_NAMELEN.get(first));
        assertEquals(4, (int) DIRENT_TYPE.get(first));
        assertEquals('a', first.get(JAVA_BYTE, DIRENT_NAME_OFFSET));
        for (long i = DIRENT_NAME_OFFSET + 1; i < 32; i++) {
            assertEquals(0, first.get(JAVA_BYTE, i), "padding byte " + i + " not zeroed");
        }
        MemorySegment third = out.asSlice(OUT + 64);
        assertEquals(12L, (long) DIRENT_INO.get(third));
        assertEquals(9, (int) DIRENT_NAMELEN.get(third));
    }

    @Test
    void direntThatDoesNotFitTheRequestedSizeIsRefusedAndNothingWritten() {
        MemorySegment out = arena.allocate(4096, 8);
        FuseReplyEncoder.DirentWriter w = FuseReplyEncoder.direntWriter(out, 40);
        assertTrue(w.addDirent(1, 1, 4, b("x")));           // 32 of 40
        out.asSlice(OUT + 32).fill((byte) 0x5A);
        assertFalse(w.addDirent(2, 2, 4, b("y")));          // would need 32 more
        assertEquals(32, w.bodyLength());
        assertEquals((byte) 0x5A, out.get(JAVA_BYTE, OUT + 32), "a refused entry must write nothing");
        assertTrue(FuseReplyEncoder.direntWriter(out, 32).addDirent(1, 1, 4, b("1234567")),
                "an entry that exactly fills the size fits");
    }

    @Test
    void requestedSizeIsCappedByTheBuffer() {
        MemorySegment out = arena.allocate(OUT + 32, 8);
        FuseReplyEncoder.DirentWriter w = FuseReplyEncoder.direntWriter(out, 1 << 20);
        assertTrue(w.addDirent(1, 1, 4, b("x")));
        assertFalse(w.addDirent(2, 2, 4, b("y")));
    }

    @Test
    void badNamesAreRefused() {
        MemorySegment out = arena.allocate(4096, 8);
        FuseReplyEncoder.DirentWriter w = FuseReplyEncoder.direntWriter(out, 4096);
        assertThrows(IllegalArgumentException.class, () -> w.addDirent(1, 1, 4, new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> w.addDirent(1, 1, 4, new byte[] {'a', 0}));
        assertThrows(IllegalArgumentException.class, () -> FuseReplyEncoder.direntWriter(out, -1));
    }

    @Test
    void direntPlusCarriesTheEntryThenTheDirent() {
        MemorySegment out = arena.allocate(4096, 8);
        MemorySegment entry = arena.allocate(FUSE_ENTRY_OUT);
        handle(FUSE_ENTRY_OUT, "nodeid").set(entry, 42L);
        ENTRY_OUT_ATTR_INO.set(entry, 4242L);
        FuseReplyEncoder.DirentWriter w = FuseReplyEncoder.direntWriter(out, 4096);
        assertTrue(w.addDirentPlus(entry, 1, 4, b("dir")));
        assertEquals(direntAlign(DIRENTPLUS_NAME_OFFSET + 3), w.bodyLength());
        assertEquals(160, w.bodyLength());
        MemorySegment rec = out.asSlice(OUT);
        assertEquals(42L, (long) handle(FUSE_ENTRY_OUT, "nodeid").get(rec));
        MemorySegment dirent = rec.asSlice(DIRENTPLUS_DIRENT_OFFSET);
        assertEquals(4242L, (long) DIRENT_INO.get(dirent));
        assertEquals(3, (int) DIRENT_NAMELEN.get(dirent));
        assertEquals('d', rec.get(JAVA_BYTE, DIRENTPLUS_NAME_OFFSET));

        FuseReplyEncoder.DirentWriter small = FuseReplyEncoder.direntWriter(out, 159);
        assertFalse(small.addDirentPlus(entry, 1, 4, b("dir")));
        assertThrows(IllegalArgumentException.class,
                () -> w.addDirentPlus(arena.allocate(120, 8), 1, 4, b("x")));
    }

    @Test
    void aPruneNotificationIsTheHeaderTheCountAndTheNodeIds() {
        MemorySegment out = arena.allocate(256, 8);
        out.fill((byte) 0x5a); // the padding and spare fields must come out zero, not whatever was there
        long len = FuseReplyEncoder.notifyPrune(out, new long[] {9, 7, 5, 3}, 1, 2);
        assertEquals(OUT + FUSE_NOTIFY_PRUNE_OUT.byteSize() + 16, len);
        assertEquals((int) len, (int) OUT_HEADER_LEN.get(out));
        assertEquals(FUSE_NOTIFY_PRUNE, (int) OUT_HEADER_ERROR.get(out), "error carries the notification code");
        assertEquals(0L, (long) OUT_HEADER_UNIQUE.get(out), "notifications have unique 0");
        assertEquals(2, out.get(java.lang.foreign.ValueLayout.JAVA_INT, OUT), "count");
        assertEquals(0, out.get(java.lang.foreign.ValueLayout.JAVA_INT, OUT + 4), "padding");
        assertEquals(0L, out.get(java.lang.foreign.ValueLayout.JAVA_LONG, OUT + 8), "spare");
        assertEquals(7L, out.get(java.lang.foreign.ValueLayout.JAVA_LONG, OUT + 16));
        assertEquals(5L, out.get(java.lang.foreign.ValueLayout.JAVA_LONG, OUT + 24));
    }

    @Test
    void aPruneOfNoneTooManyOrMoreThanTheBufferHoldsIsRefused() {
        MemorySegment out = arena.allocate(64, 8);
        long[] ids = new long[FuseReplyEncoder.MAX_PRUNE_NODEIDS + 1];
        assertThrows(IllegalArgumentException.class, () -> FuseReplyEncoder.notifyPrune(out, ids, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> FuseReplyEncoder.notifyPrune(out, ids, 0, ids.length));
        assertThrows(IllegalArgumentException.class, () -> FuseReplyEncoder.notifyPrune(out, ids, ids.length - 1, 2));
        assertThrows(IllegalArgumentException.class, () -> FuseReplyEncoder.notifyPrune(out, ids, -1, 1));
        // 16 + 16 + 8 × 5 = 72 bytes do not fit 64
        assertThrows(IllegalArgumentException.class, () -> FuseReplyEncoder.notifyPrune(out, ids, 0, 5));
        assertEquals(64, FuseReplyEncoder.notifyPrune(out, ids, 0, 4));
    }

    @Test
    void invalidationMessagesCarryTheirStructAndTheNameWithItsNul() {
        MemorySegment out = arena.allocate(512, 8);
        out.fill((byte) 0x5a);
        long len = FuseReplyEncoder.notifyInvalInode(out, 7, -1, 4096);
        assertEquals(OUT + 24, len);
        assertEquals(FUSE_NOTIFY_INVAL_INODE, (int) OUT_HEADER_ERROR.get(out));
        assertEquals(7L, out.get(java.lang.foreign.ValueLayout.JAVA_LONG, OUT), "ino");
        assertEquals(-1L, out.get(java.lang.foreign.ValueLayout.JAVA_LONG, OUT + 8), "off");
        assertEquals(4096L, out.get(java.lang.foreign.ValueLayout.JAVA_LONG, OUT + 16), "len");

        out.fill((byte) 0x5a);
        len = FuseReplyEncoder.notifyInvalEntry(out, 1, b("abc"), FUSE_EXPIRE_ONLY);
        assertEquals(OUT + 16 + 4, len, "header, fuse_notify_inval_entry_out, the name and its NUL");
        assertEquals((int) len, (int) OUT_HEADER_LEN.get(out));
        assertEquals(0L, (long) OUT_HEADER_UNIQUE.get(out));
        assertEquals(3, out.get(java.lang.foreign.ValueLayout.JAVA_INT, OUT + 8), "namelen, without the NUL");
        assertEquals(FUSE_EXPIRE_ONLY, out.get(java.lang.foreign.ValueLayout.JAVA_INT, OUT + 12));
        assertEquals("abc", new String(out.asSlice(OUT + 16, 3).toArray(JAVA_BYTE), StandardCharsets.US_ASCII));
        assertEquals(0, out.get(JAVA_BYTE, OUT + 19));

        out.fill((byte) 0x5a);
        len = FuseReplyEncoder.notifyDelete(out, 1, 9, b("z"));
        assertEquals(OUT + 24 + 2, len);
        assertEquals(FUSE_NOTIFY_DELETE, (int) OUT_HEADER_ERROR.get(out));
        assertEquals(9L, out.get(java.lang.foreign.ValueLayout.JAVA_LONG, OUT + 8), "child");
        assertEquals(1, out.get(java.lang.foreign.ValueLayout.JAVA_INT, OUT + 16));
        assertEquals(0, out.get(java.lang.foreign.ValueLayout.JAVA_INT, OUT + 20), "padding");
    }

    @Test
    void aNotificationNameMustBeOneEntry() {
        MemorySegment out = arena.allocate(2048, 8);
        assertThrows(IllegalArgumentException.class, () -> FuseReplyEncoder.notifyInvalEntry(out, 1, b(""), 0));
        assertThrows(IllegalArgumentException.class, () -> FuseReplyEncoder.notifyInvalEntry(out, 1, b("a/b"), 0));
        assertThrows(IllegalArgumentException.class, () -> FuseReplyEncoder.notifyDelete(out, 1, 2, new byte[] {'a', 0}));
        assertThrows(IllegalArgumentException.class,
                () -> FuseReplyEncoder.notifyDelete(out, 1, 2, "n".repeat(1025).getBytes()));
        assertThrows(IllegalArgumentException.class,
                () -> FuseReplyEncoder.notifyInvalEntry(arena.allocate(24, 8), 1, b("abc"), 0));
        assertEquals(OUT + 16 + 1025, FuseReplyEncoder.notifyInvalEntry(out, 1, "n".repeat(1024).getBytes(), 0));
    }
}
