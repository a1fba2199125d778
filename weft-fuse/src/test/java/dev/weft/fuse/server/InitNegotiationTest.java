package dev.weft.fuse.server;

import dev.weft.fuse.proto.FuseOpcode;
import dev.weft.fuse.proto.FuseReplyEncoder;
import dev.weft.fuse.proto.FuseRequest;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

import static dev.weft.fuse.proto.FuseKernelLayout.*;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.*;

/**
 * {@link InitNegotiation#answer} on hand-built INIT requests, as kernels of each kind send them: which versions are
 * accepted, what weft asks for, and that it claims nothing the kernel did not offer.
 */
class InitNegotiationTest {
    private static final int EPROTO = 71;
    private static final long ALL_OFFERED = -1L; // every flag of flags and flags2
    private static final long UNIQUE = 1;

    private static final VarHandle OUT_MAJOR = handle(FUSE_INIT_OUT, "major");
    private static final VarHandle OUT_MINOR = handle(FUSE_INIT_OUT, "minor");
    private static final VarHandle OUT_FLAGS = handle(FUSE_INIT_OUT, "flags");
    private static final VarHandle OUT_FLAGS2 = handle(FUSE_INIT_OUT, "flags2");
    private static final VarHandle OUT_MAX_WRITE = handle(FUSE_INIT_OUT, "max_write");
    private static final VarHandle OUT_MAX_PAGES = handle(FUSE_INIT_OUT, "max_pages");
    private static final VarHandle OUT_MAX_READAHEAD = handle(FUSE_INIT_OUT, "max_readahead");

    /** The flags issue 4 asks INIT for (WRITEBACK_CACHE aside), and the two weft adds (see README, INIT). */
    private static final long ASKED = FUSE_ASYNC_READ | FUSE_MAX_PAGES | FUSE_PARALLEL_DIROPS | FUSE_DO_READDIRPLUS
            | FUSE_READDIRPLUS_AUTO | FUSE_ASYNC_DIO | FUSE_INIT_EXT;
    private static final long ALSO_ASKED = FUSE_BIG_WRITES | FUSE_AUTO_INVAL_DATA;

    private final Arena arena = Arena.ofAuto();
    private final MemorySegment out = arena.allocate(4096, 8);

    /** The INIT a kernel of {@code major.minor} sends; {@code full}: with flags2 (7.36+), else the short form. */
    private FuseRequest init(int major, int minor, long offered, boolean full) throws Exception {
        long body = full ? FUSE_INIT_IN.byteSize() : INIT_IN_COMPAT_SIZE;
        MemorySegment m = arena.allocate(FUSE_IN_HEADER.byteSize() + body, 8);
        IN_HEADER_LEN.set(m, (int) m.byteSize());
        IN_HEADER_OPCODE.set(m, FuseOpcode.INIT.code());
        IN_HEADER_UNIQUE.set(m, UNIQUE);
        MemorySegment in = m.asSlice(FUSE_IN_HEADER.byteSize());
        // by offset: the struct's handles need the whole struct, and the short form is only its first 16 bytes
        in.set(JAVA_INT, offset(FUSE_INIT_IN, "major"), major);
        in.set(JAVA_INT, offset(FUSE_INIT_IN, "minor"), minor);
        in.set(JAVA_INT, offset(FUSE_INIT_IN, "max_readahead"), 128 * 1024);
        in.set(JAVA_INT, offset(FUSE_INIT_IN, "flags"), (int) offered);
        if (full) {
            in.set(JAVA_INT, offset(FUSE_INIT_IN, "flags2"), (int) (offered >>> 32));
        }
        return FuseRequest.decode(m, m.byteSize());
    }

    private InitNegotiation.Outcome answer(FuseRequest init, boolean writebackCache) {
        out.fill((byte) 0x5a); // nothing of an earlier reply is left to be read as this one's
        return InitNegotiation.answer(init, out, writebackCache, false, true, false, false, false);
    }

    private MemorySegment replyBody() {
        return out.asSlice(FuseReplyEncoder.headerSize(), FUSE_INIT_OUT.byteSize());
    }

    private long grantedFlags() {
        return initFlags((int) OUT_FLAGS.get(replyBody()), (int) OUT_FLAGS2.get(replyBody()));
    }

    private void assertOkReply(InitNegotiation.Outcome o) {
        assertEquals(FuseReplyEncoder.headerSize() + FUSE_INIT_OUT.byteSize(), o.replyLength());
        assertEquals(0, (int) OUT_HEADER_ERROR.get(out));
        assertEquals(UNIQUE, (long) OUT_HEADER_UNIQUE.get(out));
        assertNull(o.failure());
    }

