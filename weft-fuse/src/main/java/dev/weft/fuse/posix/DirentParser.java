package dev.weft.fuse.posix;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * A cursor over the {@code struct linux_dirent64} records ({@link Dirent64Layout}) that one {@code getdents64} call
 * wrote into a buffer. {@link #next()} moves to the next record and checks it before anything reads it; the
 * accessors then describe that record; {@link #unread()} steps back so that the next {@link #next()} yields the same
 * record again (for a reply that filled up before the record fit).
 *
 * <p>A record that breaks the kernel's format (a length that is not a multiple of 8, is shorter than the header
 * and a NUL, runs past the bytes read, or a name without its NUL) throws {@link IllegalArgumentException} naming
 * the record's offset: it means the buffer and length are not one {@code getdents64} result. Not thread-safe: one
 * parser per open directory, used under that directory's lock.
 */
public final class DirentParser {
    private MemorySegment buffer = MemorySegment.NULL;
    private long limit;
    private long next;
    private long current = -1;
    private long nameLength;

    /**
     * Starts over on the first {@code length} bytes of {@code buffer}, which {@code getdents64} returned.
     *
     * @param buffer native and 8-byte aligned, as the kernel writes records aligned to 8
     */
    public DirentParser reset(MemorySegment buffer, long length) {
        if (length < 0 || length > buffer.byteSize()) {
            throw new IllegalArgumentException("getdents64 length " + length + " is outside the " + buffer.byteSize()
                    + "-byte buffer; pass the count getdents64 returned");
        }
        if (buffer.address() % Dirent64Layout.RECORD_ALIGNMENT != 0) {
            throw new IllegalArgumentException("a getdents64 buffer must be 8-byte aligned, got address 0x"
                    + Long.toHexString(buffer.address()) + "; allocate it with alignment 8");
        }
        this.buffer = buffer;
        this.limit = length;
        this.next = 0;
        this.current = -1;
        return this;
    }

    /** Forgets the buffer: {@link #hasRemaining()} is false until the next {@link #reset}. */
    public void clear() {
        buffer = MemorySegment.NULL;
        limit = 0;
        next = 0;
        current = -1;
    }

    /** Whether records are left after the current one. */
    public boolean hasRemaining() {
        return next < limit;
    }

    /**
     * Moves to the next record.
     *
     * @return false at the end of the bytes read
     * @throws IllegalArgumentException the record is malformed; the cursor stays where it was
     */
    public boolean next() {
        if (next >= limit) {
            return false;
        }
        long at = next;
        long remaining = limit - at;
        if (remaining < Dirent64Layout.NAME_OFFSET + 1) {
            throw malformed(at, "only " + remaining + " bytes are left, fewer than the "
                    + Dirent64Layout.NAME_OFFSET + "-byte header and a NUL");
        }
        int reclen = Short.toUnsignedInt((short) Dirent64Layout.D_RECLEN.get(buffer, at));
        if (reclen < Dirent64Layout.NAME_OFFSET + 1) {
            throw malformed(at, "d_reclen " + reclen + " is shorter than the " + Dirent64Layout.NAME_OFFSET
                    + "-byte header and a NUL");
        }
        if (reclen % Dirent64Layout.RECORD_ALIGNMENT != 0) {
            throw malformed(at, "d_reclen " + reclen + " is not a multiple of " + Dirent64Layout.RECORD_ALIGNMENT);
        }
        if (reclen > remaining) {
            throw malformed(at, "d_reclen " + reclen + " runs past the " + remaining + " bytes left");
        }
        long nameStart = at + Dirent64Layout.NAME_OFFSET;
        long nul = -1;
        for (long i = nameStart; i < at + reclen; i++) {
            if (buffer.get(JAVA_BYTE, i) == 0) {
                nul = i;
                break;
            }
        }
        if (nul < 0) {
            throw malformed(at, "d_name has no NUL within its d_reclen of " + reclen);
        }
        if (nul == nameStart) {
            throw malformed(at, "d_name is empty");
        }
        current = at;
        next = at + reclen;
        nameLength = nul - nameStart;
        return true;
    }

    /** Steps back before the current record: the next {@link #next()} returns it again. */
    public void unread() {
        requireCurrent();
        next = current;
        current = -1;
    }

    public long ino() {
        requireCurrent();
        return (long) Dirent64Layout.D_INO.get(buffer, current);
    }

    /** {@code d_off}: the directory offset after this record, to resume the listing there. */
    public long nextOffset() {
        requireCurrent();
        return (long) Dirent64Layout.D_OFF.get(buffer, current);
    }

    /** {@code d_type}: a {@code DT_*} value, 0 ({@code DT_UNKNOWN}) if the file system does not say. */
    public int type() {
        requireCurrent();
        return Byte.toUnsignedInt((byte) Dirent64Layout.D_TYPE.get(buffer, current));
    }

    /** The name's bytes without the NUL: a view of the buffer. */
    public MemorySegment name() {
        requireCurrent();
        return buffer.asSlice(current + Dirent64Layout.NAME_OFFSET, nameLength);
    }

    /** The name with its NUL: a view of the buffer, ready for a native call. */
    public MemorySegment nameWithNul() {
        requireCurrent();
        return buffer.asSlice(current + Dirent64Layout.NAME_OFFSET, nameLength + 1);
    }

    /** Whether the current record is {@code "."} or {@code ".."}. */
    public boolean isDotOrDotDot() {
        requireCurrent();
        long n = current + Dirent64Layout.NAME_OFFSET;
        return buffer.get(JAVA_BYTE, n) == '.'
                && (nameLength == 1 || (nameLength == 2 && buffer.get(JAVA_BYTE, n + 1) == '.'));
    }

    private void requireCurrent() {
        if (current < 0) {
            throw new IllegalStateException("no current getdents64 record: call next() first and check it "
                    + "returned true");
        }
    }

    private static IllegalArgumentException malformed(long at, String what) {
        return new IllegalArgumentException("malformed getdents64 record at byte " + at + ": " + what
                + "; the buffer and length must be exactly what one getdents64 call returned");
    }
}
