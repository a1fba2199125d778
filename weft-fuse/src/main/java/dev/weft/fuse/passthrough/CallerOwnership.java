package dev.weft.fuse.passthrough;

import dev.weft.fuse.FuseContext;
import dev.weft.fuse.FuseException;
import dev.weft.fuse.posix.AtCalls;
import dev.weft.fuse.posix.FdCalls;
import dev.weft.fuse.posix.Fcntl;
import dev.weft.fuse.posix.FileMode;
import dev.weft.uring.kernel.StatxLayout;

/**
 * Makes a node the server just created look as if the caller had created it: owned by the caller, with exactly the
 * permission bits asked for.
 *
 * <h2>Why after the fact</h2>
 * libfuse's passthrough switches {@code setfsuid}/{@code setfsgid} around each create. Those are per-thread
 * credentials, and a JVM thread (a virtual thread above all) is not a kernel thread the server controls, so weft
 * creates as itself and then:
 * <ol>
 *   <li>when the server is root and the caller is someone else, {@code fchownat}s the node to the caller's uid and
 *       gid; the gid is left alone when the parent directory is set-group-ID, as the kernel would have given the
 *       node the parent's group;</li>
 *   <li>when the server's umask removed bits that were asked for, or the chown cleared set-user/group-ID bits,
 *       {@code chmod}s the node to the asked mode (keeping a set-group-ID bit a directory inherited, and dropping
 *       one on a file whose group was inherited rather than the caller's, which the kernel would not grant either).
 *       The caller's own umask has already been applied to the mode by then.</li>
 * </ol>
 * Symlinks keep mode 0777 and are only chowned. Until these calls complete the node is owned by the server with
 * fewer permissions than asked, never more.
 */
final class CallerOwnership {
    private final boolean serverIsRoot;
    private final int serverUid;
    private final int serverGid;
    private final int serverUmask;

    CallerOwnership(int serverUid, int serverGid, int serverUmask) {
        this.serverIsRoot = serverUid == 0;
        this.serverUid = serverUid;
        this.serverGid = serverGid;
        this.serverUmask = serverUmask;
    }

    /**
     * @param parent  the directory the node was created in
     * @param pathFd  an {@code O_PATH} descriptor of the node
     * @param openFd  a readable or writable descriptor of the node, or -1
     * @param type    the node's {@code S_IF*} type
     * @param perm    the permission bits asked for, the caller's umask applied
     */
    void adopt(FuseContext ctx, Inode parent, int pathFd, int openFd, int type, int perm) throws FuseException {
        boolean chown = serverIsRoot && (ctx.uid() != serverUid || ctx.gid() != serverGid);
        boolean needChmod = type != FileMode.S_IFLNK
                && ((perm & serverUmask) != 0 || (chown && (perm & (FileMode.S_ISUID | FileMode.S_ISGID)) != 0));
        if (!chown && !needChmod) {
            return;
        }
        boolean parentSetgid = isSetgid(parent.fd);
        if (chown) {
            int gid = parentSetgid ? -1 : ctx.gid();
            check(AtCalls.fchownat(pathFd, AtCalls.EMPTY_PATH, ctx.uid(), gid,
                    Fcntl.AT_EMPTY_PATH | Fcntl.AT_SYMLINK_NOFOLLOW));
        }
        if (needChmod) {
            int mode = perm;
            if (type == FileMode.S_IFDIR && parentSetgid) {
                mode |= FileMode.S_ISGID;
            } else if (parentSetgid && chown) {
                mode &= ~FileMode.S_ISGID;
            }
            check(openFd >= 0 ? FdCalls.fchmod(openFd, mode)
                    : AtCalls.fchmodat(Fcntl.AT_FDCWD, Scratch.current().procPath(pathFd), mode, 0));
        }
    }

    private static boolean isSetgid(int dirFd) throws FuseException {
        var statx = Scratch.current().statx;
        check(AtCalls.statx(dirFd, AtCalls.EMPTY_PATH, Fcntl.AT_EMPTY_PATH | Fcntl.AT_SYMLINK_NOFOLLOW,
                StatxLayout.STATX_MODE, statx));
        return (StatxLayout.mode(statx) & FileMode.S_ISGID) != 0;
    }

    private static void check(int r) throws FuseException {
        if (r < 0) {
            throw new FuseException(-r);
        }
    }
}
