package dev.weft.fuse;

import dev.weft.fuse.proto.FuseKernelLayout;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

import static dev.weft.fuse.proto.FuseKernelLayout.FUSE_ENTRY_OUT;

/**
 * A directory entry's reply ({@code struct fuse_entry_out}): the inode number the kernel will use for it from now
 * on ({@link #nodeid}), how long the name and the attributes may be cached, and the attributes ({@link #attr()}).
 *
 * <p>Every successful LOOKUP, MKNOD, MKDIR, SYMLINK, LINK, CREATE (and each READDIRPLUS entry with a non-zero
 * nodeid) counts one lookup of {@link #nodeid}; the kernel gives them back with FORGET. A nodeid of 0 is a negative
 * entry: "no such name", cached for {@link #entryValidFor}.
 */
public final class FuseEntry {
    private static final VarHandle NODEID = FuseKernelLayout.handle(FUSE_ENTRY_OUT, "nodeid");
    private static final VarHandle GENERATION = FuseKernelLayout.handle(FUSE_ENTRY_OUT, "generation");
    private static final VarHandle ENTRY_VALID = FuseKernelLayout.handle(FUSE_ENTRY_OUT, "entry_valid");
    private static final VarHandle ENTRY_VALID_NSEC = FuseKernelLayout.handle(FUSE_ENTRY_OUT, "entry_valid_nsec");

    private static final VarHandle ATTR_VALID = FuseKernelLayout.handle(FUSE_ENTRY_OUT, "attr_valid");
    private static final VarHandle ATTR_VALID_NSEC = FuseKernelLayout.handle(FUSE_ENTRY_OUT, "attr_valid_nsec");

    private final MemorySegment entry;
    private final FuseAttr attr;

    /**
     * @param entryOut a {@code fuse_entry_out}-sized segment, zeroed
     */
    public FuseEntry(MemorySegment entryOut) {
        if (entryOut.byteSize() != FUSE_ENTRY_OUT.byteSize()) {
            throw new IllegalArgumentException("a fuse_entry_out is " + FUSE_ENTRY_OUT.byteSize() + " bytes, got "
                    + entryOut.byteSize());
        }
        this.entry = entryOut;
        this.attr = new FuseAttr(entryOut.asSlice(FuseKernelLayout.offset(FUSE_ENTRY_OUT, "attr"),
                FuseKernelLayout.FUSE_ATTR.byteSize()), (s, ns) -> {
            ATTR_VALID.set(entryOut, s);
            ATTR_VALID_NSEC.set(entryOut, ns);
        });
    }

    /** The {@code fuse_entry_out} segment itself. */
    public MemorySegment segment() {
        return entry;
    }

    public FuseEntry nodeid(long v) { NODEID.set(entry, v); return this; }
    public FuseEntry generation(long v) { GENERATION.set(entry, v); return this; }

    /** How long the kernel may cache the name-to-inode binding. */
    public FuseEntry entryValidFor(long seconds, int nanos) {
        ENTRY_VALID.set(entry, seconds);
        ENTRY_VALID_NSEC.set(entry, nanos);
        return this;
    }

    public long nodeid() { return (long) NODEID.get(entry); }

    /** The entry's attributes; {@link FuseAttr#validFor} sets {@code fuse_entry_out.attr_valid}. */
    public FuseAttr attr() {
        return attr;
    }
}
