package dev.weft.bench.uring;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;

/**
 * The blocks of a file read with {@code O_DIRECT}: positions are whole blocks, and buffers start on a block
 * boundary and hold exactly one block, as the kernel requires (a multiple of the device's logical block size, 512 or
 * 4096; 4096 satisfies both).
 */
public record AlignedBlocks(long fileBytes, int blockBytes) {

    /** The block size of uring-randread. */
    public static final int BLOCK_BYTES = 4096;

    /**
     * @throws IllegalArgumentException when {@code blockBytes} is not a power of two of at least 512, or
     *                                  {@code fileBytes} is not a positive whole number of blocks
     */
    public AlignedBlocks {
        if (blockBytes < 512 || Integer.bitCount(blockBytes) != 1) {
            throw new IllegalArgumentException("block size must be a power of two of at least 512 bytes (O_DIRECT"
                    + " needs a multiple of the device's logical block size), got " + blockBytes);
        }
        if (fileBytes < blockBytes || fileBytes % blockBytes != 0) {
            throw new IllegalArgumentException("file size must be a positive multiple of the block size "
                    + blockBytes + ", got " + fileBytes + " bytes");
        }
    }

    /** Number of blocks in the file. */
    public long blocks() {
        return fileBytes / blockBytes;
    }

    /** A uniformly random block's position: a multiple of the block size, with the whole block in the file. */
    public long randomPosition(SplittableRandom random) {
        return random.nextLong(blocks()) * blockBytes;
    }

    /**
     * A direct buffer of one block that starts on a block boundary: twice the block allocated, then its aligned
     * slice cut to one block ({@code clear()} restores the full block).
     */
    public ByteBuffer newDirectBuffer() {
        return ByteBuffer.allocateDirect(2 * blockBytes).alignedSlice(blockBytes).slice(0, blockBytes);
    }

    /** A native segment of one block that starts on a block boundary, owned by {@code arena}. */
    public MemorySegment newSegment(Arena arena) {
        return arena.allocate(blockBytes, blockBytes);
    }
}
