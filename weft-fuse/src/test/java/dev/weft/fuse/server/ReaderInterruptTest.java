package dev.weft.fuse.server;

import dev.weft.fuse.FuseContext;
import dev.weft.fuse.FuseFilesystem;
import dev.weft.fuse.FuseOpen;
import dev.weft.fuse.proto.FuseOpcode;
import dev.weft.fuse.proto.LinuxErrno;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static dev.weft.fuse.proto.FuseKernelLayout.*;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code FUSE_INTERRUPT} of a READ whose handler is still running, sent as the kernel sends it (a request of its own
 * naming the READ's unique): the handler sees the interrupt, and the READ's reply is {@code -EINTR} even when the
 * handler gives up by throwing something other than {@code FuseException(EINTR)}.
 *
 * <p>The INTERRUPT must be read while the handler runs: by the same reader under threadlet dispatch (the blocked
 * handler's reader goes back to reading), or by a second reader under inline dispatch. With one reader and inline
 * dispatch nothing reads it until the handler returns (see {@link Dispatch#INLINE}).
 */
class ReaderInterruptTest {
    private static final long READ_UNIQUE = 100;
    private static final long SLOW_NODE = 5;

    /** A file system whose READ blocks until its request is interrupted, then gives up as {@link #giveUp} says. */
    static class SlowRead implements FuseFilesystem {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch never = new CountDownLatch(1);
        volatile boolean sawInterrupt;
        final boolean blockInterruptibly;

        /** {@code blockInterruptibly}: wait in {@code await()} (a threadlet's virtual thread is interrupted). */
        SlowRead(boolean blockInterruptibly) {
            this.blockInterruptibly = blockInterruptibly;
        }

        @Override
        public void getattr(FuseContext ctx, long nodeid, long fh, dev.weft.fuse.FuseAttr attr) {
            attr.ino(nodeid).mode(0040755).nlink(2);
        }

        @Override
        public void open(FuseContext ctx, long nodeid, int flags, FuseOpen open) {
        }

        @Override
        public int read(FuseContext ctx, long nodeid, long fh, long offset, MemorySegment dst) {
            entered.countDown();
            if (blockInterruptibly) {
                try {
                    never.await();
                } catch (InterruptedException e) {
                    sawInterrupt = ctx.isInterrupted();
                    throw new IllegalStateException("read of " + nodeid + " interrupted", e); // not a FuseException
                }
            } else {
                while (!ctx.isInterrupted()) {
                    Thread.onSpinWait();
                }
                sawInterrupt = true;
                throw new java.io.UncheckedIOException(new java.io.InterruptedIOException("gave up"));
            }
            throw new AssertionError("unreachable: the latch is never counted down");
        }
    }

    @Test
    void underThreadletDispatchOneReaderReadsTheInterruptAndTheReadEndsWithEintr() throws Throwable {
        assertAnInterruptedReadEndsWithEintr(new SlowRead(true), Dispatch.THREADLET, 1);
    }

    @Test
    void underInlineDispatchASecondReaderReadsTheInterruptAndTheReadEndsWithEintr() throws Throwable {
        assertAnInterruptedReadEndsWithEintr(new SlowRead(false), Dispatch.INLINE, 2);
    }

    @Test
    void aBugThatMeetsTheInterruptStillEndsWithEintrAndIsReported() throws Throwable {
        SlowRead buggy = new SlowRead(false) {
            @Override
            public int read(FuseContext ctx, long nodeid, long fh, long offset, MemorySegment dst) {
                entered.countDown();
                while (!ctx.isInterrupted()) {
                    Thread.onSpinWait();
                }
                sawInterrupt = true;
                throw new NullPointerException("a handler's own bug, not the interrupt");
            }
        };
        try (SocketKernel kernel = new SocketKernel(buggy, Dispatch.INLINE, 2)) {
            interruptASlowRead(kernel, buggy);
            assertEquals(new SocketKernel.Reply(-LinuxErrno.EINTR, READ_UNIQUE), kernel.reply());
            assertEquals(1, kernel.reported.size(), "the bug is reported, not lost: " + kernel.reported);
        }
    }

    /** Sends a slow READ, waits for its handler, then sends an INTERRUPT for it. */
    private static void interruptASlowRead(SocketKernel kernel, SlowRead fs) throws Throwable {
        MemorySegment read = kernel.request(FuseOpcode.READ, READ_UNIQUE, SLOW_NODE, FUSE_READ_IN.byteSize());
        handle(FUSE_READ_IN, "size").set(SocketKernel.body(read), 4096);
        kernel.send(read);
        assertTrue(fs.entered.await(20, TimeUnit.SECONDS), "the READ reached its handler");
        MemorySegment interrupt = kernel.request(FuseOpcode.INTERRUPT, READ_UNIQUE + 1, 0,
                FUSE_INTERRUPT_IN.byteSize());
        SocketKernel.body(interrupt).set(JAVA_LONG, 0, READ_UNIQUE); // fuse_interrupt_in.unique
        kernel.send(interrupt);
    }

    private static void assertAnInterruptedReadEndsWithEintr(SlowRead fs, Dispatch dispatch, int readers)
            throws Throwable {
        try (SocketKernel kernel = new SocketKernel(fs, dispatch, readers)) {
            interruptASlowRead(kernel, fs);
            assertEquals(new SocketKernel.Reply(-LinuxErrno.EINTR, READ_UNIQUE), kernel.reply(),
                    "the interrupted READ's reply (INTERRUPT itself gets none)");
            assertTrue(fs.sawInterrupt, "the handler saw the request interrupted");
            assertTrue(kernel.reported.isEmpty(), "giving up on an interrupt is no failure: " + kernel.reported);
            kernel.assertNextReplyIsGetattrOfTheRoot(READ_UNIQUE + 2);
        }
    }
}
