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

    /**
     * The sets of the readers and of handlers that blocked (threadlet dispatch), at most {@code max} of them (about
     * 2 MiB each): a reader that needs a new set when all are taken waits until a blocked handler has replied and
     * given its set back, and the kernel queues the requests meanwhile. The kernel bounds background requests only,
     * so without this bound a file system whose handlers block could have the server allocate without limit. Sets
     * are made as needed and kept until the server closes.
     */
    static final class Pool {
        private final Arena arena;
        private final int max;
        private final java.util.ArrayDeque<RequestBuffers> free = new java.util.ArrayDeque<>(); // guarded by this
        private int made; // guarded by this

        Pool(Arena arena, int max) {
            if (max < 1) {
                throw new IllegalArgumentException("a pool holds at least one set, got " + max);
            }
            this.arena = arena;
            this.max = max;
        }

        /** A free set, a new one while fewer than {@code max} exist, or else the next one given back. */
        synchronized RequestBuffers take() {
            boolean interrupted = false;
            try {
                while (true) {
                    RequestBuffers b = free.poll();
                    if (b != null) {
                        return b;
                    }
                    if (made < max) {
                        made++;
                        return new RequestBuffers(arena);
                    }
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        interrupted = true; // the set comes back when a handler replies: keep waiting for it
                    }
                }
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        synchronized void give(RequestBuffers b) {
            free.push(b);
            notify();
        }

        /** How many sets exist (taken or free). */
        synchronized int made() {
            return made;
        }
    }
}
