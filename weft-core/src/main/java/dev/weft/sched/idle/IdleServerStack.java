package dev.weft.sched.idle;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A lock-free stack of idle servers with the semantics of the UMCG idle-server list
 * ({@code idle_servers_ptr} in {@code struct umcg_task}, seed 000):
 *
 * <ul>
 *   <li>a server going idle <b>pushes</b> its node on the head;</li>
 *   <li>a waker <b>takes</b> a server by marking its node deleted, atomically ORing bit 0 of the node's mark
 *       ({@code getAndBitwiseOr}, the seed's {@code ptr | 1UL}); it skips nodes already deleted and looks at no
 *       more than {@link #scanLimit()} nodes (the seed's {@code nr_cpu_ids * 2});</li>
 *   <li>finding no idle server is <b>not an error</b>: {@link #take()} returns {@code null} and the caller queues
 *       the worker instead;</li>
 *   <li>deleted nodes are <b>unlinked by servers</b> ({@link #push} cleans up first), never by wakers: a waker only
 *       reads links and sets marks.</li>
 * </ul>
 *
 * <h2>Algorithm</h2>
 * A node stands for one idle period of one server and is never reused, so a link can never point at a node that
 * left and came back (no ABA). A server pushes a fresh node each time it goes idle, and before that unlinks every
 * deleted node under {@code cleanerLock}, a lock among servers only. Its own previous node is always deleted by
 * then (a server runs again only after its node was taken, by a waker or by itself), so after its push each server
 * has at most one live node and at most one deleted one not yet unlinked: the list never holds more than
 * {@code 2 × servers} nodes, and a scan of that many reaches every idle server.
 *
 * <p>Unlinking is safe beside lock-free pushers and takers: pushes only change {@code head} (by CAS, so the
 * cleaner removes a deleted head by CAS too), interior unlinks write {@code pred.next} of a node only the cleaner
 * writes, and an unlinked node keeps its {@code next}, so a taker standing on it walks on into the list.
 *
 * <h2>Memory ordering</h2>
 * {@code head}: written by pushers (CAS) and the cleaner (CAS); read by takers (volatile).
 * {@code Node.next}: written plain by the pusher before the CAS on {@code head} publishes the node, and by the
 * cleaner with a release store that pairs with the takers' acquire loads.
 * {@code Node.mark}: set by {@code getAndBitwiseOr} (volatile) by takers and by the owner; the winner is whoever
 * saw bit 0 clear.
 *
 * @param <S> what a node stands for (a server)
 */
public final class IdleServerStack<S> {

    /** One idle period of one server. */
    public static final class Node<S> {
        private final S server;
        /** Written by the pusher before publication, then only by the cleaner (release). */
        private Node<S> next;
        /** Bit 0: deleted. Set by {@code getAndBitwiseOr} from takers and the owner. */
        private volatile int mark;

        public Node(S server) {
            this.server = server;
        }

        public S server() {
            return server;
        }

        /** Whether a taker (or the owner) has marked this node deleted. */
        public boolean isDeleted() {
            return (mark & DELETED) != 0;
        }

        Node<S> nextAcquire() {
            return (Node<S>) NEXT.getAcquire(this);
        }
    }

    private static final int DELETED = 1;
    private static final VarHandle HEAD;
    private static final VarHandle NEXT;
    private static final VarHandle MARK;
    private static final VarHandle CLEANER_LOCK;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            HEAD = l.findVarHandle(IdleServerStack.class, "head", Node.class);
            NEXT = l.findVarHandle(Node.class, "next", Node.class);
            MARK = l.findVarHandle(Node.class, "mark", int.class);
            CLEANER_LOCK = l.findVarHandle(IdleServerStack.class, "cleanerLock", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private volatile Node<S> head;
    /** 0 free, 1 held by a cleaning server. */
    private volatile int cleanerLock;
    private volatile int scanLimit;

    /** @param servers how many servers may push nodes: takers scan at most {@code 2 × servers} nodes */
    public IdleServerStack(int servers) {
        setServers(servers);
    }

    /** Changes the number of servers (when spare servers join or leave), and so the scan limit. */
    public void setServers(int servers) {
        if (servers < 1) {
            throw new IllegalArgumentException("servers must be at least 1, got " + servers);
        }
        this.scanLimit = 2 * servers;
    }

    public int scanLimit() {
        return scanLimit;
    }

    /**
     * Server side: unlinks deleted nodes, then publishes {@code node} as the new head. The node must be fresh
     * (never pushed before) and not deleted.
     */
    public void push(Node<S> node) {
        cleanUp();
        Node<S> h;
        do {
            h = head;
            node.next = h; // plain: published by the CAS below
        } while (!HEAD.compareAndSet(this, h, node));
    }

    /**
     * Waker side: marks the first live node among the first {@link #scanLimit()} deleted and returns it, or null
     * when there is none. Never unlinks.
     */
    public Node<S> take() {
        int budget = scanLimit;
        for (Node<S> n = head; n != null && budget > 0; n = n.nextAcquire(), budget--) {
            if (!n.isDeleted() && tryTake(n)) {
                return n;
            }
        }
        return null;
    }

    /**
     * Marks {@code node} deleted. True for exactly one caller per node: the one that saw bit 0 clear. Wakers use it
     * to take a given server (affinity), the owner to withdraw its own node when it found work itself.
     */
    public boolean tryTake(Node<S> node) {
        return ((int) MARK.getAndBitwiseOr(node, DELETED) & DELETED) == 0;
    }

    /** Whether a taker would find a live node now (a racy snapshot). */
    public boolean hasLiveNode() {
        int budget = scanLimit;
        for (Node<S> n = head; n != null && budget > 0; n = n.nextAcquire(), budget--) {
            if (!n.isDeleted()) {
                return true;
            }
        }
        return false;
    }

    /** Number of nodes reachable from the head, deleted or not (for tests and stats: walks the list). */
    public int size() {
        int count = 0;
        for (Node<S> n = head; n != null; n = n.nextAcquire()) {
            count++;
        }
        return count;
    }

    /** Server side: unlinks every node that is deleted now. Mutual exclusion among cleaners only. */
    public void cleanUp() {
        lockCleaner();
        try {
            Node<S> h;
            while ((h = head) != null && h.isDeleted()) {
                HEAD.compareAndSet(this, h, h.next); // fails only when a push raced: look again
            }
            if (h == null) {
                return;
            }
            Node<S> pred = h;
            Node<S> cur = pred.next;
            while (cur != null) {
                if (cur.isDeleted()) {
                    cur = cur.next;
                    NEXT.setRelease(pred, cur); // pairs with nextAcquire() in take()
                } else {
                    pred = cur;
                    cur = cur.next;
                }
            }
        } finally {
            CLEANER_LOCK.setRelease(this, 0);
        }
    }

    private void lockCleaner() {
        int spins = 0;
        while (!CLEANER_LOCK.compareAndSet(this, 0, 1)) {
            if (++spins < 64) {
                Thread.onSpinWait();
            } else {
                Thread.yield(); // the holder may have been descheduled: let it finish
            }
        }
    }
}
