package dev.weft.fuse.server;

import dev.weft.fuse.FuseConnectionInfo;
import dev.weft.fuse.FuseFilesystem;
import dev.weft.fuse.kernel.FuseChannel;
import dev.weft.fuse.kernel.FuseDevice;
import dev.weft.fuse.proto.FuseOpcode;
import dev.weft.fuse.proto.FuseProtocolException;
import dev.weft.fuse.proto.FuseRequest;
import dev.weft.sched.ConcurrencyGroup;
import dev.weft.sched.internal.CpuAffinity;
import dev.weft.threadlet.Threadlets;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;

/**
 * A mounted FUSE file system served by weft: {@code /dev/fuse} mounted at a directory, INIT answered, and
 * {@linkplain Builder#threads server threads} reading requests and calling the {@link FuseFilesystem}.
 *
 * <pre>{@code
 * try (FuseServer server = FuseServer.builder(new PassthroughFilesystem(source)).mount(mountpoint)) {
 *     server.awaitUnmount();   // until `umount mountpoint`, or close() from another thread
 * }
 * }</pre>
 *
 * <h2>Threads</h2>
 * Each server thread reads from its own descriptor cloned from the mount's ({@code FUSE_DEV_IOC_CLONE}). Which idle
 * thread reads next is {@link IdleOrder}; who runs a handler is {@link Dispatch}. Threads are platform threads named
 * {@code weft-fuse-N}, daemon threads so that a forgotten server does not keep the JVM alive; a shutdown hook
 * unmounts (unless {@link Builder#unmountOnExit} is off). With {@link Builder#pinned} thread {@code N} runs only on
 * the {@code N}-th CPU (modulo their count) of those the mounting thread may run on.
 *
 * <h2>Lifecycle</h2>
 * {@link Builder#mount} mounts, answers INIT on the calling thread (so a kernel that is too old fails there, with
 * the cause), calls {@link FuseFilesystem#init} and starts the threads. The server ends when the file system is
 * unmounted (by {@link #close}, {@code umount}, or {@code weft umount}): the threads see {@code ENODEV}, the handlers
 * still running finish, {@link FuseFilesystem#destroy} is called, and {@link #awaitUnmount} returns.
 */
public final class FuseServer implements AutoCloseable {

    /** How long {@link #close} waits for handlers still running after the unmount. */
    static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(10);
    /** How long {@code mount} waits for the io_uring threads to register their entries. */
    static final Duration RING_REGISTRATION_TIMEOUT = Duration.ofSeconds(10);
    /**
     * Under threadlet dispatch, for how many blocked handlers the server keeps request buffers (about 2 MiB each)
     * for reuse; a set taken past that is freed when its handler replies.
     */
    public static final int MAX_BLOCKED_HANDLERS = 64;
    /**
     * Spins of a LIFO follower before it parks. A hand-over found within the spin costs no futex wake-up (about
     * 25 µs on these VMs); see the README's fuse tables for how it was chosen.
     */
    static final int DEFAULT_SPIN_BUDGET = 2_000;

    /**
     * Threads per io_uring queue. A thread handles its requests inline, one at a time: while a handler blocks (a
     * disk read), the queue's other threads take the next requests made on that CPU; when all are busy, requests
     * wait in the kernel's queue for the next entry a thread commits and fetches.
     */
    static final int DEFAULT_RING_THREADS = 2;
    /**
     * Entries per io_uring thread. One: an entry the kernel fills while its thread is busy waits for that thread
     * even if the queue's other threads are idle, so with handlers that block, more entries per thread only add
     * waits. Each entry has a payload buffer of the largest request (1 MiB).
     */
    static final int DEFAULT_RING_DEPTH = 1;
    /**
     * Entries per io_uring thread under threadlet dispatch: a handler that blocks holds its entry until it replies,
     * and the thread goes on with the others, so up to three blocked handlers per thread leave it serving.
     */
    static final int DEFAULT_THREADLET_RING_DEPTH = 4;

