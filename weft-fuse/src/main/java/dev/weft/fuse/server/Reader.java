package dev.weft.fuse.server;

import dev.weft.fuse.FuseException;
import dev.weft.fuse.kernel.FuseChannel;
import dev.weft.fuse.proto.FuseOpcode;
import dev.weft.fuse.proto.FuseProtocolException;
import dev.weft.fuse.proto.FuseReplyEncoder;
import dev.weft.fuse.proto.FuseRequest;
import dev.weft.fuse.proto.LinuxErrno;
import dev.weft.sched.ConcurrencyGroup;
import dev.weft.threadlet.Threadlet;
import dev.weft.threadlet.Threadlets;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

import static dev.weft.fuse.proto.FuseKernelLayout.FUSE_INTERRUPT_IN;
import static dev.weft.fuse.proto.FuseKernelLayout.handle;

/**
 * One server thread: reads requests from its own channel (a cloned {@code /dev/fuse} descriptor), and runs each
 * request's handler inline or as a threadlet ({@link Dispatch}). With {@link IdleOrder#LIFO} it reads only while it
 * holds the {@link ReaderHandoff} token.
 *
 * <p>Counters are written by this thread (and, for requests of handlers that blocked, by the virtual thread that
 * finishes them: {@link #replies} and {@link #errors} are updated atomically) and read racily by stats.
 */
