package dev.weft.fuse;

import java.lang.foreign.MemorySegment;

/**
 * Packs READDIRPLUS entries: each entry carries a {@code fuse_entry_out}, filled by {@code lookup} only once the
 * filler knows it has room, so that a lookup is never counted for an entry the kernel does not receive.
 */
public interface FuseDirPlusFiller {

    /** Fills one entry's reply in place, as a LOOKUP would; a nodeid of 0 means "no lookup counted" (for . and ..). */
    @FunctionalInterface
    interface Lookup {
        void fill(FuseEntry entry) throws FuseException;
    }

    /**
     * @param name the entry's name bytes, without NUL
     * @return false when the reply is full: nothing was added and {@code lookup} was not called; stop and return
     * @throws FuseException what {@code lookup} threw; the entry was not added
     */
    boolean add(MemorySegment name, int type, long nextOffset, Lookup lookup) throws FuseException;
}
