package dev.weft.sched;

import dev.weft.sched.idle.HandOverSlot;
import dev.weft.sched.idle.IdleServerStack;
import dev.weft.sched.internal.CpuAffinity;
import dev.weft.sched.queue.LocalRunQueue;
import dev.weft.sched.queue.NextSlot;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * A server: a platform thread of a concurrency group that runs the continuations of its workers.
 *
 * <h2>Loop</h2>
 * Ask the policy for the next worker and run it until it parks, yields or ends (the server learns that its worker
 * blocked when the continuation returns). With nothing to run, go idle: push a fresh node on the group's
 * idle-server stack, spin for the idle-spin budget, then park. A waker that takes the node hands a worker over in
 * {@link #handed} and unparks the thread if it parked. While the thread is still parked, a server that ran out of
 * work may take that worker over ({@code GroupScheduler.steal}) and leave {@code TAKEN_OVER} in its place; the
 * server then looks at the queues and, finding nothing, parks again without spinning.
 *
 * <h2>Idle-state transitions</h2>
 * <pre>
 *  RUNNING  -> SPINNING   push node (after unlinking deleted nodes), spinning++
 *  SPINNING -> RUNNING    a waker marked the node and handed a worker, or this server saw work and marked its
 *                         own node first; if a waker marked it first, wait for the worker it hands
 *  SPINNING -> PARKED     spin budget spent: spinning--, look at the queues once more, parked = true, park
 *  PARKED   -> RUNNING    handed != null (unpark; a worker, the nudge, or TAKEN_OVER), or the group terminated
 *                         and the server marked its own node
 * </pre>
 * The look after {@code spinning--} pairs with wakers that publish work and then read {@code spinning}: with both
 * sides volatile, either the waker sees the server idle or the server sees the work.
 *
 * <h2>Fields and who writes them</h2>
 * Local queue, next slot, counters, hand-off streak and thief memory: this server only (thieves CAS the queue head
 * and the next slot). {@code handed}: the waker that marked the current node, once per idle period; consumed and
 * cleared by this server; swapped for {@code TAKEN_OVER} by a thief. {@code parked}: this server.
 * {@code retireRequested}: the group, for spares.
 */
public final class Server extends ServerPad {

    private static final VarHandle COUNTER = MethodHandles.arrayElementVarHandle(long[].class);
    /**
     * A server with runnable workers polls its {@link ServerPoller} once every this many runs (a power of two), and
     * whenever it finds nothing to run: the operations the workers handed over in between go to the kernel in one
     * batch (one {@code io_uring_enter} for up to this many), and their completions are reaped in one.
     */
    static final int POLL_INTERVAL = 16;
    /**
     * A busy server also polls when this long has passed since its last poll, so that long runs (workers that
     * compute a while before they block) do not hold a handed-over operation back for {@link #POLL_INTERVAL} of them.
     */
    static final long POLL_MAX_DELAY_NANOS = 20_000;
    /**
     * A spinning server looks at its own queues and the shared queue every 16 spins, and at other servers' queues
     * every this many (a power of two), their next slots at most every {@code GroupScheduler.NEXT_SLOT_LOOK_NANOS}.
     * Each look at another server reads lines that server writes as it runs. Measured on a 2-CPU VM (2026-12-06),
     * 1,000 round trips of pingpong right after the other server started its 50 µs spin: a spinner that looked at
     * everything every 16 spins (about every 0.4 µs) made the first 100 round trips cost 580–860 ns instead of
     * 340 ns, 28–43 µs lost per game; looking at other servers every 64 spins and at next slots every 5 µs, 14–20 µs;
     * with next slots every 20 µs and {@link ServerPad}, 9–12 µs.
     * Stealing a backlog waits at most one more look, about 1.5 µs.
     */
    static final int REMOTE_LOOK_SPINS = 64;
    static final int RUNS = 0, HANDOFFS = 1, STEALS = 2, STOLEN = 3, SPINS = 4, PARKS = 5;

    final ConcurrencyGroup group;
    final GroupScheduler scheduler;
    private final int index;
    private final int cpu;
    private final boolean spare;

    final LocalRunQueue<Worker> local;
    final NextSlot<Worker> next = new NextSlot<>();
    final ConcurrentLinkedQueue<Worker> inbox = new ConcurrentLinkedQueue<>();

    /** running, handoffStreak and the counters, padded: written on every run. */
    final OwnerState own = new OwnerState();

    /** Made by this server's thread when it starts (null without a poller factory); read by wakers. */
    private volatile ServerPoller poller;

    volatile IdleServerStack.Node<Server> idleNode;
    final HandOverSlot<Worker> handed = new HandOverSlot<>();
    volatile boolean parked;

    // managed blocking
    final java.util.concurrent.atomic.AtomicInteger blockedCount = new java.util.concurrent.atomic.AtomicInteger();
    volatile boolean retireRequested;
    volatile boolean retired;

    // thief memory: the next-slot occupant seen at the previous look, to steal it only if it stays put
    Server seenVictim;
    Worker seenOccupant;
    long seenVictimRuns;
    long seenAtNanos;

    Server(ConcurrencyGroup group, int index, int cpu, boolean spare, int localCapacity) {
        super(null, null, group.name() + (spare ? "-spare-" : "-server-") + index, 0, false);
        this.group = group;
        this.scheduler = group.scheduler;
        this.index = index;
        this.cpu = cpu;
        this.spare = spare;
        this.local = new LocalRunQueue<>(localCapacity);
        setDaemon(true);
    }

    /** Index of this server in its group. */
    public int index() {
        return index;
    }

    /** The CPU this server is pinned to, or -1. */
    public int cpu() {
        return cpu;
    }

    public ConcurrencyGroup group() {
        return group;
    }

    /**
     * This server's event source ({@link ConcurrencyGroup.Builder#serverPoller}), or null. A worker running on this
     * server may use it: it runs on this server's thread.
     */
    public ServerPoller poller() {
        return poller;
    }

    /** Whether this is a spare lent to the group while another server is blocked. */
    public boolean isSpare() {
        return spare;
    }

    /** Whether this spare has been given back and no longer takes work. */
    public boolean isRetired() {
        return retired;
    }

    /** Number of workers waiting in this server's inbox (a snapshot). */
    public int inboxSize() {
        return inbox.size();
    }

    /** Worker runs so far (any thread; see {@link #tick()} for the owner's cheap form). */
    public long runs() {
        return counter(RUNS);
    }

    /**
     * The scheduling tick: the run count as an int, wrapping. For the server itself (a policy's {@code next}): a
     * plain read of a field only it writes.
     */
    public int tick() {
        return own.tick;
    }

    /** Whether a worker on this server is inside {@code ConcurrencyGroup.blocking}. */
    public boolean isBlocked() {
        return blockedCount.get() > 0;
    }

    public ServerStats stats() {
        return new ServerStats(index, spare, cpu, counter(RUNS), counter(HANDOFFS), counter(STEALS),
                counter(STOLEN), counter(SPINS), counter(PARKS));
    }

    long counter(int i) {
        return (long) COUNTER.getOpaque(own.counters, OwnerState.COUNTERS_AT + i);
    }

    /**
     * Owner only. A plain increment (a 64-bit store is whole on the 64-bit JVMs weft runs on); {@link #stats()}
     * reads with opaque loads and may see a slightly old value.
     */
    void count(int i, long delta) {
        own.counters[OwnerState.COUNTERS_AT + i] += delta;
    }

    @Override
    public void run() {
        Throwable failure = null;
        try {
            prepare();
        } catch (RuntimeException | Error e) {
            failure = e;
        }
        group.serverReady(this, failure);
        try {
            loop();
        } finally {
            ServerPoller p = poller;
            if (p != null) {
                p.close();
            }
        }
    }

    /** On the server's own thread, before its loop: pins it and makes its poller, as the group says. */
    private void prepare() {
        if (cpu >= 0) {
            CpuAffinity.pinCurrentThread(cpu);
        }
        java.util.function.Function<Server, ServerPoller> factory = group.pollerFactory();
        if (factory != null) {
            poller = factory.apply(this);
        }
    }

    /**
     * The loop holds nothing but a call: a method that never returns is compiled on-stack-replacement style from
     * an early profile, and an uncommon trap in it sends the server back to the interpreter for a while (measured:
     * a yield cost about 200 ns instead of about 100 ns in one JVM run of three). {@link #step} is compiled as an
     * ordinary method.
     */
    private void loop() {
        while (step()) {
            // one scheduling step per iteration
        }
    }

    /** Runs one worker, or waits for one. False when the server must exit. */
    private boolean step() {
        ServerPoller p = poller;
        if (p != null) {
            long now = System.nanoTime();
            if ((own.tick & (POLL_INTERVAL - 1)) == 0 || now - own.lastPoll > POLL_MAX_DELAY_NANOS) {
                own.lastPoll = now;
                p.poll(); // completions unpark their workers into this server's queues or others'
            }
        }
        WorkerTask sw = own.switchTo;
        if (sw != null) { // a worker on this server switched to it: it runs now
            own.switchTo = null;
            runWorker(sw);
            return true;
        }
        if ((sw = own.switchBack) != null) { // a worker that switched: the one it switched to blocked or ended
            own.switchBack = sw.nextSwitchBack;
            sw.nextSwitchBack = null;
            runWorker(sw);
            return true;
        }
        if (spare && retireRequested) {
            return scheduler.retire(this); // false: the group terminated while this spare waited in the pool
        }
        Worker w = scheduler.policy.next(this, scheduler);
        if (w == null && p != null && p.poll()) {
            w = scheduler.policy.next(this, scheduler); // the poller's events woke workers
        }
        if (w == null) {
            w = scheduler.pollOwnOrShared(this); // a policy's next() that does not look where its enqueue put work
        }
        if (w == null) {
            if (!spare && group.isTerminated()) {
                return false;
            }
            w = idle();
            if (w == null) {
                return true; // the next step takes the work this server saw
            }
        }
        if (own.leftSpinningLast) {
            own.leftSpinningLast = false;
            scheduler.wakeOneIfWorkWaits(this);
        }
        runWorker((WorkerTask) w);
        return true;
    }

    void runWorker(WorkerTask w) {
        own.running = w;
        own.skipNextSpin = false; // it ran something since a thief took its hand-over: spin as usual again
        w.ranOn(this);
        try {
            w.continuation.run();
        } catch (Throwable t) {
            group.reportServerError(this, w, t);
        } finally {
            own.running = null;
            own.tick++;
            count(RUNS, 1);
        }
        if (!group.endIfTerminated(w) && w.stripe == LiveWorkers.NOT_LISTED) {
            group.listLiving(w, index);
        }
    }

    /** The worker this server is running now, or null; read racily by other threads, for reports. */
    WorkerTask running() {
        return own.running;
    }

    /**
     * Waits for work. Returns a worker handed over by a waker, or null when the server should ask its policy again
     * (it saw work itself, was nudged, or must stop).
     */
    private Worker idle() {
        own.leftSpinningLast = false;
        IdleServerStack.Node<Server> node = new IdleServerStack.Node<>(this);
        idleNode = node;
        scheduler.idleDelta(1);
        scheduler.idleStack.push(node);
        scheduler.spinningDelta(1);
        boolean spinning = true;
        try {
            long start = System.nanoTime();
            long deadline = start + (own.skipNextSpin ? 0 : scheduler.idleSpinNanos);
            own.skipNextSpin = false;
            long lastNextSlotLook = start; // a policy that steals looked at the next slots just before
            for (int i = 1; ; i++) {
                if (handed.peek() != null) {
                    count(SPINS, 1);
                    return takeHanded();
                }
                if (node.isDeleted()) {
                    Thread.onSpinWait(); // a waker marked the node and is about to hand a worker over
                    continue;
                }
                if ((i & 15) == 0) {
                    ServerPoller sp = poller;
                    if (sp != null) {
                        // the poller's events may need this thread to collect them (io_uring under DEFER_TASKRUN
                        // posts completions only when its owner enters the ring): a spin that did not look would
                        // burn its whole budget while they wait
                        sp.poll();
                    }
                    long now = System.nanoTime();
                    boolean work = scheduler.hasOwnWork(this);
                    if (!work && (i & (REMOTE_LOOK_SPINS - 1)) == 0) {
                        boolean nextSlots = now - lastNextSlotLook >= GroupScheduler.NEXT_SLOT_LOOK_NANOS;
                        if (nextSlots) {
                            lastNextSlotLook = now;
                        }
                        work = scheduler.hasRemoteWork(this, now, nextSlots);
                    }
                    if (work || mustStop()) {
                        if (scheduler.idleStack.tryTake(node)) {
                            count(SPINS, 1);
                            return null;
                        }
                        continue; // a waker won the node: its worker is on the way
                    }
                    if (now - deadline > 0) {
                        break;
                    }
                    // give the CPU to any other runnable thread on this core (a producer of our work, when there
                    // are more runnable threads than cores): sched_yield returns at once when there is none
                    Thread.yield();
                } else {
                    Thread.onSpinWait();
                }
            }
            spinning = false;
            own.leftSpinningLast = scheduler.spinningDelta(-1) == 0;
            if ((scheduler.hasWorkFor(this, System.nanoTime()) || mustStop()) && scheduler.idleStack.tryTake(node)) {
                count(SPINS, 1);
                return null;
            }
            own.leftSpinningLast = false; // it found no work: a wake from the park has nothing to pass on
            count(PARKS, 1);
            parked = true;
            ServerPoller p = poller;
            while (handed.peek() == null) {
                if (mustStop() && scheduler.idleStack.tryTake(node)) {
                    return null;
                }
                if (p == null) {
                    LockSupport.park(this);
                } else if (p.poll() && scheduler.idleStack.tryTake(node)) {
                    return null; // events woke workers: look at the queues (failed tryTake: a worker is handed)
                } else if (handed.peek() == null) {
                    p.await();
                }
            }
            return takeHanded();
        } finally {
            parked = false;
            if (spinning) {
                // wakers wake nobody while a server spins: the last spinner to leave with work makes sure work it
                // does not take gets a server (Go's resetspinning)
                own.leftSpinningLast = scheduler.spinningDelta(-1) == 0;
            }
            scheduler.idleDelta(-1);
        }
    }

    /** After {@code handed} was seen non-null: only a thief changes it now, and only to {@code TAKEN_OVER}. */
    private Worker takeHanded() {
        Worker h = handed.take();
        if (h == GroupScheduler.TAKEN_OVER) {
            own.skipNextSpin = true;
            return null;
        }
        return h == GroupScheduler.NUDGE ? null : h;
    }

    /**
     * A thief's look: the worker handed to this server while its thread is parked (the futex wake-up still to
     * come), or null. Best effort: the thief's CAS may land after the server woke (or even on the next hand-over
     * of the same worker); it still wins or loses that one hand-over as a whole, and a server that finds
     * {@code TAKEN_OVER} in its slot just looks at the queues again.
     */
    Worker handedWhileParked() {
        Worker h;
        return parked && (h = handed.peek()) != null && h != GroupScheduler.NUDGE && h != GroupScheduler.TAKEN_OVER
                ? h : null;
    }

    private boolean mustStop() {
        return spare ? retireRequested : group.isTerminated();
    }

    /** Waker side: hands {@code w} (or the nudge) to this server, whose idle node the caller has just marked. */
    void handOver(Worker w) {
        handed.put(w);
        if (parked) {
            wake();
        }
    }

    private void wake() {
        ServerPoller p = poller;
        if (p != null) {
            p.wakeup();
        } else {
            LockSupport.unpark(this);
        }
    }

    /** Wakes this server if it is idle, so that it looks at its queues or stop flags. */
    void nudgeIfIdle() {
        IdleServerStack.Node<Server> node = idleNode;
        if (node != null && scheduler.idleStack.tryTake(node)) {
            handOver(GroupScheduler.NUDGE);
        }
        wake();
    }

    @Override
    public String toString() {
        return getName();
    }
}

/**
 * Keeps {@link Server}'s fields off the cache lines of {@link Thread}'s own: the JDK writes the carrier's
 * {@code Thread.cont} when it mounts and unmounts every continuation, and other servers read a server's queue
 * references whenever they look for work to steal. Sharing a line, each look cost the busy server a cache miss on
 * its next mount (measured on a 2-CPU VM, 2026-12-06: with another server spinning throughout, park/unpark round
 * trips took 361–432 ns, mean 395, without the padding and 341–387 ns, mean 358, with it).
 */
abstract class ServerPad extends Thread {
    long p00, p01, p02, p03, p04, p05, p06, p07, p08, p09, p0a, p0b, p0c, p0d, p0e, p0f;

    ServerPad(ThreadGroup group, Runnable task, String name, long stackSize, boolean inheritThreadLocals) {
        super(group, task, name, stackSize, inheritThreadLocals);
    }
}
