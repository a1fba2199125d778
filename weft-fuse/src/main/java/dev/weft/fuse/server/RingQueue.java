package dev.weft.fuse.server;

import dev.weft.fuse.kernel.FuseChannel;
import dev.weft.fuse.proto.FuseOpcode;
import dev.weft.fuse.proto.FuseProtocolException;
import dev.weft.fuse.proto.FuseReplyEncoder;
import dev.weft.fuse.proto.FuseRequest;
import dev.weft.fuse.proto.FuseRingEntry;
import dev.weft.fuse.proto.LinuxErrno;
import dev.weft.sched.ConcurrencyGroup;
import dev.weft.sched.internal.CpuAffinity;
import dev.weft.threadlet.Threadlet;
import dev.weft.uring.IoUring;
import dev.weft.uring.kernel.IoUringConstants;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BiConsumer;

import static dev.weft.fuse.proto.FuseKernelLayout.FUSE_IO_URING_CMD_COMMIT_AND_FETCH;
import static dev.weft.fuse.proto.FuseKernelLayout.FUSE_IO_URING_CMD_REGISTER;
import static dev.weft.fuse.proto.FuseKernelLayout.FUSE_OUT_HEADER;
import static dev.weft.fuse.proto.FuseKernelLayout.FUSE_URING_CMD_REQ;
import static dev.weft.fuse.proto.FuseKernelLayout.handle;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * One thread of a queue of FUSE over io_uring: a platform thread pinned to CPU {@code qid}, which owns an io_uring
 * and serves the kernel's queue {@code qid}, the queue of the requests that tasks running on that CPU make (a queue
 * may have several such threads, each with entries of its own; the kernel fills the entry that became free last). The
 * requester sleeps, the kernel posts the request to an entry of this queue and wakes this thread on the same CPU; the
 * thread handles it inline and commits the reply with the next fetch in one SQE, which wakes the requester, again on
 * the same CPU. These are the CPU-local wake-ups of seed 003: no cross-CPU wake-up (an IPI on these VMs) and no
 * {@code read}/{@code write} on {@code /dev/fuse} per request.
 *
 * <h2>Entries</h2>
 * {@code depth} entries, each registered with {@code FUSE_IO_URING_CMD_REGISTER} (its two buffers as an iovec pair:
 * the {@code fuse_uring_req_header} and a payload of the connection's maximum size) and answered with {@code
 * FUSE_IO_URING_CMD_COMMIT_AND_FETCH}. The reply buffer is laid out so that a reply's arguments land at the start of
 * the payload: the reply buffer begins {@code sizeof(fuse_out_header)} bytes before it, and READ data is read
 * straight into the page-aligned payload. A request is copied into a private buffer in {@code /dev/fuse}'s layout
 * (see {@link FuseRingEntry}), so the same decoder and handlers serve both transports.
 *
 * <h2>Dispatch</h2>
 * Inline: the thread runs each handler itself and commits its reply at once. Threadlet (a group is given): the
 * thread runs each handler as a threadlet, inline unless it blocks. A handler that blocks keeps its entry (its reply
 * goes into that entry's buffer) and its request buffer; the thread takes another request buffer and goes on serving
 * its other entries. When the handler ends, on one of the group's servers, it queues its entry in {@code finished}
 * and wakes the ring ({@link IoUring#wakeup}); the thread commits the reply with the next fetch, as it does for its
 * own. So a blocked handler costs the queue one entry, not a thread.
 *
 * <h2>Ending</h2>
 * When the connection ends (unmount, abort) the kernel completes each entry's command with an error ({@code
 * ENOTCONN}); the thread ends when every command has ended, and does not wait for entries held by blocked handlers
 * (the kernel posts no CQE for those: the server tells the thread through {@link #connectionGone} when its
 * {@code /dev/fuse} reader saw the end; nothing can be committed on a connection that ended; the handlers still
 * reply into their buffers, which belong to the server and are freed only when no request is in flight). FORGET and
 * INTERRUPT never come through a ring: the kernel sends them on {@code /dev/fuse}, where the server keeps a reader.
 */
final class RingQueue implements Runnable {
    private static final VarHandle CMD_COMMIT_ID = handle(FUSE_URING_CMD_REQ, "commit_id");
    private static final VarHandle CMD_QID = handle(FUSE_URING_CMD_REQ, "qid");
    private static final long OUT_HEADER = FUSE_OUT_HEADER.byteSize();
    private static final long PAGE = RequestBuffers.PAGE;
    /** {@link #serve}'s answer for a request whose handler blocked and still holds the entry. */
    private static final long HELD = -1;

    private final int qid;
    private final int depth;
    private final long payloadSize;
    private final FuseChannel channel;
    private final Operations operations;
    private final InFlightRequests inFlight;
    private final BiConsumer<String, Throwable> errorHandler;
    private final Runnable onDestroy;
    private final Runnable onRegistered;
    /** The group that runs the handlers as threadlets, or null for inline dispatch. */
    private final ConcurrencyGroup group;
    /** The server's: entries and request buffers outlive this thread while blocked handlers still use them. */
    private final Arena arena;
    /** Entries whose blocked handler has replied, for the owner to commit; any thread offers. */
    private final ConcurrentLinkedQueue<Finished> finished = new ConcurrentLinkedQueue<>();
    /** Set by the owner once the ring is open; read by blocked handlers when they finish, to wake it. */
    private volatile IoUring ring;
    /** Whether {@link #onRegistered} ran; the owner's. */
    private boolean registeredSignalled;

    volatile long requests;
    /** Requests served by this thread, by opcode. */
    final OpcodeCounter opcodes = new OpcodeCounter();
    volatile long replies;
    volatile long errors;
    /** Handlers that blocked and went on as threadlets off this thread. */
    volatile long blockedHandlers;
    /** Entries with a command in the kernel (registered, or committed and fetching); the owner's. */
    private int live;
    /** Entries held by blocked handlers; the owner's. */
    private int held;
    /** Whether a command ended because the connection did; the owner's. See {@link #connectionOver}. */
    private boolean connectionEnded;
    /** Set when a {@code /dev/fuse} reader ended: the connection is gone (see {@link #connectionGone}). */
    private volatile boolean gone;
    /** The buffer the next request is copied into, and spares given back by handlers that blocked; the owner's. */
    private MemorySegment in;
    private final ArrayDeque<MemorySegment> spareIns = new ArrayDeque<>();

    RingQueue(int qid, int depth, long payloadSize, FuseChannel channel, Operations operations,
            InFlightRequests inFlight, BiConsumer<String, Throwable> errorHandler, Runnable onDestroy,
            Runnable onRegistered, ConcurrencyGroup group, Arena arena) {
        this.qid = qid;
        this.depth = depth;
        this.payloadSize = payloadSize;
        this.channel = channel;
        this.operations = operations;
        this.inFlight = inFlight;
        this.errorHandler = errorHandler;
        this.onDestroy = onDestroy;
        this.onRegistered = onRegistered;
        this.group = group;
        this.arena = arena;
    }

    /** An entry whose blocked handler has written its reply (of {@code length} bytes) and its request buffer. */
    private record Finished(int index, long length, MemorySegment in) {
    }

    int qid() {
        return qid;
    }

    /** One registered entry: its two buffers, the iovec pair naming them, and the reply view. */
    private record Entry(MemorySegment headers, MemorySegment payload, MemorySegment out, MemorySegment iovecs) {
        static Entry allocate(Arena arena, long payloadSize) {
            MemorySegment headers = arena.allocate(FuseRingEntry.headersSize(), 64).fill((byte) 0);
            MemorySegment region = arena.allocate(PAGE + payloadSize, PAGE);
            MemorySegment payload = region.asSlice(PAGE, payloadSize);
            MemorySegment out = region.asSlice(PAGE - OUT_HEADER, OUT_HEADER + payloadSize);
            MemorySegment iovecs = arena.allocate(32, 8);
            iovecs.set(JAVA_LONG, 0, headers.address());
            iovecs.set(JAVA_LONG, 8, headers.byteSize());
            iovecs.set(JAVA_LONG, 16, payload.address());
            iovecs.set(JAVA_LONG, 24, payload.byteSize());
            return new Entry(headers, payload, out, iovecs);
        }
    }

    /**
     * Serves the queue until the connection ends. Runs {@code onRegistered} once: when its entries are registered
     * (the kernel registers an entry while it submits the command), or when the thread fails before that.
     */
    @Override
    public void run() {
        try {
            serveQueue();
        } finally {
            signalRegistered();
        }
    }

    private void signalRegistered() {
        if (!registeredSignalled) {
            registeredSignalled = true;
            onRegistered.run();
        }
    }

    private void serveQueue() {
        try {
            CpuAffinity.pinCurrentThread(qid);
        } catch (RuntimeException notAllowed) {
            // a CPU outside this process's affinity mask: the queue still works, its wake-ups are just not local
        }
        try (IoUring ring = IoUring.open(Math.max(8, 2 * depth),
                IoUring.attemptsWith(IoUringConstants.IORING_SETUP_SQE128))) {
            this.ring = ring;
            in = allocateIn();
            MemorySegment cmd = arena.allocate(FUSE_URING_CMD_REQ);
            Entry[] entries = new Entry[depth];
            for (int i = 0; i < depth; i++) {
                entries[i] = Entry.allocate(arena, payloadSize);
                submitCommand(ring, cmd, i, entries[i], FUSE_IO_URING_CMD_REGISTER, 0);
            }
            live = depth;
            ring.submit();
            signalRegistered();
            while (live > 0 || (held > 0 && !connectionOver())) {
                ring.submitAndWait(1); // also ends when a blocked handler finished, or the connection did (wakeup)
                ring.forEachCompletion((ud, res, flags) -> {
                    int i = (int) ud;
                    live--;
                    if (res < 0) {
                        if (isConnectionEnd(res)) {
                            connectionEnded = true;
                        } else {
                            errors++;
                            errorHandler.accept("FUSE io_uring queue " + qid + ": an entry's command failed with "
                                    + dev.weft.uring.kernel.LinuxErrno.name(res) + "; the entry is dropped", null);
                        }
                        return;
                    }
                    Entry e = entries[i];
                    long reply = serve(e, i);
                    if (reply == HELD) {
                        held++;
                    } else {
                        commit(ring, cmd, i, e, reply);
                    }
                });
                for (Finished f; (f = finished.poll()) != null; ) {
                    held--;
                    spareIns.push(f.in());
                    if (!connectionOver()) {
                        commit(ring, cmd, f.index(), entries[f.index()], f.length());
                    }
                }
            }
        } finally {
            ring = null;
        }
    }

    /** Whether the connection has ended, as a command's error or a {@code /dev/fuse} reader said. */
    private boolean connectionOver() {
        return connectionEnded || gone;
    }

    /**
     * The connection ended (a {@code /dev/fuse} reader saw it; any thread). Entries with a command in the kernel end
     * with an error CQE; entries held by blocked handlers get none, so the thread learns of it here and stops waiting
     * for them.
     */
    void connectionGone() {
        gone = true;
        IoUring r = ring;
        if (r != null) {
            r.wakeup();
        }
    }

    /** A request buffer in {@code /dev/fuse}'s layout, its WRITE data page-aligned as {@link RequestBuffers}'. */
    private MemorySegment allocateIn() {
        long inSize = InitNegotiation.MAX_WRITE + InitNegotiation.HEADER_ROOM;
        return arena.allocate(inSize + PAGE, PAGE).asSlice(PAGE - RequestBuffers.WRITE_DATA_OFFSET, inSize);
    }

    /** Commits the reply of {@code length} bytes in entry {@code i} and fetches its next request, in one SQE. */
    private void commit(IoUring ring, MemorySegment cmd, int i, Entry e, long length) {
        FuseRingEntry.fromReply(e.out, length, e.headers);
        submitCommand(ring, cmd, i, e, FUSE_IO_URING_CMD_COMMIT_AND_FETCH, FuseRingEntry.commitId(e.headers));
        live++;
        replies++;
    }

    private void submitCommand(IoUring ring, MemorySegment cmd, int index, Entry e, int op, long commitId) {
        cmd.fill((byte) 0);
        CMD_COMMIT_ID.set(cmd, commitId);
        CMD_QID.set(cmd, (short) qid);
        ring.sqe().uringCmd(index, channel.descriptor(), op, e.iovecs, 2, cmd);
    }

    private static boolean isConnectionEnd(int res) {
        return res == -LinuxErrno.ENOTCONN || res == -LinuxErrno.ECONNABORTED || res == -LinuxErrno.ENODEV
                || res == -dev.weft.uring.kernel.LinuxErrno.ECANCELED;
    }

    /**
     * Handles the request in entry {@code e} (number {@code index}); returns the length of the reply written into
     * {@code e.out}, or {@link #HELD} when the handler blocked as a threadlet: it replies into {@code e.out} later and
     * queues the entry in {@link #finished}.
     */
    private long serve(Entry e, int index) {
        requests++;
        long commitId = FuseRingEntry.commitId(e.headers);
        FuseRequest req;
        try {
            req = FuseRequest.decode(in, FuseRingEntry.toRequest(e.headers, e.payload, in));
        } catch (FuseProtocolException x) {
            errors++;
            errorHandler.accept("malformed request on io_uring queue " + qid + ": " + x.getMessage(), null);
            return FuseReplyEncoder.replyError(e.out, commitId, x.errno());
        }
        FuseOpcode op = req.opcode();
        opcodes.count(op);
        if (op == FuseOpcode.DESTROY) {
            onDestroy.run();
            return FuseReplyEncoder.replyOk(e.out, req.unique(), 0);
        }
        if (op == FuseOpcode.INIT || op == FuseOpcode.INTERRUPT || op == FuseOpcode.FORGET
                || op == FuseOpcode.BATCH_FORGET) {
            // the kernel sends these on /dev/fuse; here they would have no request to commit to
            return FuseReplyEncoder.replyError(e.out, req.unique(), LinuxErrno.EINVAL);
        }
        RequestContext ctx = new RequestContext(req.unique(), req.uid(), req.gid(), req.pid());
        inFlight.register(ctx);
        if (group == null) {
            try {
                return replyLength(Reader.handleRequest(operations, errorHandler, req, ctx, e.out), req, e);
            } finally {
                // the reply goes out with this thread's next commit; the server frees the entries only once no
                // request is in flight and the queue threads have ended
                inFlight.unregister(ctx);
            }
        }
        return serveAsThreadlet(req, ctx, e, index);
    }

    /**
     * Runs the handler as a threadlet. The request leaves the in-flight set only once its reply is written and, if
     * it blocked, queued for the commit: the server frees the entries once no request is in flight.
     */
    private long serveAsThreadlet(FuseRequest req, RequestContext ctx, Entry e, int index) {
        Threadlet<Long> t;
        try {
            t = Reader.execHandler(group, ctx,
                    () -> replyLength(Reader.handleRequest(operations, errorHandler, req, ctx, e.out), req, e));
        } catch (RuntimeException x) {
            // the handler never started (the group was shut down, say): the request still gets its reply
            inFlight.unregister(ctx);
            errorHandler.accept("could not start the handler of " + req + " as a threadlet; replying EIO", x);
            return FuseReplyEncoder.replyError(e.out, req.unique(), LinuxErrno.EIO);
        }
        if (t.isDone()) {
            try {
                return t.join();
            } catch (RuntimeException | Error x) {
                return failedReply(req, e, x);
            } finally {
                inFlight.unregister(ctx);
            }
        }
        // the handler blocked: it keeps the entry and the request buffer; this thread goes on with a fresh one
        blockedHandlers++;
        MemorySegment itsIn = in;
        in = spareIns.isEmpty() ? allocateIn() : spareIns.pop();
        t.onComplete((length, failure) -> {
            try {
                finished.offer(new Finished(index, length != null ? length : failedReply(req, e, failure), itsIn));
                IoUring r = ring;
                if (r != null) {
                    r.wakeup(); // once the thread ended (so did the connection) nothing is left to commit
                }
            } finally {
                inFlight.unregister(ctx);
            }
        });
        return HELD;
    }

    /**
     * The body catches what the handler throws; this is for an error past it (out of memory, say). The reply comes
     * first: a failing error handler must not cost the entry.
     */
    private long failedReply(FuseRequest req, Entry e, Throwable failure) {
        long len = FuseReplyEncoder.replyError(e.out, req.unique(), LinuxErrno.EIO);
        try {
            errorHandler.accept("the threadlet of " + req + " failed; replying EIO", failure);
        } catch (RuntimeException | Error ignored) {
            // the entry's reply is written; nothing else to save
        }
        return len;
    }

    private static long replyLength(long len, FuseRequest req, Entry e) {
        return len == Operations.NO_REPLY ? FuseReplyEncoder.replyOk(e.out, req.unique(), 0) : len;
    }
}
