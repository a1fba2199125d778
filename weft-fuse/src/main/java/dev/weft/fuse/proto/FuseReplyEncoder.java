package dev.weft.fuse.proto;

import static dev.weft.fuse.proto.FuseKernelLayout.*;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

/**
 * Writes replies for {@code /dev/fuse}: a {@code fuse_out_header} followed by the body, into an 8-byte aligned
 * segment. Each method returns the reply's length, which is the byte count to {@code write(2)}.
 *
 * <p>Directory listings are built with {@link #direntWriter}, which packs {@code fuse_dirent} or
 * {@code fuse_direntplus} records after the header with the kernel's {@code FUSE_DIRENT_ALIGN} padding.
 */
public final class FuseReplyEncoder {
    private FuseReplyEncoder() {}

    private static final long HEADER_SIZE = FUSE_OUT_HEADER.byteSize();
    /** The kernel rejects {@code error <= -512} (fs/fuse/dev.c); the errno must be in 1..511. */
    private static final int MAX_ERRNO = 511;

    /** The size of {@code fuse_out_header}, where a reply body starts. */
    public static long headerSize() {
        return HEADER_SIZE;
    }

    /**
     * Writes a success header for a body of {@code bodyLength} bytes already placed at {@link #headerSize()}.
     *
     * @return the reply's total length
     */
    public static long replyOk(MemorySegment out, long unique, long bodyLength) {
        long len = HEADER_SIZE + bodyLength;
        if (bodyLength < 0 || len > out.byteSize() || len > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("reply body of " + bodyLength + " bytes does not fit the "
                    + out.byteSize() + "-byte reply buffer after the " + HEADER_SIZE + "-byte fuse_out_header");
        }
        writeHeader(out, len, 0, unique);
        return len;
    }

    /** Copies {@code body} after the header and writes a success header. */
    public static long replyOk(MemorySegment out, long unique, MemorySegment body) {
        if (HEADER_SIZE + body.byteSize() > out.byteSize()) {
            throw new IllegalArgumentException("reply body of " + body.byteSize() + " bytes does not fit the "
                    + out.byteSize() + "-byte reply buffer after the " + HEADER_SIZE + "-byte fuse_out_header");
        }
        MemorySegment.copy(body, 0, out, HEADER_SIZE, body.byteSize());
        return replyOk(out, unique, body.byteSize());
    }

    /**
     * Writes an error reply: a bare header with {@code error = -errno}.
     *
     * @param errno a positive Linux errno, at most 511
     */
    public static long replyError(MemorySegment out, long unique, int errno) {
        if (errno <= 0 || errno > MAX_ERRNO) {
            throw new IllegalArgumentException("errno " + errno + " is not a positive Linux errno (1.." + MAX_ERRNO
                    + "); pass e.g. LinuxErrno.EIO, not its negation");
        }
        writeHeader(out, HEADER_SIZE, -errno, unique);
        return HEADER_SIZE;
    }

    private static final VarHandle PRUNE_COUNT = handle(FUSE_NOTIFY_PRUNE_OUT, "count");
    private static final VarHandle INVAL_INODE_INO = handle(FUSE_NOTIFY_INVAL_INODE_OUT, "ino");
    private static final VarHandle INVAL_INODE_OFF = handle(FUSE_NOTIFY_INVAL_INODE_OUT, "off");
    private static final VarHandle INVAL_INODE_LEN = handle(FUSE_NOTIFY_INVAL_INODE_OUT, "len");
    private static final VarHandle INVAL_ENTRY_PARENT = handle(FUSE_NOTIFY_INVAL_ENTRY_OUT, "parent");
    private static final VarHandle INVAL_ENTRY_NAMELEN = handle(FUSE_NOTIFY_INVAL_ENTRY_OUT, "namelen");
    private static final VarHandle INVAL_ENTRY_FLAGS = handle(FUSE_NOTIFY_INVAL_ENTRY_OUT, "flags");
    private static final VarHandle DELETE_PARENT = handle(FUSE_NOTIFY_DELETE_OUT, "parent");
    private static final VarHandle DELETE_CHILD = handle(FUSE_NOTIFY_DELETE_OUT, "child");
    private static final VarHandle DELETE_NAMELEN = handle(FUSE_NOTIFY_DELETE_OUT, "namelen");
    private static final VarHandle DELETE_PADDING = handle(FUSE_NOTIFY_DELETE_OUT, "padding");

    /** The most node ids {@link #notifyPrune} puts in one message (32 KiB of them). */
    public static final int MAX_PRUNE_NODEIDS = 4096;

