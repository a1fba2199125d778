package dev.weft.fuse.server;

import dev.weft.sched.idle.IdleServerStack;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * LIFO choice of the next reader (leader/followers over the concurrency groups' {@link IdleServerStack}): one
 * thread at a time, the leader, is in {@code read(2)}. When its read returns, the leader {@linkplain #release()
 * passes} leadership to the reader that went idle last and then handles its request; a reader done with a request
 * {@linkplain #acquire acquires} leadership again, or pushes itself on the idle stack and waits to be handed it.
 *
 * <h2>Algorithm</h2>
 * {@code leader} is a token: FREE or HELD. A reader takes a FREE token by CAS. One that finds it HELD pushes a
 * fresh node and re-reads {@code leader}: if FREE now, it withdraws its node ({@code tryTake}, which only one of
 * owner and taker wins) and competes for the token again; if the node was already taken, the taker is handing it
 * the token. The releaser pops the top live node and hands over; with none it stores FREE and re-checks the stack:
 * a node pushed meanwhile may belong to a reader that saw HELD, so the releaser takes the token back (CAS) and
 * hands it over. Each side writes its variable (node push, {@code leader}) and then reads the other's: with
 * volatile accesses at least one of them sees the other, so a reader never waits while the token lies FREE.
 *
 * <h2>Waiting</h2>
 * A follower spins {@link #spinBudget} times on its {@code promoted} flag, then parks. The flag is written by the
 * releaser (volatile) before the unpark, which pairs with the follower's volatile read.
 */
final class ReaderHandoff {
    private static final int FREE = 0, HELD = 1;

    /**
     * A reader's view: its promoted flag (written by releasers, read by the owner) and its thread. The counters are
     * written by the owner only and read racily by stats.
     */
    static final class Follower {
        private final Thread thread;
        private volatile boolean promoted;
        volatile long promotions;
        volatile long spinsWon;
        volatile long parks;

        Follower(Thread thread) {
            this.thread = thread;
        }
    }

    private final IdleServerStack<Follower> idle;
    private final AtomicInteger leader = new AtomicInteger(FREE);
    private final int spinBudget;
    private volatile boolean stopped;

    ReaderHandoff(int readers, int spinBudget) {
        this.idle = new IdleServerStack<>(readers);
        this.spinBudget = spinBudget;
    }

    /** Returns once {@code me} holds the token (it may read), or false when the server is stopping. */
    boolean acquire(Follower me) {
        while (!stopped) {
            if (leader.get() == FREE && leader.compareAndSet(FREE, HELD)) {
                return true;
            }
            me.promoted = false;
            IdleServerStack.Node<Follower> node = new IdleServerStack.Node<>(me);
            idle.push(node);
            if (leader.get() == FREE && idle.tryTake(node)) {
                continue; // withdrew before anyone took it: compete for the token
            }
            return awaitPromotion(me);
        }
        return false;
    }

    private boolean awaitPromotion(Follower me) {
        for (int i = 0; i < spinBudget; i++) {
            if (me.promoted) {
                me.promotions++;
                me.spinsWon++;
                return true;
            }
            Thread.onSpinWait();
        }
        while (!me.promoted) {
            if (stopped) {
                return false;
            }
            me.parks++;
            LockSupport.park(this);
        }
        me.promotions++;
        return true;
    }

    /** The leader's read returned: pass the token to the most recently idle reader, or put it down. */
    void release() {
        for (;;) {
            IdleServerStack.Node<Follower> node = idle.take();
            if (node != null) {
                Follower f = node.server();
                f.promoted = true;
                LockSupport.unpark(f.thread);
                return;
            }
            leader.set(FREE);
            if (!idle.hasLiveNode() || !leader.compareAndSet(FREE, HELD)) {
                return;
            }
        }
    }

    /** Wakes every waiting reader; {@link #acquire} returns false from now on. */
    void stop(Iterable<Follower> all) {
        stopped = true;
        for (Follower f : all) {
            LockSupport.unpark(f.thread);
        }
    }
}
