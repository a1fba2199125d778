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
     * <p>Do not call it from a handler of a READ or WRITE of the same inode: the kernel waits for the pages that
     * request holds. Another thread is fine.
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
     * <p>The kernel takes the directory's lock: do not call it from a handler of a request on that directory (a
     * LOOKUP, CREATE, UNLINK, ... in it), which holds the lock and waits for the reply.
     *
     * @param name the entry's name as the file system's bytes: 1 to 255 of them, no '/' and no NUL
     * @return false when the kernel has no such entry cached
     * @throws FuseException {@code ENOSYS} for {@code expireOnly} on a connection older than 7.38, {@code ENODEV} when
     *                       the connection has ended, else the errno of the kernel's write
     */
    boolean invalEntry(long parent, byte[] name, boolean expireOnly) throws FuseException;

    /**
     * {@code FUSE_NOTIFY_DELETE}: the entry {@code name} of directory {@code parent}, which named {@code child}, was
     * removed behind the kernel's back; the kernel drops it as it would after an unlink of its own (an entry that
     * now names another inode is left alone). Same lock rule as {@link #invalEntry}.
     *
     * @param name the entry's name as the file system's bytes: 1 to 255 of them, no '/' and no NUL
     * @return false when the kernel has no such entry cached
     * @throws FuseException {@code ENODEV} when the connection has ended, else the errno of the kernel's write (e.g.
     *                       {@code ENOTEMPTY} for a directory the kernel still knows children of)
     */
    boolean delete(long parent, long child, byte[] name) throws FuseException;
}