    /**
     * Writes a {@code FUSE_NOTIFY_PRUNE} message (7.45): the header with {@code unique = 0} and {@code error} the
     * notification code, {@code fuse_notify_prune_out}, then {@code count} node ids from {@code nodeids[from]}.
     *
     * @return the message's total length
     * @throws IllegalArgumentException {@code count} is not in 1..{@value #MAX_PRUNE_NODEIDS}, the range is outside
     *                                  {@code nodeids}, or the message does not fit {@code out}
     */
    public static long notifyPrune(MemorySegment out, long[] nodeids, int from, int count) {
        if (count < 1 || count > MAX_PRUNE_NODEIDS || from < 0 || from > nodeids.length - count) {
            throw new IllegalArgumentException("prune of " + count + " node ids from index " + from + " of "
                    + nodeids.length + " (1.." + MAX_PRUNE_NODEIDS + " per message)");
        }
        long body = FUSE_NOTIFY_PRUNE_OUT.byteSize();
        long len = HEADER_SIZE + body + 8L * count;
        requireFits(out, len);
        writeHeader(out, len, FUSE_NOTIFY_PRUNE, 0);
        MemorySegment b = out.asSlice(HEADER_SIZE, body).fill((byte) 0); // padding and spare
        PRUNE_COUNT.set(b, count);
        MemorySegment.copy(nodeids, from, out, JAVA_LONG_UNALIGNED, HEADER_SIZE + body, count);
        return len;
    }

    /**
     * The longest name a notification may carry: the kernel refuses one longer than its {@code fc->name_max} with
     * ENAMETOOLONG, which is 1,024 ({@code FUSE_NAME_LOW_MAX}, {@code FUSE_NAME_MAX} before Linux 6.14) or more.
     */
    public static final int MAX_NOTIFY_NAME = 1024;

    /**
     * Writes a {@code FUSE_NOTIFY_INVAL_INODE} message: drop the cached attributes of {@code nodeid} and, when
     * {@code offset >= 0}, its cached data from {@code offset} for {@code length} bytes (0: to the end).
     *
     * @return the message's total length
     */
    public static long notifyInvalInode(MemorySegment out, long nodeid, long offset, long length) {
        long body = FUSE_NOTIFY_INVAL_INODE_OUT.byteSize();
        requireFits(out, HEADER_SIZE + body);
        writeHeader(out, HEADER_SIZE + body, FUSE_NOTIFY_INVAL_INODE, 0);
        MemorySegment b = out.asSlice(HEADER_SIZE);
        INVAL_INODE_INO.set(b, nodeid);
        INVAL_INODE_OFF.set(b, offset);
        INVAL_INODE_LEN.set(b, length);
        return HEADER_SIZE + body;
    }

    /**
     * Writes a {@code FUSE_NOTIFY_INVAL_ENTRY} message: forget (or, with {@link FuseKernelLayout#FUSE_EXPIRE_ONLY}
     * in {@code flags}, only expire) the cached entry {@code name} of directory {@code parent}.
     *
     * @param name the name's bytes: 1 to {@value #MAX_NOTIFY_NAME} of them, no '/' and no NUL
     * @return the message's total length
     */
    public static long notifyInvalEntry(MemorySegment out, long parent, byte[] name, int flags) {
        long len = namedNotification(out, FUSE_NOTIFY_INVAL_ENTRY, FUSE_NOTIFY_INVAL_ENTRY_OUT.byteSize(), name);
        MemorySegment b = out.asSlice(HEADER_SIZE);
        INVAL_ENTRY_PARENT.set(b, parent);
        INVAL_ENTRY_NAMELEN.set(b, name.length);
        INVAL_ENTRY_FLAGS.set(b, flags);
        return len;
    }

    /**
     * Writes a {@code FUSE_NOTIFY_DELETE} message: the entry {@code name} of directory {@code parent}, which named
     * {@code child}, is gone; the kernel drops it as if it had unlinked it itself.
     *
     * @param name the name's bytes: 1 to {@value #MAX_NOTIFY_NAME} of them, no '/' and no NUL
     * @return the message's total length
     */
    public static long notifyDelete(MemorySegment out, long parent, long child, byte[] name) {
        long len = namedNotification(out, FUSE_NOTIFY_DELETE, FUSE_NOTIFY_DELETE_OUT.byteSize(), name);
        MemorySegment b = out.asSlice(HEADER_SIZE);
        DELETE_PARENT.set(b, parent);
        DELETE_CHILD.set(b, child);
        DELETE_NAMELEN.set(b, name.length);
        DELETE_PADDING.set(b, 0);
        return len;
    }

    /**
     * The parts a notification that names an entry shares: checks {@code name}, writes the header and, after the
     * {@code body}-byte struct the caller fills, the name and its NUL.
     *
     * @return the message's total length
     */
    private static long namedNotification(MemorySegment out, int code, long body, byte[] name) {
        requireName(name);
        long len = HEADER_SIZE + body + name.length + 1;
        requireFits(out, len);
        writeHeader(out, len, code, 0);
        MemorySegment.copy(name, 0, out, JAVA_BYTE, HEADER_SIZE + body, name.length);
        out.set(JAVA_BYTE, HEADER_SIZE + body + name.length, (byte) 0);
        return len;
    }

    private static void requireName(byte[] name) {
        if (name.length < 1 || name.length > MAX_NOTIFY_NAME) {
            throw new IllegalArgumentException("a name of " + name.length + " bytes: a notification names an entry"
                    + " of 1.." + MAX_NOTIFY_NAME + " bytes");
        }
        for (byte b : name) {
            if (b == '/' || b == 0) {
                throw new IllegalArgumentException("a name with a '" + (b == 0 ? "\\0" : "/") + "' in it: a"
                        + " notification names one entry of a directory");
            }
        }
    }

