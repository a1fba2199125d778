package dev.weft.uring;

import dev.weft.sched.ConcurrencyGroup;
import dev.weft.sched.Server;
import dev.weft.sched.ServerPoller;
import dev.weft.uring.kernel.IoUringConstants;
import dev.weft.uring.kernel.LinuxErrno;

import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One io_uring per server of a concurrency group, entered only by that server's thread: give a group
 * {@code ConcurrencyGroup.builder().serverPoller(UringServerPoller::new)} (or use {@link #groupBuilder()}, which
 * also works where io_uring does not: it then builds a plain group, on which {@link UringFile} falls back).
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
    private static final System.Logger LOG = System.getLogger(UringServerPoller.class.getName());
    /** How long {@link #close} waits for operations in flight to complete or be cancelled: 2 s. */
    static final long CLOSE_DRAIN_NANOS = 2_000_000_000L;
    /** How long {@link #await} pauses while operations wait for room in the SQ, between submits: 50 µs. */
    static final long ROOM_RETRY_NANOS = 50_000L;
    /** Registered file slots per ring for the files syslets open: at most this many chains run at once. */
    public static final int CHAIN_SLOTS = 64;

    private record ChainStep(UringChain chain, int index) {
    }

    /** What {@link #inFlight} holds for the cancel-all request of {@link #drainInFlight}. */
    private static final Object CANCEL_ALL_REQUEST = new Object();

    private final Server server;
    private final IoUring ring;
    private final ConcurrentLinkedQueue<UringOperation> handOff = new ConcurrentLinkedQueue<>();
    /**
     * Operations taken from {@link #handOff} that found the SQ full after a short submit (the kernel short of memory,
     * EAGAIN): they go first at the next step, once completions have been reaped. Server thread only.
     */
    private final java.util.ArrayDeque<UringOperation> waitingForRoom = new java.util.ArrayDeque<>();
    /** Values: an {@link UringOperation}, or a {@link ChainStep} of a syslet. Server thread only. */
    private final InFlightTable inFlight = new InFlightTable(256);
    /** {@link #finishOperation}, made once: a lambda made in {@link #poll} would be a new object per poll. */
    private final CompletionConsumer onCompletion = this::finishOperation;
    /** Registered file slots free for syslets (a stack), and syslets waiting for one. Server thread only. */
    private final int[] freeSlots = new int[CHAIN_SLOTS];
    private int freeSlotCount;
    private final java.util.ArrayDeque<UringChain> waitingChains = new java.util.ArrayDeque<>();
    /**
     * Slots CHAIN_SLOTS.. of the file table hold {@link UringFile.Option#REGISTERED} files, registered on their first
     * operation here. Server thread only; {@code filesToDrop} is how a closed file asks for its slot back.
     */
    private final Map<RingFile, Integer> fileSlots = new java.util.IdentityHashMap<>();
    private final int[] freeFileSlots;
    private int freeFileSlotCount;
    private final ConcurrentLinkedQueue<RingFile> filesToDrop = new ConcurrentLinkedQueue<>();
    private long nextUserData = 1;
    /**
     * False once the kernel answered EINVAL to {@code IORING_ASYNC_CANCEL_ANY} (it came in 5.19): {@link #close}
     * then cancels each operation by its user_data. Server thread only.
     */
    private boolean cancelAnyKnown = true;
    /** At close: whether the cancels of the operations in flight are queued ({@link #drainInFlight}). */
    private boolean cancelsQueued;
    private volatile long submitted;
    private volatile long completed;
    private volatile long waits;
    private volatile long fixedBufferOps;
    private volatile long fixedFileOps;
    private volatile int registeredFileCount;

    /** Made on {@code server}'s own thread by the group (the ring's owner), with {@link UringOptions#DEFAULTS}. */
    public UringServerPoller(Server server) {
        this(server, UringOptions.DEFAULTS);
    }

    /** Made on {@code server}'s own thread by the group (the ring's owner). */
    public UringServerPoller(Server server, UringOptions options) {
        this.server = server;
        IoUringAvailability.ensureAvailable();
        this.ring = openRing(options);
        for (int i = CHAIN_SLOTS - 1; i >= 0; i--) {
            freeSlots[freeSlotCount++] = i;
        }
        freeFileSlots = new int[options.fileSlots()];
        for (int i = options.fileSlots() - 1; i >= 0; i--) {
            freeFileSlots[freeFileSlotCount++] = CHAIN_SLOTS + i;
        }
    }

    /**
     * A group builder whose servers each own a ring set up with {@link UringOptions#DEFAULTS}; a plain group builder
     * where io_uring is unavailable (see {@link #groupBuilder(UringOptions)}).
     */
    public static ConcurrencyGroup.Builder groupBuilder() {
        return groupBuilder(UringOptions.DEFAULTS);
    }

    /**
     * A group builder whose servers each own a ring set up with {@code options}. The options are tried at once on
     * a ring of a platform thread (the calling thread, or a short-lived one when the caller is virtual, as a ring
     * cannot be owned by a virtual thread), so what the kernel refuses (say, registered buffers beyond
     * RLIMIT_MEMLOCK) fails here, with the cause, before any server starts. A ring that only a server fails to set up
     * (the limit reached after some servers) fails {@code build()}, which names the server.
     *
     * <p>Where io_uring is unavailable ({@link IoUringAvailability}) it returns a plain group builder, with no
     * poller, and says so once on standard error with the cause: on such a group {@link UringFile} falls back to
     * FileChannel with managed blocking, so the same code runs with and without io_uring.
     */
    public static ConcurrencyGroup.Builder groupBuilder(UringOptions options) {
        Objects.requireNonNull(options, "options");
        Optional<String> unavailable = IoUringAvailability.unavailabilityCause();
        if (unavailable.isPresent()) {
            IoUringAvailability.reportFallbackOnce(unavailable.get());
            return ConcurrencyGroup.builder();
        }
        tryOptions(options);
        return ConcurrencyGroup.builder().serverPoller(s -> new UringServerPoller(s, options));
    }

    /** Opens and closes a ring set up as {@code options} say, on a platform thread; throws what the kernel refused. */
    private static void tryOptions(UringOptions options) {
        if (!Thread.currentThread().isVirtual()) {
            openRing(options).close();
            return;
        }
        AtomicReference<RuntimeException> refused = new AtomicReference<>();
        Thread trial = Thread.ofPlatform().name("weft-uring-trial-ring").start(() -> {
            try {
                openRing(options).close();
            } catch (RuntimeException e) {
                refused.set(e);
            }
        });
        boolean interrupted = false;
        while (true) {
            try {
                trial.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true; // the trial is short: wait for it, keep the status
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (refused.get() != null) {
            throw refused.get();
        }
    }

    /** A ring of the calling thread set up as {@code options} say: its file slots and registered buffers. */
    private static IoUring openRing(UringOptions options) {
        IoUring ring = IoUring.open(options.ringEntries());
        try {
            ring.registerFileSlots(CHAIN_SLOTS + options.fileSlots());
            if (!options.registeredBuffers().isEmpty()) {
                ring.registerBuffers(options.registeredBuffers().toArray(MemorySegment[]::new));
            }
            return ring;
        } catch (RuntimeException e) {
            ring.close();
            throw e;
        }
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

    /**
     * Server thread, while preparing an operation on {@code file}: the file's slot in this ring's table, registered
     * now if it has none yet; -1 when every slot is taken (the operation then names the file by descriptor).
     */
    int fileSlot(RingFile file) {
        Integer slot = fileSlots.get(file);
        if (slot != null) {
            fixedFileOps++;
            return slot;
        }
        if (freeFileSlotCount == 0) {
            return -1;
        }
        int s = freeFileSlots[--freeFileSlotCount];
        try {
            ring.updateFiles(s, file.descriptor());
        } catch (RuntimeException e) {
            freeFileSlots[freeFileSlotCount++] = s; // the slot stays free; the operation names the file by descriptor
            return -1;
        }
        fileSlots.put(file, s);
        registeredFileCount = fileSlots.size();
        file.registeredWith(this);
        fixedFileOps++;
        return s;
    }

    /**
     * Server thread, while preparing a read or write: the index of the registered buffer that holds all of
     * {@code buffer}, or -1.
     */
    int registeredBufferIndex(MemorySegment buffer) {
        if (ring.registeredBuffers() == 0) {
            return -1;
        }
        int i = ring.registeredBufferIndex(buffer.address(), buffer.byteSize());
        if (i >= 0) {
            fixedBufferOps++;
        }
        return i;
    }

    /** Any thread: {@code file} is closed; empty its slot at the next step (the slot holds the file open). */
    void dropFile(RingFile file) {
        filesToDrop.add(file);
        ring.wakeup();
    }

    private void dropClosedFiles() {
        RingFile f;
        while ((f = filesToDrop.poll()) != null) {
            Integer slot = fileSlots.remove(f);
            if (slot != null) {
                registeredFileCount = fileSlots.size();
                try {
                    ring.updateFiles(slot, -1);
                    freeFileSlots[freeFileSlotCount++] = slot;
                } catch (RuntimeException e) {
                    // the slot still holds the file: it stays out of use rather than stop the server
                    LOG.log(System.Logger.Level.WARNING, "io_uring slot " + slot + " of " + server.getName()
                            + " could not be emptied; it stays out of use", e);
                }
            }
        }
    }

    /** How many files opened with {@link UringFile.Option#REGISTERED} hold a slot of this ring now. */
    public int registeredFileCount() {
        return registeredFileCount;
    }

    @Override
    public boolean poll() {
        boolean any = false;
        if (!filesToDrop.isEmpty()) {
            dropClosedFiles();
        }
        UringOperation op;
        int prepared = 0;
        while ((op = waitingForRoom.isEmpty() ? handOff.poll() : waitingForRoom.poll()) != null) {
            try {
                if (op instanceof UringChain chain) {
                    waitingChains.add(chain); // in order, behind those waiting for a slot
                    continue;
                }
                if (!roomForOneMore()) {
                    waitingForRoom.addFirst(op); // not a failure of the operation: it goes at the next step
                    break;
                }
                long ud = nextUserData;
                op.prepare(this, ring.sqe(), ud); // preparers reject bad arguments before taking a slot
                nextUserData++;
                inFlight.put(ud, op);
                prepared++;
            } catch (RuntimeException e) {
                // a bad operation fails its worker, never the server
                op.abandon("the operation could not be prepared: " + e);
            }
        }
        prepared += startWaitingChains();
        if (prepared > 0) {
            ring.submit();
            submitted += prepared;
            any = true;
        }
        // with DEFER_TASKRUN the kernel posts CQEs only when the owner enters the ring: forEachCompletion does
        // that when the ring says completion work waits (IORING_SQ_TASKRUN), so look whenever operations are out.
        // Look also when the CQ holds anything: the ring's own wake-up CQE, left there, would count as ready in
        // every later await, which would then return at once (an idle server spinning instead of sleeping)
        if (!inFlight.isEmpty() || ring.completionsReady() > 0) {
            int n = ring.forEachCompletion(onCompletion);
            completed += n;
            any |= n > 0;
            int started = startWaitingChains(); // slots the completed chains freed
            if (started > 0) {
                ring.submit();
                submitted += started;
                any = true;
            }
        }
        return any;
    }

    /**
     * Whether the SQ has room for one more SQE, submitting what is queued first when it is nearly full; false when
     * that submit was short (EAGAIN, or EBUSY with a full CQ on kernels before 5.19) and left it nearly full.
     */
    private boolean roomForOneMore() {
        if (ring.pendingSubmissions() < ring.sqEntries() - 2) {
            return true;
        }
        ring.submit();
        return ring.pendingSubmissions() < ring.sqEntries() - 2;
    }

    /** Starts waiting syslets, in order, while slots are free; returns the SQEs prepared. */
    private int startWaitingChains() {
        int prepared = 0;
        UringChain c;
        while (freeSlotCount > 0 && (c = waitingChains.poll()) != null) {
            int n = startChain(c);
            if (n < 0) {
                break; // the SQ has no room now: it waits at the head for the next look
            }
            prepared += n;
        }
        return prepared;
    }

    /** Server thread, for each CQE of an operation: its outcome. */
    private void finishOperation(long ud, int res, int flags) {
        Object done = inFlight.remove(ud);
        if (done instanceof UringOperation o) {
            o.finish(res);
        } else if (done == CANCEL_ALL_REQUEST && res == -LinuxErrno.EINVAL) {
            cancelAnyKnown = false; // a kernel before 5.19
            cancelsQueued = cancelEachInFlight();
        } else if (done instanceof ChainStep step && step.chain().stepDone(step.index(), res)) {
            UringChain chain = step.chain();
            if (chain.leftFileInSlot()) {
                emptyChainSlot(chain.slot());
            }
            freeSlots[freeSlotCount++] = chain.slot(); // poll starts a waiting chain in it
            chain.finish(0);
        }
    }

    /**
     * Server thread: closes the file a finished syslet left in {@code slot} (it had no close step, or a failed step
     * got it cancelled), so that the file is not held open until another chain's open replaces it.
     */
    private void emptyChainSlot(int slot) {
        try {
            ring.updateFiles(slot, -1);
        } catch (RuntimeException e) {
            // the next chain's open into the slot replaces the file, which closes it then
            LOG.log(System.Logger.Level.WARNING, "io_uring slot " + slot + " of " + server.getName()
                    + " could not be emptied after a syslet; the file stays open until the slot is reused", e);
        }
    }

    /**
     * Prepares a syslet's linked SQEs into a free slot (the caller saw one free); returns the SQEs prepared (0 for a
     * syslet refused or cut at its first step, which is done then), or -1 when the SQ has no room for them even after
     * a submit: the syslet is back at the head of the waiting ones.
     */
    private int startChain(UringChain chain) {
        if ((ring.features() & IoUringConstants.IORING_FEAT_LINKED_FILE) == 0) {
            chain.abandon("syslets need IORING_FEAT_LINKED_FILE (Linux 5.17): before it, a step cannot use the file"
                    + " its chain's openat puts in a slot, as the kernel looks the slot up at submission");
            return 0;
        }
        if (chain.size() > ring.sqEntries() - 2) {
            chain.abandon("a syslet of " + chain.size() + " steps does not fit a ring of " + ring.sqEntries()
                    + " entries");
            return 0;
        }
        if (ring.pendingSubmissions() + chain.size() > ring.sqEntries() - 2) {
            ring.submit();
            if (ring.pendingSubmissions() + chain.size() > ring.sqEntries() - 2) {
                waitingChains.addFirst(chain); // a short submit (EAGAIN): not a failure of the syslet
                return -1;
            }
        }
        int slot = freeSlots[--freeSlotCount];
        long base = nextUserData;
        nextUserData += chain.size();
        int prepared = chain.prepareAll(ring, base, slot);
        for (int i = 0; i < prepared; i++) {
            inFlight.put(base + i, new ChainStep(chain, i));
        }
        if (prepared == 0) { // the open itself was refused: nothing went out, the chain is done
            freeSlots[freeSlotCount++] = slot;
            chain.finish(0);
        }
        return prepared;
    }

    /**
     * Waits in {@code io_uring_enter} for a completion, or a wake-up. Not while operations wait for room in the SQ
     * after a short submit: then it submits what is queued and returns after a short pause, so that they go out as
     * soon as the kernel takes SQEs again instead of waiting for a completion that may be slow to come.
     */
    @Override
    public void await() {
        waits++;
        if (!waitingForRoom.isEmpty()) {
            ring.submit();
            java.util.concurrent.locks.LockSupport.parkNanos(ROOM_RETRY_NANOS);
            return;
        }
        ring.submitAndWait(1);
    }

    @Override
    public void wakeup() {
        ring.wakeup();
    }

    @Override
    public void close() {
        UringOperation op;
        while ((op = waitingForRoom.poll()) != null || (op = handOff.poll()) != null) {
            op.abandon("the server of " + server.group().name() + " stopped before submitting it");
        }
        for (UringChain c : waitingChains) {
            c.abandon("the server of " + server.group().name() + " stopped before the syslet ran");
        }
        waitingChains.clear();
        drainInFlight();
        while ((op = handOff.poll()) != null) { // handed over by completions the drain ran
            op.abandon("the server of " + server.group().name() + " stopped before submitting it");
        }
        java.util.Set<Object> failed = new java.util.HashSet<>();
        for (Object f : inFlight.values()) {
            if (f == CANCEL_ALL_REQUEST) {
                continue;
            }
            UringOperation o = f instanceof ChainStep c ? c.chain() : (UringOperation) f;
            if (failed.add(o)) {
                o.abandon("the server of " + server.group().name() + " stopped with the operation in flight");
            }
        }
        inFlight.clear();
        ring.close();
    }

    /**
     * At close, with operations still in flight (say, asynchronous reads whose workers ended without waiting):
     * cancels them all and reaps until the kernel is done with each, so that no operation is failed while the kernel
     * may still write its buffer (a worker's bounce buffer is freed once its operation fails). Each completes with
     * its own outcome, {@code -ECANCELED} for those the cancel stopped. One {@code IORING_ASYNC_CANCEL_ANY} request
     * cancels them all; a kernel before 5.19 answers it with EINVAL, and then each is cancelled by its user_data
     * ({@link #cancelEachInFlight}). Gives up after {@link #CLOSE_DRAIN_NANOS}: what is left then is failed without
     * waiting, as before.
     */
    private void drainInFlight() {
        if (inFlight.isEmpty()) {
            return;
        }
        try {
            cancelsQueued = queueCancels();
            ring.submit();
            long deadline = System.nanoTime() + CLOSE_DRAIN_NANOS;
            while (!inFlight.isEmpty() && System.nanoTime() - deadline < 0) {
                if (!cancelsQueued) {
                    cancelsQueued = queueCancels(); // the SQ had no room for them before
                }
                if (ring.pendingSubmissions() > 0) {
                    ring.submit(); // what a short submit left, the cancel among it
                }
                if (ring.forEachCompletion(onCompletion) == 0) {
                    java.util.concurrent.locks.LockSupport.parkNanos(50_000);
                }
            }
        } catch (RuntimeException e) {
            // the ring failed (closed, out of memory): the operations left are failed below
        }
    }

    /**
     * Server thread, at close: queues one cancel-all request, or (before 5.19) a cancel of each operation in flight;
     * false when the SQ had no room for all of it, and the drain tries again.
     */
    private boolean queueCancels() {
        if (!cancelAnyKnown) {
            return cancelEachInFlight();
        }
        if (!roomForOneMore()) {
            return false;
        }
        long ud = nextUserData++;
        ring.sqe().cancelAll(ud);
        inFlight.put(ud, CANCEL_ALL_REQUEST);
        return true;
    }

    /**
     * Server thread, at close: an {@code IORING_OP_ASYNC_CANCEL} of each operation in flight, by user_data, while
     * the SQ has room; false when it ran out of room (a later call cancels them all again: a cancel of one already
     * ended or cancelled completes with ENOENT or EALREADY, and is skipped like every cancel's own CQE).
     */
    private boolean cancelEachInFlight() {
        for (long target : inFlight.keys()) { // the cancel-all request is not among them: its CQE has come
            if (!roomForOneMore()) {
                return false;
            }
            ring.sqe().cancel(nextUserData++, target); // not in inFlight: its own CQE is skipped
        }
        return true;
    }

    /**
     * For tests: behave as on a kernel before 5.19, which does not know {@code IORING_ASYNC_CANCEL_ANY}, so that
     * {@link #close} cancels each operation by user_data. Server thread only.
     */
    void forgetCancelAny() {
        cancelAnyKnown = false;
    }

    /** The server's ring, for tests in this package that force a condition on it; server thread only. */
    IoUring ring() {
        return ring;
    }

    /**
     * SQEs submitted, CQEs reaped, waits in io_uring_enter, operations on registered buffers and operations on
     * registered files, so far (racy snapshot).
     */
    public long[] counters() {
        return new long[]{submitted, completed, waits, fixedBufferOps, fixedFileOps};
    }

    /** The ring's setup, e.g. for logs. */
    public String describeRing() {
        return ring.describeSetup();
    }
}
