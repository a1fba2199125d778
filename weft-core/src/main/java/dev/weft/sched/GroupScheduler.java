package dev.weft.sched;

import dev.weft.sched.idle.IdleServerStack;
import dev.weft.sched.internal.JdkAccess;
import dev.weft.sched.jfr.HandoffEvent;
import dev.weft.sched.jfr.StealEvent;
import dev.weft.sched.policy.RunQueues;
import dev.weft.sched.policy.SchedulingPolicy;
import dev.weft.sched.policy.Wakeup;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The mechanism under a group's policy: run queues, the idle-server stack, stealing, and the rule that keeps the
 * group live: <em>whenever work is placed where another server could take it, and no server is spinning, an idle
 * server is woken</em>. Placing into the next slot does not wake anyone: the worker runs on the waker's server as
 * soon as the waker blocks, which is the point of the hand-off.
 *
 * <h2>Where a runnable worker comes from</h2>
 * {@link #execute} (the JDK hands over a continuation) classifies the caller: a worker of this group running on server S (its carrier), server S
 * itself after its worker yielded or ended (the JDK resubmits or wakes joiners from the carrier), or any other
 * thread (a timer, the JDK's unblocker, a platform thread). The policy gets the reason and S (or null).
 */
final class GroupScheduler implements RunQueues, Executor {

    /** Handed to an idle server to make it look at the queues rather than run a given worker. */
    static final WorkerTask NUDGE = new WorkerTask(null, null, null, null);
    /**
     * Left by a thief in the hand-over slot of a parked server whose worker it took over: that server, once awake,
     * looks at the queues and, finding nothing, parks again without spinning: the thief had nothing to run, so the
     * group has a free server already, and a spinner would only slow the busy ones down (see
     * {@code Server.REMOTE_LOOK_SPINS}).
     */
    static final WorkerTask TAKEN_OVER = new WorkerTask(null, null, null, null);

    /** How long a worker must sit in a busy server's next slot before a thief may take it. */
    static final long NEXT_SLOT_STEAL_NANOS = 20_000;
    /**
     * How often a spinning server looks at other servers' next slots: an occupant becomes stealable only after
     * {@link #NEXT_SLOT_STEAL_NANOS} anyway, so it is taken 20 to 40 µs after it was first seen. Each look reads two
     * lines the busy server writes at every run (its next slot, its run counter); measured on a 2-CPU VM
     * (2026-12-06), with another server spinning throughout, looks every 5 µs made park/unpark round trips 20–30 ns
     * slower (363–396 ns against 341–366 ns with no next-slot looks), looks every 20 µs did not (343–397 ns).
     */
    static final long NEXT_SLOT_LOOK_NANOS = NEXT_SLOT_STEAL_NANOS;

    final ConcurrencyGroup group;
    final SchedulingPolicy policy;
    final IdleServerStack<Server> idleStack;
    final ConcurrentLinkedQueue<Worker> shared = new ConcurrentLinkedQueue<>();
    final long idleSpinNanos;
    /** Servers spinning in their idle phase: they will find work placed in any queue without being woken. */
    private final AtomicInteger spinning = new AtomicInteger();
    /** Servers between pushing their idle node and leaving the idle state. */
    private final AtomicInteger idle = new AtomicInteger();
    private volatile Server[] servers = new Server[0];

    GroupScheduler(ConcurrencyGroup group, SchedulingPolicy policy, int servers, long idleSpinNanos) {
        this.group = group;
        this.policy = policy;
        this.idleStack = new IdleServerStack<>(servers);
        this.idleSpinNanos = idleSpinNanos;
    }

    // ---- membership

    synchronized void addServer(Server s) {
        Server[] old = servers;
        Server[] now = Arrays.copyOf(old, old.length + 1);
        now[old.length] = s;
        servers = now;
        idleStack.setServers(now.length);
    }

    synchronized void removeServer(Server s) {
        Server[] old = servers;
        Server[] now = Arrays.stream(old).filter(x -> x != s).toArray(Server[]::new);
        servers = now;
        idleStack.setServers(Math.max(1, now.length));
    }

    Server[] serverArray() {
        return servers;
    }

    @Override
    public List<Server> servers() {
        return List.of(servers);
    }

    // ---- entry point: the JDK hands over a continuation that became runnable

    /**
     * The scheduler of every worker of the group. The worker's state lives in its thread's handler field; the
     * first call for a thread creates it (a start, or a thread whose handler the user replaced since).
     */
    @Override
    public void execute(Runnable continuation) {
        Thread caller = Thread.currentThread();
        if (caller instanceof Server s && s.group == group) {
            WorkerTask running = s.own.running;
            if (running != null && running.continuation == continuation) {
                if (s.own.switchTo != null) {
                    // it yielded to switch to the worker it just started: it resumes here right after that one
                    running.nextSwitchBack = s.own.switchBack;
                    s.own.switchBack = running;
                    return;
                }
                // its own worker yielded (or was unparked while parking): resubmitted from the carrier
                enqueue(running, Wakeup.YIELD, s);
                return;
            }
        }
        Thread vt = JdkAccess.threadOfContinuation(continuation);
        if (vt == null) {
            throw new RejectedExecutionException("not a virtual-thread continuation: " + continuation);
        }
        WorkerTask w;
        Wakeup reason = Wakeup.WAKE;
        if (JdkAccess.uncaughtExceptionHandlerField(vt) instanceof WorkerTask known && known.group == group) {
            w = known;
            if (w.startMode != WorkerTask.START_QUEUED) {
                startCaptured(w, caller);
                return;
            }
        } else {
            w = new WorkerTask(group, vt, continuation, JdkAccess.uncaughtExceptionHandlerField(vt));
            boolean start = JdkAccess.isStartedNotRun(vt);
            group.workerStarting(w, start);
            JdkAccess.setUncaughtExceptionHandlerField(vt, w);
            if (start) {
                reason = Wakeup.START;
            }
        }
        Server current = null;
        if (caller.isVirtual()) {
            if (JdkAccess.currentCarrierThread() instanceof Server s && s.group == group) {
                current = s;
            }
        } else if (caller instanceof Server s && s.group == group) {
            current = s; // the server itself, after its worker ended: waking the worker's joiners
        }
        enqueue(w, reason, current);
    }

    /**
     * The start of a worker made by {@link ConcurrencyGroup#startInline} or {@link ConcurrencyGroup#switchTo}: counts
     * it and keeps it from the queues, for the starting platform thread (inline) or the starting worker's server
     * (switch) to run it. A switch from a worker whose server already has a switch pending starts it queued.
     */
    private void startCaptured(WorkerTask w, Thread caller) {
        int mode = w.startMode;
        w.startMode = WorkerTask.START_QUEUED;
        Server carrier = caller.isVirtual() && JdkAccess.currentCarrierThread() instanceof Server c && c.group == group
                ? c : null;
        group.workerStarting(w, true);
        if (mode == WorkerTask.START_INLINE && !caller.isVirtual()) {
            return; // the caller runs it
        }
        if (mode == WorkerTask.START_SWITCH && carrier != null && carrier.own.switchTo == null) {
            carrier.own.switchTo = w;
            return;
        }
        enqueue(w, Wakeup.START, carrier);
    }

    void enqueue(WorkerTask w, Wakeup reason, Server current) {
        if (group.isTerminated()) {
            throw new RejectedExecutionException("concurrency group " + group.name() + " is closed");
        }
        policy.enqueue(w, reason, current, this);
    }

    // ---- placing

    @Override
    public void runNext(Server owner, Worker worker) {
        checkOwner(owner);
        Worker displaced = owner.next.swap(worker);
        if (displaced != null) {
            pushLocal(owner, displaced);
        }
    }

    @Override
    public void pushLocal(Server owner, Worker worker) {
        checkOwner(owner);
        if (!owner.local.offer(worker)) {
            owner.local.drainHalfTo(shared::offer);
            if (!owner.local.offer(worker)) {
                shared.offer(worker);
            }
        }
        signalWork();
    }

    @Override
    public void pushInbox(Server target, Worker worker) {
        target.inbox.offer(worker);
        if (!handTo(target, NUDGE)) {
            signalWork();
        }
    }

    @Override
    public void pushShared(Worker worker) {
        shared.offer(worker);
        signalWork();
    }

    @Override
    public boolean handToIdle(Worker worker) {
        IdleServerStack.Node<Server> node = idleStack.take();
        if (node == null) {
            return false;
        }
        node.server().handOver(worker);
        return true;
    }

    @Override
    public boolean handTo(Server target, Worker worker) {
        IdleServerStack.Node<Server> node = target.idleNode;
        if (node == null || node.isDeleted() || !idleStack.tryTake(node)) {
            return false;
        }
        target.handOver(worker);
        return true;
    }

    /**
     * Wakes an idle server when none is spinning. The spinning count is read after the work was published
     * (volatile), and a server re-checks the queues after it stops spinning, so one of the two sees the other.
     */
    private void signalWork() {
        if (spinning.get() == 0 && idle.get() > 0) {
            handToIdle(NUDGE);
        }
    }

    /** @return the number of spinning servers after the change */
    int spinningDelta(int delta) {
        return spinning.addAndGet(delta);
    }

    /**
     * Called by {@code taker} once it has its worker after it stopped spinning as the last spinner (or retired, as
     * a spare, with {@code taker} null): while it spun, wakers woke nobody, so work it did not take may be waiting
     * with every other server parked. Wakes one if so; that one takes the work or, finding none, idles again.
     */
    void wakeOneIfWorkWaits(Server taker) {
        if (spinning.get() == 0 && idle.get() > 0 && hasQueuedWork()) {
            handToIdle(NUDGE);
        }
    }

    /** Work in a queue an idle server takes from or steals from (next slots are their servers' own hand-offs). */
    private boolean hasQueuedWork() {
        if (!shared.isEmpty()) {
            return true;
        }
        for (Server s : servers) {
            if (!s.local.isEmpty() || !s.inbox.isEmpty()) {
                return true;
            }
        }
        return false;
    }

    void idleDelta(int delta) {
        idle.addAndGet(delta);
    }

    @Override
    public int spinningServers() {
        return spinning.get();
    }

    // ---- polling

    @Override
    public Worker pollNext(Server owner) {
        checkOwner(owner);
        Worker w = owner.next.take();
        if (w != null) {
            owner.own.handoffStreak++;
            owner.count(Server.HANDOFFS, 1);
            HandoffEvent e = new HandoffEvent();
            if (e.isEnabled()) {
                e.group = group.name();
                e.server = owner.index();
                e.workerThreadId = ((WorkerTask) w).thread.threadId();
                e.commit();
            }
        }
        return w;
    }

    @Override
    public Worker pollLocal(Server owner) {
        checkOwner(owner);
        Worker w = owner.local.poll();
        if (w != null) {
            owner.own.handoffStreak = 0;
        }
        return w;
    }

    @Override
    public Worker pollInbox(Server owner) {
        checkOwner(owner);
        Worker w = owner.inbox.poll();
        if (w != null) {
            owner.own.handoffStreak = 0;
        }
        return w;
    }

    @Override
    public Worker pollShared() {
        return shared.poll();
    }

    /**
     * The mechanism's own look before {@code server} goes idle, after its policy's {@code next} returned null: its
     * next slot, local queue and inbox, and the shared queue. For the built-in policies it finds nothing (their
     * {@code next} looked there already); it keeps a user policy whose {@code next} never polls where its
     * {@code enqueue} placed work from leaving those workers unrun while the server spins on them.
     */
    Worker pollOwnOrShared(Server server) {
        Worker w;
        if ((w = pollNext(server)) == null && (w = pollLocal(server)) == null && (w = pollInbox(server)) == null) {
            w = pollShared();
        }
        return w; // through the primitives: the same streak, counters and events as a policy's polls
    }

    @Override
    public Worker steal(Server thief) {
        Server[] all = servers;
        int n = all.length;
        if (n < 2) {
            return null;
        }
        int start = (int) (thief.runs() + thief.index()) % n;
        for (int k = 0; k < n; k++) {
            Server victim = all[(start + k) % n];
            if (victim == thief) {
                continue;
            }
            int moved = victim.local.stealHalfInto(thief.local);
            if (moved > 0) {
                stolen(thief, victim, "local", moved);
                return thief.local.poll();
            }
        }
        for (int k = 0; k < n; k++) {
            Server victim = all[(start + k) % n];
            Worker w;
            if (victim != thief && (w = victim.inbox.poll()) != null) {
                stolen(thief, victim, "inbox", 1);
                return w;
            }
        }
        long now = System.nanoTime();
        for (int k = 0; k < n; k++) {
            Server victim = all[(start + k) % n];
            Worker occupant;
            if (victim != thief && (occupant = stealableNext(thief, victim, now)) != null
                    && victim.next.steal(occupant)) {
                stolen(thief, victim, "next", 1);
                return occupant;
            }
        }
        for (int k = 0; k < n; k++) {
            Server victim = all[(start + k) % n];
            Worker handed;
            if (victim != thief && (handed = victim.handedWhileParked()) != null
                    && victim.handed.steal(handed, TAKEN_OVER)) {
                stolen(thief, victim, "handed", 1);
                return handed;
            }
        }
        return null;
    }

    /**
     * The occupant of {@code victim}'s next slot if the thief may take it: its server is blocked, or it has sat
     * there for {@link #NEXT_SLOT_STEAL_NANOS} while its server ran nothing else (so the server is busy with a
     * worker that does not block). Updates the thief's memory.
     */
    private Worker stealableNext(Server thief, Server victim, long now) {
        Worker occupant = victim.next.peek();
        if (occupant == null) {
            return null;
        }
        if (victim.isBlocked()) {
            return occupant;
        }
        long runs = victim.runs();
        if (thief.seenVictim == victim && thief.seenOccupant == occupant && thief.seenVictimRuns == runs) {
            return now - thief.seenAtNanos >= NEXT_SLOT_STEAL_NANOS ? occupant : null;
        }
        thief.seenVictim = victim;
        thief.seenOccupant = occupant;
        thief.seenVictimRuns = runs;
        thief.seenAtNanos = now;
        return null;
    }

    private void stolen(Server thief, Server victim, String source, int count) {
        thief.own.handoffStreak = 0;
        thief.count(Server.STEALS, 1);
        thief.count(Server.STOLEN, count);
        StealEvent e = new StealEvent();
        if (e.isEnabled()) {
            e.group = group.name();
            e.thief = thief.index();
            e.victim = victim.index();
            e.source = source;
            e.count = count;
            e.commit();
        }
    }

    /**
     * Whether {@code server} would find something to run or steal now: a full look, the idle server's last before
     * it parks.
     */
    boolean hasWorkFor(Server server, long now) {
        return hasOwnWork(server) || hasRemoteWork(server, now, true);
    }

    /** Work in {@code server}'s own queues or the shared queue: lines other servers rarely write. */
    boolean hasOwnWork(Server server) {
        return !shared.isEmpty() || server.next.peek() != null || !server.local.isEmpty() || !server.inbox.isEmpty();
    }

    /**
     * Work {@code server} could steal: another server's local queue or inbox, or, with {@code nextSlots}, a worker
     * that has sat in another server's next slot for {@link #NEXT_SLOT_STEAL_NANOS}. Each look reads lines the other
     * server writes as it runs (its next slot at every hand-off, its run counter at every run), so a spinning server
     * that looked on every spin would slow the busy ones down; see {@code Server.idle}.
     */
    boolean hasRemoteWork(Server server, long now, boolean nextSlots) {
        for (Server s : servers) {
            if (s != server && (!s.local.isEmpty() || !s.inbox.isEmpty()
                    || (nextSlots && s.next.peek() != null && stealableNext(server, s, now) != null))) {
                return true;
            }
        }
        return false;
    }

    // ---- facts

    @Override
    public int localSize(Server owner) {
        return owner.local.size();
    }

    @Override
    public boolean inboxIsEmpty(Server owner) {
        return owner.inbox.isEmpty();
    }

    @Override
    public int handoffStreak(Server server) {
        return server.own.handoffStreak;
    }

    private static void checkOwner(Server owner) {
        assert Thread.currentThread() == owner || JdkAccess.currentCarrierThread() == owner
                : "owner-only primitive called on " + Thread.currentThread() + " for " + owner;
    }

    // ---- spares

    /**
     * A spare whose retirement was requested: gives its queued workers to the others, leaves the server list and
     * waits in the spare pool. Returns true when it was lent again, false when the group terminated.
     */
    boolean retire(Server spare) {
        Worker w;
        while ((w = spare.next.take()) != null || (w = spare.local.poll()) != null || (w = spare.inbox.poll()) != null) {
            pushShared(w);
        }
        // the spare's last idle node is deleted (it is running): unlink it before the scan limit shrinks, or the
        // deleted nodes of retired spares could use up a taker's whole scan above a parked server's live node
        idleStack.cleanUp();
        removeServer(spare);
        wakeOneIfWorkWaits(null); // a nudge this spare took, meant for work it leaves behind, is passed on
        return group.parkSpare(spare);
    }
}
