package dev.weft.fuse.server;

import dev.weft.fuse.FuseAttr;
import dev.weft.fuse.FuseContext;
import dev.weft.fuse.FuseDirFiller;
import dev.weft.fuse.FuseDirPlusFiller;
import dev.weft.fuse.FuseEntry;
import dev.weft.fuse.FuseException;
import dev.weft.fuse.FuseFilesystem;
import dev.weft.fuse.FuseName;
import dev.weft.fuse.FuseOpen;
import dev.weft.fuse.FuseSetAttr;
import dev.weft.fuse.FuseStatfs;
import dev.weft.fuse.proto.FuseKernelLayout;
import dev.weft.fuse.proto.FuseOpcode;
import dev.weft.fuse.proto.FuseReplyEncoder;
import dev.weft.fuse.proto.FuseRequest;
import dev.weft.fuse.proto.LinuxErrno;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

import static dev.weft.fuse.proto.FuseKernelLayout.*;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * Turns one decoded request into a call of the {@link FuseFilesystem} and its reply: reads the opcode's
 * {@code fuse_*_in} struct, calls the handler named after the operation, and writes the {@code fuse_*_out} reply
 * into the reply buffer. What a handler throws goes to the caller, which turns it into an error reply (see
 * {@code Reader.handleRequest}: its errno, EIO, or EINTR for an interrupted request; none for FORGET).
 *
 * <p>Stateless apart from the file system: one instance serves all threads.
 */
final class Operations {
    /** {@link #dispatch} returns this when the operation gets no reply (FORGET, BATCH_FORGET). */
    static final long NO_REPLY = -1;

    private static final long OUT = FuseReplyEncoder.headerSize();

