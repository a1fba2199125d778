package dev.weft.fuse.passthrough;

import dev.weft.fuse.FuseException;
import dev.weft.fuse.posix.FdCalls;
import dev.weft.fuse.proto.LinuxErrno;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The inodes the kernel holds nodeids for, found by nodeid (every request) and by source {@code (dev, ino)} (every
 * lookup, so that hard links share one nodeid).
 *
 * <h2>Nodeids and counts</h2>
 * Nodeid 1 is the source root, present from construction to {@link #close()} and never forgotten. Other nodeids
 * count up from 2 and are never reused, so FUSE's {@code generation} can stay 0. Each reply that hands the kernel a
 * nodeid calls {@link #acquire} or {@link #addLookup} once; {@link #forget} gives counts back, and at 0 the inode
 * leaves both maps and its descriptor is closed. A nodeid the table does not know fails with {@code ESTALE}.
 *
 * <h2>Locking</h2>
 * {@link #lock} guards {@link #byKey}, every {@link Inode#lookups} and the inserts into and removals from
 * {@link #byNodeid}; {@link #get} reads {@code byNodeid} without it (a concurrent map), which is safe because the
 * kernel sends no request for a nodeid after forgetting it. No system call runs under the lock: descriptors are
 * closed after it is released.
 */
final class InodeTable implements AutoCloseable {
    /** Nodeid 1, {@code FUSE_ROOT_ID}. */
    static final long ROOT_NODEID = 1;

    private record Key(long dev, long ino) {}

    private final Object lock = new Object();
    private final Map<Long, Inode> byNodeid = new ConcurrentHashMap<>();
    private final Map<Key, Inode> byKey = new HashMap<>();
    private final Inode root;
    private long nextNodeid = ROOT_NODEID + 1;
    private boolean closed;

    /** Takes ownership of {@code rootFd}. */
    InodeTable(int rootFd, long dev, long ino, int type) {
        root = new Inode(ROOT_NODEID, rootFd, dev, ino, type);
        byNodeid.put(ROOT_NODEID, root);
        byKey.put(new Key(dev, ino), root);
    }

    Inode root() {
        return root;
    }

    /** The inode of {@code nodeid}, or {@code ESTALE}. */
    Inode get(long nodeid) throws FuseException {
        Inode i = byNodeid.get(nodeid);
        if (i == null) {
            throw new FuseException(LinuxErrno.ESTALE);
        }
        if (!i.used) {
            i.used = true; // written only when clear: most requests leave the line alone
        }
        return i;
    }

    /**
     * Up to {@code max} node ids of inodes whose reference bit is clear and that pruning pass {@code pass} has not
     * dealt with yet, into {@code out}: files and symlinks first, then directories (the kernel drops a directory
     * only once no cached entry below it is left, and takes a prune's node ids in order). With {@code clearBits} (a
     * pass's first scan) it also clears every set bit it passes: those inodes get their second chance, which lasts
     * until the next pass. Chosen and spared inodes are marked with {@code pass}. The root is never chosen. Pruner
     * thread only.
     *
     * @return how many it put in {@code out}
     */
    int unusedSince(long[] out, int max, long pass, boolean clearBits) {
        int n = Math.min(max, out.length);
        List<Inode> dirs = new ArrayList<>();
        int count = 0;
        for (Inode i : byNodeid.values()) {
            if (i == root || i.lastPass == pass) {
                continue;
            }
            if (i.used) {
                if (clearBits) {
                    i.used = false;
                    i.lastPass = pass;
                }
            } else if (i.type == dev.weft.fuse.posix.FileMode.S_IFDIR) {
                if (dirs.size() < n) {
                    dirs.add(i);
                }
            } else if (count < n) {
                i.lastPass = pass;
                out[count++] = i.nodeid;
            } else if (!clearBits) {
                break; // enough, and no bits to clear further on
            }
        }
        for (int k = 0; k < dirs.size() && count < n; k++) {
            dirs.get(k).lastPass = pass;
            out[count++] = dirs.get(k).nodeid;
        }
        return count;
    }

    /**
     * Counts one lookup of the inode {@code (dev, ino)}, creating it around {@code fd} if the table does not have
     * it. Takes ownership of {@code fd}: it is closed when the inode was already known.
     */
    Inode acquire(int fd, long dev, long ino, int type) throws FuseException {
        Inode known;
        synchronized (lock) {
            if (closed) {
                known = null;
            } else {
                known = byKey.get(new Key(dev, ino));
                if (known == null) {
                    Inode created = new Inode(nextNodeid++, fd, dev, ino, type);
                    created.lookups = 1;
                    byKey.put(new Key(dev, ino), created);
                    byNodeid.put(created.nodeid, created);
                    return created;
                }
                known.lookups++;
                known.used = true;
            }
        }
        FdCalls.close(fd);
        if (known == null) {
            throw new FuseException(LinuxErrno.ESTALE, "the passthrough file system is closed");
        }
        return known;
    }

    /** Counts one lookup of {@code (dev, ino)} if the table has it; null otherwise. */
    Inode acquireIfKnown(long dev, long ino) {
        synchronized (lock) {
            Inode known = byKey.get(new Key(dev, ino));
            if (known != null) {
                known.lookups++;
                known.used = true;
            }
            return known;
        }
    }

    /** Counts one more lookup of an inode the kernel already holds (a new hard link, "."). */
    void addLookup(Inode inode) {
        synchronized (lock) {
            inode.lookups++;
            inode.used = true;
        }
    }

    /**
     * FORGET: the kernel gives back {@code n} lookups of {@code nodeid}. At 0 the inode is dropped and its
     * descriptor closed. Unknown nodeids and the root are ignored (FORGET has no reply to carry an error); a count
     * larger than the inode's drops it.
     */
    void forget(long nodeid, long n) {
        if (nodeid == ROOT_NODEID || n <= 0) {
            return;
        }
        Inode dropped = null;
        synchronized (lock) {
            Inode i = byNodeid.get(nodeid);
            if (i == null) {
                return;
            }
            i.lookups = Math.max(0, i.lookups - n);
            if (i.lookups == 0) {
                byNodeid.remove(nodeid);
                byKey.remove(new Key(i.dev, i.ino));
                dropped = i;
            }
        }
        if (dropped != null) {
            FdCalls.close(dropped.fd);
        }
    }

    /** The number of inodes held, the root included. */
    int size() {
        return byNodeid.size();
    }

    /** Closes every descriptor, the root's included; later lookups fail with {@code ESTALE}. Idempotent. */
    @Override
    public void close() {
        List<Inode> all;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            all = new ArrayList<>(byNodeid.values());
            byNodeid.clear();
            byKey.clear();
        }
        for (Inode i : all) {
            FdCalls.close(i.fd);
        }
    }
}
