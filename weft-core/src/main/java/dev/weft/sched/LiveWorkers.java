package dev.weft.sched;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The workers of a group that started and have not ended: what {@code close()} waits for and reports.
 *
 * <p>Striped doubly-linked lists, one lock per stripe, so that starts and ends on different servers rarely meet.
 * The stripe is chosen by the starting thread and remembered in the worker, so the end (on any thread) finds it.
 * The total count is the sum of the stripes' counts, each changed only under its stripe's lock and read
 * volatile: the ender whose decrement comes last in the lock order sees them all at zero.
 */
final class LiveWorkers {

    private static final VarHandle COUNT = MethodHandles.arrayElementVarHandle(long[].class);
    private static final int PAD = 16; // longs between two stripes' counts: one 128-byte line each

    private static final class Stripe {
        final WorkerTask sentinel = new WorkerTask(null, null, null, null);

        Stripe() {
            sentinel.prevLive = sentinel;
            sentinel.nextLive = sentinel;
        }
    }

    private final Stripe[] stripes;
    private final long[] counts;
    private final int mask;

    LiveWorkers(int servers) {
        int n = Integer.highestOneBit(Math.max(1, servers * 4 - 1)) << 1;
        stripes = new Stripe[n];
        for (int i = 0; i < n; i++) {
            stripes[i] = new Stripe();
        }
        counts = new long[n * PAD];
        mask = n - 1;
    }

    void add(WorkerTask w, int hint) {
        int s = (hint >= 0 ? hint : ThreadLocalRandom.current().nextInt()) & mask;
        Stripe stripe = stripes[s];
        synchronized (stripe) {
            WorkerTask head = stripe.sentinel;
            w.stripe = s;
            w.nextLive = head.nextLive;
            w.prevLive = head;
            head.nextLive.prevLive = w;
            head.nextLive = w;
            COUNT.getAndAdd(counts, s * PAD, 1L);
        }
    }

    void remove(WorkerTask w) {
        int s = w.stripe;
        if (s < 0) {
            return;
        }
        Stripe stripe = stripes[s];
        synchronized (stripe) {
            if (w.stripe != s) {
                return; // removed meanwhile
            }
            w.prevLive.nextLive = w.nextLive;
            w.nextLive.prevLive = w.prevLive;
            w.prevLive = w.nextLive = null;
            w.stripe = -1;
            COUNT.getAndAdd(counts, s * PAD, -1L);
        }
    }

    long count() {
        long sum = 0;
        for (int i = 0; i <= mask; i++) {
            sum += (long) COUNT.getVolatile(counts, i * PAD);
        }
        return sum;
    }

    void removeIf(java.util.function.Predicate<WorkerTask> dead) {
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
        doomed.forEach(this::remove);
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
