package dev.weft.sched;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;

/**
 * The workers of a group that started and have not ended: what {@code close()} waits for and reports.
 *
 * <h2>Count</h2>
 * A {@link LongAdder}: +1 when a worker starts (on the starting thread, often one producer thread outside the
 * group), -1 when it ends (on the server that ran its last run). Each thread touches its own cell, so a burst of
 * starts from one thread does not bounce a line with the servers that end them. The ender that sees the sum at zero
 * after shutdown terminates the group; {@code awaitTermination} re-reads the sum periodically as well.
 *
 * <h2>List</h2>
 * For the report: striped doubly-linked lists, one lock per stripe. A worker is listed by the server whose run of
 * it returned without ending it (its first such run), in that server's stripe, and unlisted when it ends, usually
 * by the same server: the lock and the line stay with one core; a worker started inline ({@code startInline}) that
 * blocked there is listed by the platform thread it left, in the stripe of its thread id. A worker that ends in its
 * first run is never listed. Workers started and not yet run are counted but not listed; one in its first run is
 * found through its server ({@code ConcurrencyGroup.liveWorkers}).
 */
final class LiveWorkers {

    /** {@link WorkerTask#stripe} of a worker not listed yet. */
    static final int NOT_LISTED = -1;
    /** {@link WorkerTask#stripe} of a worker that is never listed (or no longer). */
    static final int NEVER_LISTED = -2;

    private static final class Stripe {
        final WorkerTask sentinel = new WorkerTask(null, null, null, null);

        Stripe() {
            sentinel.prevLive = sentinel;
            sentinel.nextLive = sentinel;
        }
    }

    private final LongAdder count = new LongAdder();
    private final Stripe[] stripes;
    private final int mask;

    LiveWorkers(int servers) {
        int n = Integer.highestOneBit(Math.max(1, servers * 2 - 1)) << 1;
        stripes = new Stripe[n];
        for (int i = 0; i < n; i++) {
            stripes[i] = new Stripe();
        }
        mask = n - 1;
    }

    void started() {
        count.increment();
    }

    void ended() {
        count.decrement();
    }

    long count() {
        return count.sum();
    }

    /** Lists {@code w} in stripe {@code hint} (the listing server's index). */
    void list(WorkerTask w, int hint) {
        int s = hint & mask;
        Stripe stripe = stripes[s];
        synchronized (stripe) {
            if (!w.casStripe(NOT_LISTED, s)) {
                return; // listed already, or ended
            }
            WorkerTask head = stripe.sentinel;
            w.nextLive = head.nextLive;
            w.prevLive = head;
            head.nextLive.prevLive = w;
            head.nextLive = w;
        }
    }

    void unlist(WorkerTask w) {
        int s = w.stripeVolatile();
        if (s == NEVER_LISTED || (s == NOT_LISTED && w.casStripe(NOT_LISTED, NEVER_LISTED))) {
            return;
        }
        s = w.stripeVolatile(); // a lister won the CAS: its lock is the stripe's, held until it has linked w
        if (s < 0) {
            return; // unlisted meanwhile
        }
        Stripe stripe = stripes[s];
        synchronized (stripe) {
            if (w.stripe != s) {
                return; // unlisted meanwhile
            }
            w.prevLive.nextLive = w.nextLive;
            w.nextLive.prevLive = w.prevLive;
            w.prevLive = w.nextLive = null;
            w.stripe = NEVER_LISTED;
        }
    }

    /** The listed task of {@code thread}, or null: a scan of every stripe, for the rare stand-in. */
    WorkerTask find(Thread thread) {
        for (Stripe stripe : stripes) {
            synchronized (stripe) {
                for (WorkerTask w = stripe.sentinel.nextLive; w != stripe.sentinel; w = w.nextLive) {
                    if (w.thread == thread) {
                        return w;
                    }
                }
            }
        }
        return null;
    }

    /** Unlists the listed workers {@code dead} accepts, and returns them (their ends are the caller's to count). */
    List<WorkerTask> unlistIf(Predicate<WorkerTask> dead) {
        List<WorkerTask> doomed = new ArrayList<>();
        for (Stripe stripe : stripes) {
            synchronized (stripe) {
                for (WorkerTask w = stripe.sentinel.nextLive; w != stripe.sentinel; w = w.nextLive) {
                    if (dead.test(w)) {
                        doomed.add(w);
                    }
                }
            }
        }
        doomed.forEach(this::unlist);
        return doomed;
    }

    List<Thread> threads() {
        List<Thread> out = new ArrayList<>();
        for (Stripe stripe : stripes) {
            synchronized (stripe) {
                for (WorkerTask w = stripe.sentinel.nextLive; w != stripe.sentinel; w = w.nextLive) {
                    out.add(w.thread);
                }
            }
        }
        return out;
    }
}
