package dev.weft.fuse;

import dev.weft.fuse.proto.FuseKernelLayout;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

import static dev.weft.fuse.proto.FuseKernelLayout.FUSE_SETATTR_IN;

/**
 * What SETATTR asks to change ({@code struct fuse_setattr_in}): only the fields whose {@code FATTR_*} bit is in
 * {@link #valid()} are meaningful. A view of the request, valid until the handler returns.
 */
public final class FuseSetAttr {
    public static final int MODE = FuseKernelLayout.FATTR_MODE;
    public static final int UID = FuseKernelLayout.FATTR_UID;
    public static final int GID = FuseKernelLayout.FATTR_GID;
    public static final int SIZE = FuseKernelLayout.FATTR_SIZE;
    public static final int ATIME = FuseKernelLayout.FATTR_ATIME;
    public static final int MTIME = FuseKernelLayout.FATTR_MTIME;
    public static final int FH = FuseKernelLayout.FATTR_FH;
    /** Set atime to the current time (with {@link #ATIME}). */
    public static final int ATIME_NOW = FuseKernelLayout.FATTR_ATIME_NOW;
    /** Set mtime to the current time (with {@link #MTIME}). */
    public static final int MTIME_NOW = FuseKernelLayout.FATTR_MTIME_NOW;
    public static final int CTIME = FuseKernelLayout.FATTR_CTIME;
    /**
     * {@code FATTR_KILL_SUIDGID} (with {@code FUSE_HANDLE_KILLPRIV_V2}): a truncate by a caller without
     * {@code CAP_FSETID}, or a chown: clear the set-user-ID bit, and the set-group-ID bit by the kernel's rule.
     */
    public static final int KILL_SUIDGID = FuseKernelLayout.FATTR_KILL_SUIDGID;

    private static final VarHandle VALID = FuseKernelLayout.handle(FUSE_SETATTR_IN, "valid");
    private static final VarHandle FH_H = FuseKernelLayout.handle(FUSE_SETATTR_IN, "fh");
    private static final VarHandle SIZE_H = FuseKernelLayout.handle(FUSE_SETATTR_IN, "size");
    private static final VarHandle ATIME_H = FuseKernelLayout.handle(FUSE_SETATTR_IN, "atime");
    private static final VarHandle MTIME_H = FuseKernelLayout.handle(FUSE_SETATTR_IN, "mtime");
    private static final VarHandle ATIMENSEC = FuseKernelLayout.handle(FUSE_SETATTR_IN, "atimensec");
    private static final VarHandle MTIMENSEC = FuseKernelLayout.handle(FUSE_SETATTR_IN, "mtimensec");
    private static final VarHandle MODE_H = FuseKernelLayout.handle(FUSE_SETATTR_IN, "mode");
    private static final VarHandle UID_H = FuseKernelLayout.handle(FUSE_SETATTR_IN, "uid");
    private static final VarHandle GID_H = FuseKernelLayout.handle(FUSE_SETATTR_IN, "gid");

    private final MemorySegment in;

    /** @param setattrIn a {@code fuse_setattr_in} */
    public FuseSetAttr(MemorySegment setattrIn) {
        if (setattrIn.byteSize() < FUSE_SETATTR_IN.byteSize()) {
            throw new IllegalArgumentException("a fuse_setattr_in is " + FUSE_SETATTR_IN.byteSize() + " bytes, got "
                    + setattrIn.byteSize());
        }
        this.in = setattrIn;
    }

    /** The {@code FATTR_*} bits of the fields to change. */
    public int valid() { return (int) VALID.get(in); }

    /** Whether all of {@code bits} are in {@link #valid()}. */
    public boolean has(int bits) { return (valid() & bits) == bits; }

    /** The open file's handle, or {@link FuseContext#NO_FH} when {@link #FH} is not set. */
    public long fh() { return has(FH) ? (long) FH_H.get(in) : FuseContext.NO_FH; }
    public long size() { return (long) SIZE_H.get(in); }
    public int mode() { return (int) MODE_H.get(in); }
    public int uid() { return (int) UID_H.get(in); }
    public int gid() { return (int) GID_H.get(in); }
    public long atimeSeconds() { return (long) ATIME_H.get(in); }
    public int atimeNanos() { return (int) ATIMENSEC.get(in); }
    public long mtimeSeconds() { return (long) MTIME_H.get(in); }
    public int mtimeNanos() { return (int) MTIMENSEC.get(in); }
}
