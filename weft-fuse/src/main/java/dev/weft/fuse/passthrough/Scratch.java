package dev.weft.fuse.passthrough;

import dev.weft.fuse.posix.ProcFdPath;
import dev.weft.uring.kernel.StatxLayout;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Per-thread native buffers for the handlers' small, short-lived structs, so that GETATTR, LOOKUP and friends
 * allocate nothing: a {@code struct statx} and a {@code /proc/self/fd/N} path. Made on a thread's first request
 * from an automatic arena (a virtual thread per request makes its own: small, and freed with it). A handler fills
 * a buffer and reads it back before calling anything that might reuse it.
 */
final class Scratch {
    private static final ThreadLocal<Scratch> CURRENT = ThreadLocal.withInitial(Scratch::new);

    final MemorySegment statx;
    private final MemorySegment procPath;

    private Scratch() {
        Arena arena = Arena.ofAuto();
        statx = arena.allocate(StatxLayout.STATX);
        procPath = arena.allocate(ProcFdPath.MAX_SIZE);
    }

    static Scratch current() {
        return CURRENT.get();
    }

    /** {@code "/proc/self/fd/<fd>"}, NUL-terminated, valid until this thread's next call. */
    MemorySegment procPath(int fd) {
        return ProcFdPath.write(fd, procPath);
    }
}