    private static final VarHandle FORGET_NLOOKUP = handle(FUSE_FORGET_IN, "nlookup");
    private static final VarHandle FORGET_ONE_NODEID = handle(FUSE_FORGET_ONE, "nodeid");
    private static final VarHandle FORGET_ONE_NLOOKUP = handle(FUSE_FORGET_ONE, "nlookup");
    private static final VarHandle GETATTR_FLAGS = handle(FUSE_GETATTR_IN, "getattr_flags");
    private static final VarHandle GETATTR_FH = handle(FUSE_GETATTR_IN, "fh");
    private static final VarHandle MKNOD_MODE = handle(FUSE_MKNOD_IN, "mode");
    private static final VarHandle MKNOD_RDEV = handle(FUSE_MKNOD_IN, "rdev");
    private static final VarHandle MKNOD_UMASK = handle(FUSE_MKNOD_IN, "umask");
    private static final VarHandle MKDIR_MODE = handle(FUSE_MKDIR_IN, "mode");
    private static final VarHandle MKDIR_UMASK = handle(FUSE_MKDIR_IN, "umask");
    private static final VarHandle RENAME_NEWDIR = handle(FUSE_RENAME_IN, "newdir");
    private static final VarHandle RENAME2_NEWDIR = handle(FUSE_RENAME2_IN, "newdir");
    private static final VarHandle RENAME2_FLAGS = handle(FUSE_RENAME2_IN, "flags");
    private static final VarHandle LINK_OLDNODEID = handle(FUSE_LINK_IN, "oldnodeid");
    private static final VarHandle OPEN_FLAGS = handle(FUSE_OPEN_IN, "flags");
    private static final VarHandle OPEN_OPEN_FLAGS = handle(FUSE_OPEN_IN, "open_flags");
    private static final VarHandle CREATE_OPEN_FLAGS = handle(FUSE_CREATE_IN, "open_flags");
    private static final VarHandle OPEN_OUT_FH = handle(FUSE_OPEN_OUT, "fh");
    private static final VarHandle OPEN_OUT_FLAGS = handle(FUSE_OPEN_OUT, "open_flags");
    private static final VarHandle OPEN_OUT_BACKING_ID = handle(FUSE_OPEN_OUT, "backing_id");
    private static final VarHandle READ_FH = handle(FUSE_READ_IN, "fh");
    private static final VarHandle READ_OFFSET = handle(FUSE_READ_IN, "offset");
    private static final VarHandle READ_SIZE = handle(FUSE_READ_IN, "size");
    private static final VarHandle WRITE_FH = handle(FUSE_WRITE_IN, "fh");
    private static final VarHandle WRITE_OFFSET = handle(FUSE_WRITE_IN, "offset");
    private static final VarHandle WRITE_FLAGS = handle(FUSE_WRITE_IN, "write_flags");
    private static final VarHandle WRITE_OUT_SIZE = handle(FUSE_WRITE_OUT, "size");
    private static final VarHandle FLUSH_FH = handle(FUSE_FLUSH_IN, "fh");
    private static final VarHandle FLUSH_LOCK_OWNER = handle(FUSE_FLUSH_IN, "lock_owner");
    private static final VarHandle RELEASE_FH = handle(FUSE_RELEASE_IN, "fh");
    private static final VarHandle RELEASE_FLAGS = handle(FUSE_RELEASE_IN, "flags");
    private static final VarHandle FSYNC_FH = handle(FUSE_FSYNC_IN, "fh");
    private static final VarHandle FSYNC_FLAGS = handle(FUSE_FSYNC_IN, "fsync_flags");
    /** Read field-wise: without FUSE_SETXATTR_EXT (weft does not ask for it) the struct is its 8-byte compat form. */
    private static final long SETXATTR_FLAGS_OFFSET = offset(FUSE_SETXATTR_IN, "flags");
    private static final VarHandle GETXATTR_SIZE = handle(FUSE_GETXATTR_IN, "size");
    private static final VarHandle GETXATTR_OUT_SIZE = handle(FUSE_GETXATTR_OUT, "size");
    private static final VarHandle ACCESS_MASK = handle(FUSE_ACCESS_IN, "mask");
    private static final VarHandle CREATE_FLAGS = handle(FUSE_CREATE_IN, "flags");
    private static final VarHandle CREATE_MODE = handle(FUSE_CREATE_IN, "mode");
    private static final VarHandle CREATE_UMASK = handle(FUSE_CREATE_IN, "umask");
    private static final VarHandle FALLOCATE_FH = handle(FUSE_FALLOCATE_IN, "fh");
    private static final VarHandle FALLOCATE_OFFSET = handle(FUSE_FALLOCATE_IN, "offset");
    private static final VarHandle FALLOCATE_LENGTH = handle(FUSE_FALLOCATE_IN, "length");
    private static final VarHandle FALLOCATE_MODE = handle(FUSE_FALLOCATE_IN, "mode");
    private static final VarHandle LSEEK_FH = handle(FUSE_LSEEK_IN, "fh");
    private static final VarHandle LSEEK_OFFSET = handle(FUSE_LSEEK_IN, "offset");
    private static final VarHandle LSEEK_WHENCE = handle(FUSE_LSEEK_IN, "whence");
    private static final VarHandle LSEEK_OUT_OFFSET = handle(FUSE_LSEEK_OUT, "offset");
    private static final VarHandle CFR_FH_IN = handle(FUSE_COPY_FILE_RANGE_IN, "fh_in");
    private static final VarHandle CFR_OFF_IN = handle(FUSE_COPY_FILE_RANGE_IN, "off_in");
    private static final VarHandle CFR_NODEID_OUT = handle(FUSE_COPY_FILE_RANGE_IN, "nodeid_out");
    private static final VarHandle CFR_FH_OUT = handle(FUSE_COPY_FILE_RANGE_IN, "fh_out");
    private static final VarHandle CFR_OFF_OUT = handle(FUSE_COPY_FILE_RANGE_IN, "off_out");
    private static final VarHandle CFR_LEN = handle(FUSE_COPY_FILE_RANGE_IN, "len");
    private static final VarHandle CFR_FLAGS = handle(FUSE_COPY_FILE_RANGE_IN, "flags");
    private static final VarHandle STATFS_BLOCKS = handle(FUSE_KSTATFS, "blocks");
    private static final VarHandle STATFS_BFREE = handle(FUSE_KSTATFS, "bfree");
    private static final VarHandle STATFS_BAVAIL = handle(FUSE_KSTATFS, "bavail");
    private static final VarHandle STATFS_FILES = handle(FUSE_KSTATFS, "files");
    private static final VarHandle STATFS_FFREE = handle(FUSE_KSTATFS, "ffree");
    private static final VarHandle STATFS_BSIZE = handle(FUSE_KSTATFS, "bsize");
    private static final VarHandle STATFS_NAMELEN = handle(FUSE_KSTATFS, "namelen");
    private static final VarHandle STATFS_FRSIZE = handle(FUSE_KSTATFS, "frsize");

