package dev.weft.fuse.server;

import dev.weft.fuse.kernel.FuseChannel;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.ConcurrentLinkedQueue;

import static dev.weft.fuse.proto.FuseKernelLayout.FUSE_IN_HEADER;
import static dev.weft.fuse.proto.FuseKernelLayout.FUSE_OUT_HEADER;
import static dev.weft.fuse.proto.FuseKernelLayout.FUSE_WRITE_IN;

/**
 * A request buffer, a reply buffer and a call-state segment: what one request needs from read to reply. A reader
 * owns one set; under threadlet dispatch a handler that blocks keeps the set it was read into, and the reader takes
 * another from the {@link Pool}. Native memory from one shared arena, freed when the server closes.
 *
 * <h2>Alignment</h2>
 * READ data is read straight into the reply after its {@code fuse_out_header}, and WRITE data is written straight
 * from the request after {@code fuse_in_header} and {@code fuse_write_in}. A passthrough that opened the backing file
 * with {@code O_DIRECT} needs those bytes aligned (512 bytes or the page), so each buffer starts that many bytes
 * before a page boundary: the data then begins on one.
 */
final class RequestBuffers {
    static final long PAGE = 4096;
    /** Where WRITE data starts in a request: after the header and {@code fuse_write_in}. */
    static final long WRITE_DATA_OFFSET = FUSE_IN_HEADER.byteSize() + FUSE_WRITE_IN.byteSize();
    /** Where READ data starts in a reply: after the header. */
    static final long READ_DATA_OFFSET = FUSE_OUT_HEADER.byteSize();

    final MemorySegment in;
    final MemorySegment out;
    final MemorySegment callState;
    /** The set's own arena when it was made past the pool's bound (freed when given back), else null. */
    private final Arena own;

    private RequestBuffers(Arena arena, Arena own) {
        this.own = own;
        long size = InitNegotiation.MAX_WRITE + InitNegotiation.HEADER_ROOM;
        this.in = arena.allocate(size + PAGE, PAGE).asSlice(PAGE - WRITE_DATA_OFFSET, size);
        this.out = arena.allocate(size + PAGE, PAGE).asSlice(PAGE - READ_DATA_OFFSET, size);
        this.callState = FuseChannel.newCallState(arena);
    }

    /**
     * The sets of the readers and of handlers that blocked (threadlet dispatch). Up to {@code max} sets (about 2 MiB
     * each) are kept for reuse until the server closes; a set taken past that bound has an arena of its own and is
     * freed when given back. So memory held after a burst of blocked handlers returns to the bound, and a reader never
     * waits for a set: a reader that stopped reading until some handler replied could wait forever on a handler that
     * waits for a request only a reader can bring (a WRITE, an INTERRUPT).
     */
    static final class Pool {
        private final Arena arena;
        private final int max;
        private final java.util.ArrayDeque<RequestBuffers> free = new java.util.ArrayDeque<>(); // guarded by this
        private int kept; // sets made from the shared arena; guarded by this
        private int extra; // sets past the bound now out; guarded by this

        Pool(Arena arena, int max) {
            if (max < 1) {
                throw new IllegalArgumentException("a pool keeps at least one set, got " + max);
            }
            this.arena = arena;
            this.max = max;
        }

        /** A free set, a new kept one while fewer than {@code max} exist, or else a new one freed when given back. */
        RequestBuffers take() {
            synchronized (this) {
                RequestBuffers b = free.poll();
                if (b != null) {
                    return b;
                }
                if (kept < max) {
                    kept++;
                    return new RequestBuffers(arena, null);
                }
                extra++;
            }
            Arena own = Arena.ofShared();
            return new RequestBuffers(own, own);
        }

        void give(RequestBuffers b) {
            if (b.own != null) {
                b.own.close();
                synchronized (this) {
                    extra--;
                }
                return;
            }
            synchronized (this) {
                free.push(b);
            }
        }

        /** Sets kept for reuse (at most {@code max}). */
        synchronized int kept() {
            return kept;
        }

        /** Sets past the bound now taken. */
        synchronized int extra() {
            return extra;
        }
    }
}
