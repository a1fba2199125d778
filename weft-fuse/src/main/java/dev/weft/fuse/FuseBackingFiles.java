package dev.weft.fuse;

/**
 * The backing files of a connection that granted {@code FUSE_PASSTHROUGH} (Linux 6.9+): a regular file registered
 * here can be named in an OPEN or CREATE reply ({@link FuseOpen#passthrough}), and the kernel then reads, writes
 * and maps that open file directly on the backing file, without sending READ or WRITE to the server. The kernel
 * reopens the backing file for each open with the caller's open flags (O_DIRECT included) and the server's
 * credentials, so the descriptor registered only has to name it (an open file; Linux 6.12 and later also take an
 * {@code O_PATH} descriptor, 6.9 to 6.11 refuse one with {@code EBADF}).
 *
 * <p>Rules the kernel sets: registering needs {@code CAP_SYS_ADMIN}; while one open file of an inode is in
 * passthrough, every open of that inode must name the same backing file (others fail with {@code EINVAL} or
 * {@code EBUSY}); and a backing id must stay registered until the kernel has taken the OPEN reply, so a file system
 * closes it when it releases the last open file that named it, not right after replying.
 */
public interface FuseBackingFiles {

    /**
     * Registers {@code fd} ({@code FUSE_DEV_IOC_BACKING_OPEN}).
     *
     * @return the backing id, for {@link FuseOpen#passthrough}
     * @throws FuseException with the kernel's errno: {@code EPERM} without CAP_SYS_ADMIN, {@code EINVAL} for a file
     *                       that is not regular, {@code ELOOP} for a backing file on a stack that is too deep (a
     *                       source on overlayfs or on a FUSE mount that uses passthrough itself: weft's
     *                       {@code max_stack_depth} is 1)
     */
    int open(int fd) throws FuseException;

    /** Unregisters {@code backingId} ({@code FUSE_DEV_IOC_BACKING_CLOSE}); open files that named it keep working. */
    void close(int backingId) throws FuseException;
}