    private final FuseFilesystem fs;

    Operations(FuseFilesystem fs) {
        this.fs = fs;
    }

    /** Whether {@code fs} (or an interface between it and {@link FuseFilesystem}) implements READDIRPLUS. */
    static boolean implementsReaddirplus(FuseFilesystem fs) {
        try {
            return fs.getClass().getMethod("readdirplus", dev.weft.fuse.FuseContext.class, long.class, long.class,
                    long.class, FuseDirPlusFiller.class).getDeclaringClass() != FuseFilesystem.class;
        } catch (NoSuchMethodException e) {
            throw new AssertionError("FuseFilesystem.readdirplus is public", e);
        }
    }

    /**
     * Handles {@code req} and writes its reply into {@code out}.
     *
     * @return the reply's length, or {@link #NO_REPLY}
     * @throws FuseException the handler's failure: the caller replies with its errno
     */
    long dispatch(FuseRequest req, FuseContext ctx, MemorySegment out) throws FuseException {
        if (!req.isKnown()) {
            throw new FuseException(LinuxErrno.ENOSYS);
        }
        long node = req.nodeid();
        MemorySegment in = req.fixedBody();
        long unique = req.unique();
        return switch (req.opcode()) {
            case LOOKUP -> {
                FuseEntry e = entry(out);
                fs.lookup(ctx, node, name(req, 0), e);
                yield ok(out, unique, FUSE_ENTRY_OUT.byteSize());
            }
            case FORGET -> {
                fs.forget(node, (long) FORGET_NLOOKUP.get(in));
                yield NO_REPLY;
            }
            case BATCH_FORGET -> {
                MemorySegment records = req.payload();
                long count = Integer.toUnsignedLong((int) BATCH_FORGET_IN_COUNT.get(in));
                long size = FUSE_FORGET_ONE.byteSize();
                for (long i = 0; i < count; i++) {
                    MemorySegment one = records.asSlice(i * size, size);
                    fs.forget((long) FORGET_ONE_NODEID.get(one), (long) FORGET_ONE_NLOOKUP.get(one));
                }
                yield NO_REPLY;
            }
            case GETATTR -> {
                long fh = ((int) GETATTR_FLAGS.get(in) & FUSE_GETATTR_FH) != 0
                        ? (long) GETATTR_FH.get(in) : FuseContext.NO_FH;
                fs.getattr(ctx, node, fh, attrOut(out));
                yield ok(out, unique, FUSE_ATTR_OUT.byteSize());
            }
            case SETATTR -> {
                fs.setattr(ctx, node, new FuseSetAttr(in), attrOut(out));
                yield ok(out, unique, FUSE_ATTR_OUT.byteSize());
            }
            case READLINK -> {
                byte[] target = fs.readlink(ctx, node);
                MemorySegment.copy(target, 0, body(out, target.length), JAVA_BYTE, 0, target.length);
                yield ok(out, unique, target.length);
            }
            case MKNOD -> {
                FuseEntry e = entry(out);
                fs.mknod(ctx, node, name(req, 0), (int) MKNOD_MODE.get(in), (int) MKNOD_RDEV.get(in),
                        (int) MKNOD_UMASK.get(in), e);
                yield ok(out, unique, FUSE_ENTRY_OUT.byteSize());
            }
            case MKDIR -> {
                FuseEntry e = entry(out);
                fs.mkdir(ctx, node, name(req, 0), (int) MKDIR_MODE.get(in), (int) MKDIR_UMASK.get(in), e);
                yield ok(out, unique, FUSE_ENTRY_OUT.byteSize());
            }
            case UNLINK -> {
                fs.unlink(ctx, node, name(req, 0));
                yield ok(out, unique, 0);
            }
            case RMDIR -> {
                fs.rmdir(ctx, node, name(req, 0));
                yield ok(out, unique, 0);
            }
            case SYMLINK -> {
                FuseEntry e = entry(out);
                fs.symlink(ctx, node, name(req, 0), name(req, 1), e);
                yield ok(out, unique, FUSE_ENTRY_OUT.byteSize());
            }
            case RENAME -> {
                fs.rename(ctx, node, name(req, 0), (long) RENAME_NEWDIR.get(in), name(req, 1), 0);
                yield ok(out, unique, 0);
            }
            case RENAME2 -> {
                fs.rename(ctx, node, name(req, 0), (long) RENAME2_NEWDIR.get(in), name(req, 1),
                        (int) RENAME2_FLAGS.get(in));
                yield ok(out, unique, 0);
            }
            case LINK -> {
                FuseEntry e = entry(out);
                fs.link(ctx, (long) LINK_OLDNODEID.get(in), node, name(req, 0), e);
                yield ok(out, unique, FUSE_ENTRY_OUT.byteSize());
            }
            case OPEN, OPENDIR -> {
                FuseOpen open = new FuseOpen()
                        .killSuidgid(((int) OPEN_OPEN_FLAGS.get(in) & FUSE_OPEN_KILL_SUIDGID) != 0);
                int flags = (int) OPEN_FLAGS.get(in);
                if (req.opcode() == FuseOpcode.OPEN) {
                    fs.open(ctx, node, flags, open);
                } else {
                    fs.opendir(ctx, node, flags, open);
                }
                writeOpenOut(body(out, FUSE_OPEN_OUT.byteSize()), open);
                yield ok(out, unique, FUSE_OPEN_OUT.byteSize());
            }
            case READ -> {
                long size = Math.min(Integer.toUnsignedLong((int) READ_SIZE.get(in)), out.byteSize() - OUT);
                int n = fs.read(ctx, node, (long) READ_FH.get(in), (long) READ_OFFSET.get(in), out.asSlice(OUT, size));
                if (n < 0 || n > size) {
                    throw new IllegalStateException("read handler returned " + n + " for a buffer of " + size);
                }
                yield ok(out, unique, n);
            }
            case WRITE -> {
                int n = fs.write(ctx, node, (long) WRITE_FH.get(in), (long) WRITE_OFFSET.get(in), req.payload(),
                        (int) WRITE_FLAGS.get(in));
                MemorySegment w = body(out, FUSE_WRITE_OUT.byteSize());
                WRITE_OUT_SIZE.set(w, n);
                yield ok(out, unique, FUSE_WRITE_OUT.byteSize());
            }
            case STATFS -> {
                FuseStatfs st = new FuseStatfs();
                fs.statfs(ctx, node, st);
                writeStatfs(body(out, FUSE_STATFS_OUT.byteSize()), st);
                yield ok(out, unique, FUSE_STATFS_OUT.byteSize());
            }
            case RELEASE, RELEASEDIR -> {
                long fh = (long) RELEASE_FH.get(in);
                if (req.opcode() == FuseOpcode.RELEASE) {
                    fs.release(ctx, node, fh, (int) RELEASE_FLAGS.get(in));
                } else {
                    fs.releasedir(ctx, node, fh);
                }
                yield ok(out, unique, 0);
            }
            case FSYNC -> {
                fs.fsync(ctx, node, (long) FSYNC_FH.get(in), ((int) FSYNC_FLAGS.get(in) & FUSE_FSYNC_FDATASYNC) != 0);
                yield ok(out, unique, 0);
            }
            case FSYNCDIR -> {
                fs.fsyncdir(ctx, node, (long) FSYNC_FH.get(in),
                        ((int) FSYNC_FLAGS.get(in) & FUSE_FSYNC_FDATASYNC) != 0);
                yield ok(out, unique, 0);
            }
            case SETXATTR -> {
                fs.setxattr(ctx, node, name(req, 0), req.payload(), in.get(java.lang.foreign.ValueLayout.JAVA_INT, SETXATTR_FLAGS_OFFSET));
                yield ok(out, unique, 0);
            }
            case GETXATTR, LISTXATTR -> {
                long size = Integer.toUnsignedLong((int) GETXATTR_SIZE.get(in));
                boolean query = size == 0;
                MemorySegment dst = query ? MemorySegment.NULL.reinterpret(0)
                        : out.asSlice(OUT, Math.min(size, out.byteSize() - OUT));
                int n = req.opcode() == FuseOpcode.GETXATTR
                        ? fs.getxattr(ctx, node, name(req, 0), dst)
                        : fs.listxattr(ctx, node, dst);
                if (query) {
                    MemorySegment g = body(out, FUSE_GETXATTR_OUT.byteSize());
                    GETXATTR_OUT_SIZE.set(g, n);
                    yield ok(out, unique, FUSE_GETXATTR_OUT.byteSize());
                }
                if (n < 0 || n > dst.byteSize()) {
                    throw new FuseException(LinuxErrno.ERANGE);
                }
                yield ok(out, unique, n);
            }
            case REMOVEXATTR -> {
                fs.removexattr(ctx, node, name(req, 0));
                yield ok(out, unique, 0);
            }
            case FLUSH -> {
                fs.flush(ctx, node, (long) FLUSH_FH.get(in), (long) FLUSH_LOCK_OWNER.get(in));
                yield ok(out, unique, 0);
            }
            case READDIR -> {
                FuseReplyEncoder.DirentWriter w = FuseReplyEncoder.direntWriter(out,
                        Integer.toUnsignedLong((int) READ_SIZE.get(in)));
                FuseDirFiller filler = (name, ino, type, next) -> w.addDirent(ino, next, type, name);
                fs.readdir(ctx, node, (long) READ_FH.get(in), (long) READ_OFFSET.get(in), filler);
                yield w.finish(unique);
            }
            case READDIRPLUS -> {
                long size = Integer.toUnsignedLong((int) READ_SIZE.get(in));
                FuseReplyEncoder.DirentWriter w = FuseReplyEncoder.direntWriter(out, size);
                long limit = Math.min(size, out.byteSize() - OUT);
                MemorySegment scratch = MemorySegment.ofArray(new long[(int) (FUSE_ENTRY_OUT.byteSize() / 8)]);
                FuseEntry e = new FuseEntry(scratch);
                FuseDirPlusFiller filler = (name, type, next, lookup) -> {
                    long record = direntAlign(DIRENTPLUS_NAME_OFFSET + name.byteSize());
                    if (record > limit - w.bodyLength()) {
                        return false;
                    }
                    scratch.fill((byte) 0);
                    lookup.fill(e);
                    return w.addDirentPlus(scratch, next, type, name);
                };
                fs.readdirplus(ctx, node, (long) READ_FH.get(in), (long) READ_OFFSET.get(in), filler);
                yield w.finish(unique);
            }
            case ACCESS -> {
                fs.access(ctx, node, (int) ACCESS_MASK.get(in));
                yield ok(out, unique, 0);
            }
            case CREATE -> {
                FuseEntry e = entry(out);
                FuseOpen open = new FuseOpen()
                        .killSuidgid(((int) CREATE_OPEN_FLAGS.get(in) & FUSE_OPEN_KILL_SUIDGID) != 0);
                fs.create(ctx, node, name(req, 0), (int) CREATE_MODE.get(in), (int) CREATE_UMASK.get(in),
                        (int) CREATE_FLAGS.get(in), e, open);
                long entrySize = FUSE_ENTRY_OUT.byteSize();
                writeOpenOut(out.asSlice(OUT + entrySize, FUSE_OPEN_OUT.byteSize()).fill((byte) 0), open);
                yield ok(out, unique, entrySize + FUSE_OPEN_OUT.byteSize());
            }
            case FALLOCATE -> {
                fs.fallocate(ctx, node, (long) FALLOCATE_FH.get(in), (long) FALLOCATE_OFFSET.get(in),
                        (long) FALLOCATE_LENGTH.get(in), (int) FALLOCATE_MODE.get(in));
                yield ok(out, unique, 0);
            }
            case LSEEK -> {
                long off = fs.lseek(ctx, node, (long) LSEEK_FH.get(in), (long) LSEEK_OFFSET.get(in),
                        (int) LSEEK_WHENCE.get(in));
                LSEEK_OUT_OFFSET.set(body(out, FUSE_LSEEK_OUT.byteSize()), off);
                yield ok(out, unique, FUSE_LSEEK_OUT.byteSize());
            }
            case COPY_FILE_RANGE -> {
                long n = fs.copyFileRange(ctx, node, (long) CFR_FH_IN.get(in), (long) CFR_OFF_IN.get(in),
                        (long) CFR_NODEID_OUT.get(in), (long) CFR_FH_OUT.get(in), (long) CFR_OFF_OUT.get(in),
                        (long) CFR_LEN.get(in), (int) (long) CFR_FLAGS.get(in));
                // fuse_write_out.size is 32 bits: the kernel never asks for more than it can take back
                WRITE_OUT_SIZE.set(body(out, FUSE_WRITE_OUT.byteSize()), (int) Math.min(n, 0xFFFF_FFFFL));
                yield ok(out, unique, FUSE_WRITE_OUT.byteSize());
            }
            // INIT, DESTROY and INTERRUPT are the server's own; locks, ioctl, poll and bmap are not offered
            default -> throw new FuseException(LinuxErrno.ENOSYS);
        };
    }

