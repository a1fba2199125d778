package dev.weft.fuse.passthrough;

import dev.weft.fuse.FuseAttr;
import dev.weft.uring.kernel.StatxLayout;

import java.lang.foreign.MemorySegment;

/** Copies a source inode's {@code struct statx} into the {@code fuse_attr} of a reply. */
final class StatxAttr {
    private StatxAttr() {}

    /** Fills every field of {@code attr} from {@code statx}; the source's inode number is shown as is. */
    static void copy(MemorySegment statx, FuseAttr attr) {
        attr.ino(StatxLayout.ino(statx))
                .size(StatxLayout.size(statx))
                .blocks(StatxLayout.blocks(statx))
                .atime(StatxLayout.atimeSeconds(statx), StatxLayout.atimeNanos(statx))
                .mtime(StatxLayout.mtimeSeconds(statx), StatxLayout.mtimeNanos(statx))
                .ctime(StatxLayout.ctimeSeconds(statx), StatxLayout.ctimeNanos(statx))
                .mode(StatxLayout.mode(statx))
                .nlink(StatxLayout.nlink(statx))
                .uid(StatxLayout.uid(statx))
                .gid(StatxLayout.gid(statx))
                .rdev(StatxLayout.rdevEncoded(statx))
                .blksize(StatxLayout.blockSize(statx));
    }
}
