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

    private RequestBuffers(Arena arena) {
        long size = InitNegotiation.MAX_WRITE + InitNegotiation.HEADER_ROOM;
        this.in = arena.allocate(size + PAGE, PAGE).asSlice(PAGE - WRITE_DATA_OFFSET, size);
        this.out = arena.allocate(size + PAGE, PAGE).asSlice(PAGE - READ_DATA_OFFSET, size);
        this.callState = FuseChannel.newCallState(arena);
    }

    /** Sets of buffers for handlers that blocked; never shrinks (its high-water mark is the blocked handlers). */
    static final class Pool {
        private final Arena arena;
        private final ConcurrentLinkedQueue<RequestBuffers> free = new ConcurrentLinkedQueue<>();

        Pool(Arena arena) {
            this.arena = arena;
        }

        RequestBuffers take() {
            RequestBuffers b = free.poll();
            return b != null ? b : new RequestBuffers(arena);
        }

        void give(RequestBuffers b) {
            free.offer(b);
        }
    }
}