    private static void requireFits(MemorySegment out, long len) {
        if (len > out.byteSize()) {
            throw new IllegalArgumentException("a " + len + "-byte notification does not fit the " + out.byteSize()
                    + "-byte buffer");
        }
    }

    private static void writeHeader(MemorySegment out, long len, int error, long unique) {
        OUT_HEADER_LEN.set(out, (int) len);
        OUT_HEADER_ERROR.set(out, error);
        OUT_HEADER_UNIQUE.set(out, unique);
    }

    /**
     * A writer of READDIR / READDIRPLUS records into {@code out} after the header, limited to the {@code size}
     * the kernel asked for in {@code fuse_read_in.size} (and to the buffer).
     */
    public static DirentWriter direntWriter(MemorySegment out, long size) {
        return new DirentWriter(out, size);
    }

    /**
     * Packs directory records. Not thread-safe: one writer per reply. Padding bytes are zeroed, so no stale buffer
     * contents reach the kernel.
     */
    public static final class DirentWriter {
        private final MemorySegment out;
        private final long limit;
        private long pos;

        private DirentWriter(MemorySegment out, long size) {
            if (size < 0) {
                throw new IllegalArgumentException("READDIR size " + size + " is negative");
            }
            this.out = out;
            this.limit = Math.min(size, Math.max(0, out.byteSize() - HEADER_SIZE));
            this.pos = 0;
        }

        /**
         * Appends a {@code fuse_dirent}.
         *
         * @param off  the offset the kernel passes back to continue after this entry
         * @param type the {@code DT_*} type bits ({@code mode >> 12})
         * @param name the entry's name bytes, non-empty, without NUL
         * @return false, writing nothing, when the record does not fit the remaining size
         */
        public boolean addDirent(long ino, long off, int type, byte[] name) {
            return addDirent(ino, off, type, MemorySegment.ofArray(name));
        }

        /** {@link #addDirent(long, long, int, byte[])} with the name as a segment (e.g. a getdents64 record). */
        public boolean addDirent(long ino, long off, int type, MemorySegment name) {
            checkName(name);
            long recordSize = direntAlign(DIRENT_NAME_OFFSET + name.byteSize());
            if (recordSize > limit - pos) {
                return false;
            }
            MemorySegment record = out.asSlice(HEADER_SIZE + pos, recordSize);
            writeDirent(record, ino, off, type, name);
            pos += recordSize;
            return true;
        }

        /**
         * Appends a {@code fuse_direntplus}: {@code entryOut} (a filled {@code fuse_entry_out}) then the dirent.
         *
         * @return false, writing nothing, when the record does not fit the remaining size
         */
        public boolean addDirentPlus(MemorySegment entryOut, long off, int type, byte[] name) {
            return addDirentPlus(entryOut, off, type, MemorySegment.ofArray(name));
        }

        /** {@link #addDirentPlus(MemorySegment, long, int, byte[])} with the name as a segment. */
        public boolean addDirentPlus(MemorySegment entryOut, long off, int type, MemorySegment name) {
            checkName(name);
            if (entryOut.byteSize() != FUSE_ENTRY_OUT.byteSize()) {
                throw new IllegalArgumentException("entryOut is " + entryOut.byteSize()
                        + " bytes; a fuse_entry_out is " + FUSE_ENTRY_OUT.byteSize());
            }
            long recordSize = direntAlign(DIRENTPLUS_NAME_OFFSET + name.byteSize());
            if (recordSize > limit - pos) {
                return false;
            }
            MemorySegment record = out.asSlice(HEADER_SIZE + pos, recordSize);
            MemorySegment.copy(entryOut, 0, record, 0, entryOut.byteSize());
            long ino = (long) ENTRY_OUT_ATTR_INO.get(entryOut);
            writeDirent(record.asSlice(DIRENTPLUS_DIRENT_OFFSET), ino, off, type, name);
            pos += recordSize;
            return true;
        }

        private static void writeDirent(MemorySegment record, long ino, long off, int type, MemorySegment name) {
            DIRENT_INO.set(record, ino);
            DIRENT_OFF.set(record, off);
            DIRENT_NAMELEN.set(record, (int) name.byteSize());
            DIRENT_TYPE.set(record, type);
            MemorySegment.copy(name, 0, record, DIRENT_NAME_OFFSET, name.byteSize());
            record.asSlice(DIRENT_NAME_OFFSET + name.byteSize()).fill((byte) 0);
        }

        private static void checkName(MemorySegment name) {
            if (name.byteSize() == 0) {
                throw new IllegalArgumentException("a directory entry needs a non-empty name");
            }
            for (long i = 0; i < name.byteSize(); i++) {
                if (name.get(JAVA_BYTE, i) == 0) {
                    throw new IllegalArgumentException("directory entry name contains a NUL byte");
                }
            }
        }

        /** Bytes of records written so far. */
        public long bodyLength() {
            return pos;
        }

        /** Writes the success header over the records and returns the reply's total length. */
        public long finish(long unique) {
            return replyOk(out, unique, pos);
        }
    }
}
