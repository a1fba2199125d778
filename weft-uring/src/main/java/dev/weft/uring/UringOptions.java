package dev.weft.uring;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Objects;

/**
 * How each server ring of a group is set up ({@link UringServerPoller#groupBuilder(UringOptions)}):
 *
 * <pre>{@code
 * MemorySegment buffers = Arena.global().allocate(64 << 20, 4096);
 * ConcurrencyGroup group = UringServerPoller.groupBuilder(UringOptions.DEFAULTS.withRegisteredBuffers(buffers)).build();
 * }</pre>
 *
 * @param ringEntries       SQ entries per server ring (a power of two, 8 to 32768)
 * @param fileSlots         registered file slots per ring for files opened with {@link UringFile.Option#REGISTERED}
 *                          (0 to 32768); a file that finds its server's slots taken goes by descriptor
 * @param registeredBuffers buffers every server ring registers (IORING_REGISTER_BUFFERS), native, 1 byte to 1 GiB
 *                          each, at most 16384, allocated for the life of the group. A {@link UringFile} read or
 *                          write whose buffer lies inside one of them becomes READ_FIXED or WRITE_FIXED by itself:
 *                          the kernel skips pinning the pages on every operation
 */
public record UringOptions(int ringEntries, int fileSlots, List<MemorySegment> registeredBuffers) {
    /** 256 ring entries, 256 file slots, no registered buffers. */
    public static final UringOptions DEFAULTS = new UringOptions(256, 256, List.of());

    public UringOptions {
        if (ringEntries < 8 || ringEntries > 32768 || Integer.bitCount(ringEntries) != 1) {
            throw new IllegalArgumentException("ringEntries " + ringEntries + " must be a power of two from 8 to"
                    + " 32768");
        }
        if (fileSlots < 0 || fileSlots > 32768) {
            throw new IllegalArgumentException("fileSlots " + fileSlots + " must be 0 to 32768");
        }
        registeredBuffers = List.copyOf(Objects.requireNonNull(registeredBuffers, "registeredBuffers"));
        if (registeredBuffers.size() > 16384) {
            throw new IllegalArgumentException(registeredBuffers.size() + " registered buffers: at most 16384"
                    + " (IORING_MAX_REG_BUFFERS)");
        }
        for (int i = 0; i < registeredBuffers.size(); i++) {
            IoUring.checkRegistrable(registeredBuffers.get(i), "registeredBuffers[" + i + "]");
        }
    }

    public UringOptions withRingEntries(int entries) {
        return new UringOptions(entries, fileSlots, registeredBuffers);
    }

    public UringOptions withFileSlots(int slots) {
        return new UringOptions(ringEntries, slots, registeredBuffers);
    }

    public UringOptions withRegisteredBuffers(MemorySegment... buffers) {
        return new UringOptions(ringEntries, fileSlots, List.of(buffers));
    }
}
