package dev.weft.sched;

import dev.weft.sched.internal.CpuAffinity;
import dev.weft.sched.internal.JdkAccess;
import dev.weft.sched.jfr.CompensationEvent;
import dev.weft.sched.policy.AffinityPolicy;
import dev.weft.sched.policy.FifoPolicy;
import dev.weft.sched.policy.HandoffPolicy;
import dev.weft.sched.policy.SchedulingPolicy;
import dev.weft.sched.policy.Wakeup;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * A concurrency group: a set of servers (platform threads of weft's own, one per CPU by default, optionally
 * pinned) that run workers (virtual threads) under a scheduling policy the user can choose or write.
 *
 * <pre>{@code
 * try (ConcurrencyGroup group = ConcurrencyGroup.builder().name("io").build()) {
 *     Thread worker = group.threadBuilder().name("w-", 0).start(() -> work());
 *     worker.join();
 *     System.out.print(group.stats().format());
 * }
 * }</pre>
 *
 * <h2>Lifecycle</h2>
 * <pre>
 *  OPEN -> SHUTDOWN     shutdown() or close(): new workers are rejected (RejectedExecutionException)
 *  SHUTDOWN -> TERMINATED   the last started worker ended: servers exit
 * </pre>
 * {@link #close()} waits up to the close timeout for the workers to end. Workers still alive then are reported
 * (logged with their stacks, and returned by {@link #liveWorkers()}); the servers stay up for them, so no worker
 * is dropped, and the group terminates when the last one ends.
 *
 * <h2>JVM flags</h2>
 * {@code --add-opens java.base/java.lang=ALL-UNNAMED} (module path: {@code =dev.weft.core}); without it
 * {@link Builder#build()} throws an {@link IllegalStateException} naming the flag. Pinning also wants
 * {@code --enable-native-access=ALL-UNNAMED} (else the JDK prints a warning).
 */
public final class ConcurrencyGroup implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ConcurrencyGroup.class.getName());
    private static final AtomicInteger GROUP_IDS = new AtomicInteger();

    private static final int OPEN = 0, SHUTDOWN = 1, TERMINATED = 2;

    private final String name;
    private final int serverCount;
    private final Thread.UncaughtExceptionHandler uncaughtExceptionHandler;
    private final java.util.function.Function<Server, ServerPoller> pollerFactory;
    private final Duration closeTimeout;
    private final int localQueueCapacity;
    private final int maxSpareServers;
    final GroupScheduler scheduler;
    private final LiveWorkers live;
    private final List<Server> allServers = new CopyOnWriteArrayList<>();
    private final ArrayDeque<Server> sparePool = new ArrayDeque<>();
    private final AtomicLong compensations = new AtomicLong();
    private final LongAdder inlineStarts = new LongAdder();
    private final LongAdder inlineMoved = new LongAdder();
    private final LongAdder switches = new LongAdder();
    private final CountDownLatch terminated = new CountDownLatch(1);
    /** Counts down as each core server is ready to run workers; {@link #startFailures} holds those that are not. */
    private final CountDownLatch serversReady;
    private final java.util.Queue<IllegalStateException> startFailures = new ConcurrentLinkedQueue<>();
    private volatile int state = OPEN;
    private int sparesCreated; // guarded by sparePool
    /** What the last {@link #close()} logged about workers still alive, or null (for tests). */
    volatile String closeReport;

    /** The factory of each server's {@link ServerPoller}, or null. */
    java.util.function.Function<Server, ServerPoller> pollerFactory() {
        return pollerFactory;
    }

    private ConcurrencyGroup(Builder b) {
        this.name = b.name != null ? b.name : "weft-" + GROUP_IDS.incrementAndGet();
        this.serverCount = b.servers;
        this.uncaughtExceptionHandler = b.uncaughtExceptionHandler != null
                ? b.uncaughtExceptionHandler : ConcurrencyGroup::printUncaught;
        this.closeTimeout = b.closeTimeout;
        this.pollerFactory = b.pollerFactory;
        this.localQueueCapacity = b.localQueueCapacity;
        this.maxSpareServers = b.maxSpareServers;
        this.scheduler = new GroupScheduler(this, b.policy, b.servers, b.idleSpin.toNanos());
        this.live = new LiveWorkers(b.servers);
        this.serversReady = new CountDownLatch(b.servers);
        int[] cpus = b.pinned ? allowedCpus(b.servers) : null;
        for (int i = 0; i < b.servers; i++) {
            Server s = new Server(this, i, cpus != null ? cpus[i] : -1, false, localQueueCapacity);
            allServers.add(s);
            scheduler.addServer(s);
        }
        for (Server s : allServers) {
            s.start();
        }
        awaitServersReady();
    }

    /**
     * Waits until every server has pinned itself and made its poller on its own thread. If one could not, the
     * group stops (no worker can have started yet: the group is not built) and the failure is thrown here, where
     * the user asked for the group, rather than killing that server's thread and every worker sent to it.
     */
    private void awaitServersReady() {
        boolean interrupted = false;
        for (;;) {
            try {
                serversReady.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (startFailures.isEmpty()) {
            return;
        }
        state = SHUTDOWN;
        terminate(); // the servers exit their loops and close the pollers they made
        for (Server s : allServers) {
            try {
                s.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        IllegalStateException failure = null;
        for (IllegalStateException e : startFailures) {
            if (failure == null) {
                failure = e;
            } else {
                failure.addSuppressed(e);
            }
        }
        throw failure;
    }

    /**
     * A server's thread is ready to run workers ({@code failure} null), or could not pin itself or make its poller.
     * A core server's failure fails {@link Builder#build()}; a spare's is logged, and the spare runs without a
     * poller (file I/O that needs one falls back to blocking calls).
     */
    void serverReady(Server s, Throwable failure) {
        if (failure != null) {
            String what = "server " + s.getName() + " of concurrency group " + name + " could not start: " + failure;
            if (s.isSpare()) {
                LOG.log(System.Logger.Level.WARNING, what + "; the spare runs without a ServerPoller", failure);
            } else {
                startFailures.add(new IllegalStateException(what, failure));
            }
        }
        if (!s.isSpare()) {
            serversReady.countDown();
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    // ---- where am I

    /** The server the calling worker runs on (or the calling server itself), or null. */
    public static Server currentServer() {
        if (JdkAccess.unavailabilityCause() != null) {
            return null;
        }
        return JdkAccess.currentCarrierThread() instanceof Server s ? s : null;
    }

    /**
     * The group of the calling worker, or of the calling server thread itself; null for any other thread. A worker
     * is found on one of its group's servers, or running inline on the platform thread that started it
     * ({@link #startInline}, a threadlet before it first blocks), where {@link #currentServer()} is null. A
     * virtual thread that a worker started with the JDK's own builder is found while it runs on a server.
     */
    public static ConcurrencyGroup current() {
        Thread t = Thread.currentThread();
        if (t.isVirtual() && t.getUncaughtExceptionHandler() instanceof WorkerTask w) {
            return w.group; // its own group, also while it runs inline on another group's server thread
        }
        Server s = currentServer();
        return s != null ? s.group : null;
    }

    // ---- workers

    /**
     * A builder of workers: the JDK's own virtual-thread builder, created with this group as its scheduler. Each
     * call returns a new builder. Virtual threads that a worker starts with {@code Thread.ofVirtual()} are workers
     * of the group too: the JDK gives a child virtual thread its parent's scheduler.
     */
    public Thread.Builder.OfVirtual threadBuilder() {
        return JdkAccess.newVirtualThreadBuilder(scheduler);
    }

    /**
     * Starts {@code task} as a worker of this group and runs it <em>on the calling platform thread</em>, which
     * serves as its carrier, until the worker first blocks, yields or ends; then returns. A worker that ended has
     * used no other thread; one that blocked goes on on the group's servers when it is woken, like any worker.
     * The building block of threadlets (seed 004: run in the caller's context, get a context of one's own only
     * when blocking).
     *
     * <p>While it runs here, the worker's carrier is the caller, not a server: {@link #currentServer()} is null in
     * it, and a call that pins the carrier pins the caller.
     *
     * @return the worker's thread: {@code isAlive()} is false when it ended here
     * @throws IllegalStateException when called from a virtual thread (see {@link #switchTo})
     * @throws java.util.concurrent.RejectedExecutionException when the group is shut down
     */
    public Thread startInline(Runnable task) {
        Objects.requireNonNull(task, "task");
        if (Thread.currentThread().isVirtual()) {
            throw new IllegalStateException("startInline runs the worker on the calling OS thread and needs a"
                    + " platform thread; from a worker of this group use switchTo, from another virtual thread"
                    + " threadBuilder()");
        }
        WorkerTask w = newWorker(task, WorkerTask.START_INLINE);
        w.thread.start(); // execute() counts it and leaves it to us
        inlineStarts.increment(); // after the start, which a closed group refuses
        try {
            w.continuation.run();
        } catch (Throwable t) {
            reportServerError(null, w, t);
        }
        if (!endIfTerminated(w)) {
            inlineMoved.increment();
            listLiving(w, (int) w.thread.threadId()); // for close()'s report, if it is never woken
        }
        return w.thread;
    }

    /**
     * From a worker of this group running on server S: starts {@code task} as a worker and switches to it: S
     * runs it at once, and the caller resumes on S as soon as it blocks, yields or ends (seed 000's synchronous
     * switch). When the caller cannot give up S now (it is pinned, in a native frame) or S already has a switch
     * pending, the new worker starts through the policy like any other, and the caller goes on.
     *
     * @return the worker's thread
     * @throws IllegalStateException when the caller is not a worker of this group running on one of its servers
     * @throws java.util.concurrent.RejectedExecutionException when the group is shut down
     */
    public Thread switchTo(Runnable task) {
        Objects.requireNonNull(task, "task");
        Server s = Thread.currentThread().isVirtual() ? currentServer() : null;
        if (s == null || s.group != this) {
            throw new IllegalStateException("switchTo needs a worker of group " + name + " running on one of its"
                    + " servers; the caller is " + Thread.currentThread());
        }
        WorkerTask w = newWorker(task, WorkerTask.START_SWITCH);
        w.thread.start(); // execute() puts it in s's switchTo (or queues it)
        if (s.own.switchTo == w) {
            Thread.yield(); // resumes on s, from its switch-back stack, once w blocked or ended
            if (s.own.switchTo == w) {
                // the yield did not unmount us (pinned): w goes through the policy instead
                s.own.switchTo = null;
                scheduler.enqueue(w, Wakeup.START, s);
            } else {
                switches.increment();
            }
        }
        return w.thread;
    }

    /**
     * Starts {@code task} as a worker of this group through the policy, like {@code threadBuilder().start(task)}
     * without a builder.
     */
    public Thread start(Runnable task) {
        Objects.requireNonNull(task, "task");
        Thread t = JdkAccess.newVirtualThread(scheduler, task);
        t.start();
        return t;
    }

    private WorkerTask newWorker(Runnable task, int startMode) {
        Thread t = JdkAccess.newVirtualThread(scheduler, task);
        WorkerTask w = new WorkerTask(this, t, JdkAccess.continuationTask(t), null);
        w.startMode = startMode;
        JdkAccess.setUncaughtExceptionHandlerFieldBeforeStart(t, w);
        return w;
    }

    /** A new thread-per-task {@link ExecutorService} whose threads are workers of this group. */
    public ExecutorService executor() {
        return Executors.newThreadPerTaskExecutor(threadBuilder().name(name + "-worker-", 0).factory());
    }

    /**
     * Runs {@code call}, which may block the OS thread under the calling worker (a native call, file I/O), and
     * lends the group a spare server meanwhile so the other workers keep their CPU. Outside a worker it just runs
     * the call.
     */
    public static <T, X extends Throwable> T blocking(BlockingCall<T, X> call) throws X {
        Server s = Thread.currentThread().isVirtual() ? currentServer() : null;
        if (s == null) {
            return call.call();
        }
        return s.group.compensate(s, call);
    }

    private <T, X extends Throwable> T compensate(Server blockedServer, BlockingCall<T, X> call) throws X {
        CompensationEvent event = new CompensationEvent();
        event.begin();
        blockedServer.blockedCount.incrementAndGet();
        Server spare = lendSpare();
        try {
            return call.call();
        } finally {
            blockedServer.blockedCount.decrementAndGet();
            if (spare != null) {
                spare.retireRequested = true;
                spare.nudgeIfIdle();
            }
            if (event.shouldCommit()) {
                event.group = name;
                event.blockedServer = blockedServer.index();
                event.spareServer = spare != null ? spare.index() : -1;
                event.commit();
            }
        }
    }

    private Server lendSpare() {
        if (state == TERMINATED) {
            return null;
        }
        Server spare;
        boolean fresh = false;
        synchronized (sparePool) {
            spare = sparePool.poll();
            if (spare == null) {
                if (sparesCreated >= maxSpareServers) {
                    return null;
                }
                spare = new Server(this, serverCount + sparesCreated++, -1, true, localQueueCapacity);
                allServers.add(spare);
                fresh = true;
            }
            spare.retireRequested = false;
        }
        compensations.incrementAndGet();
        scheduler.addServer(spare);
        if (fresh) {
            spare.start();
        } else {
            spare.retired = false;
            LockSupport.unpark(spare);
        }
        return spare;
    }

    /** Runs on a retiring spare: waits in the pool until lent again (true) or the group terminates (false). */
    boolean parkSpare(Server spare) {
        synchronized (sparePool) {
            spare.retired = true;
            sparePool.push(spare);
        }
        while (spare.retired) {
            if (state == TERMINATED) {
                return false;
            }
            LockSupport.park(this);
        }
        return true;
    }

    /**
     * A worker's state was just created: at its start (counted), or, with {@code start} false, for a running worker
     * whose handler field the user replaced: already counted; the stand-in counts the end on the original task
     * ({@code endOwner}), found in the list now or, if it was not listed yet, when the stand-in ends.
     */
    void workerStarting(WorkerTask w, boolean start) {
        if (!start) {
            // a stand-in for a running worker whose handler field the user replaced: the end is counted on the
            // original task, which is listed unless it is still in its first run (see endIfTerminated)
            w.stripe = LiveWorkers.NEVER_LISTED;
            w.endOwner = live.find(w.thread);
            return;
        }
        live.started();
        if (state != OPEN) {
            live.ended();
            w.stripe = LiveWorkers.NEVER_LISTED;
            terminateIfNoneLive(); // this start's +1 may have hidden the last end from its ender
            throw new RejectedExecutionException("concurrency group " + name + " is shut down: no new workers");
        }
    }

    /**
     * Lists {@code w} in stripe {@code hint}, then counts its end if its thread ended meanwhile: a stand-in that
     * ended before the listing could not find it (see {@link #endIfTerminated}). Called when a run of {@code w}
     * returned and the worker lives on (parked or queued again) while still unlisted, by the server that ran it or
     * the platform thread it ran inline on. A worker that ends in its first run is never listed (most short ones:
     * two locked steps saved); one running its first run is reported through its server ({@link #liveWorkers}).
     */
    void listLiving(WorkerTask w, int hint) {
        live.list(w, hint);
        if (JdkAccess.isTerminated(w.thread)) {
            endIfTerminated(w);
        }
    }

    /**
     * Unlists the workers whose threads have terminated, and counts the end of those whose end no server counted: a
     * worker whose original task was replaced by a stand-in (its handler field was set by the user) ends on the
     * stand-in, which does not count it.
     */
    private void pruneTerminated() {
        for (WorkerTask w : live.unlistIf(t -> JdkAccess.isTerminated(t.thread))) {
            if (w.claimEnd()) {
                live.ended();
            }
        }
        terminateIfNoneLive();
    }

    /**
     * After a run of {@code w} (on a server, or inline): counts its end, once, if its thread has terminated.
     *
     * @return whether the thread has terminated
     */
    boolean endIfTerminated(WorkerTask w) {
        if (!JdkAccess.isTerminated(w.thread)) {
            return false;
        }
        WorkerTask owner = w.endOwner;
        if (owner == null) {
            // a stand-in made while its original was unlisted (in its first run): listed by now, or the lister
            // counts the end itself (listLiving)
            owner = w.endOwner = live.find(w.thread);
        }
        if (owner != null && owner.claimEnd()) {
            workerDone(owner);
        }
        return true;
    }

    private void workerDone(WorkerTask w) {
        live.unlist(w);
        live.ended();
        terminateIfNoneLive();
    }

    // ---- lifecycle

    /** Stops accepting new workers; running ones go on. */
    public void shutdown() {
        synchronized (this) {
            if (state == OPEN) {
                state = SHUTDOWN;
            }
        }
        terminateIfNoneLive();
    }

    /** After shutdown: terminates once no started worker is left. */
    private void terminateIfNoneLive() {
        if (state != OPEN && live.count() == 0) {
            terminate();
        }
    }

    private void terminate() {
        synchronized (this) {
            if (state == TERMINATED) {
                return;
            }
            state = TERMINATED;
        }
        terminated.countDown();
        for (Server s : allServers) {
            if (s.isSpare()) {
                s.retireRequested = true;
            }
            s.nudgeIfIdle();
        }
    }

    /** Waits for every started worker to end after {@link #shutdown()}. */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (;;) {
            long left = deadline - System.nanoTime();
            if (terminated.await(Math.min(left, 100_000_000L), TimeUnit.NANOSECONDS)) {
                return true;
            }
            pruneTerminated();
            if (left <= 0) {
                return isTerminated();
            }
        }
    }

    public boolean isShutdown() {
        return state != OPEN;
    }

    public boolean isTerminated() {
        return state == TERMINATED;
    }

    /**
     * Workers started and not yet ended: those that ran and live on, and those running their first run now. Workers
     * started and not yet run are counted ({@link GroupStats#liveWorkers()}) but not listed.
     */
    public List<Thread> liveWorkers() {
        pruneTerminated();
        List<Thread> out = live.threads();
        for (Server s : scheduler.serverArray()) {
            WorkerTask r = s.running();
            if (r != null && !out.contains(r.thread) && !JdkAccess.isTerminated(r.thread)) {
                out.add(r.thread);
            }
        }
        return out;
    }

    /**
     * Shuts down and waits up to the close timeout for the workers to end. Workers still alive then are logged
     * (a warning): how many, counting those started and queued that have not run yet, and those that ran with
     * their stacks (they stay listed in {@link #liveWorkers()}); the servers keep running them all.
     *
     * @throws IllegalStateException when called from a worker of this group (it would wait for itself)
     */
    @Override
    public void close() {
        if (current() == this && Thread.currentThread().isVirtual()) {
            throw new IllegalStateException("close() called from a worker of group " + name
                    + ": it would wait for itself; call shutdown() instead");
        }
        shutdown();
        boolean interrupted = false;
        boolean done;
        try {
            done = awaitTermination(closeTimeout);
        } catch (InterruptedException e) {
            interrupted = true;
            done = isTerminated();
        }
        if (!done) {
            List<Thread> alive = liveWorkers();
            // the count includes workers that are not listed: started and queued, not run yet, or in their first
            // run inline on a platform thread (a threadlet); read at another moment than the list, so approximate
            long total = Math.max(live.count(), alive.size());
            StringBuilder sb = new StringBuilder();
            sb.append("concurrency group ").append(name).append(": ").append(total)
                    .append(" worker(s) still alive ").append(closeTimeout.toMillis())
                    .append(" ms after close(); the servers keep running them");
            if (total > alive.size()) {
                sb.append("; ").append(total - alive.size())
                        .append(" of them not listed below (queued and not run yet, or running inline on a platform"
                                + " thread)");
            }
            for (Thread t : alive) {
                sb.append(System.lineSeparator()).append("  ").append(t).append(" ").append(t.getState());
                for (StackTraceElement e : t.getStackTrace()) {
                    sb.append(System.lineSeparator()).append("      at ").append(e);
                }
            }
            closeReport = sb.toString();
            LOG.log(System.Logger.Level.WARNING, closeReport);
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@code s} is null for the platform thread of {@link #startInline}. */
    void reportServerError(Server s, WorkerTask w, Throwable t) {
        LOG.log(System.Logger.Level.ERROR, (s != null ? "server " + s.getName() : Thread.currentThread().getName())
                + " failed while running " + w, t);
    }

    // ---- facts

    public String name() {
        return name;
    }

    public String policyName() {
        return scheduler.policy.name();
    }

    /** Number of regular servers (spares not included). */
    public int serverCount() {
        return serverCount;
    }

    Thread.UncaughtExceptionHandler uncaughtExceptionHandler() {
        return uncaughtExceptionHandler;
    }

    public GroupStats stats() {
        List<ServerStats> stats = new ArrayList<>();
        for (Server s : allServers) {
            stats.add(s.stats());
        }
        return new GroupStats(name, scheduler.policy.name(), stats, compensations.get(), live.count(),
                inlineStarts.sum(), inlineMoved.sum(), switches.sum());
    }

    @Override
    public String toString() {
        return "ConcurrencyGroup[" + name + ", " + serverCount + " servers, " + policyName() + "]";
    }

    private static void printUncaught(Thread t, Throwable e) {
        System.err.print("Exception in thread \"" + t.getName() + "\" ");
        e.printStackTrace(System.err);
    }

    private static int[] allowedCpus(int servers) {
        BitSet allowed = CpuAffinity.currentThreadAffinity();
        int[] cpus = allowed.stream().toArray();
        if (cpus.length == 0) {
            throw new IllegalStateException("sched_getaffinity returned no CPU");
        }
        int[] out = new int[servers];
        for (int i = 0; i < servers; i++) {
            out[i] = cpus[i % cpus.length];
        }
        return out;
    }

    /** Built-in policy by name: {@code handoff} (default), {@code fifo}, {@code affinity}. */
    public static SchedulingPolicy policy(String name) {
        return switch (Objects.requireNonNull(name, "policy name")) {
            case "handoff" -> new HandoffPolicy();
            case "fifo" -> new FifoPolicy();
            case "affinity" -> new AffinityPolicy();
            default -> throw new IllegalArgumentException("unknown policy '" + name
                    + "': expected one of handoff, fifo, affinity, or pass a SchedulingPolicy");
        };
    }

    /** Settings of a new group. */
    public static final class Builder {
        /** Idle spin before parking; see README "Idle spin budget" for the measurement behind it. */
        public static final Duration DEFAULT_IDLE_SPIN = Duration.ofNanos(50_000);

        private int servers = Runtime.getRuntime().availableProcessors();
        private boolean pinned;
        private SchedulingPolicy policy = new HandoffPolicy();
        private String name;
        private Thread.UncaughtExceptionHandler uncaughtExceptionHandler;
        private java.util.function.Function<Server, ServerPoller> pollerFactory;
        private Duration idleSpin = DEFAULT_IDLE_SPIN;
        private Duration closeTimeout = Duration.ofSeconds(10);
        private int localQueueCapacity = 256;
        private int maxSpareServers = 256;

        private Builder() {
        }

        /** Number of servers; default: available processors. */
        public Builder servers(int servers) {
            if (servers < 1 || servers > 4096) {
                throw new IllegalArgumentException("servers must be in 1..4096, got " + servers);
            }
            this.servers = servers;
            return this;
        }

        /** Pin server i to the i-th CPU this process may use (sched_setaffinity). Default: not pinned. */
        public Builder pinned(boolean pinned) {
            this.pinned = pinned;
            return this;
        }

        public Builder policy(SchedulingPolicy policy) {
            this.policy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** A built-in policy by name: handoff (default), fifo, affinity. */
        public Builder policy(String name) {
            this.policy = ConcurrencyGroup.policy(name);
            return this;
        }

        public Builder name(String name) {
            if (Objects.requireNonNull(name, "name").isBlank()) {
                throw new IllegalArgumentException("name must not be blank");
            }
            this.name = name;
            return this;
        }

        /** Handler for exceptions a worker does not catch; default: printed to System.err like the JDK does. */
        public Builder uncaughtExceptionHandler(Thread.UncaughtExceptionHandler handler) {
            this.uncaughtExceptionHandler = Objects.requireNonNull(handler, "handler");
            return this;
        }

        /**
         * Gives each server (spares included) an event source it waits on instead of parking, made on the server's
         * own thread when it starts: see {@link ServerPoller}. Default none. If the factory throws for a server,
         * {@link #build()} stops the group and throws; a spare server lent later runs without a poller.
         */
        public Builder serverPoller(java.util.function.Function<Server, ServerPoller> factory) {
            this.pollerFactory = Objects.requireNonNull(factory, "factory");
            return this;
        }

        /** How long an idle server spins before it parks its OS thread. */
        public Builder idleSpin(Duration spin) {
            if (spin.isNegative()) {
                throw new IllegalArgumentException("idle spin must not be negative, got " + spin);
            }
            this.idleSpin = spin;
            return this;
        }

        /** How long close() waits for workers before it reports them. Default 10 s. */
        public Builder closeTimeout(Duration timeout) {
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("close timeout must not be negative, got " + timeout);
            }
            this.closeTimeout = timeout;
            return this;
        }

        /** Capacity of each server's local run queue, a power of two. Default 256. */
        public Builder localQueueCapacity(int capacity) {
            if (capacity < 2 || Integer.bitCount(capacity) != 1) {
                throw new IllegalArgumentException("local queue capacity must be a power of two >= 2, got "
                        + capacity);
            }
            this.localQueueCapacity = capacity;
            return this;
        }

        /** Most spare servers lent at once for blocking calls. Default 256. */
        public Builder maxSpareServers(int max) {
            if (max < 0) {
                throw new IllegalArgumentException("max spare servers must be >= 0, got " + max);
            }
            this.maxSpareServers = max;
            return this;
        }

        /**
         * Starts the servers, and returns once each has pinned itself (with {@link #pinned}) and made its
         * {@link ServerPoller} (with {@link #serverPoller}) on its own thread.
         *
         * @throws IllegalStateException when the JVM lacks {@code --add-opens java.base/java.lang=ALL-UNNAMED}, or
         *                               when a server could not pin itself or make its poller (the message names the
         *                               server, the cause is what failed; the servers started are stopped again)
         */
        public ConcurrencyGroup build() {
            JdkAccess.ensureAvailable();
            return new ConcurrencyGroup(this);
        }
    }
}