    /** See {@link Builder#readSpin}. */
    static final Duration DEFAULT_READ_SPIN = Duration.ZERO;

    private final FuseDevice device;
    private final FuseFilesystem fs;
    private final FuseConnectionInfo connection;
    /** The file system's notifier: closed before the descriptor is (see {@link #release}). */
    private final ChannelNotifier notifier;
    private final List<Reader> readers;
    private final List<RingQueue> ringQueues;
    private final List<Thread> threads;
    private final List<FuseChannel> channels;
    private final ReaderHandoff handoff;
    private final List<ReaderHandoff.Follower> followers;
    private final InFlightRequests inFlight;
    private final Arena arena;
    private final CountDownLatch ended;
    /**
     * Counts down as each io_uring thread has registered its entries (or failed): the kernel sends requests through
     * the rings only once every queue has an entry, and until then to {@code /dev/fuse}, where under io_uring one
     * reader serves them all, so that one early request that blocks would hold up every other one.
     */
    private final CountDownLatch ringsRegistered;
    private final AtomicBoolean destroyed = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread shutdownHook;
    private final Builder config;
    /** With {@link Builder#pinned}: the CPU each reader pins itself to, by reader index; else null. */
    private final int[] readerCpus;

    private FuseServer(Builder b, FuseDevice device, FuseConnectionInfo connection, ChannelNotifier notifier,
                       Arena arena) throws IOException {
        this.config = b;
        this.device = device;
        this.fs = b.fs;
        this.connection = connection;
        this.notifier = notifier;
        this.arena = arena;
        this.inFlight = new InFlightRequests();
        boolean uring = b.transport == Transport.IO_URING;
        // under io_uring one reader on /dev/fuse is enough for what still comes there, unless the user asked for more
        int readerCount = uring && !b.threadsSet ? 1 : b.threads;
        int queueCount = uring ? FuseUring.possibleCpus() : 0;
        int ringThreadCount = queueCount * b.ringThreads;
        this.handoff = b.idleOrder == IdleOrder.LIFO ? new ReaderHandoff(readerCount, b.spinBudget) : null;
        this.readers = new ArrayList<>(readerCount);
        this.ringQueues = new ArrayList<>(ringThreadCount);
        this.threads = new ArrayList<>(readerCount + ringThreadCount);
        this.channels = new ArrayList<>(readerCount);
        this.followers = new ArrayList<>(readerCount);
        this.ended = new CountDownLatch(readerCount + ringThreadCount);
        this.ringsRegistered = new CountDownLatch(ringThreadCount);
        Operations ops = new Operations(fs);
        RequestBuffers.Pool pool = new RequestBuffers.Pool(arena, readerCount + MAX_BLOCKED_HANDLERS);
        ConcurrencyGroup group = b.dispatch == Dispatch.THREADLET
                ? (b.group != null ? b.group : Threadlets.defaultGroup()) : null;
        boolean spin = b.readSpin.toNanos() > 0;
        this.readerCpus = b.pinned ? readerCpus(readerCount, CpuAffinity.currentThreadAffinity()) : null;
        for (int i = 0; i < readerCount; i++) {
            FuseChannel ch;
            try {
                ch = spin ? device.cloneNonBlockingChannel() : i == 0 ? device.channel() : device.cloneChannel();
            } catch (IOException | RuntimeException e) {
                channels.forEach(FuseChannel::close); // the clones made so far (EMFILE at the 60th of 64, say)
                throw e;
            }
            channels.add(ch);
            Reader r = new Reader(i, ch, ops, inFlight, b.dispatch, group, handoff, pool, b.errorHandler,
                    this::destroyOnce, b.readSpin.toNanos(), arena.allocate(FuseChannel.POLLFD_SIZE, 8));
            Thread t = Thread.ofPlatform().name("weft-fuse-" + i).daemon().unstarted(() -> runReader(r));
            r.follower = new ReaderHandoff.Follower(t);
            followers.add(r.follower);
            readers.add(r);
            threads.add(t);
        }
        for (int q = 0; q < queueCount; q++) {
            for (int t = 0; t < b.ringThreads; t++) {
                RingQueue rq = new RingQueue(q, b.effectiveRingDepth(), InitNegotiation.MAX_WRITE, device.channel(),
                        ops, inFlight, b.errorHandler, this::destroyOnce, ringsRegistered::countDown, group, arena);
                ringQueues.add(rq);
                threads.add(Thread.ofPlatform().name("weft-fuse-ring-" + q + "." + t).daemon()
                        .unstarted(() -> runRingQueue(rq)));
            }
        }
        this.shutdownHook = b.unmountOnExit ? Thread.ofPlatform().name("weft-fuse-unmount").unstarted(() -> {
            try {
                device.unmount();
            } catch (IOException ignored) {
                // the JVM is exiting: nothing to report to
            }
        }) : null;
    }