    private static FuseName name(FuseRequest req, int index) {
        MemorySegment s = req.nameSegment(index);
        // the decoder checked that a NUL follows each name inside the body
        return new FuseName(req.body().asSlice(s.address() - req.body().address(), s.byteSize() + 1));
    }

    private static MemorySegment body(MemorySegment out, long size) {
        return out.asSlice(OUT, size).fill((byte) 0);
    }

    private static FuseEntry entry(MemorySegment out) {
        return new FuseEntry(body(out, FUSE_ENTRY_OUT.byteSize()));
    }

    private static FuseAttr attrOut(MemorySegment out) {
        return FuseAttr.ofAttrOut(body(out, FUSE_ATTR_OUT.byteSize()));
    }

    private static long ok(MemorySegment out, long unique, long bodyLength) {
        return FuseReplyEncoder.replyOk(out, unique, bodyLength);
    }

    private static void writeOpenOut(MemorySegment o, FuseOpen open) {
        OPEN_OUT_FH.set(o, open.fh());
        OPEN_OUT_FLAGS.set(o, open.openFlags());
        OPEN_OUT_BACKING_ID.set(o, open.backingId()); // read by the kernel only with FOPEN_PASSTHROUGH
    }

    private static void writeStatfs(MemorySegment s, FuseStatfs st) {
        STATFS_BLOCKS.set(s, st.blocks);
        STATFS_BFREE.set(s, st.bfree);
        STATFS_BAVAIL.set(s, st.bavail);
        STATFS_FILES.set(s, st.files);
        STATFS_FFREE.set(s, st.ffree);
        STATFS_BSIZE.set(s, st.bsize);
        STATFS_NAMELEN.set(s, st.namelen);
        STATFS_FRSIZE.set(s, st.frsize);
    }
}
