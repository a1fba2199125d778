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

    private final Server server;
    private final IoUring ring;
    private final ConcurrentLinkedQueue<UringOperation> handOff = new ConcurrentLinkedQueue<>();
    private final Map<Long, UringOperation> inFlight = new HashMap<>();
    private long nextUserData = 1;
    private volatile long submitted;
    private volatile long completed;
    private volatile long waits;

    /** Made on {@code server}'s own thread by the group (the ring's owner). */
    public UringServerPoller(Server server) {
        this.server = server;
        IoUringAvailability.ensureAvailable();
        this.ring = IoUring.open(RING_ENTRIES);
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
            if (ring.pendingSubmissions() >= ring.sqEntries() - 2) {
                ring.submit();
            }
            long ud = nextUserData++;
            inFlight.put(ud, op);
            op.prepare(ring.sqe(), ud);
            prepared++;
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
                UringOperation done = inFlight.remove(ud);
                if (done != null) {
                    done.finish(res);
                }
            });
            completed += n;
            any |= n > 0;
        }
        return any;
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
        for (UringOperation f : inFlight.values()) {
            f.abandon("the server of " + server.group().name() + " stopped with the operation in flight");
        }
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