    /** Reader {@code i}'s CPU: the {@code i}-th of {@code allowed} (the CPUs this process may use), wrapping round. */
    static int[] readerCpus(int readers, BitSet allowed) {
        int[] usable = allowed.stream().toArray();
        if (usable.length == 0) {
            throw new IllegalStateException("the mounting thread's CPU affinity mask is empty; cannot pin readers");
        }
        int[] cpus = new int[readers];
        for (int i = 0; i < readers; i++) {
            cpus[i] = usable[i % usable.length];
        }
        return cpus;
    }

    /** A builder for a server of {@code fs}. */
    public static Builder builder(FuseFilesystem fs) {
        return new Builder(fs);
    }

    private void start() {
        if (shutdownHook != null) {
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        }
        threads.forEach(Thread::start);
    }

    private void runReader(Reader r) {
        try {
            if (readerCpus != null) {
                pin(r.index());
            }
            r.run();
        } catch (Throwable t) {
            config.errorHandler.accept("server thread " + r.index() + " failed", t);
        } finally {
            if (handoff != null) {
                handoff.stop(followers);
            }
            // a reader ends when the connection does (or the server stops): ring threads must not wait for entries
            // that blocked handlers hold, as no CQE will come for those
            ringQueues.forEach(RingQueue::connectionGone);
            ended.countDown();
        }
    }

    /** Pins the calling reader thread to its CPU; a refusal (a CPU taken away meanwhile) is reported, not fatal. */
    private void pin(int reader) {
        try {
            CpuAffinity.pinCurrentThread(readerCpus[reader]);
        } catch (RuntimeException e) {
            config.errorHandler.accept("server thread " + reader + " could not be pinned to CPU " + readerCpus[reader]
                    + "; it runs unpinned", e);
        }
    }

