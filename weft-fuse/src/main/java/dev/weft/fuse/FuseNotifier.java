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

    /**
     * {@code FUSE_NOTIFY_INVAL_INODE}: the kernel drops the cached attributes of {@code nodeid} and, when
     * {@code offset >= 0}, its cached data from {@code offset} for {@code length} bytes (0: to the end of the file),
     * so that the next stat or read asks the file system again. For a file system whose data changes behind the
     * kernel's back (a network file system, a passthrough whose source others write) with attributes or pages cached
     * ({@code FOPEN_KEEP_CACHE}).
     *
     * <p>With {@code offset < 0} (attributes only) it takes no page and is safe from anywhere. With pages, the kernel
     * locks each cached page of the range and waits for writeback (under the write-back cache it writes dirty pages
     * back first: a WRITE request some other server thread must answer). So not from a handler of a READ or WRITE
     * of that inode, nor from code holding a lock such a handler needs.
     *
     * @return false when the kernel has no such inode cached (nothing to drop)
     * @throws FuseException {@code ENODEV} when the connection has ended, else the errno of the kernel's write
     */
    boolean invalInode(long nodeid, long offset, long length) throws FuseException;

    /**
     * {@code FUSE_NOTIFY_INVAL_ENTRY}: the kernel forgets its cached entry {@code name} in directory {@code parent}
     * (a name created, removed or renamed behind its back), and the parent's attributes; with {@code expireOnly}
     * (FUSE 7.38) it only marks the entry expired, so that the next use looks it up again while the entry keeps
     * working for those who hold it.
     *
     * <p>The kernel takes the directory's lock, exclusively. So not from a handler of a request that holds it, any
     * request on or in that directory: LOOKUP, CREATE, MKDIR, MKNOD, SYMLINK, LINK, UNLINK, RMDIR, RENAME from or into
     * it, READDIR and READDIRPLUS of it, SETATTR or SETXATTR of it; nor from code holding a lock such a handler needs.
     *
     * @param name the entry's name as the file system's bytes: 1 to 1,024 of them, no '/' and no NUL
     * @return false when the kernel has no such entry cached
     * @throws FuseException {@code ENOSYS} for {@code expireOnly} on a connection older than 7.38, {@code ENODEV} when
     *                       the connection has ended, else the errno of the kernel's write
     */
    boolean invalEntry(long parent, byte[] name, boolean expireOnly) throws FuseException;

    /**
     * {@code FUSE_NOTIFY_DELETE}: the entry {@code name} of directory {@code parent}, which named {@code child}, was
     * removed behind the kernel's back. The kernel drops the entry (as {@link #invalEntry} does, whatever it names
     * now) and, if it named {@code child}, deletes it from its caches as after an unlink of its own.
     *
     * <p>The kernel locks the directory, as {@link #invalEntry}, and also the child, exclusively: so not from a
     * handler of a request on the child either (SETATTR, WRITE, FALLOCATE, FSYNC, SETXATTR, REMOVEXATTR, and for a
     * directory READDIR, READDIRPLUS and LOOKUP in it), nor from code holding a lock such a handler needs.
     *
     * @param name the entry's name as the file system's bytes: 1 to 1,024 of them, no '/' and no NUL
     * @return false when the kernel had no such entry cached, or the entry named another inode (dropped all the same)
     * @throws FuseException {@code ENODEV} when the connection has ended, else the errno of the kernel's write, after
     *                       the entry was dropped: {@code ENOTEMPTY} for a directory with cached entries in use,
     *                       {@code EBUSY} for a mount point, {@code ENOTDIR} when {@code parent} is not a directory
     */
    boolean delete(long parent, long child, byte[] name) throws FuseException;
}
