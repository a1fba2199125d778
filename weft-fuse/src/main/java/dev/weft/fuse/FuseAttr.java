package dev.weft.fuse;

import dev.weft.fuse.proto.FuseKernelLayout;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

import static dev.weft.fuse.proto.FuseKernelLayout.FUSE_ATTR;

/**
 * An inode's attributes as the kernel caches them ({@code struct fuse_attr}), written by a handler straight into the
 * reply, together with how long the kernel may cache them ({@link #validFor}). The server zeroes the struct before
 * the handler runs: unset fields are 0.
 */
public final class FuseAttr {
    private static final VarHandle INO = FuseKernelLayout.handle(FUSE_ATTR, "ino");
    private static final VarHandle SIZE = FuseKernelLayout.handle(FUSE_ATTR, "size");
    private static final VarHandle BLOCKS = FuseKernelLayout.handle(FUSE_ATTR, "blocks");
    private static final VarHandle ATIME = FuseKernelLayout.handle(FUSE_ATTR, "atime");
    private static final VarHandle MTIME = FuseKernelLayout.handle(FUSE_ATTR, "mtime");
    private static final VarHandle CTIME = FuseKernelLayout.handle(FUSE_ATTR, "ctime");
    private static final VarHandle ATIMENSEC = FuseKernelLayout.handle(FUSE_ATTR, "atimensec");
    private static final VarHandle MTIMENSEC = FuseKernelLayout.handle(FUSE_ATTR, "mtimensec");
    private static final VarHandle CTIMENSEC = FuseKernelLayout.handle(FUSE_ATTR, "ctimensec");
    private static final VarHandle MODE = FuseKernelLayout.handle(FUSE_ATTR, "mode");
    private static final VarHandle NLINK = FuseKernelLayout.handle(FUSE_ATTR, "nlink");
    private static final VarHandle UID = FuseKernelLayout.handle(FUSE_ATTR, "uid");
    private static final VarHandle GID = FuseKernelLayout.handle(FUSE_ATTR, "gid");
    private static final VarHandle RDEV = FuseKernelLayout.handle(FUSE_ATTR, "rdev");
    private static final VarHandle BLKSIZE = FuseKernelLayout.handle(FUSE_ATTR, "blksize");

    private static final VarHandle ATTR_OUT_VALID =
            FuseKernelLayout.handle(FuseKernelLayout.FUSE_ATTR_OUT, "attr_valid");
    private static final VarHandle ATTR_OUT_VALID_NSEC =
            FuseKernelLayout.handle(FuseKernelLayout.FUSE_ATTR_OUT, "attr_valid_nsec");

    private final MemorySegment attr;
    private final Validity validity;

    /** Where the "valid for" of this attr lives: {@code fuse_attr_out.attr_valid} or {@code fuse_entry_out}'s. */
    interface Validity {
        void set(long seconds, int nanos);
    }

    FuseAttr(MemorySegment attr, Validity validity) {
        if (attr.byteSize() != FUSE_ATTR.byteSize()) {
            throw new IllegalArgumentException("a fuse_attr is " + FUSE_ATTR.byteSize() + " bytes, got "
                    + attr.byteSize());
        }
        this.attr = attr;
        this.validity = validity;
    }

    /** A view of a {@code fuse_attr_out}: the server's GETATTR and SETATTR replies. */
    public static FuseAttr ofAttrOut(MemorySegment attrOut) {
        return new FuseAttr(attrOut.asSlice(FuseKernelLayout.offset(FuseKernelLayout.FUSE_ATTR_OUT, "attr"),
                FUSE_ATTR.byteSize()), (s, ns) -> {
            ATTR_OUT_VALID.set(attrOut, s);
            ATTR_OUT_VALID_NSEC.set(attrOut, ns);
        });
    }

    /** The {@code fuse_attr} segment itself. */
    public MemorySegment segment() {
        return attr;
    }

    /** How long the kernel may cache these attributes. */
    public FuseAttr validFor(long seconds, int nanos) {
        validity.set(seconds, nanos);
        return this;
    }

    public FuseAttr ino(long v) { INO.set(attr, v); return this; }
    public FuseAttr size(long v) { SIZE.set(attr, v); return this; }
    /** 512-byte blocks allocated. */
    public FuseAttr blocks(long v) { BLOCKS.set(attr, v); return this; }
    public FuseAttr atime(long sec, int nsec) { ATIME.set(attr, sec); ATIMENSEC.set(attr, nsec); return this; }
    public FuseAttr mtime(long sec, int nsec) { MTIME.set(attr, sec); MTIMENSEC.set(attr, nsec); return this; }
    public FuseAttr ctime(long sec, int nsec) { CTIME.set(attr, sec); CTIMENSEC.set(attr, nsec); return this; }
    /** The file type and permission bits, as {@code st_mode}. */
    public FuseAttr mode(int v) { MODE.set(attr, v); return this; }
    public FuseAttr nlink(int v) { NLINK.set(attr, v); return this; }
    public FuseAttr uid(int v) { UID.set(attr, v); return this; }
    public FuseAttr gid(int v) { GID.set(attr, v); return this; }
    public FuseAttr rdev(int v) { RDEV.set(attr, v); return this; }
    public FuseAttr blksize(int v) { BLKSIZE.set(attr, v); return this; }

    public long ino() { return (long) INO.get(attr); }
    public long size() { return (long) SIZE.get(attr); }
    public int mode() { return (int) MODE.get(attr); }
    public int nlink() { return (int) NLINK.get(attr); }
    public int uid() { return (int) UID.get(attr); }
    public int gid() { return (int) GID.get(attr); }
    public long mtimeSeconds() { return (long) MTIME.get(attr); }
}
