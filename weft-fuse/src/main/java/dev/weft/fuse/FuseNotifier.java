package dev.weft.fuse;

/**
 * Messages a file system sends the kernel on its own initiative (FUSE notifications: written to {@code /dev/fuse}
 * with {@code unique = 0}), given to {@link FuseFilesystem#init} in {@link FuseConnectionInfo#notifier()}. Any
 * thread may call them, at any time after {@code init}; once the connection has ended (unmounted, or the server
 * closed, which waits for calls that are writing) they fail with {@code ENODEV}.
 */
public interface FuseNotifier {

    /**
     * Whether {@link #prune} reaches the kernel: the connection speaks FUSE 7.45 or later.
     */
    boolean canPrune();

    /**
     * {@code FUSE_NOTIFY_PRUNE} (FUSE 7.45): asks the kernel to drop the unused dentries of these inodes, and then
     * the inodes it no longer needs; each inode dropped comes back as a FORGET (or within a BATCH_FORGET) as usual.
     * Inodes in use stay: open files, working directories, directories with cached entries under them (prune those
     * entries first, in the same call: the kernel takes the node ids in order). Node ids the kernel does not know
     * are skipped. Sent in messages of at most 4,096 node ids.
     *
     * @param nodeids the node ids, from index 0
     * @param count   how many of them
     * @throws FuseException {@code ENOSYS} when the connection is older than 7.45 (nothing is sent),
     *                       {@code ENODEV} when the connection has ended, else the errno the kernel's write returned
     *                       (the messages before the failed one were sent)
     */
    void prune(long[] nodeids, int count) throws FuseException;
}
