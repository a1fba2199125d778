package dev.weft.fuse;

import dev.weft.fuse.proto.LinuxErrno;

import java.lang.foreign.MemorySegment;

/**
 * A file system at the inode level, like libfuse's low-level API: the kernel names files by inode number
 * ({@code nodeid}, {@code 1} is the root) and the file system decides what a number means. Every handler sees the
 * caller ({@link FuseContext}) and fails by throwing {@link FuseException} with an errno. An operation left at its
 * default replies {@code ENOSYS}; for some the kernel then stops asking (e.g. FLUSH, FSYNC, ACCESS, XATTR calls).
 *
 * <h2>Lookup counts</h2>
 * Each successful {@link #lookup}, {@link #mknod}, {@link #mkdir}, {@link #symlink}, {@link #link},
 * {@link #create} and READDIRPLUS entry with a non-zero nodeid counts one reference to that nodeid; {@link #forget}
 * gives {@code nlookup} of them back. The file system must keep a nodeid valid while its count is above zero.
 *
 * <h2>Threads</h2>
 * Handlers are called from several server threads at once, and with threadlet dispatch from virtual threads, so
 * implementations must be thread-safe. A handler blocking in a virtual-thread-aware call (a lock, a sleep, socket
 * I/O) under threadlet dispatch releases its server thread to read the next request.
 *
 * <h2>Buffers</h2>
 * Names, payloads and destination segments are views of the server's buffers, valid until the handler returns.
 */
public interface FuseFilesystem {

    /** Called once, after INIT was negotiated and before any other handler. */
    default void init(FuseConnectionInfo connection) {
    }

    /** Called once at unmount (DESTROY) or when the server stops. */
    default void destroy() {
    }

    /**
     * Whether this file system clears set-user-ID and set-group-ID bits itself when the kernel asks
     * ({@code FUSE_HANDLE_KILLPRIV_V2}): on a WRITE whose {@code writeFlags} have {@code FUSE_WRITE_KILL_SUIDGID} and
     * a SETATTR with {@link FuseSetAttr#KILL_SUIDGID}, as the kernel does for a caller without {@code CAP_FSETID} (and
     * on a fallocate or copy_file_range by such a caller, for which the kernel sends no flag). In return the kernel
     * stops asking for {@code security.capability} (GETXATTR) before most writes. With {@link #truncatesOnOpen}, a
     * truncating OPEN or CREATE is marked too ({@link FuseOpen#killSuidgid()}). The server asks for it only without
     * passthrough I/O, where writes never reach the file system. Default: no.
     */
    default boolean handlesKillPrivV2() {
        return false;
    }

    /**
     * Whether {@link #open} truncates the file itself when its {@code flags} have {@code O_TRUNC}
     * ({@code FUSE_ATOMIC_O_TRUNC}): the kernel then sends {@code O_TRUNC} with OPEN instead of a SETATTR of size 0
     * after it, one round trip fewer per truncating open, and no SETATTR clears set-ID bits for it any more: a file
     * system that says yes must clear them there as for a truncate (marked by {@link FuseOpen#killSuidgid()} with
     * {@link #handlesKillPrivV2}). An OPEN answered with ENOSYS would lose the truncation. Default: no.
     */
    default boolean truncatesOnOpen() {
        return false;
    }

    private static FuseException notImplemented() {
        return new FuseException(LinuxErrno.ENOSYS);
    }

    /** LOOKUP: fill {@code entry} for {@code name} in directory {@code parent}; {@code ENOENT} if absent. */
    default void lookup(FuseContext ctx, long parent, FuseName name, FuseEntry entry) throws FuseException {
        throw notImplemented();
    }

    /** FORGET and BATCH_FORGET: the kernel drops {@code nlookup} references to {@code nodeid}. No reply. */
    default void forget(long nodeid, long nlookup) {
    }

    /** GETATTR. {@code fh} is the open file's handle or {@link FuseContext#NO_FH}. */
    default void getattr(FuseContext ctx, long nodeid, long fh, FuseAttr attr) throws FuseException {
        throw notImplemented();
    }

    /** SETATTR: change what {@code changes} names, then fill {@code attr} with the result. */
    default void setattr(FuseContext ctx, long nodeid, FuseSetAttr changes, FuseAttr attr) throws FuseException {
        throw notImplemented();
    }

    /** READLINK: the link's target bytes. */
    default byte[] readlink(FuseContext ctx, long nodeid) throws FuseException {
        throw notImplemented();
    }

    /** MKNOD: {@code mode} holds the file type; {@code umask} is the caller's, already applied unless DONT_MASK. */
    default void mknod(FuseContext ctx, long parent, FuseName name, int mode, int rdev, int umask, FuseEntry entry)
            throws FuseException {
        throw notImplemented();
    }

    default void mkdir(FuseContext ctx, long parent, FuseName name, int mode, int umask, FuseEntry entry)
            throws FuseException {
        throw notImplemented();
    }

    default void unlink(FuseContext ctx, long parent, FuseName name) throws FuseException {
        throw notImplemented();
    }

    default void rmdir(FuseContext ctx, long parent, FuseName name) throws FuseException {
        throw notImplemented();
    }

    /** SYMLINK: create {@code name} in {@code parent} pointing at {@code target}. */
    default void symlink(FuseContext ctx, long parent, FuseName name, FuseName target, FuseEntry entry)
            throws FuseException {
        throw notImplemented();
    }

