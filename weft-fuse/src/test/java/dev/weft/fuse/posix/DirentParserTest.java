package dev.weft.fuse.posix;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.junit.jupiter.api.Assertions.*;

/** The getdents64 record walker, on hand-built buffers: well-formed ones and each kind of malformed record. */
class DirentParserTest {
    private final Arena arena = Arena.ofAuto();

    /** Writes a record at {@code at} the way fs/readdir.c does; returns the next record's offset. */
    private static long record(MemorySegment buf, long at, long ino, long off, int type, String name, int reclen) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        buf.set(JAVA_LONG, at, ino);
        buf.set(JAVA_LONG, at + 8, off);
        buf.set(JAVA_SHORT, at + 16, (short) reclen);
        buf.set(JAVA_BYTE, at + 18, (byte) type);
        MemorySegment.copy(n, 0, buf, JAVA_BYTE, at + Dirent64Layout.NAME_OFFSET, n.length);
        buf.set(JAVA_BYTE, at + Dirent64Layout.NAME_OFFSET + n.length, (byte) 0);
        return at + reclen;
    }

    /** The kernel's record length for a name: header + name + NUL, rounded up to 8. */
    private static int reclen(String name) {
        int raw = (int) Dirent64Layout.NAME_OFFSET + name.getBytes(StandardCharsets.UTF_8).length + 1;
        return (raw + 7) & ~7;
    }

    private MemorySegment buffer() {
        return arena.allocate(256, 8);
    }

    @Test
    void layoutMatchesTheKernelHeader() {
        assertEquals(19, Dirent64Layout.NAME_OFFSET, "offsetof(struct linux_dirent64, d_name)");
        assertEquals(16, Dirent64Layout.LINUX_DIRENT64.byteOffset(
                java.lang.foreign.MemoryLayout.PathElement.groupElement("d_reclen")));
    }

    @Test
    void walksWellFormedRecords() {
        MemorySegment buf = buffer();
        long end = record(buf, 0, 11, 100, 4, ".", reclen("."));
        end = record(buf, end, 12, 200, 4, "..", reclen(".."));
        end = record(buf, end, 13, 300, 8, "a-much-longer-name.txt", reclen("a-much-longer-name.txt"));
        DirentParser p = new DirentParser().reset(buf, end);
        List<String> names = new ArrayList<>();
        List<Boolean> dots = new ArrayList<>();
        while (p.next()) {
            names.add(new String(p.name().toArray(JAVA_BYTE), StandardCharsets.UTF_8));
            dots.add(p.isDotOrDotDot());
            assertEquals(0, p.nameWithNul().get(JAVA_BYTE, p.name().byteSize()));
        }
        assertEquals(List.of(".", "..", "a-much-longer-name.txt"), names);
        assertEquals(List.of(true, true, false), dots);
        assertFalse(p.hasRemaining());
    }

    @Test
    void accessorsDescribeTheCurrentRecord() {
        MemorySegment buf = buffer();
        long end = record(buf, 0, 0x1234_5678_9abcL, Long.MAX_VALUE, 10, "link", reclen("link"));
        DirentParser p = new DirentParser().reset(buf, end);
        assertTrue(p.next());
        assertEquals(0x1234_5678_9abcL, p.ino());
        assertEquals(Long.MAX_VALUE, p.nextOffset());
        assertEquals(10, p.type());
        assertFalse(p.next());
    }

    @Test
    void unreadYieldsTheSameRecordAgain() {
        MemorySegment buf = buffer();
        long end = record(buf, 0, 1, 10, 8, "one", reclen("one"));
        end = record(buf, end, 2, 20, 8, "two", reclen("two"));
        DirentParser p = new DirentParser().reset(buf, end);
        assertTrue(p.next());
        assertTrue(p.next());
        assertEquals(2, p.ino());
        p.unread();
        assertTrue(p.next());
        assertEquals(2, p.ino());
        assertFalse(p.next());
    }

    @Test
    void anEmptyResultHasNoRecords() {
        DirentParser p = new DirentParser().reset(buffer(), 0);
        assertFalse(p.next());
        assertThrows(IllegalStateException.class, p::ino, "no current record before next()");
    }

    @Test
    void aRecordShorterThanItsHeaderIsRefused() {
        MemorySegment buf = buffer();
        record(buf, 0, 1, 10, 8, "x", 16);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new DirentParser().reset(buf, 64).next());
        assertTrue(e.getMessage().contains("at byte 0") && e.getMessage().contains("d_reclen 16"), e.getMessage());
    }

    @Test
    void aZeroRecordLengthIsRefusedInsteadOfLoopingForever() {
        MemorySegment buf = buffer();
        record(buf, 0, 1, 10, 8, "x", 0);
        assertThrows(IllegalArgumentException.class, () -> new DirentParser().reset(buf, 64).next());
    }

    @Test
    void aRecordLengthNotAMultipleOf8IsRefused() {
        MemorySegment buf = buffer();
        record(buf, 0, 1, 10, 8, "abc", 25);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new DirentParser().reset(buf, 64).next());
        assertTrue(e.getMessage().contains("multiple of 8"), e.getMessage());
    }

    @Test
    void aRecordRunningPastTheBytesReadIsRefused() {
        MemorySegment buf = buffer();
        long end = record(buf, 0, 1, 10, 8, "ok", reclen("ok"));
        record(buf, end, 2, 20, 8, "big", 128);
        DirentParser p = new DirentParser().reset(buf, end + 32);
        assertTrue(p.next());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, p::next);
        assertTrue(e.getMessage().contains("at byte " + end) && e.getMessage().contains("runs past"),
                e.getMessage());
        assertEquals(1, p.ino(), "a refused record leaves the cursor on the previous one");
    }

    @Test
    void aTruncatedHeaderIsRefused() {
        MemorySegment buf = buffer();
        long end = record(buf, 0, 1, 10, 8, "ok", reclen("ok"));
        DirentParser p = new DirentParser().reset(buf, end + 8);
        assertTrue(p.next());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, p::next);
        assertTrue(e.getMessage().contains("only 8 bytes are left"), e.getMessage());
    }

    @Test
    void aNameWithoutItsNulIsRefused() {
        MemorySegment buf = buffer();
        record(buf, 0, 1, 10, 8, "abcd", 24);
        buf.asSlice(Dirent64Layout.NAME_OFFSET, 24 - Dirent64Layout.NAME_OFFSET).fill((byte) 'z');
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new DirentParser().reset(buf, 24).next());
        assertTrue(e.getMessage().contains("no NUL"), e.getMessage());
    }

    @Test
    void anEmptyNameIsRefused() {
        MemorySegment buf = buffer();
        record(buf, 0, 1, 10, 8, "", 24);
        assertThrows(IllegalArgumentException.class, () -> new DirentParser().reset(buf, 24).next());
    }

    @Test
    void aLengthBeyondTheBufferIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new DirentParser().reset(buffer(), 257));
        assertTrue(e.getMessage().contains("257"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new DirentParser().reset(buffer(), -1));
    }

    @Test
    void aMisalignedBufferIsRefused() {
        MemorySegment misaligned = buffer().asSlice(4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new DirentParser().reset(misaligned, 24));
        assertTrue(e.getMessage().contains("8-byte aligned"), e.getMessage());
    }
}
