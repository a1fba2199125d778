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
 * kernel remembers it, and the kernel remembers every inode it looked up until memory runs short or the file system
 * is unmounted: a {@code find} or a build over a tree larger than the open-file limit would otherwise make lookups
 * fail with {@code EMFILE} (measured: {@code stat} of 30,000 files under a 20,000-descriptor limit failed for 10,014
 * of them).
 *
 * <h2>A pass</h2>
 * When a lookup takes the count above the budget (or an open lowers the budget under it: see
 * {@code PassthroughFilesystem.budgetInForce}), or a call fails with {@code EMFILE}, a daemon thread runs a pass:
 * it asks the kernel to forget inodes whose reference bit is clear ({@link InodeTable#unusedSince}: not named by a
 * request since the previous pass cleared it, or never since their lookup), with {@code FUSE_NOTIFY_PRUNE}
 * (FUSE 7.45), waits for the FORGETs that close their descriptors, and goes on in rounds, each with inodes the
 * pass has not asked for yet, until the count is down to half the budget or every candidate has been asked for
 * ({@value #MAX_ROUNDS} rounds at most): the kernel keeps inodes it still uses (open files, working directories,
 * directories with cached entries), which must not hide the ones after them that it can drop (a pass that stopped
 * at a round the kernel kept would ask for the same ones again next time, and never reach the others), and inodes
 * used since the last pass get a second chance. A pass that leaves the count above the budget is followed by another after 50 ms, however many
 * lookups ask meanwhile, and that wait doubles (up to 5 s) while passes free less than an eighth of what they ask
 * for: a working set larger than the budget is not rescanned at every lookup, and the count still comes back within
 * the budget once the kernel lets go. Such a retry takes only inodes whose bit is already clear, so it does not cut
 * a used inode's second chance short. A call that fails with {@code EMFILE} starts a pass at once, back-off or not.
 * A pruned name costs one LOOKUP the next time it is used, and a pruned file its page cache.
 *
 * <h2>Errors</h2>
 * {@code ENODEV} (the connection ended) ends the pass quietly; another error is logged (once per errno) and the
 * pruner waits a second before it tries again. On a connection older than 7.45 it never starts, and says so once.
 */
final class InodePruner {
    private static final System.Logger LOG = System.getLogger(InodePruner.class.getName());
    /** Longest wait for the FORGETs of a round to arrive. */
    private static final long FORGET_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    /** Rounds per pass, at most. */
    private static final int MAX_ROUNDS = 16;
    /** Node ids a round sends, at most (a larger excess takes more rounds, or passes). */
    private static final int ROUND_MAX = 8_192;
    private static final long ERROR_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** First and longest wait before a pass that ended above the budget is tried again. */
    private static final long RETRY_MIN_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final long RETRY_MAX_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final InodeTable inodes;
    private final java.util.function.IntSupplier budget;
    private final AtomicBoolean requested = new AtomicBoolean();
    private final AtomicLong prunedNodeids = new AtomicLong();
    /** The pruner thread's: passes so far (a pass's number), and the errnos it has logged. */
    private long passes;
    private final java.util.Set<Integer> loggedErrnos = new java.util.HashSet<>();
    private volatile FuseNotifier notifier;
    private volatile Thread thread;
    private volatile boolean stopped;
    /** Set by {@link #requestNow}: the next pass ignores the back-off. */
    private volatile boolean urgent;

    /** {@code budget} says the budget whenever asked (it may change: see {@code PassthroughFilesystem}); 0: never. */
    InodePruner(InodeTable inodes, java.util.function.IntSupplier budget) {
        this.inodes = inodes;
        this.budget = budget;
    }

    int budget() {
        return budget.getAsInt();
    }

    /** Node ids sent in prunes so far. */
    long prunedNodeids() {
        return prunedNodeids.get();
    }

    /**
     * Prunes through {@code n} from now on (each mount brings its connection's notifier), starting the thread the
     * first time. Not at all when there is no budget, no notifier, or a connection older than 7.45 (logged once).
     */
    synchronized void start(FuseNotifier n) {
        if (stopped || budget() <= 0 || n == null) {
            return;
        }
        if (!n.canPrune()) {
            LOG.log(System.Logger.Level.INFO, "passthrough: this kernel's FUSE cannot prune inodes (FUSE_NOTIFY_PRUNE"
                    + " needs 7.45): beyond about " + budget() + " inodes in use, lookups may fail with EMFILE");
            return;
        }
        notifier = n;
        if (thread == null) {
            thread = Thread.ofPlatform().daemon().name("weft-passthrough-pruner").start(this::run);
        }
    }

    /**
     * After a lookup counted an inode, or an open took a descriptor (which can lower the budget): wakes the pruner if
     * the table is over budget.
     */
    void checkBudget() {
        if (thread != null && inodes.size() > budget()) {
            request();
        }
    }

    /** Asks for a pass: the table is over budget. One waiting for its back-off still waits. */
    void request() {
        Thread t = thread;
        if (t != null && !requested.getAndSet(true)) {
            LockSupport.unpark(t);
        }
    }

    /** Asks for a pass now, back-off or not: a call failed with {@code EMFILE}. */
    void requestNow() {
        Thread t = thread;
        if (t != null) {
            urgent = true;
            requested.set(true);
            LockSupport.unpark(t);
        }
    }

    /**
     * Stops the pruner; a prune being written finishes (the server closes the notifier, which waits for it, before
     * the descriptor).
     */
    void close() {
        stopped = true;
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    private void run() {
        long[] ids = null;
        long retryNanos = RETRY_MIN_NANOS;
        long notBefore = System.nanoTime();
        boolean retry = false; // the pass to come is a back-off retry, which leaves reference bits alone
        while (!stopped) {
            if (!requested.get()) {
                LockSupport.park(this);
                continue;
            }
            long wait = notBefore - System.nanoTime();
            if (wait > 0 && !urgent) {
                LockSupport.parkNanos(this, wait); // requests meanwhile make one pass
                continue;
            }
            boolean now = urgent;
            urgent = false;
            requested.set(false);
            if (ids == null) {
                ids = new long[ROUND_MAX]; // at the first pass: most mounts never prune
            }
            try {
                int before = inodes.size();
                int sent = pass(ids, !retry || now);
                int after = inodes.size();
                if (after > budget()) {
                    // the kernel kept more than the budget (FORGETs still to come, inodes still in use): another pass
                    // later; the wait doubles only while passes free little of what they ask for
                    retryNanos = before - after >= sent / 8 && sent > 0 ? RETRY_MIN_NANOS
                            : Math.min(2 * retryNanos, RETRY_MAX_NANOS);
                    notBefore = System.nanoTime() + retryNanos;
                    retry = true;
                    requested.set(true);
                } else {
                    retryNanos = RETRY_MIN_NANOS;
                    retry = false;
                }
            } catch (FuseException | RuntimeException e) {
                int errno = e instanceof FuseException f ? f.errno() : 0;
                if (errno == LinuxErrno.ENODEV) {
                    continue; // the connection ended: a new mount may bring a new notifier
                }
                if (loggedErrnos.add(errno)) {
                    LOG.log(System.Logger.Level.WARNING, "passthrough: pruning inodes failed; trying again in a"
                            + " second (until it works, lookups beyond " + budget() + " inodes may fail with EMFILE)", e);
                }
                notBefore = System.nanoTime() + ERROR_BACKOFF_NANOS;
                requested.set(true); // the work is still to do
            }
        }
    }

    /**
     * One pass; {@code clearBits}: its first scan clears the reference bits it passes (a pass a lookup asked for),
     * else it takes only inodes already clear (a back-off retry, which must not shorten the second chance).
     *
     * @return node ids sent
     */
    private int pass(long[] ids, boolean clearBits) throws FuseException {
        long pass = ++passes;
        int target = budget() / 2;
        int sent = 0;
        for (int round = 0; round < MAX_ROUNDS && !stopped; round++) {
            int size = inodes.size();
            if (size <= target) {
                break;
            }
            int n = inodes.unusedSince(ids, size - target, pass, clearBits && round == 0);
            if (n == 0) {
                break; // everything left was used since the last pass: it gets its second chance
            }
            notifier.prune(ids, n);
            prunedNodeids.addAndGet(n);
            sent += n;
            // the next round takes the inodes after these (a pass deals with each inode once): when the kernel
            // holds on to these (directories with cached entries below, inodes in use), the ones it can drop may
            // come later in the table, and a pass that stopped here would send the same ones again next time
            awaitForgets(size);
        }
        return sent;
    }

    /** Waits until the count stops falling (the FORGETs of a prune have come), at most {@link #FORGET_WAIT_NANOS}. */
    private void awaitForgets(int before) {
        long deadline = System.nanoTime() + FORGET_WAIT_NANOS;
        int last = before;
        int still = 0;
        while (System.nanoTime() < deadline && still < 2) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            int now = inodes.size();
            still = now < last ? 0 : still + 1;
            last = now;
        }
    }
}
