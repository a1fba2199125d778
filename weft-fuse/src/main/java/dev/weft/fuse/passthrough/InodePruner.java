package dev.weft.fuse.passthrough;

import dev.weft.fuse.FuseException;
import dev.weft.fuse.FuseNotifier;
import dev.weft.fuse.proto.LinuxErrno;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Keeps the passthrough's inodes within a budget. Each inode holds an {@code O_PATH} descriptor for as long as the
 * kernel remembers it, and the kernel remembers every inode it looked up until memory pressure or an unmount: a
 * {@code find} or a build over a tree larger than the open-file limit would otherwise make lookups fail with
 * {@code EMFILE} (measured: {@code stat} of 30,000 files under a 20,000-descriptor limit failed for 10,014 of them).
 *
 * <p>When a lookup takes the count above the budget, a daemon thread asks the kernel to forget inodes not used since
 * its previous scan ({@link InodeTable#unusedSince}, a CLOCK second chance), with {@code FUSE_NOTIFY_PRUNE}
 * (FUSE 7.45), until the count is down to half the budget or nothing more goes. The kernel drops those it does not
 * need (not open, not a working directory, no cached entries below) and sends FORGETs, which close the descriptors.
 * A pruned name costs one LOOKUP the next time it is used. On a kernel older than 7.45 nothing is pruned and the
 * limit stands as before.
 */
final class InodePruner {
    private static final System.Logger LOG = System.getLogger(InodePruner.class.getName());
    /** Pause between rounds, for the FORGETs of the last prune to arrive and for a second-chance scan to mean something. */
    private static final long ROUND_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
    /** Rounds per request before the pruner waits for the next one: the kernel may hold on to what is left. */
    private static final int MAX_ROUNDS = 16;

    private final InodeTable inodes;
    private final int budget;
    private final int target;
    private final AtomicBoolean requested = new AtomicBoolean();
    private final AtomicLong prunedNodeids = new AtomicLong();
    private final AtomicLong prunes = new AtomicLong();
    private volatile FuseNotifier notifier;
    private volatile Thread thread;
    private volatile boolean stopped;

    /** {@code budget} 0: never prune. */
    InodePruner(InodeTable inodes, int budget) {
        this.inodes = inodes;
        this.budget = budget;
        this.target = budget / 2;
    }

    int budget() {
        return budget;
    }

    /** Node ids sent in prunes so far. */
    long prunedNodeids() {
        return prunedNodeids.get();
    }

    /** Prune notifications sent so far. */
    long prunes() {
        return prunes.get();
    }

    /** Starts the pruning thread if the connection can prune and there is a budget; once. */
    synchronized void start(FuseNotifier n) {
        if (thread != null || stopped || budget <= 0 || n == null || !n.canPrune()) {
            return;
        }
        notifier = n;
        thread = Thread.ofPlatform().daemon().name("weft-passthrough-pruner").start(this::run);
    }

    /** After a lookup counted an inode: wakes the pruner if the table is over budget. */
    void afterLookup() {
        if (thread != null && inodes.size() > budget) {
            request();
        }
    }

    /** Asks for a pruning pass (a lookup failed with {@code EMFILE}, or the table is over budget). */
    void request() {
        Thread t = thread;
        if (t != null && !requested.getAndSet(true)) {
            LockSupport.unpark(t);
        }
    }

    void close() {
        stopped = true;
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    private void run() {
        long[] ids = new long[Math.max(1, Math.min(budget, 65_536))];
        while (!stopped) {
            if (!requested.getAndSet(false)) {
                LockSupport.park(this);
                continue;
            }
            try {
                for (int round = 0; round < MAX_ROUNDS && !stopped && inodes.size() > target; round++) {
                    int n = inodes.unusedSince(ids, inodes.size() - target);
                    if (n > 0) {
                        notifier.prune(ids, n);
                        prunes.incrementAndGet();
                        prunedNodeids.addAndGet(n);
                    }
                    LockSupport.parkNanos(ROUND_PAUSE_NANOS);
                }
            } catch (FuseException e) {
                if (e.errno() != LinuxErrno.ENODEV) { // ENODEV: unmounted, nothing left to prune
                    LOG.log(System.Logger.Level.WARNING, "passthrough: pruning inodes failed, the kernel keeps them"
                            + " (lookups may fail with EMFILE beyond " + budget + " inodes): " + e.getMessage());
                }
                return;
            }
        }
    }
}
