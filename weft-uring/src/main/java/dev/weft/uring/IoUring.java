package dev.weft.uring;

import dev.weft.uring.kernel.CompletionQueue;
import dev.weft.uring.kernel.IoUringConstants;
import dev.weft.uring.kernel.IoUringLayout;
import dev.weft.uring.kernel.LinuxCalls;
import dev.weft.uring.kernel.LinuxErrno;
import dev.weft.uring.kernel.RingMappings;
import dev.weft.uring.kernel.SubmissionQueue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import static dev.weft.uring.kernel.IoUringConstants.IORING_ENTER_GETEVENTS;
import static dev.weft.uring.kernel.IoUringConstants.IORING_SETUP_COOP_TASKRUN;
import static dev.weft.uring.kernel.IoUringConstants.IORING_SETUP_DEFER_TASKRUN;
import static dev.weft.uring.kernel.IoUringConstants.IORING_SETUP_SINGLE_ISSUER;
import static dev.weft.uring.kernel.IoUringConstants.IORING_SETUP_SUBMIT_ALL;
import static dev.weft.uring.kernel.IoUringConstants.IORING_SETUP_TASKRUN_FLAG;
import static dev.weft.uring.kernel.IoUringConstants.IORING_SQ_CQ_OVERFLOW;
import static dev.weft.uring.kernel.IoUringConstants.IORING_SQ_TASKRUN;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * One io_uring instance: a submission queue, a completion queue and the ring file descriptor, driven with the raw
 * {@code io_uring_setup}, {@code io_uring_enter} and {@code io_uring_register} system calls.
 *
 * <h2>Ownership</h2>
 * A ring is <em>owned</em> by the platform thread that {@linkplain #open opens} it, and only that thread may prepare
 * SQEs ({@link #sqe()}), {@link #submit}, {@link #submitAndWait}, reap ({@link #forEachCompletion}), register
 * resources, {@link #probe} and {@link #close}; each of these checks the calling thread first and throws
 * {@link IllegalStateException} naming the owner. The one exception is {@link #wakeup()}, which any thread may call.
 * The rule is the kernel's as much as weft's: with {@code IORING_SETUP_SINGLE_ISSUER} the kernel refuses submissions
 * from any other task ({@code EEXIST}), and with {@code IORING_SETUP_DEFER_TASKRUN} completion work runs only when
 * the owner enters the ring. A virtual thread cannot own a ring, because it moves between carrier threads (kernel
 * tasks) and its completion work would be queued to a carrier that may never enter the ring again; virtual threads
 * hand their submissions to the ring's owner (a server thread) and park.
 *
 * <h2>Setup</h2>
 * {@link #open(int)} tries {@link #SETUP_ATTEMPTS} best first and keeps the first one the kernel accepts; a kernel
 * that does not know a flag answers {@code EINVAL} and the next attempt follows. Any other error ({@code EPERM},
 * {@code ENOSYS}, {@code ENOMEM}, ...) ends the attempts with an {@link IoUringException} whose message says why
 * io_uring is unavailable and how to fix it ({@link IoUringAvailability}). {@link #describeSetup()} reports what the
 * kernel accepted. The regions are then mapped as liburing's {@code setup.c} maps them ({@link RingMappings}).
 *
 * <h2>Submission and completion</h2>
 * Preparers fill SQEs in the mapped array; {@link #submit} publishes the SQ tail with a release store and calls
 * {@code io_uring_enter} to hand them to the kernel ({@link SubmissionQueue} documents the ordering).
 * {@link #forEachCompletion} reads the CQ tail with an acquire load, passes each CQE's {@code user_data},
 * {@code res} and {@code flags} to the consumer and publishes the new head with a release store
 * ({@link CompletionQueue}). When the CQ is empty but the kernel has set {@code IORING_SQ_CQ_OVERFLOW} (CQEs wait on
 * the overflow list because the CQ was full) or {@code IORING_SQ_TASKRUN} (completion work waits for the owner, as
 * under DEFER_TASKRUN), it enters the ring with {@code IORING_ENTER_GETEVENTS} to flush them and goes on; with
 * {@code IORING_FEAT_NODROP} (5.5) no completion is lost, however long the owner waits before reaping.
 *
 * <h2>Wake-up: eventfd rather than MSG_RING</h2>
 * A ring whose owner waits in {@code io_uring_enter} wakes when a CQE arrives. {@link #wakeup()} makes one arrive:
 * the ring always has a read of 8 bytes from its own eventfd in flight ({@link #WAKEUP_USER_DATA}), and
 * {@code wakeup()} writes to that eventfd with {@code write(2)}. {@code IORING_OP_MSG_RING} would post the CQE
 * without the eventfd, but it is itself an SQE: the waking thread would need a ring of its own, and under
 * SINGLE_ISSUER only that ring's owner may submit to it. Threads that wake a server are arbitrary (virtual threads
 * unparking a worker, timers, other servers), so the eventfd, which needs nothing from the caller, is the one that
 * fits. The cost is one {@code write(2)} per wake-up, and at most one per wait: {@link #wakeupRequested} coalesces
 * wake-ups until the owner has seen one. The read is re-armed at the next submit after its CQE is reaped, and never
 * in the middle of a linked chain the owner is building. One SQE slot is kept free for it, so a ring of
 * {@code n} entries holds {@code n - 1} of the owner's SQEs at a time.
 *
 * <h2>Shared state</h2>
 * Everything is the owner's except {@link #wakeupRequested} (set by any thread in {@code wakeup()}, cleared by the
 * owner when a wait ends for it) and the eventfd, whose closing is ordered against {@code wakeup()}'s
 * {@code write(2)} by {@link #eventFdLifetime}, so that a late {@code wakeup()} never writes to a reused descriptor.
 *
 * <h2>Closing</h2>
 * {@link #close()} unmaps the rings and closes the ring fd; the kernel then cancels what is still in flight in the
 * background. It does not wait: a read that a kernel worker has already started may still write its buffer, so keep
 * the buffers of operations in flight alive until their completions have been reaped, or until the ring is gone.
 */
public final class IoUring implements AutoCloseable {

    /** The {@code user_data} of the ring's own eventfd read; preparers refuse it. */
    public static final long WAKEUP_USER_DATA = Long.MIN_VALUE;

    /** {@code IORING_MAX_ENTRIES} (io_uring/io_uring.h): the most SQEs a ring may have. */
    public static final int MAX_ENTRIES = 32768;

    /** One set of setup flags to try; {@code name} says what the set is for. */
    public record SetupAttempt(String name, int flags) {
        public SetupAttempt {
            Objects.requireNonNull(name, "name");
        }

        @Override
        public String toString() {
            return name + " (" + IoUringConstants.setupFlagNames(flags) + ")";
        }
    }

    /**
     * The setups {@link #open(int)} tries, best first:
     * <ol>
     *   <li>SINGLE_ISSUER | DEFER_TASKRUN (6.1): completion work runs only when the owner asks for events, in
     *       batches, with no interrupts of the owner; TASKRUN_FLAG makes the kernel say when such work waits, so an
     *       empty CQ costs no system call to check;</li>
     *   <li>SINGLE_ISSUER | COOP_TASKRUN | TASKRUN_FLAG (6.0): completion work waits for the owner's next kernel
     *       entry instead of interrupting it, and the kernel skips the locking a ring shared by several submitters
     *       needs;</li>
     *   <li>COOP_TASKRUN | TASKRUN_FLAG (5.19): the same without SINGLE_ISSUER;</li>
     *   <li>no flags: the kernel runs completion work by interrupting the owner (any 5.x kernel).</li>
     * </ol>
     * The first three add SUBMIT_ALL (5.18, so present wherever they are), so that one bad SQE does not hold back the
     * rest of a batch: each SQE gets its own CQE.
     */
    public static final List<SetupAttempt> SETUP_ATTEMPTS = List.of(
            new SetupAttempt("single issuer, deferred task run",
                    IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_TASKRUN_FLAG
                            | IORING_SETUP_SUBMIT_ALL),
            new SetupAttempt("single issuer, cooperative task run",
                    IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG
                            | IORING_SETUP_SUBMIT_ALL),
            new SetupAttempt("cooperative task run",
                    IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG | IORING_SETUP_SUBMIT_ALL),
            new SetupAttempt("plain", 0));

    /**
     * {@link #SETUP_ATTEMPTS} with {@code extraFlags} added to each, for rings that need a flag whatever else the
     * kernel accepts: {@code attemptsWith(IORING_SETUP_SQE128)} for URING_CMD commands larger than 16 bytes.
     */
    public static List<SetupAttempt> attemptsWith(int extraFlags) {
        return SETUP_ATTEMPTS.stream().map(a -> new SetupAttempt(a.name(), a.flags() | extraFlags)).toList();
    }

    /** 1, the value {@link #wakeup()} adds to the eventfd's counter; read-only, shared by all rings. */
    private static final MemorySegment EVENTFD_ONE = Arena.global().allocateFrom(JAVA_LONG, 1L);

    private final Thread owner;
    private final Arena arena;
    private final int ringFd;
    private final SetupAttempt setup;
    private final int features;
    private final List<String> rejectedSetups;
    private final RingMappings mappings;
    private final SubmissionQueue sq;
    private final CompletionQueue cq;
    private final Sqe sqe;

    private final int eventFd;
    /** Target of the eventfd read. Auto arena: see "Closing"; the kernel may hold it past close(). */
    private final MemorySegment wakeupReadBuffer = Arena.ofAuto().allocate(JAVA_LONG);
    /** True while the eventfd read is in the SQ or in flight. Owner only. */
    private boolean wakeupReadArmed;
    /** True while the eventfd read is in the SQ, not yet consumed by the kernel; its SQ sequence number. Owner only. */
    private boolean wakeupReadInSq;
    private int wakeupReadSeq;
    /** Set by {@link #wakeup()} (any thread), cleared by the owner's wait that it ends. */
    private final AtomicBoolean wakeupRequested = new AtomicBoolean();
    /** Read-held around wakeup()'s write(2), write-held while close() closes the eventfd. */
    private final ReentrantReadWriteLock eventFdLifetime = new ReentrantReadWriteLock();
    /** Guarded by {@link #eventFdLifetime}. */
    private boolean eventFdClosed;

    private boolean closed;
    /** How many of the next {@link #submit} calls consume nothing ({@link #simulateShortSubmits}); owner only. */
    private int shortSubmitsToSimulate;
    /** Registered file table size; owner only. */
    private int registeredFiles;
    /** Registered buffers as [address, end) pairs; owner only. */
    private long[] registeredBuffers = new long[0];

    private IoUring(Thread owner, Arena arena, int ringFd, SetupAttempt setup, int features,
                    List<String> rejectedSetups, RingMappings mappings, MemorySegment params, int eventFd) {
        this.owner = owner;
        this.arena = arena;
        this.ringFd = ringFd;
        this.setup = setup;
        this.features = features;
        this.rejectedSetups = List.copyOf(rejectedSetups);
        this.mappings = mappings;
        this.sq = new SubmissionQueue(mappings, params);
        this.cq = new CompletionQueue(mappings, params);
        this.sqe = new Sqe(this, sq);
        this.eventFd = eventFd;
    }

    /** Opens a ring of {@code entries} SQEs (rounded up to a power of two by the kernel), owned by this thread. */
    public static IoUring open(int entries) {
        return open(entries, SETUP_ATTEMPTS);
    }

    /**
     * Opens a ring with the first of {@code attempts} that the kernel accepts (it answers {@code EINVAL} to flags it
     * does not know or combinations it refuses). The calling thread becomes the owner; it must be a platform thread.
     *
     * @throws IllegalStateException    on a virtual thread
     * @throws IllegalArgumentException if {@code entries} is not in 2..{@value #MAX_ENTRIES} or there are no attempts
     * @throws IoUringException         if io_uring is unavailable or every attempt was refused
     */
    public static IoUring open(int entries, List<SetupAttempt> attempts) {
        Thread caller = Thread.currentThread();
        if (caller.isVirtual()) {
            throw new IllegalStateException("IoUring.open called on virtual thread " + caller + ": a ring must be"
                    + " owned by a platform thread, because the kernel ties a ring's submissions and completion work"
                    + " to the OS thread that enters it and a virtual thread moves between carriers. Open and drive"
                    + " the ring on a platform (server) thread and hand it the virtual threads' submissions");
        }
        if (entries < 2 || entries > MAX_ENTRIES) {
            throw new IllegalArgumentException("entries " + entries + " is out of range: a ring has 2 to "
                    + MAX_ENTRIES + " SQEs (one is kept for the wake-up read; the kernel rounds up to a power of two)");
        }
        if (attempts.isEmpty()) {
            throw new IllegalArgumentException("attempts is empty: pass at least one SetupAttempt, e.g."
                    + " IoUring.SETUP_ATTEMPTS");
        }
        Arena arena = Arena.ofConfined();
        int fd = -1;
        RingMappings mappings = null;
        int efd = -1;
        IoUring ring = null;
        try {
            MemorySegment params = arena.allocate(IoUringLayout.IO_URING_PARAMS);
            List<String> rejected = new ArrayList<>();
            SetupAttempt chosen = null;
            for (SetupAttempt attempt : attempts) {
                params.fill((byte) 0);
                IoUringLayout.paramsSetFlags(params, attempt.flags());
                int r = LinuxCalls.ioUringSetup(entries, params);
                if (r >= 0) {
                    fd = r;
                    chosen = attempt;
                    break;
                }
                if (r != -LinuxErrno.EINVAL) {
                    throw new IoUringException(r, IoUringAvailability.explainSetupFailure(-r));
                }
                rejected.add(attempt + ": EINVAL");
            }
            if (chosen == null) {
                throw new IoUringException(LinuxErrno.EINVAL, "io_uring_setup(" + entries + ") refused every setup"
                        + " attempt: " + rejected + "; the kernel (" + IoUringAvailability.kernelRelease() + ") is"
                        + " too old for these flags: add an attempt with flags 0, or use Linux 6.1 or later");
            }
            mappings = RingMappings.map(fd, params, arena);
            int e = LinuxCalls.eventfd(0, LinuxCalls.EFD_CLOEXEC);
            if (e < 0) {
                throw new IoUringException(e, "eventfd(0, EFD_CLOEXEC) for the ring's wake-up failed: "
                        + LinuxErrno.name(e) + (e == -LinuxErrno.EMFILE || e == -LinuxErrno.ENFILE
                        ? "; the process is out of file descriptors: raise RLIMIT_NOFILE (ulimit -n) or close some"
                        : ""));
            }
            efd = e;
            ring = new IoUring(caller, arena, fd, chosen, IoUringLayout.paramsFeatures(params), rejected,
                    mappings, params, efd);
            ring.submit(); // arms the wake-up read
            return ring;
        } catch (RuntimeException | Error e) {
            try {
                if (ring != null) {
                    ring.close(); // the eventfd, the mappings, the ring fd and the arena
                } else {
                    if (efd >= 0) {
                        LinuxCalls.close(efd);
                    }
                    if (mappings != null) {
                        mappings.unmap();
                    }
                    if (fd >= 0) {
                        LinuxCalls.close(fd);
                    }
                    arena.close();
                }
            } catch (RuntimeException | Error cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Ownership
    // ---------------------------------------------------------------------------------------------------------

    /** The thread that may use this ring (all methods but {@link #wakeup()}). */
    public Thread owner() {
        return owner;
    }

    /** Throws unless the caller is the owner. */
    void checkOwner() {
        Thread caller = Thread.currentThread();
        if (caller != owner) {
            throw new IllegalStateException("IoUring (fd " + ringFd + ") is owned by thread \"" + owner.getName()
                    + "\" (id " + owner.threadId() + ") but was called from thread \"" + caller.getName() + "\" (id "
                    + caller.threadId() + "): only the owner may prepare, submit, reap, register or close; other"
                    + " threads hand their work to the owner and call wakeup()");
        }
    }

    /** Throws unless the caller is the owner and the ring is open. */
    void checkOwnerOpen() {
        checkOwner();
        if (closed) {
            throw new IllegalStateException("IoUring (fd " + ringFd + ") is closed: open a new ring");
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // What the kernel accepted
    // ---------------------------------------------------------------------------------------------------------

    /** The ring's file descriptor. */
    public int fd() {
        return ringFd;
    }

    /** The setup attempt the kernel accepted. */
    public SetupAttempt setup() {
        return setup;
    }

    /** The {@code io_uring_setup} flags in effect. */
    public int setupFlags() {
        return setup.flags();
    }

    /** {@code io_uring_params.features}: {@code IORING_FEAT_*} bits. */
    public int features() {
        return features;
    }

    /** The attempts refused before {@link #setup()}, each with its errno. */
    public List<String> rejectedSetups() {
        return rejectedSetups;
    }

    /** SQ size (a power of two). */
    public int sqEntries() {
        return sq.entries();
    }

    /** CQ size (twice the SQ size unless asked otherwise). */
    public int cqEntries() {
        return cq.entries();
    }

    /** One line: accepted setup, sizes, features, refused attempts. */
    public String describeSetup() {
        return "io_uring fd " + ringFd + ": setup " + setup + ", " + sq.entries() + " SQEs, " + cq.entries()
                + " CQEs, features " + IoUringConstants.featureNames(features) + ", "
                + (mappings.singleMapping() ? "one mapping for both rings" : "separate SQ and CQ mappings")
                + ", refused: " + (rejectedSetups.isEmpty() ? "none" : rejectedSetups);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Submission
    // ---------------------------------------------------------------------------------------------------------

    /** The SQE writer of this ring (owner only). */
    public Sqe sqe() {
        checkOwnerOpen();
        return sqe;
    }

    /** SQEs prepared and not yet consumed by the kernel. */
    public int pendingSubmissions() {
        checkOwnerOpen();
        return sq.pending() - (wakeupReadInSq && wakeupReadSeq - sq.headAcquire() >= 0 ? 1 : 0);
    }

    /**
     * Hands the prepared SQEs to the kernel without waiting for completions. Returns how many of the owner's SQEs
     * the kernel consumed; fewer than prepared when the kernel is short of memory ({@code EAGAIN}) or, on kernels
     * before 5.19, must first drain CQ overflow ({@code EBUSY}): the rest stay queued for the next submit, after
     * {@link #forEachCompletion}.
     */
    public int submit() {
        checkOwnerOpen();
        armWakeupRead();
        if (shortSubmitsToSimulate > 0) {
            shortSubmitsToSimulate--;
            return 0;
        }
        int headBefore = sq.headAcquire();
        while (sq.publishTailRelease() > 0) {
            // completion work the kernel flags (deferred task work, CQ overflow) runs in the same enter, so the
            // next forEachCompletion finds its CQEs without entering the kernel again
            int getEvents = (sq.flagsAcquire() & (IORING_SQ_TASKRUN | IORING_SQ_CQ_OVERFLOW)) != 0
                    ? IORING_ENTER_GETEVENTS : 0;
            int r = LinuxCalls.ioUringEnter(ringFd, sq.pending(), 0, getEvents);
            if (r == -LinuxErrno.EINTR) {
                continue;
            }
            if (r == 0 || r == -LinuxErrno.EAGAIN || r == -LinuxErrno.EBUSY) {
                break;
            }
            if (r < 0) {
                throw enterFailed(r, "submit");
            }
        }
        return ownerSqesConsumed(headBefore, sq.headAcquire());
    }

    /**
     * Submits the prepared SQEs and waits until at least {@code minCompletions} CQEs are ready to reap, or until
     * {@link #wakeup()} is called, whichever comes first. The ring's own wake-up CQE counts, so a wait ended by a
     * wake-up may find nothing for the consumer; a wake-up that comes while the owner is not waiting ends the next
     * wait at once. {@code submitAndWait(0)} submits only.
     *
     * <p>To see a wake-up during a wait for more than one completion, the owner returns to Java each time a CQE
     * arrives and waits again for the rest; a server idles with {@code submitAndWait(1)}, which is a single
     * {@code io_uring_enter}.
     *
     * @return how many of the owner's SQEs the kernel consumed
     * @throws IllegalArgumentException if {@code minCompletions} is negative or more than the CQ holds
     */
    public int submitAndWait(int minCompletions) {
        checkOwnerOpen();
        if (minCompletions < 0 || minCompletions > cq.entries()) {
            throw new IllegalArgumentException("minCompletions " + minCompletions + " is out of range: wait for 0 to "
                    + cq.entries() + " completions (the CQ size); to wait for more, reap with forEachCompletion"
                    + " between waits");
        }
        int headBefore = sq.headAcquire();
        if (!wakeupReadArmed && sq.lastUnpublished() >= 0 && sqe.lastUnpublishedIsLinked()) {
            submit(); // the owner's chain ends here; the wake-up read must not join it
        }
        armWakeupRead();
        while (true) {
            int pending = sq.publishTailRelease();
            int ready = cq.ready();
            boolean done = ready >= minCompletions || wakeupRequested.getAndSet(false);
            if (done && pending == 0) {
                break;
            }
            int r = done
                    ? LinuxCalls.ioUringEnter(ringFd, pending, 0, 0)
                    : LinuxCalls.ioUringEnter(ringFd, pending, ready + 1, IORING_ENTER_GETEVENTS);
            if (r == -LinuxErrno.EINTR) {
                continue;
            }
            if (r == -LinuxErrno.EAGAIN || r == -LinuxErrno.EBUSY) {
                break; // short of memory, or old-kernel CQ overflow: the caller reaps, then submits again
            }
            if (r < 0) {
                throw enterFailed(r, "submitAndWait(" + minCompletions + ")");
            }
            if (done) {
                break;
            }
        }
        return ownerSqesConsumed(headBefore, sq.headAcquire());
    }

    /**
     * For tests: the next {@code count} calls of {@link #submit} hand nothing to the kernel and return 0, as a submit
     * does when the kernel is short of memory ({@code EAGAIN}), which cannot be caused at will. {@link #submitAndWait}
     * is not affected. Owner only.
     */
    void simulateShortSubmits(int count) {
        checkOwnerOpen();
        shortSubmitsToSimulate = count;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Completion
    // ---------------------------------------------------------------------------------------------------------

    /** CQEs in the CQ now; may count the ring's own wake-up CQE, which {@link #forEachCompletion} skips. */
    public int completionsReady() {
        checkOwnerOpen();
        return cq.ready();
    }

    /** Passes every ready CQE to {@code consumer}, oldest first; returns how many. Never blocks. */
    public int forEachCompletion(CompletionConsumer consumer) {
        return forEachCompletion(consumer, Integer.MAX_VALUE);
    }

    /**
     * Passes up to {@code max} ready CQEs to {@code consumer}, oldest first, and returns how many. Never blocks;
     * flushes CQEs that wait on the kernel's overflow list or in deferred completion work (see the class comment).
     * Each CQE's slot is given back to the kernel before the consumer sees it; if the consumer throws, the CQEs
     * before it stay consumed and the rest stay in the CQ.
     */
    public int forEachCompletion(CompletionConsumer consumer, int max) {
        checkOwnerOpen();
        Objects.requireNonNull(consumer, "consumer");
        if (max < 0) {
            throw new IllegalArgumentException("max " + max + " is negative: pass how many CQEs to reap at most");
        }
        int delivered = 0;
        boolean flushedSinceLastCqe = false;
        while (delivered < max) {
            if (cq.ready() == 0) {
                if (!flushedSinceLastCqe && (sq.flagsAcquire() & (IORING_SQ_CQ_OVERFLOW | IORING_SQ_TASKRUN)) != 0) {
                    flushCompletions();
                    flushedSinceLastCqe = true;
                    continue;
                }
                break;
            }
            flushedSinceLastCqe = false;
            long cqe = cq.cqeOffset(cq.head());
            long userData = cq.userData(cqe);
            int res = cq.res(cqe);
            int flags = cq.flags(cqe);
            cq.advanceHeadRelease(1);
            if (userData == WAKEUP_USER_DATA) {
                wakeupReadCompleted(res);
                continue;
            }
            delivered++;
            consumer.accept(userData, res, flags);
        }
        return delivered;
    }

    /** CQEs the kernel dropped for lack of memory ({@code *cq.koverflow}); 0 on kernels with FEAT_NODROP. */
    public int droppedCompletions() {
        checkOwnerOpen();
        return cq.droppedCompletions();
    }

    /** Moves overflowed CQEs into the CQ and runs deferred completion work: io_uring_enter(0, 0, GETEVENTS). */
    private void flushCompletions() {
        int r = LinuxCalls.ioUringEnter(ringFd, 0, 0, IORING_ENTER_GETEVENTS);
        if (r < 0 && r != -LinuxErrno.EINTR && r != -LinuxErrno.EAGAIN && r != -LinuxErrno.EBUSY) {
            throw enterFailed(r, "forEachCompletion (flushing the CQ overflow list)");
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Wake-up
    // ---------------------------------------------------------------------------------------------------------

    /**
     * Ends the owner's current {@link #submitAndWait}, or its next one if it is not waiting. Any thread, any time,
     * also after {@link #close()} (then it does nothing). At most one {@code write(2)} until the owner has seen it.
     */
    public void wakeup() {
        if (wakeupRequested.getAndSet(true)) {
            return; // an earlier wakeup() has written, or the owner has yet to see its flag: either ends the wait
        }
        ReentrantReadWriteLock.ReadLock lock = eventFdLifetime.readLock();
        lock.lock();
        try {
            if (eventFdClosed) {
                return;
            }
            long r = LinuxCalls.write(eventFd, EVENTFD_ONE, JAVA_LONG.byteSize());
            if (r < 0 && r != -LinuxErrno.EAGAIN) {
                throw new IoUringException((int) r, "write(2) to the wake-up eventfd " + eventFd + " of io_uring fd "
                        + ringFd + " failed: " + LinuxErrno.name((int) r) + "; report it with the kernel version");
            }
        } finally {
            lock.unlock();
        }
    }

    /** Queues the eventfd read unless it is queued or in flight. Called before each submit; owner only. */
    private void armWakeupRead() {
        if (wakeupReadArmed || sqe.lastUnpublishedIsLinked()) {
            return; // a chain being built would swallow the read; submitAndWait ends the chain first
        }
        wakeupReadSeq = sq.tail();
        sqe.prepareWakeupRead(eventFd, wakeupReadBuffer);
        wakeupReadArmed = true;
        wakeupReadInSq = true;
    }

    private void wakeupReadCompleted(int res) {
        wakeupReadArmed = false;
        if (res < 0 && res != -LinuxErrno.EINTR && res != -LinuxErrno.EAGAIN && res != -LinuxErrno.ECANCELED) {
            throw new IoUringException(res, "the wake-up read of eventfd " + eventFd + " on io_uring fd " + ringFd
                    + " failed: " + LinuxErrno.name(res) + "; report it with the kernel version");
        }
    }

    /** SQEs consumed between the two head values, not counting the wake-up read. */
    private int ownerSqesConsumed(int headBefore, int headAfter) {
        int consumed = headAfter - headBefore;
        if (wakeupReadInSq && headAfter - wakeupReadSeq > 0) {
            wakeupReadInSq = false;
            return consumed - 1;
        }
        return consumed;
    }

    private IoUringException enterFailed(int r, String call) {
        String fix = switch (-r) {
            case LinuxErrno.EEXIST -> "the ring was set up with SINGLE_ISSUER and another kernel task entered it;"
                    + " only the owner thread may";
            case LinuxErrno.EBADR -> "the kernel dropped completions it could not store (out of memory while the CQ"
                    + " overflowed); reap completions more often or use a larger CQ";
            case LinuxErrno.EBADF, LinuxErrno.EOPNOTSUPP -> "the ring fd is no longer an io_uring; was it closed"
                    + " outside IoUring?";
            default -> "report it with the kernel version";
        };
        return new IoUringException(r, "io_uring_enter on fd " + ringFd + " (" + call + ") failed: "
                + LinuxErrno.name(r) + "; " + fix);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Registration and probe
    // ---------------------------------------------------------------------------------------------------------

    /** Which opcodes the kernel supports (IORING_REGISTER_PROBE on this ring). */
    public IoUringProbe probe() {
        checkOwnerOpen();
        return IoUringProbe.register(ringFd);
    }

    /**
     * Registers {@code fds} as the ring's file table (IORING_REGISTER_FILES): SQEs marked {@link Sqe#fixedFile()}
     * then name a file by its index here. -1 leaves a slot empty, for {@link Sqe#openatDirect}.
     */
    public void registerFiles(int... fds) {
        checkOwnerOpen();
        if (fds.length == 0) {
            throw new IllegalArgumentException("fds is empty: register at least one fd (or -1 for an empty slot)");
        }
        for (int i = 0; i < fds.length; i++) {
            if (fds[i] < -1) {
                throw new IllegalArgumentException("fds[" + i + "] = " + fds[i] + " is not a file descriptor: pass"
                        + " an open fd, or -1 for an empty slot");
            }
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment array = a.allocateFrom(JAVA_INT, fds);
            int r = LinuxCalls.ioUringRegister(ringFd, IoUringConstants.IORING_REGISTER_FILES, array, fds.length);
            if (r < 0) {
                throw registerFailed(r, "IORING_REGISTER_FILES of " + fds.length + " fds", switch (-r) {
                    case LinuxErrno.EBUSY -> "a file table is already registered: unregisterFiles() first";
                    case LinuxErrno.EBADF -> "one of the fds is not open";
                    case LinuxErrno.EMFILE -> "more files than RLIMIT_NOFILE allows: raise ulimit -n";
                    default -> "check the fds";
                });
            }
        }
        registeredFiles = fds.length;
    }

    /** Registers a file table of {@code count} empty slots, for {@link Sqe#openatDirect}. */
    public void registerFileSlots(int count) {
        if (count <= 0) {
            throw new IllegalArgumentException("count " + count + " is not positive: register at least one slot");
        }
        int[] empty = new int[count];
        Arrays.fill(empty, -1);
        registerFiles(empty);
    }

    /**
     * Replaces slots {@code offset ..} of the registered file table with {@code fds} (IORING_REGISTER_FILES_UPDATE,
     * 5.5): -1 empties a slot. The table keeps its own reference to each file, so a file stays open in the kernel
     * until its slot is emptied, even after its descriptor is closed.
     */
    public void updateFiles(int offset, int... fds) {
        checkOwnerOpen();
        if (offset < 0 || fds.length == 0 || (long) offset + fds.length > registeredFiles) {
            throw new IllegalArgumentException("slots " + offset + ".." + (offset + fds.length - 1) + " are outside"
                    + " the registered file table of " + registeredFiles + " slots");
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment array = a.allocateFrom(JAVA_INT, fds);
            MemorySegment update = a.allocate(16, 8); // struct io_uring_files_update
            update.set(JAVA_INT, 0, offset);
            update.set(JAVA_LONG, 8, array.address());
            int r = LinuxCalls.ioUringRegister(ringFd, IoUringConstants.IORING_REGISTER_FILES_UPDATE, update,
                    fds.length);
            if (r < 0) {
                throw registerFailed(r, "IORING_REGISTER_FILES_UPDATE of " + fds.length + " slots at " + offset,
                        r == -LinuxErrno.EBADF ? "one of the fds is not open" : "check the fds");
            }
        }
    }

    /** Drops the file table (IORING_UNREGISTER_FILES). */
    public void unregisterFiles() {
        checkOwnerOpen();
        int r = LinuxCalls.ioUringRegister(ringFd, IoUringConstants.IORING_UNREGISTER_FILES, MemorySegment.NULL, 0);
        if (r < 0) {
            throw registerFailed(r, "IORING_UNREGISTER_FILES", r == -LinuxErrno.ENXIO
                    ? "no file table is registered" : "report it with the kernel version");
        }
        registeredFiles = 0;
    }

    /** The size of the registered file table (0 when none). */
    public int registeredFiles() {
        return registeredFiles;
    }

    /**
     * Registers {@code buffers} (IORING_REGISTER_BUFFERS): the kernel pins them once, and
     * {@link Sqe#readFixed}/{@link Sqe#writeFixed} then name one by its index. Each must be native, at most 1 GiB,
     * and stay allocated until {@link #unregisterBuffers()} or {@link #close()}.
     */
    public void registerBuffers(MemorySegment... buffers) {
        checkOwnerOpen();
        if (buffers.length == 0 || buffers.length > 16384) {
            throw new IllegalArgumentException(buffers.length + " buffers: register 1 to 16384"
                    + " (IORING_MAX_REG_BUFFERS)");
        }
        long[] ranges = new long[buffers.length * 2];
        for (int i = 0; i < buffers.length; i++) {
            MemorySegment b = buffers[i];
            checkRegistrable(b, "buffers[" + i + "]");
            ranges[2 * i] = b.address();
            ranges[2 * i + 1] = b.address() + b.byteSize();
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment iovecs = a.allocate(IoUringLayout.iovecs(buffers.length));
            for (int i = 0; i < buffers.length; i++) {
                IoUringLayout.setIovec(iovecs, i, buffers[i]);
            }
            int r = LinuxCalls.ioUringRegister(ringFd, IoUringConstants.IORING_REGISTER_BUFFERS, iovecs,
                    buffers.length);
            if (r < 0) {
                throw registerFailed(r, "IORING_REGISTER_BUFFERS of " + buffers.length + " buffers", switch (-r) {
                    case LinuxErrno.EBUSY -> "buffers are already registered: unregisterBuffers() first";
                    case LinuxErrno.ENOMEM -> "pinning them exceeds RLIMIT_MEMLOCK: raise ulimit -l";
                    case LinuxErrno.EFAULT -> "a buffer is not mapped memory";
                    default -> "check the buffers";
                });
            }
        }
        registeredBuffers = ranges;
    }

    /** Rejects, naming it {@code name}, a buffer the kernel would not register: null, heap, empty or over 1 GiB. */
    static void checkRegistrable(MemorySegment b, String name) {
        Objects.requireNonNull(b, () -> name + " is null");
        Sqe.requireNative(b, name);
        if (b.byteSize() == 0 || b.byteSize() > (1L << 30)) {
            throw new IllegalArgumentException(name + " is " + b.byteSize() + " bytes: a registered buffer has 1"
                    + " byte to 1 GiB; split larger ones");
        }
    }

    /** Drops the registered buffers (IORING_UNREGISTER_BUFFERS). */
    public void unregisterBuffers() {
        checkOwnerOpen();
        int r = LinuxCalls.ioUringRegister(ringFd, IoUringConstants.IORING_UNREGISTER_BUFFERS, MemorySegment.NULL,
                0);
        if (r < 0) {
            throw registerFailed(r, "IORING_UNREGISTER_BUFFERS", r == -LinuxErrno.ENXIO
                    ? "no buffers are registered" : "report it with the kernel version");
        }
        registeredBuffers = new long[0];
    }

    /** How many buffers are registered (0 when none). */
    public int registeredBuffers() {
        return registeredBuffers.length / 2;
    }

    /**
     * The index of the registered buffer that holds all of [address, address + length), or -1: what lets a plain
     * read or write become READ_FIXED or WRITE_FIXED. A linear scan; a ring has a handful of buffers.
     */
    public int registeredBufferIndex(long address, long length) {
        long[] r = registeredBuffers;
        for (int i = 0; i < r.length; i += 2) {
            if (address >= r[i] && address + length <= r[i + 1]) {
                return i / 2;
            }
        }
        return -1;
    }

    /** True when [address, address + length) lies inside registered buffer {@code index}. */
    boolean insideRegisteredBuffer(int index, long address, long length) {
        return address >= registeredBuffers[2 * index] && address + length <= registeredBuffers[2 * index + 1];
    }

    private IoUringException registerFailed(int r, String what, String fix) {
        return new IoUringException(r, "io_uring_register(" + what + ") on fd " + ringFd + " failed: "
                + LinuxErrno.name(r) + "; " + fix);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Closing
    // ---------------------------------------------------------------------------------------------------------

    /** True once {@link #close()} has run. */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Closes the eventfd, unmaps the rings and closes the ring fd; owner only, idempotent. Operations in flight are
     * cancelled by the kernel in the background (see "Closing" in the class comment).
     */
    @Override
    public void close() {
        checkOwner();
        if (closed) {
            return;
        }
        closed = true;
        ReentrantReadWriteLock.WriteLock lock = eventFdLifetime.writeLock();
        lock.lock();
        try {
            eventFdClosed = true;
            LinuxCalls.close(eventFd);
        } finally {
            lock.unlock();
        }
        mappings.unmap();
        LinuxCalls.close(ringFd);
        arena.close();
    }

    @Override
    public String toString() {
        return "IoUring[fd=" + ringFd + ", owner=" + owner.getName() + ", setup=" + setup
                + (closed ? ", closed" : "") + "]";
    }
}
