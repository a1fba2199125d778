package dev.weft.uring;

import dev.weft.sched.ConcurrencyGroup;
import dev.weft.sched.Server;
import dev.weft.sched.ServerPoller;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * One io_uring per server of a concurrency group, entered only by that server's thread: give a group
 * {@code ConcurrencyGroup.builder().serverPoller(UringServerPoller::new)} (or use {@link #groupBuilder()}).
 *
 * <h2>How an operation travels</h2>
 * A worker never enters the ring. It puts an {@link UringOperation} on its server's {@link #handOff} queue and
 * parks. The server, at its next scheduling step ({@link #poll}), prepares the queued operations' SQEs, submits
 * them in one {@code io_uring_enter}, reaps the completions that arrived, and completes their operations, which
 * unparks their workers. An idle server waits in {@code io_uring_enter(GETEVENTS)} ({@link #await}) instead of a
 * futex, so one loop serves runnable workers and I/O; a worker woken from another thread reaches it through the
 * ring's eventfd ({@link #wakeup}).
 *
 * <h2>Threads</h2>
 * {@code handOff} is multi-producer (a worker that moved to another server may still hand to this one: it finds
 * its current server each time), single consumer (the server). {@code inFlight} is the server's alone.
 */
public final class UringServerPoller implements ServerPoller {
    /** SQ entries per server ring. */
    public static final int RING_ENTRIES = 256;
    /** Registered file slots per ring for the files syslets open: at most this many chains run at once. */
    public static final int CHAIN_SLOTS = 64;

    private record ChainStep(UringChain chain, int index) {
    }

    private final Server server;
    private final IoUring ring;
    private final ConcurrentLinkedQueue<UringOperation> handOff = new ConcurrentLinkedQueue<>();
    /** Values: an {@link UringOperation}, or a {@link ChainStep} of a syslet. Server thread only. */
    private final Map<Long, Object> inFlight = new HashMap<>();
    /** Registered file slots free for syslets (a stack), and syslets waiting for one. Server thread only. */
    private final int[] freeSlots = new int[CHAIN_SLOTS];
    private int freeSlotCount;
    private final java.util.ArrayDeque<UringChain> waitingChains = new java.util.ArrayDeque<>();
    private long nextUserData = 1;
    private volatile long submitted;
    private volatile long completed;
    private volatile long waits;

    /** Made on {@code server}'s own thread by the group (the ring's owner). */
    public UringServerPoller(Server server) {
        this.server = server;
        IoUringAvailability.ensureAvailable();
        this.ring = IoUring.open(RING_ENTRIES);
        ring.registerFileSlots(CHAIN_SLOTS);
        for (int i = CHAIN_SLOTS - 1; i >= 0; i--) {
            freeSlots[freeSlotCount++] = i;
        }
    }

    /** A group builder whose servers each own a ring. */
    public static ConcurrencyGroup.Builder groupBuilder() {
        return ConcurrencyGroup.builder().serverPoller(UringServerPoller::new);
    }

    /** The poller of the server the calling worker runs on, or null (not a worker, or its group has no rings). */
    static UringServerPoller current() {
        if (!Thread.currentThread().isVirtual()) {
            return null;
        }
        Server s = ConcurrencyGroup.currentServer();
        return s != null && s.poller() instanceof UringServerPoller p ? p : null;
    }

    /** Worker side: queue {@code op} for this server's ring. The caller then waits on {@code op}. */
    void handOff(UringOperation op) {
        handOff.add(op);
    }

    @Override
    public boolean poll() {
        boolean any = false;
        UringOperation op;
        int prepared = 0;
        while ((op = handOff.poll()) != null) {
            try {
                if (op instanceof UringChain chain) {
                    prepared += startChain(chain);
                    continue;
                }
                if (ring.pendingSubmissions() >= ring.sqEntries() - 2) {
                    ring.submit();
                }
                long ud = nextUserData;
                op.prepare(ring.sqe(), ud); // preparers reject bad arguments before taking a slot
                nextUserData++;
                inFlight.put(ud, op);
                prepared++;
            } catch (RuntimeException e) {
                // a bad operation fails its worker, never the server
                op.abandon("the operation could not be prepared: " + e);
            }
        }
        if (prepared > 0) {
            ring.submit();
            submitted += prepared;
            any = true;
        }
        // with DEFER_TASKRUN the kernel posts CQEs only when the owner enters the ring: forEachCompletion does
        // that when the ring says completion work waits (IORING_SQ_TASKRUN), so look whenever operations are out
        if (!inFlight.isEmpty()) {
            int n = ring.forEachCompletion((ud, res, flags) -> {
                Object done = inFlight.remove(ud);
                if (done instanceof UringOperation o) {
                    o.finish(res);
                } else if (done instanceof ChainStep step && step.chain().stepDone(step.index(), res)) {
                    // a file the chain left open (no close step, or a cancelled one) stays in the slot until the
                    // next openat into it replaces it
                    freeSlots[freeSlotCount++] = step.chain().slot();
                    step.chain().finish(0);
                    UringChain next = waitingChains.poll();
                    if (next != null) {
                        startChain(next);
                        ring.submit();
                    }
                }
            });
            completed += n;
            any |= n > 0;
        }
        return any;
    }

    /** Prepares a syslet's linked SQEs into a free slot, or queues it until one frees; returns SQEs prepared. */
    private int startChain(UringChain chain) {
        if (freeSlotCount == 0) {
            waitingChains.add(chain);
            return 0;
        }
        if (chain.size() > ring.sqEntries() - 2) {
            chain.abandon("a syslet of " + chain.size() + " steps does not fit a ring of " + ring.sqEntries()
                    + " entries");
            return 0;
        }
        if (ring.pendingSubmissions() + chain.size() > ring.sqEntries() - 2) {
            ring.submit();
        }
        int slot = freeSlots[--freeSlotCount];
        long base = nextUserData;
        nextUserData += chain.size();
        for (int i = 0; i < chain.size(); i++) {
            inFlight.put(base + i, new ChainStep(chain, i));
        }
        chain.prepareAll(ring, base, slot);
        return chain.size();
    }

    @Override
    public void await() {
        waits++;
        ring.submitAndWait(1);
    }

    @Override
    public void wakeup() {
        ring.wakeup();
    }

    @Override
    public void close() {
        UringOperation op;
        while ((op = handOff.poll()) != null) {
            op.abandon("the server of " + server.group().name() + " stopped before submitting it");
        }
        java.util.Set<Object> failed = new java.util.HashSet<>();
        for (Object f : inFlight.values()) {
            UringOperation o = f instanceof ChainStep c ? c.chain() : (UringOperation) f;
            if (failed.add(o)) {
                o.abandon("the server of " + server.group().name() + " stopped with the operation in flight");
            }
        }
        for (UringChain c : waitingChains) {
            c.abandon("the server of " + server.group().name() + " stopped before the syslet ran");
        }
        waitingChains.clear();
        inFlight.clear();
        ring.close();
    }

    /** SQEs submitted, CQEs reaped, and waits in io_uring_enter, so far (racy snapshot). */
    public long[] counters() {
        return new long[]{submitted, completed, waits};
    }

    /** The ring's setup, e.g. for logs. */
    public String describeRing() {
        return ring.describeSetup();
    }
}