    @Test
    void theOldestKernelWeftSupports731IsAccepted() throws Exception {
        InitNegotiation.Outcome o = answer(init(7, 31, ALL_OFFERED, false), false);
        assertOkReply(o);
        assertEquals(7, (int) OUT_MAJOR.get(replyBody()));
        assertEquals(31, (int) OUT_MINOR.get(replyBody()), "the connection runs at the kernel's minor");
        assertEquals(31, o.connection().minor());
    }

    @Test
    void a730KernelIsRefusedWithEproto() throws Exception {
        InitNegotiation.Outcome o = answer(init(7, 30, ALL_OFFERED, false), false);
        assertEquals(FuseReplyEncoder.headerSize(), o.replyLength(), "an error reply has no body");
        assertEquals(-EPROTO, (int) OUT_HEADER_ERROR.get(out));
        assertNull(o.connection());
        assertEquals("the kernel speaks FUSE 7.30; weft needs 7.31 or newer (Linux 5.4+)", o.failure().getMessage());
        assertNotNull(answer(init(6, 99, ALL_OFFERED, false), false).failure(), "an older major too");
        assertEquals(-EPROTO, (int) OUT_HEADER_ERROR.get(out));
    }

    @Test
    void aNewerMajorIsAnsweredWith745SoThatTheKernelRetries() throws Exception {
        InitNegotiation.Outcome o = answer(init(8, 1, ALL_OFFERED, true), false);
        assertOkReply(o);
        assertEquals(7, (int) OUT_MAJOR.get(replyBody()));
        assertEquals(45, (int) OUT_MINOR.get(replyBody()));
        assertEquals(0L, grantedFlags(), "nothing is negotiated in this round");
        assertNull(o.connection(), "the server waits for the kernel's next INIT");
    }

    @Test
    void aNewerMinorRunsAt745() throws Exception {
        InitNegotiation.Outcome o = answer(init(7, 46, ALL_OFFERED, true), false);
        assertOkReply(o);
        assertEquals(45, (int) OUT_MINOR.get(replyBody()));
        assertEquals(46, o.connection().kernelMinor());
    }

    @Test
    void aShortPre736InitWithoutFlags2IsAcceptedAndGrantsOnlyTheFirst32Flags() throws Exception {
        FuseRequest init = init(7, 35, ALL_OFFERED, false);
        assertEquals(INIT_IN_COMPAT_SIZE, init.fixedBody().byteSize(), "16 bytes: no flags2");
        InitNegotiation.Outcome o = answer(init, false);
        assertOkReply(o);
        assertEquals(0, (int) OUT_FLAGS2.get(replyBody()), "flags2 was never offered");
        assertEquals(ASKED | ALSO_ASKED, grantedFlags());
        assertEquals(ASKED | ALSO_ASKED, o.connection().flags());
    }

    @Test
    void initAsksForTheIssuesFlagsWithMaxWrite1MibAndMaxPages256() throws Exception {
        InitNegotiation.Outcome o = answer(init(7, 45, ALL_OFFERED, true), false);
        assertOkReply(o);
        assertEquals(ASKED | ALSO_ASKED, grantedFlags(), "exactly these, WRITEBACK_CACHE only when asked");
        assertEquals(1 << 20, (int) OUT_MAX_WRITE.get(replyBody()));
        assertEquals(256, Short.toUnsignedInt((short) OUT_MAX_PAGES.get(replyBody())));
        assertEquals(128 * 1024, (int) OUT_MAX_READAHEAD.get(replyBody()), "the kernel's readahead is kept");

        answer(init(7, 45, ALL_OFFERED, true), true);
        assertEquals(ASKED | ALSO_ASKED | FUSE_WRITEBACK_CACHE, grantedFlags(), "writebackCache(true) adds it");
    }

    @Test
    void flagsTheKernelDidNotOfferAreNotClaimed() throws Exception {
        long offered = FUSE_ASYNC_READ | FUSE_POSIX_LOCKS | FUSE_WRITEBACK_CACHE | FUSE_INIT_EXT | FUSE_PASSTHROUGH;
        InitNegotiation.Outcome o = answer(init(7, 45, offered, true), true);
        assertOkReply(o);
        assertEquals(FUSE_ASYNC_READ | FUSE_WRITEBACK_CACHE | FUSE_INIT_EXT, grantedFlags(),
                "offered and asked for; POSIX_LOCKS and PASSTHROUGH offered but not asked for");
        assertEquals(grantedFlags(), o.connection().flags());

        answer(init(7, 45, 0, true), false);
        assertEquals(0L, grantedFlags(), "a kernel that offers nothing is granted nothing");
    }
}