    /**
     * RENAME and RENAME2. {@code flags} are {@code renameat2}'s: {@code RENAME_NOREPLACE} (1),
     * {@code RENAME_EXCHANGE} (2), {@code RENAME_WHITEOUT} (4); 0 for plain RENAME.
     */
    default void rename(FuseContext ctx, long parent, FuseName name, long newParent, FuseName newName, int flags)
            throws FuseException {
        throw notImplemented();
    }

    /** LINK: a new name {@code newName} in {@code newParent} for {@code nodeid}. */
    default void link(FuseContext ctx, long nodeid, long newParent, FuseName newName, FuseEntry entry)
            throws FuseException {
        throw notImplemented();
    }

    /** OPEN: {@code flags} are {@code open(2)}'s, without O_CREAT, O_EXCL and O_NOCTTY. */
    default void open(FuseContext ctx, long nodeid, int flags, FuseOpen open) throws FuseException {
        throw notImplemented();
    }

    /**
     * READ up to {@code dst.byteSize()} bytes at {@code offset} into {@code dst}.
     *
     * @return the byte count read; fewer than asked only at end of file (the kernel zero-fills the rest of a page)
     */
    default int read(FuseContext ctx, long nodeid, long fh, long offset, MemorySegment dst) throws FuseException {
        throw notImplemented();
    }

    /**
     * WRITE {@code data} at {@code offset}.
     *
     * @param writeFlags {@code FUSE_WRITE_*} bits ({@code FUSE_WRITE_CACHE} for write-back cache pages)
     * @return the byte count written
     */
    default int write(FuseContext ctx, long nodeid, long fh, long offset, MemorySegment data, int writeFlags)
            throws FuseException {
        throw notImplemented();
    }

    /** FLUSH: called on each {@code close(2)} of a file descriptor of this open file. */
    default void flush(FuseContext ctx, long nodeid, long fh, long lockOwner) throws FuseException {
        throw notImplemented();
    }

    /** RELEASE: the last reference to the open file is gone. Errors are not seen by anyone. */
    default void release(FuseContext ctx, long nodeid, long fh, int flags) throws FuseException {
    }

    default void fsync(FuseContext ctx, long nodeid, long fh, boolean dataOnly) throws FuseException {
        throw notImplemented();
    }

    default void opendir(FuseContext ctx, long nodeid, int flags, FuseOpen open) throws FuseException {
        throw notImplemented();
    }

    /** READDIR from {@code offset} (0, or an entry's {@code nextOffset}); add entries until the filler is full. */
    default void readdir(FuseContext ctx, long nodeid, long fh, long offset, FuseDirFiller filler)
            throws FuseException {
        throw notImplemented();
    }

    /** READDIRPLUS: READDIR with each entry's lookup. */
    default void readdirplus(FuseContext ctx, long nodeid, long fh, long offset, FuseDirPlusFiller filler)
            throws FuseException {
        throw notImplemented();
    }

    default void releasedir(FuseContext ctx, long nodeid, long fh) throws FuseException {
    }

    default void fsyncdir(FuseContext ctx, long nodeid, long fh, boolean dataOnly) throws FuseException {
        throw notImplemented();
    }

    default void statfs(FuseContext ctx, long nodeid, FuseStatfs statfs) throws FuseException {
        throw notImplemented();
    }

    /** SETXATTR. {@code flags}: {@code XATTR_CREATE} (1), {@code XATTR_REPLACE} (2). */
    default void setxattr(FuseContext ctx, long nodeid, FuseName name, MemorySegment value, int flags)
            throws FuseException {
        throw notImplemented();
    }

    /**
     * GETXATTR into {@code dst}.
     *
     * @param dst empty for a size query; otherwise the caller's buffer
     * @return the value's size; when {@code dst} is not empty and too small, throw {@code ERANGE}
     */
    default int getxattr(FuseContext ctx, long nodeid, FuseName name, MemorySegment dst) throws FuseException {
        throw notImplemented();
    }

    /** LISTXATTR: NUL-terminated names into {@code dst}, with {@link #getxattr}'s size conventions. */
    default int listxattr(FuseContext ctx, long nodeid, MemorySegment dst) throws FuseException {
        throw notImplemented();
    }

    default void removexattr(FuseContext ctx, long nodeid, FuseName name) throws FuseException {
        throw notImplemented();
    }

    /** ACCESS: {@code mask} is {@code access(2)}'s ({@code R_OK} 4, {@code W_OK} 2, {@code X_OK} 1, or F_OK 0). */
    default void access(FuseContext ctx, long nodeid, int mask) throws FuseException {
        throw notImplemented();
    }

    /** CREATE: create and open {@code name}; fill both the entry and the open file. */
    default void create(FuseContext ctx, long parent, FuseName name, int mode, int umask, int flags, FuseEntry entry,
            FuseOpen open) throws FuseException {
        throw notImplemented();
    }

    /** FALLOCATE: {@code fallocate(2)}'s mode bits. */
    default void fallocate(FuseContext ctx, long nodeid, long fh, long offset, long length, int mode)
            throws FuseException {
        throw notImplemented();
    }

    /** LSEEK with {@code SEEK_DATA} (3) or {@code SEEK_HOLE} (4): the resulting offset. */
    default long lseek(FuseContext ctx, long nodeid, long fh, long offset, int whence) throws FuseException {
        throw notImplemented();
    }

    /** COPY_FILE_RANGE: the byte count copied. */
    default long copyFileRange(FuseContext ctx, long nodeIn, long fhIn, long offsetIn, long nodeOut, long fhOut,
            long offsetOut, long length, int flags) throws FuseException {
        throw notImplemented();
    }
}
