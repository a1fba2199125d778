package dev.weft.fuse;

import java.lang.foreign.MemorySegment;

/**
 * Packs READDIR entries into the reply. An entry's {@code nextOffset} is the offset the kernel passes back to
 * continue the listing after it; it must be non-zero and stable for the open directory.
 */
public interface FuseDirFiller {
    /**
     * @param name the entry's name bytes, without NUL (a native segment, e.g. a {@code getdents64} record, or a
     *             heap one)
     * @param type the {@code DT_*} type ({@code st_mode >> 12}), or 0 if unknown
     * @return false when the reply is full: the entry was not added; stop and return
     */
    boolean add(MemorySegment name, long ino, int type, long nextOffset);
}
