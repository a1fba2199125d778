package dev.weft.uring;

import dev.weft.uring.kernel.LinuxErrno;
import dev.weft.uring.kernel.StatxLayout;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * What O_DIRECT asks of a file's I/O, read once when a {@link UringFile.Option#DIRECT} file is opened: buffer
 * addresses aligned to {@code memory}, positions and lengths to {@code offset} ({@code statx} with
 * {@code STATX_DIOALIGN}: {@code stx_dio_mem_align}, {@code stx_dio_offset_align}, Linux 6.1). Where the kernel or the
 * file system does not report them, {@link #ASSUMED} (512, the smallest logical block size) stands in; the kernel
 * still answers EINVAL to what a larger block size refuses, and {@link UringFile} then says what to align.
 *
 * @param memory the alignment of buffer addresses, in bytes (a power of two)
 * @param offset the alignment of file positions and transfer lengths, in bytes (a power of two)
 * @param source where the values come from, for messages
 */
record DirectIoAlignment(int memory, int offset, String source) {
    /** 512 for both, where {@code statx} does not say. */
    static final DirectIoAlignment ASSUMED = new DirectIoAlignment(512, 512,
            "assumed: the kernel or file system does not report STATX_DIOALIGN");

    /** The alignments {@code io} reports for its file, or {@link #ASSUMED}. */
    static DirectIoAlignment of(FileIo io) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(StatxLayout.STATX);
            long res = io.statx(StatxLayout.STATX_DIOALIGN, buf);
            if (res < 0) {
                throw new IOException("statx(STATX_DIOALIGN) of an O_DIRECT file failed: "
                        + LinuxErrno.name((int) res));
            }
            return of(StatxLayout.mask(buf), StatxLayout.dioMemAlign(buf), StatxLayout.dioOffsetAlign(buf));
        }
    }

    /** From a {@code statx} result: {@code mask} and the two alignments; 0 or a missing mask bit means unknown. */
    static DirectIoAlignment of(int mask, int memory, int offset) {
        if ((mask & StatxLayout.STATX_DIOALIGN) == 0 || memory <= 0 || offset <= 0) {
            return ASSUMED;
        }
        return new DirectIoAlignment(memory, offset, "statx stx_dio_mem_align and stx_dio_offset_align");
    }

    /**
     * Throws {@link IllegalArgumentException} naming the first of {@code buffer}'s address, {@code position} and
     * {@code buffer}'s length that is not aligned (the argument is called {@code name}), and the alignment needed.
     */
    void check(long position, MemorySegment buffer, String name) {
        if (position % offset != 0) {
            throw misaligned("position " + position, offset, "positions and lengths");
        }
        if (buffer.byteSize() % offset != 0) {
            throw misaligned(name + "'s length " + buffer.byteSize(), offset, "positions and lengths");
        }
        if (buffer.address() % memory != 0) {
            throw misaligned(name + "'s address 0x" + Long.toHexString(buffer.address()), memory, "buffer addresses");
        }
    }

    private IllegalArgumentException misaligned(String what, int alignment, String kind) {
        return new IllegalArgumentException(what + " is not a multiple of " + alignment + ", which O_DIRECT needs for "
                + kind + " on this file (" + source + "): align buffers to " + memory + " bytes (Arena.allocate(size, "
                + Math.max(memory, offset) + ")) and positions and lengths to " + offset + " bytes, or open the file"
                + " without Option.DIRECT");
    }
}
