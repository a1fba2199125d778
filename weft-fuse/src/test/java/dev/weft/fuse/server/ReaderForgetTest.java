package dev.weft.fuse.server;

import dev.weft.fuse.FuseAttr;
import dev.weft.fuse.FuseContext;
import dev.weft.fuse.FuseFilesystem;
import dev.weft.fuse.proto.FuseOpcode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicLong;

import static dev.weft.fuse.proto.FuseKernelLayout.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * FORGET and BATCH_FORGET never get a reply, on any path: handled, malformed, or with a {@code forget} that throws.
 * Each case is followed by a GETATTR whose reply must be the next one the "kernel" reads; a reply to the FORGET
 * would come first.
 */
class ReaderForgetTest {

    /** Counts the references forgotten; throws on {@link #FAILING_NODE}. */
    static final class Forgetful implements FuseFilesystem {
        static final long FAILING_NODE = 66;
        final AtomicLong forgotten = new AtomicLong();

        @Override
        public void forget(long nodeid, long nlookup) {
            if (nodeid == FAILING_NODE) {
                throw new IllegalStateException("forget of " + nodeid + " failed");
            }
            forgotten.addAndGet(nlookup);
        }

        @Override
        public void getattr(FuseContext ctx, long nodeid, long fh, FuseAttr attr) {
            attr.ino(nodeid).mode(0040755).nlink(2);
        }
    }

    private static MemorySegment forget(SocketKernel kernel, long unique, long nodeid, long nlookup) {
        MemorySegment m = kernel.request(FuseOpcode.FORGET, unique, nodeid, FUSE_FORGET_IN.byteSize());
        handle(FUSE_FORGET_IN, "nlookup").set(SocketKernel.body(m), nlookup);
        return m;
    }

    private static MemorySegment batchForget(SocketKernel kernel, long unique, long... nodeids) {
        long one = FUSE_FORGET_ONE.byteSize();
        MemorySegment m = kernel.request(FuseOpcode.BATCH_FORGET, unique, 0,
                FUSE_BATCH_FORGET_IN.byteSize() + nodeids.length * one);
        MemorySegment body = SocketKernel.body(m);
        BATCH_FORGET_IN_COUNT.set(body, nodeids.length);
        for (int i = 0; i < nodeids.length; i++) {
            MemorySegment rec = body.asSlice(FUSE_BATCH_FORGET_IN.byteSize() + i * one, one);
            handle(FUSE_FORGET_ONE, "nodeid").set(rec, nodeids[i]);
            handle(FUSE_FORGET_ONE, "nlookup").set(rec, 1L);
        }
        return m;
    }

    @ParameterizedTest
    @EnumSource(value = Dispatch.class)
    void handledForgetsGetNoReply(Dispatch dispatch) throws Throwable {
        Forgetful fs = new Forgetful();
        try (SocketKernel kernel = new SocketKernel(fs, dispatch, 1)) {
            kernel.send(forget(kernel, 1, 5, 3));
            kernel.send(batchForget(kernel, 2, 5, 6));
            kernel.assertNextReplyIsGetattrOfTheRoot(3);
            assertEquals(5, fs.forgotten.get());
        }
    }

    @ParameterizedTest
    @EnumSource(value = Dispatch.class)
    void aForgetThatThrowsGetsNoReplyAndIsReported(Dispatch dispatch) throws Throwable {
        Forgetful fs = new Forgetful();
        try (SocketKernel kernel = new SocketKernel(fs, dispatch, 1)) {
            kernel.send(forget(kernel, 11, Forgetful.FAILING_NODE, 1));
            kernel.send(batchForget(kernel, 12, Forgetful.FAILING_NODE));
            kernel.assertNextReplyIsGetattrOfTheRoot(13);
            assertEquals(2, kernel.reported.stream().filter(s -> s.contains("gets no reply")).count(),
                    kernel.reported.toString());
        }
    }

    @Test
    void malformedForgetsGetNoReplyAndTheServerGoesOn() throws Throwable {
        try (SocketKernel kernel = new SocketKernel(new Forgetful(), Dispatch.INLINE, 1)) {
            kernel.send(kernel.request(FuseOpcode.FORGET, 21, 5, 0)); // no fuse_forget_in
            MemorySegment shortBatch = batchForget(kernel, 22, 5, 6);
            BATCH_FORGET_IN_COUNT.set(SocketKernel.body(shortBatch), 3); // states one record more than it holds
            kernel.send(shortBatch);
            MemorySegment truncated = forget(kernel, 23, 5, 1);
            IN_HEADER_LEN.set(truncated, (int) truncated.byteSize() + 8); // states more than was read
            kernel.send(truncated);
            kernel.assertNextReplyIsGetattrOfTheRoot(24);
            assertEquals(3, kernel.reported.stream().filter(s -> s.startsWith("malformed request")).count(),
                    kernel.reported.toString());
        }
    }
}
