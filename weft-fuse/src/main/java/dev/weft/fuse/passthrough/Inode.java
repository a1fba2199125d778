package dev.weft.fuse.passthrough;

/**
 * One source inode the kernel knows by {@link #nodeid}: an {@code O_PATH | O_NOFOLLOW} descriptor that pins it, so
 * its {@code (dev, ino)} cannot be reused while the kernel holds the nodeid. Everything but {@link #lookups} and the
 * backing-file fields is immutable; {@code lookups} is guarded by the {@link InodeTable}'s lock, the backing-file
 * fields by the inode itself.
 */
final class Inode {
    final long nodeid;
    /** {@code O_PATH | O_NOFOLLOW | O_CLOEXEC}; closed when the last lookup is forgotten. */
    final int fd;
    final long dev;
    final long ino;
    /** {@code st_mode & S_IFMT}: an inode's type never changes. */
    final int type;

    /** Lookups the kernel holds; guarded by the table's lock. The root's is not counted down. */
    long lookups;

    /**
     * Set when a request names the inode (and when a LOOKUP finds it again), cleared by the pruner's scan: an inode
     * still clear at the next scan has not been used since, and is a candidate to prune (the CLOCK algorithm's
     * reference bit). Clear for a new inode: one looked up and not used after (a directory walk's) is the first to
     * go. A plain field: a lost update only moves an inode's turn by one scan.
     */
    boolean used;

    /**
     * The last pruning pass that dealt with this inode: sent its nodeid, or cleared its bit (a second chance, which
     * lasts until the next pass). The pruner's thread only.
     */
    long lastPass;

    /** With passthrough I/O: the backing id of this inode's open files, and how many hold it; guarded by this. */
    int backingId;
    int backingOpens;

    Inode(long nodeid, int fd, long dev, long ino, int type) {
        this.nodeid = nodeid;
        this.fd = fd;
        this.dev = dev;
        this.ino = ino;
        this.type = type;
    }

    @Override
    public String toString() {
        return "Inode[nodeid=" + nodeid + ", fd=" + fd + ", dev=" + dev + ", ino=" + ino + "]";
    }
}
