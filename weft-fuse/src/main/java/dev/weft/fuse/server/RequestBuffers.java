package dev.weft.fuse.server;

import dev.weft.fuse.kernel.FuseChannel;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A request buffer, a reply buffer and a call-state segment: what one request needs from read to reply. A reader
 * owns one set; under threadlet dispatch a handler that blocks keeps the set it was read into, and the reader takes
 * another from the {@link Pool}. Native memory from one shared arena, freed when the server closes.
 */
final class RequestBuffers {
    final MemorySegment in;
    final MemorySegment out;
    final MemorySegment callState;

    private RequestBuffers(Arena arena) {
        this.in = arena.allocate(InitNegotiation.MAX_WRITE + InitNegotiation.HEADER_ROOM, 8);
        this.out = arena.allocate(InitNegotiation.MAX_WRITE + InitNegotiation.HEADER_ROOM, 8);
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
