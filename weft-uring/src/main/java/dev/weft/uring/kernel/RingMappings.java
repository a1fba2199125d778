package dev.weft.uring.kernel;

import dev.weft.uring.IoUringException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static dev.weft.uring.kernel.IoUringLayout.IO_URING_CQE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The three shared-memory regions of one ring, mapped exactly as liburing's {@code io_uring_mmap} in
 * {@code src/setup.c} maps them:
 * <ol>
 *   <li>the SQ ring, {@code sq_off.array + sq_entries * sizeof(__u32)} bytes at {@code IORING_OFF_SQ_RING};</li>
 *   <li>the CQ ring, {@code cq_off.cqes + cq_entries * sizeof(struct io_uring_cqe)} bytes at
 *       {@code IORING_OFF_CQ_RING}, unless the kernel reports {@code IORING_FEAT_SINGLE_MMAP} (5.4+): then both
 *       rings live in one mapping of the larger of the two sizes, made once at {@code IORING_OFF_SQ_RING};</li>
 *   <li>the SQE array, {@code sq_entries * sizeof(struct io_uring_sqe)} bytes at {@code IORING_OFF_SQES}.</li>
 * </ol>
 * All with {@code PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE}. The segments are bound to the ring's arena, so
 * no access survives {@link #unmap}; {@link #unmap} undoes the mappings in liburing's order (SQEs, SQ ring, CQ ring
 * if separate). Owned by the ring's owner thread.
 */
public final class RingMappings {
    private final long sqRingAddress;
    private final long sqRingSize;
    private final long cqRingAddress;
    private final long cqRingSize;
    private final long sqesAddress;
    private final long sqesSize;
    private final MemorySegment sqRing;
    private final MemorySegment cqRing;
    private final MemorySegment sqes;
    private boolean unmapped;

    // Restricted: the kernel's mappings become segments of the sizes liburing computes, bound to the ring's arena.
    @SuppressWarnings("restricted")
    private RingMappings(long sqRingAddress, long sqRingSize, long cqRingAddress, long cqRingSize, long sqesAddress,
                         long sqesSize, Arena arena) {
        this.sqRingAddress = sqRingAddress;
        this.sqRingSize = sqRingSize;
        this.cqRingAddress = cqRingAddress;
        this.cqRingSize = cqRingSize;
        this.sqesAddress = sqesAddress;
        this.sqesSize = sqesSize;
        this.sqRing = MemorySegment.ofAddress(sqRingAddress).reinterpret(sqRingSize, arena, null);
        this.cqRing = cqRingAddress == sqRingAddress ? sqRing
                : MemorySegment.ofAddress(cqRingAddress).reinterpret(cqRingSize, arena, null);
        this.sqes = MemorySegment.ofAddress(sqesAddress).reinterpret(sqesSize, arena, null);
    }

    /**
     * Maps the regions of the ring {@code ringFd}, whose {@code io_uring_params} the kernel has filled in. On failure
     * unmaps what was mapped and throws; the caller closes {@code ringFd}.
     */
    public static RingMappings map(int ringFd, MemorySegment params, Arena arena) {
        int sqEntries = IoUringLayout.paramsSqEntries(params);
        int cqEntries = IoUringLayout.paramsCqEntries(params);
        long sqRingSize = Integer.toUnsignedLong(IoUringLayout.paramsSqOff(params, "array"))
                + (long) sqEntries * JAVA_INT.byteSize();
        long cqRingSize = Integer.toUnsignedLong(IoUringLayout.paramsCqOff(params, "cqes"))
                + (long) cqEntries * IO_URING_CQE.byteSize();
        boolean single = (IoUringLayout.paramsFeatures(params) & IoUringConstants.IORING_FEAT_SINGLE_MMAP) != 0;
        if (single) {
            sqRingSize = Math.max(sqRingSize, cqRingSize);
            cqRingSize = sqRingSize;
        }
        int prot = LinuxCalls.PROT_READ | LinuxCalls.PROT_WRITE;
        int flags = LinuxCalls.MAP_SHARED | LinuxCalls.MAP_POPULATE;

        long sqRing = LinuxCalls.mmap(sqRingSize, prot, flags, ringFd, LinuxCalls.IORING_OFF_SQ_RING);
        if (sqRing < 0) {
            throw mmapFailed("SQ ring", sqRingSize, (int) sqRing);
        }
        long cqRing = sqRing;
        if (!single) {
            cqRing = LinuxCalls.mmap(cqRingSize, prot, flags, ringFd, LinuxCalls.IORING_OFF_CQ_RING);
            if (cqRing < 0) {
                LinuxCalls.munmap(sqRing, sqRingSize);
                throw mmapFailed("CQ ring", cqRingSize, (int) cqRing);
            }
        }
        long sqesSize = sqEntries * IoUringLayout.sqeSize(IoUringLayout.paramsFlags(params));
        long sqes = LinuxCalls.mmap(sqesSize, prot, flags, ringFd, LinuxCalls.IORING_OFF_SQES);
        if (sqes < 0) {
            LinuxCalls.munmap(sqRing, sqRingSize);
            if (!single) {
                LinuxCalls.munmap(cqRing, cqRingSize);
            }
            throw mmapFailed("SQE array", sqesSize, (int) sqes);
        }
        return new RingMappings(sqRing, sqRingSize, cqRing, cqRingSize, sqes, sqesSize, arena);
    }

    /** The SQ ring: head, tail, mask, entries, flags, dropped and the index array, at the {@code sq_off} offsets. */
    public MemorySegment sqRing() {
        return sqRing;
    }

    /** The CQ ring: head, tail, mask, entries, overflow and the CQEs, at the {@code cq_off} offsets. */
    public MemorySegment cqRing() {
        return cqRing;
    }

    /** The SQE array. */
    public MemorySegment sqes() {
        return sqes;
    }

    /** True when SQ and CQ rings share one mapping ({@code IORING_FEAT_SINGLE_MMAP}). */
    public boolean singleMapping() {
        return cqRingAddress == sqRingAddress;
    }

    /** Unmaps the three regions; the arena that the segments are bound to must be closed too. Idempotent. */
    public void unmap() {
        if (unmapped) {
            return;
        }
        unmapped = true;
        LinuxCalls.munmap(sqesAddress, sqesSize);
        LinuxCalls.munmap(sqRingAddress, sqRingSize);
        if (cqRingAddress != sqRingAddress) {
            LinuxCalls.munmap(cqRingAddress, cqRingSize);
        }
    }

    private static IoUringException mmapFailed(String region, long size, int errno) {
        String fix = errno == -LinuxErrno.ENOMEM
                ? "the process is out of address space or locked memory: raise RLIMIT_MEMLOCK (ulimit -l) or use"
                        + " fewer entries"
                : "this is unexpected for a ring that io_uring_setup has just made; report it with the kernel version";
        return new IoUringException(errno, "mmap of the io_uring " + region + " (" + size + " bytes) failed: "
                + LinuxErrno.name(errno) + "; " + fix);
    }
}