final class Reader implements Runnable {
    private static final VarHandle INTERRUPT_UNIQUE = handle(FUSE_INTERRUPT_IN, "unique");
    private static final VarHandle REPLIES;
    private static final VarHandle ERRORS;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            REPLIES = l.findVarHandle(Reader.class, "replies", long.class);
            ERRORS = l.findVarHandle(Reader.class, "errors", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final int index;
    private final FuseChannel channel;
    private final Operations operations;
    private final InFlightRequests inFlight;
    private final Dispatch dispatch;
    private final ConcurrencyGroup group;
    private final ReaderHandoff handoff;
    private final RequestBuffers.Pool pool;
    private final BiConsumer<String, Throwable> errorHandler;
    private final Runnable onDestroy;
    private final long readSpinNanos;
    private final MemorySegment pollfd;
    private RequestBuffers buffers;
    ReaderHandoff.Follower follower;

    volatile long requests;
    volatile long replies;
    volatile long errors;
    volatile long interrupts;
    /** Requests read, by opcode. */
    final OpcodeCounter opcodes = new OpcodeCounter();
    volatile long blockedHandlers;
    volatile long spunReads;
    volatile long polls;

    Reader(int index, FuseChannel channel, Operations operations, InFlightRequests inFlight, Dispatch dispatch,
            ConcurrencyGroup group, ReaderHandoff handoff, RequestBuffers.Pool pool,
            BiConsumer<String, Throwable> errorHandler, Runnable onDestroy, long readSpinNanos,
            MemorySegment pollfd) {
        this.index = index;
        this.channel = channel;
        this.operations = operations;
        this.inFlight = inFlight;
        this.dispatch = dispatch;
        this.group = group;
        this.handoff = handoff;
        this.pool = pool;
        this.errorHandler = errorHandler;
        this.onDestroy = onDestroy;
        this.readSpinNanos = readSpinNanos;
        this.pollfd = pollfd;
    }

    int index() {
        return index;
    }

    @Override
    public void run() {
        try {
            serve();
        } finally {
            if (buffers != null) {
                pool.give(buffers); // a set made past the pool's bound is freed here
                buffers = null;
            }
        }
    }

    private void serve() {
        buffers = pool.take();
        while (true) {
            if (handoff != null && !handoff.acquire(follower)) {
                return;
            }
            long n = channel.read(buffers.callState, buffers.in);
            if (n == -LinuxErrno.EAGAIN && channel.isNonBlocking()) {
                n = awaitRequest();
            }
            if (handoff != null) {
                handoff.release();
            }
            if (n <= 0) {
                if (n == 0 || FuseChannel.isGone(n)) { // 0: end of file, which /dev/fuse never returns
                    inFlight.interruptAll(); // unmounted or aborted: nobody waits for the requests still handled
                    return;
                }
                if (n == -LinuxErrno.ENOENT || n == -LinuxErrno.EINTR || n == -LinuxErrno.EAGAIN) {
                    continue;
                }
                errorHandler.accept("read(/dev/fuse) failed with errno " + -n + "; the server stops", null);
                return;
            }
            requests++;
            if (!process(n)) {
                return;
            }
        }
    }

    /**
     * On a non-blocking channel with no request queued: read again for up to {@link #readSpinNanos} (a requester
     * that just got its reply often sends its next request within microseconds, and finding it here spares both
     * sides a sleep and a wake-up), then wait in {@code poll} and read.
     */
    private long awaitRequest() {
        RequestBuffers b = buffers;
        long n = -LinuxErrno.EAGAIN;
        if (readSpinNanos > 0) {
            long deadline = System.nanoTime() + readSpinNanos;
            do {
                Thread.onSpinWait();
                n = channel.read(b.callState, b.in);
            } while (n == -LinuxErrno.EAGAIN && System.nanoTime() - deadline < 0);
            if (n != -LinuxErrno.EAGAIN) {
                spunReads++;
                return n;
            }
        }
        while (n == -LinuxErrno.EAGAIN) {
            polls++;
            int p = channel.awaitReadable(b.callState, pollfd);
            if (p < 0 && p != -LinuxErrno.EINTR) {
                return p;
            }
            n = channel.read(b.callState, b.in);
        }
        return n;
    }

    /** Handles one request of {@code length} bytes in {@link #buffers}; false when the file system was destroyed. */
    private boolean process(long length) {
        FuseRequest req;
        RequestBuffers b = buffers;
        try {
            req = FuseRequest.decode(b.in, length);
        } catch (FuseProtocolException e) {
            errorHandler.accept("malformed request: " + e.getMessage(), null);
            if (e.replyTo().isPresent()) { // none without a unique, nor for a FORGET or BATCH_FORGET
                reply(b, FuseReplyEncoder.replyError(b.out, e.replyTo().getAsLong(), e.errno()));
            }
            return true;
        }
        FuseOpcode op = req.opcode();
        opcodes.count(op);
        if (op == FuseOpcode.INTERRUPT) {
            interrupts++;
            inFlight.interrupt((long) INTERRUPT_UNIQUE.get(req.fixedBody()));
            return true;
        }
        if (op == FuseOpcode.DESTROY) {
            onDestroy.run();
            reply(b, FuseReplyEncoder.replyOk(b.out, req.unique(), 0));
            return false;
        }
        if (op == FuseOpcode.INIT) {
            reply(b, FuseReplyEncoder.replyError(b.out, req.unique(), LinuxErrno.EINVAL));
            return true;
        }
        RequestContext ctx = new RequestContext(req.unique(), req.uid(), req.gid(), req.pid());
        inFlight.register(ctx);
        if (dispatch == Dispatch.INLINE) {
            handleAndReply(req, ctx, b);
            return true;
        }
        Threadlet<Void> t;
        try {
            t = execHandler(group, ctx, () -> {
                handleAndReply(req, ctx, b);
                return null;
            });
        } catch (RuntimeException e) {
            // the handler never started (the group was shut down, say): the request still gets its reply, and
            // leaves the in-flight set, or the server's close would wait for it forever
            try {
                errorHandler.accept("could not start the handler of " + req + " as a threadlet; replying EIO", e);
                reply(b, FuseReplyEncoder.replyError(b.out, req.unique(), LinuxErrno.EIO));
            } finally {
                inFlight.unregister(ctx);
            }
            return true;
        }
        if (!t.isDone()) {
            // the handler blocked and keeps b; it returns b to the pool when it has replied
            blockedHandlers++;
            t.onComplete((v, failure) -> pool.give(b));
            buffers = pool.take();
        }
        return true;
    }

    /** Handles and replies, and only then leaves {@code inFlight}: the server frees the buffers once it is empty. */
    private void handleAndReply(FuseRequest req, RequestContext ctx, RequestBuffers b) {
        try {
            long len = handleRequest(operations, errorHandler, req, ctx, b.out);
            if (len != Operations.NO_REPLY) {
                // an interrupted request still gets the handler's own reply when it finished, since what it did
                // (an open file, a created name) has happened; EINTR when it gave up (threw)
                reply(b, len);
            }
        } finally {
            inFlight.unregister(ctx);
        }
    }

    /**
     * Starts {@code handler} as a threadlet of {@code group}, the virtual thread it runs on recorded in {@code ctx}
     * while it runs, so that the request's INTERRUPT reaches it. Shared by both transports.
     */
    static <T> Threadlet<T> execHandler(ConcurrencyGroup group, RequestContext ctx, Supplier<T> handler) {
        return Threadlets.exec(group, () -> {
            ctx.handlerThread(Thread.currentThread());
            try {
                return handler.get();
            } finally {
                ctx.handlerThread(null);
            }
        });
    }

    /**
     * Runs the handler of {@code req} (registered in the in-flight requests as {@code ctx}; the caller unregisters
     * it once the reply is out) and writes its reply into {@code out}; returns the reply's length or
     * {@link Operations#NO_REPLY}. Shared by both transports. When the handler throws:
     * <ul>
     *   <li>FORGET and BATCH_FORGET still get no reply (the failure goes to {@code errorHandler});</li>
     *   <li>an interrupted request ({@code FUSE_INTERRUPT}) ends with EINTR, whatever the handler threw: a handler
     *       that gave up may throw a {@link FuseException} of another errno or a wrapped
     *       {@link InterruptedException}, and its caller must learn that it was interrupted;</li>
     *   <li>otherwise a {@link FuseException} becomes its errno, any other exception EIO (and goes to
     *       {@code errorHandler}).</li>
     * </ul>
     */
    static long handleRequest(Operations operations, BiConsumer<String, Throwable> errorHandler, FuseRequest req,
            RequestContext ctx, MemorySegment out) {
        try {
            return operations.dispatch(req, ctx, out);
        } catch (FuseException | RuntimeException | Error e) {
            return failedReply(errorHandler, req, ctx, out, e);
        }
    }

    private static long failedReply(BiConsumer<String, Throwable> errorHandler, FuseRequest req, RequestContext ctx,
            MemorySegment out, Throwable failure) {
        if (req.isKnown() && req.opcode().isNoReply()) {
            errorHandler.accept("handler for " + req + " failed; " + req.opcode() + " gets no reply", failure);
            return Operations.NO_REPLY;
        }
        if (ctx.isInterrupted()) {
            if (!(failure instanceof FuseException) && !causedByInterrupt(failure)) {
                // a bug of the handler's (an NPE, say) that the interrupt happened to meet: not lost
                errorHandler.accept("handler for interrupted " + req + " failed; replying EINTR", failure);
            }
            return FuseReplyEncoder.replyError(out, req.unique(), LinuxErrno.EINTR);
        }
        if (failure instanceof FuseException e) {
            return FuseReplyEncoder.replyError(out, req.unique(), e.errno());
        }
        errorHandler.accept("handler for " + req + " failed; replying EIO", failure);
        return FuseReplyEncoder.replyError(out, req.unique(), LinuxErrno.EIO);
    }

    /** Whether an interrupt is in {@code t}'s cause chain: what an interrupted blocking call throws, wrapped. */
    private static boolean causedByInterrupt(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof InterruptedException || c instanceof java.io.InterruptedIOException
                    || c instanceof java.nio.channels.ClosedByInterruptException) {
                return true;
            }
        }
        return false;
    }

    private void reply(RequestBuffers b, long len) {
        long w = channel.write(b.callState, b.out, len);
        if (w >= 0) {
            REPLIES.getAndAdd(this, 1L);
        } else if (w != -LinuxErrno.ENOENT && w != -LinuxErrno.ENODEV) {
            // ENOENT: the request was aborted or its caller is gone; ENODEV: unmounted meanwhile
            ERRORS.getAndAdd(this, 1L);
            errorHandler.accept("write(/dev/fuse) of a " + len + "-byte reply failed with errno " + -w, null);
        }
    }
}