    /**
     * Returns once every io_uring thread has registered its entries (at once under {@code /dev/fuse}); else closes
     * the server and throws.
     */
    private void awaitRingRegistration() throws IOException {
        boolean registered;
        try {
            registered = ringsRegistered.await(RING_REGISTRATION_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new InterruptedIOException("interrupted while the io_uring queues registered; unmounted");
        }
        if (!registered) {
            close();
            throw new IOException("the io_uring queues did not register their entries within "
                    + RING_REGISTRATION_TIMEOUT + "; unmounted");
        }
    }

    private void runRingQueue(RingQueue q) {
        try {
            q.run();
        } catch (Throwable t) {
            config.errorHandler.accept("io_uring queue " + q.qid() + " failed", t);
        } finally {
            ended.countDown();
        }
    }

    private void destroyOnce() {
        if (destroyed.compareAndSet(false, true)) {
            fs.destroy();
        }
    }

    /** What INIT settled with the kernel. */
    public FuseConnectionInfo connection() {
        return connection;
    }

    public Path mountpoint() {
        return device.mountpoint();
    }

    /** Blocks until the file system is unmounted and every server thread has stopped. */
    public void awaitUnmount() throws InterruptedException {
        ended.await();
    }

    /** {@link #awaitUnmount()} with a timeout; false if the threads are still running. */
    public boolean awaitUnmount(Duration timeout) throws InterruptedException {
        return ended.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Per-thread counters, in thread order (a racy snapshot). */
    public List<FuseServerStats> stats() {
        List<FuseServerStats> s = new ArrayList<>(readers.size());
        for (Reader r : readers) {
            ReaderHandoff.Follower f = r.follower;
            s.add(new FuseServerStats(r.index(), r.requests, r.replies, r.errors, r.interrupts, r.blockedHandlers,
                    f.promotions, f.spinsWon, f.parks, r.spunReads, r.polls, -1));
        }
        for (RingQueue q : ringQueues) {
            s.add(new FuseServerStats(s.size(), q.requests, q.replies, q.errors, 0, q.blockedHandlers, 0, 0, 0, 0, 0,
                    q.qid()));
        }
        return s;
    }

    /**
     * The requests read so far by every server thread, by opcode (a racy snapshot, like {@link #stats}): which
     * operations the kernel sends, e.g. that with {@link Builder#passthroughIo} no READ or WRITE reaches the server.
     */
    public Map<FuseOpcode, Long> requestsByOpcode() {
        Map<FuseOpcode, Long> sums = new EnumMap<>(FuseOpcode.class);
        for (Reader r : readers) {
            r.opcodes.addTo(sums);
        }
        for (RingQueue q : ringQueues) {
            q.opcodes.addTo(sums);
        }
        return sums;
    }

    /**
     * Unmounts (lazily: files still open keep the mount until closed, but new requests stop), waits for the server
     * threads and for running handlers (up to {@link #DRAIN_TIMEOUT} each), then calls
     * {@link FuseFilesystem#destroy} and frees the descriptors and buffers. Idempotent.
     *
     * <p>What is still running then is not cut short: if the threads still serve (files open through a lazily
     * unmounted mount), close throws, and destroy and the release happen once they have stopped; if handlers still
     * run (blocked in threadlet dispatch), close returns, and destroy and the release happen when the last one has
     * replied. Either way the file system is never destroyed under a running handler.
     */
    @Override
    public void close() throws IOException {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        IOException failure = null;
        try {
            device.unmount();
        } catch (IOException e) {
            failure = e;
        }
        if (shutdownHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException exiting) {
                // already running
            }
        }
        boolean stopped;
        try {
            stopped = ended.await(DRAIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (stopped) {
                long deadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
                while (inFlight.size() > 0 && System.nanoTime() < deadline) {
                    Thread.sleep(1);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopped = ended.getCount() == 0;
        }
        if (stopped) {
            inFlight.whenDrained(this::release);
        } else {
            Thread.ofPlatform().name("weft-fuse-close").daemon().start(() -> {
                try {
                    ended.await();
                    inFlight.whenDrained(this::release);
                } catch (InterruptedException ignored) {
                    // the JVM is exiting
                }
            });
            IOException e = new IOException("server threads did not stop within " + DRAIN_TIMEOUT
                    + " after the unmount of " + mountpoint() + " (files still open through it?); the file system is"
                    + " destroyed and the buffers freed when they stop");
            if (failure != null) {
                e.addSuppressed(failure);
            }
            failure = e;
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Once no thread serves and no handler runs: destroy, then the descriptors and the buffers. */
    private void release() {
        try {
            destroyOnce();
        } finally {
            if (!notifier.close()) { // before the descriptor goes: a notification in flight finishes first
                config.errorHandler.accept("a FUSE notification was still being written after "
                        + ChannelNotifier.CLOSE_WAIT_SECONDS + " s; closing /dev/fuse under it", null);
            }
            channels.forEach(FuseChannel::close);
            try {
                device.close();
            } catch (IOException e) {
                config.errorHandler.accept("closing /dev/fuse failed", e);
            }
            arena.close();
        }
    }

    /** Configuration; {@link #mount} starts the server. */
    public static final class Builder {
        private final FuseFilesystem fs;
        private int threads = Runtime.getRuntime().availableProcessors();
        private boolean threadsSet;
        private Transport transport = Transport.DEV_FUSE;
        private int ringDepth; // 0: the default for the dispatch
        private int ringThreads = DEFAULT_RING_THREADS;
        private Dispatch dispatch = Dispatch.INLINE;
        private IdleOrder idleOrder = IdleOrder.FIFO;
        private FuseDevice.Options options = FuseDevice.Options.defaults();
        private FuseDevice.Mounter mounter = FuseDevice.Mounter.AUTO;
        private boolean writebackCache;
        private boolean passthroughIo;
        /** Null: whether the file system's class implements {@code readdirplus}. */
        private Boolean readdirplus;
        private boolean unmountOnExit = true;
        private boolean pinned;
        private int spinBudget = DEFAULT_SPIN_BUDGET;
        private Duration readSpin = DEFAULT_READ_SPIN;
        private ConcurrencyGroup group;
        private BiConsumer<String, Throwable> errorHandler = (msg, t) -> {
            System.err.println("weft-fuse: " + msg);
            if (t != null) {
                t.printStackTrace();
            }
        };

        private Builder(FuseFilesystem fs) {
            this.fs = Objects.requireNonNull(fs, "fs");
        }

        /** Server threads, 1 or more; the default is one per available processor. */
        public Builder threads(int n) {
            if (n < 1 || n > 1024) {
                throw new IllegalArgumentException("threads must be 1..1024, got " + n);
            }
            this.threads = n;
            this.threadsSet = true;
            return this;
        }

        /**
         * Whether each {@code /dev/fuse} server thread is pinned to one CPU ({@code sched_setaffinity}): thread
         * {@code i} to the {@code i}-th CPU, modulo their count, of those the thread calling {@link #mount} may run
         * on. Off by default: not measured faster (README, FUSE benchmarks: the whole server on one CPU was slower).
         * The io_uring queue threads are pinned to their queue's CPU regardless.
         */
        public Builder pinned(boolean on) {
            this.pinned = on;
            return this;
        }

        /**
         * How requests reach the server ({@link Transport#DEV_FUSE} by default). {@link Transport#IO_URING} needs
         * the kernel to offer {@code FUSE_OVER_IO_URING} at INIT, and the mount fails with the reason if it does
         * not; with it, {@link #threads} counts the {@code /dev/fuse} readers kept beside the queues (default 1).
         * Under io_uring with {@link Dispatch#THREADLET} a handler that blocks keeps its entry, and the queue's
         * thread goes on with its other entries ({@link #ringDepth}).
         */
        public Builder transport(Transport t) {
            this.transport = Objects.requireNonNull(t, "transport");
            return this;
        }

        /**
         * Threads per io_uring queue ({@link Transport#IO_URING}), 1..64; default {@link #DEFAULT_RING_THREADS}. All
         * of a queue's threads are pinned to its CPU, and each registers {@link #ringDepth} entries of its own.
         */
        public Builder ringThreads(int perQueue) {
            if (perQueue < 1 || perQueue > 64) {
                throw new IllegalArgumentException("ringThreads must be 1..64, got " + perQueue);
            }
            this.ringThreads = perQueue;
            return this;
        }

        /**
         * Entries each io_uring thread registers ({@link Transport#IO_URING}), 1..64; default
         * {@link #DEFAULT_RING_DEPTH} under inline dispatch, {@link #DEFAULT_THREADLET_RING_DEPTH} under threadlet
         * dispatch (a blocked handler holds an entry until it replies). Each entry has a payload buffer of the largest
         * request (1 MiB).
         */
        public Builder ringDepth(int entries) {
            if (entries < 1 || entries > 64) {
                throw new IllegalArgumentException("ringDepth must be 1..64, got " + entries);
            }
            this.ringDepth = entries;
            return this;
        }

        int effectiveRingDepth() {
            return ringDepth > 0 ? ringDepth
                    : dispatch == Dispatch.THREADLET ? DEFAULT_THREADLET_RING_DEPTH : DEFAULT_RING_DEPTH;
        }

        public Builder dispatch(Dispatch d) {
            this.dispatch = Objects.requireNonNull(d, "dispatch");
            return this;
        }

        /**
         * Which idle thread reads next; the default, {@link IdleOrder#FIFO}, measured faster than LIFO here
         * (README, fuse-randread).
         */
        public Builder idleOrder(IdleOrder o) {
            this.idleOrder = Objects.requireNonNull(o, "idleOrder");
            return this;
        }

        /** fsname, allow_other, default_permissions, ro. */
        public Builder options(FuseDevice.Options o) {
            this.options = Objects.requireNonNull(o, "options");
            return this;
        }

        /** {@code mount(2)} or {@code fusermount3}; the default uses mount(2) as root and fusermount3 otherwise. */
        public Builder mounter(FuseDevice.Mounter m) {
            this.mounter = Objects.requireNonNull(m, "mounter");
            return this;
        }

        /** Asks for {@code FUSE_WRITEBACK_CACHE}: the kernel gathers writes in its page cache. Off by default. */
        public Builder writebackCache(boolean on) {
            this.writebackCache = on;
            return this;
        }

        /**
         * Asks for {@code FUSE_PASSTHROUGH} (Linux 6.9+): the file system may then name a backing file in its OPEN and
         * CREATE replies ({@link FuseConnectionInfo#backingFiles}, {@link dev.weft.fuse.FuseOpen#passthrough}), and
         * the kernel reads and writes those files itself, without READ or WRITE requests. The passthrough file system
         * does so for every regular file. Registering backing files needs {@code CAP_SYS_ADMIN}. Off by default;
         * the kernel refuses it together with {@link #writebackCache}, and a kernel that does not grant it fails
         * the mount with the reason.
         */
        public Builder passthroughIo(boolean on) {
            this.passthroughIo = on;
            return this;
        }

        /**
         * Whether to ask for {@code FUSE_DO_READDIRPLUS} (and {@code READDIRPLUS_AUTO}). By default weft asks when the
         * file system's class implements {@code readdirplus}; a wrapper that implements every method by delegation
         * says here whether what it wraps does (the kernel does not fall back to READDIR when READDIRPLUS fails).
         */
        public Builder readdirplus(boolean ask) {
            this.readdirplus = ask;
            return this;
        }

        /** Whether a JVM shutdown hook unmounts (default true). */
        public Builder unmountOnExit(boolean on) {
            this.unmountOnExit = on;
            return this;
        }

        /** Spins of a LIFO follower before it parks (default {@link #DEFAULT_SPIN_BUDGET}). */
        public Builder spinBudget(int spins) {
            if (spins < 0) {
                throw new IllegalArgumentException("spinBudget must be >= 0, got " + spins);
            }
            this.spinBudget = spins;
            return this;
        }

        /**
         * How long a server thread with nothing to read keeps reading (non-blocking) before it sleeps in
         * {@code poll}; zero reads blocking, as libfuse does. Default {@link #DEFAULT_READ_SPIN}.
         */
        public Builder readSpin(Duration d) {
            if (d.isNegative() || d.compareTo(Duration.ofSeconds(1)) > 0) {
                throw new IllegalArgumentException("readSpin must be 0..1 s, got " + d);
            }
            this.readSpin = d;
            return this;
        }

        /** The concurrency group that runs handlers which blocked, under threadlet dispatch (default: weft's). */
        public Builder group(ConcurrencyGroup g) {
            this.group = Objects.requireNonNull(g, "group");
            return this;
        }

        /** Where failures that reach no caller go (a handler's unexpected exception, a failed reply write). */
        public Builder errorHandler(BiConsumer<String, Throwable> h) {
            this.errorHandler = Objects.requireNonNull(h, "errorHandler");
            return this;
        }

        /**
         * Mounts at {@code mountpoint}, answers INIT, and starts serving.
         *
         * @throws IOException the mount failed (with its cause), or the kernel's protocol is too old
         */
        public FuseServer mount(Path mountpoint) throws IOException {
            if (passthroughIo && writebackCache) {
                throw new IllegalArgumentException("passthroughIo and writebackCache exclude each other: the kernel"
                        + " turns passthrough off when the writeback cache is on");
            }
            FuseDevice device = FuseDevice.mount(mountpoint, options, mounter);
            Arena arena = Arena.ofShared();
            FuseServer server;
            ChannelNotifier notifier = null;
            try {
                FuseConnectionInfo info = negotiate(device, arena);
                if (transport == Transport.IO_URING
                        && (info.flags() & dev.weft.fuse.proto.FuseKernelLayout.FUSE_OVER_IO_URING) == 0) {
                    throw new IOException(FuseUring.whyNotOffered(info));
                }
                if (passthroughIo) {
                    if (!info.has(dev.weft.fuse.proto.FuseKernelLayout.FUSE_PASSTHROUGH)) {
                        throw new IOException("the kernel (FUSE 7." + info.kernelMinor() + ") did not grant "
                                + "FUSE_PASSTHROUGH: passthrough I/O needs Linux 6.9+ built with "
                                + "CONFIG_FUSE_PASSTHROUGH");
                    }
                    info = info.withBackingFiles(new ChannelBackingFiles(device.channel()));
                }
                notifier = new ChannelNotifier(device.channel(), info.minor());
                info = info.withNotifier(notifier);
                fs.init(info);
                server = new FuseServer(this, device, info, notifier, arena);
                server.start();
            } catch (IOException | RuntimeException | Error e) {
                if (notifier != null) {
                    notifier.close(); // init may have handed it to the file system
                }
                try {
                    device.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
                arena.close();
                throw e;
            }
            server.awaitRingRegistration();
            return server;
        }

        private FuseConnectionInfo negotiate(FuseDevice device, Arena arena) throws IOException {
            RequestBuffers b = new RequestBuffers.Pool(arena, 1).take();
            FuseChannel ch = device.channel();
            while (true) {
                long n = ch.read(b.callState, b.in);
                if (n < 0) {
                    if (n == -dev.weft.fuse.proto.LinuxErrno.EINTR || n == -dev.weft.fuse.proto.LinuxErrno.ENOENT) {
                        continue;
                    }
                    throw new IOException("reading FUSE_INIT from /dev/fuse failed with errno " + -n);
                }
                FuseRequest req;
                try {
                    req = FuseRequest.decode(b.in, n);
                } catch (FuseProtocolException e) {
                    throw new IOException("the kernel's first request is malformed: " + e.getMessage(), e);
                }
                if (req.opcode() != FuseOpcode.INIT) {
                    throw new IOException("the kernel's first request is " + req + ", not INIT");
                }
                InitNegotiation.Outcome o = InitNegotiation.answer(req, b.out, writebackCache,
                        transport == Transport.IO_URING,
                        readdirplus != null ? readdirplus : Operations.implementsReaddirplus(fs), passthroughIo,
                        fs.handlesKillPrivV2(), fs.truncatesOnOpen());
                long w = ch.write(b.callState, b.out, o.replyLength());
                if (o.failure() != null) {
                    throw o.failure();
                }
                if (w < 0) {
                    throw new IOException("writing the INIT reply failed with errno " + -w);
                }
                if (o.connection() != null) {
                    return o.connection();
                }
            }
        }
    }

    @Override
    public String toString() {
        return "FuseServer[" + mountpoint() + ", " + readers.size() + " threads, " + config.dispatch + ", "
                + config.idleOrder + (ringQueues.isEmpty() ? "" : ", " + ringQueues.size() + " io_uring queues")
                + "]";
    }
}
