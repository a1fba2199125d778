package dev.weft.fuse;

/**
 * What OPEN, OPENDIR and CREATE reply: the file handle the kernel passes back on every later call for this open
 * file ({@link #fh}), and the {@code FOPEN_*} flags. Starts as fh 0, no flags.
 */
public final class FuseOpen {
    /** {@code FOPEN_DIRECT_IO}: bypass the page cache for this open file. */
    public static final int DIRECT_IO = 1 << 0;
    /** {@code FOPEN_KEEP_CACHE}: do not invalidate the data cache on open. */
    public static final int KEEP_CACHE = 1 << 1;
    /** {@code FOPEN_NONSEEKABLE}. */
    public static final int NONSEEKABLE = 1 << 2;
    /** {@code FOPEN_CACHE_DIR}: allow caching this directory's listing. */
    public static final int CACHE_DIR = 1 << 3;
    /** {@code FOPEN_PARALLEL_DIRECT_WRITES}. */
    public static final int PARALLEL_DIRECT_WRITES = 1 << 6;

    private long fh;
    private int openFlags;

    public FuseOpen fh(long fh) {
        this.fh = fh;
        return this;
    }

    /** ORs {@code FOPEN_*} bits into the reply. */
    public FuseOpen addFlags(int fopenFlags) {
        this.openFlags |= fopenFlags;
        return this;
    }

    public long fh() {
        return fh;
    }

    public int openFlags() {
        return openFlags;
    }

    /** Resets to fh 0 and no flags, for reuse by the server. */
    public void clear() {
        fh = 0;
        openFlags = 0;
    }
}
