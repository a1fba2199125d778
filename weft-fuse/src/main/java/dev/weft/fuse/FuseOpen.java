package dev.weft.fuse;

/**
 * What OPEN, OPENDIR and CREATE reply: the file handle the kernel passes back on every later call for this open
 * file ({@link #fh}), the {@code FOPEN_*} flags, and for passthrough I/O the backing file. Starts as fh 0, no flags.
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
    /** {@code FOPEN_NOFLUSH}: no FLUSH when a descriptor of this open file is closed. */
    public static final int NOFLUSH = 1 << 5;
    /** {@code FOPEN_PARALLEL_DIRECT_WRITES}. */
    public static final int PARALLEL_DIRECT_WRITES = 1 << 6;
    /** {@code FOPEN_PASSTHROUGH}: set by {@link #passthrough}. */
    public static final int PASSTHROUGH = 1 << 7;

    private long fh;
    private int openFlags;
    private int backingId;
    private boolean killSuidgid;

    public FuseOpen fh(long fh) {
        this.fh = fh;
        return this;
    }

    /** ORs {@code FOPEN_*} bits into the reply. */
    public FuseOpen addFlags(int fopenFlags) {
        this.openFlags |= fopenFlags;
        return this;
    }

    /**
     * Passthrough I/O for this open file: the kernel reads and writes the backing file {@code backingId} (from
     * {@link FuseBackingFiles#open}) itself, and READ and WRITE for it never reach the server. Of the flags added
     * before, only {@code FOPEN_NOFLUSH} is kept: the kernel fails the open (EIO) when a passthrough reply has flags
     * outside its {@code FOPEN_PASSTHROUGH_MASK} ({@link #KEEP_CACHE}, say), and {@link #DIRECT_IO} would override
     * passthrough.
     */
    public FuseOpen passthrough(int backingId) {
        if (backingId <= 0) {
            throw new IllegalArgumentException("backing ids are positive, got " + backingId);
        }
        this.backingId = backingId;
        this.openFlags = (openFlags & NOFLUSH) | PASSTHROUGH;
        return this;
    }

    /** The backing id of {@link #passthrough}, or 0. */
    public int backingId() {
        return backingId;
    }

    /**
     * Request side: the open truncates ({@code O_TRUNC}, with {@link FuseFilesystem#truncatesOnOpen}) for a caller
     * without {@code CAP_FSETID}, and the kernel asks the file system to clear set-ID bits as a truncate would
     * ({@code FUSE_OPEN_KILL_SUIDGID}, with {@link FuseFilesystem#handlesKillPrivV2}).
     */
    public boolean killSuidgid() {
        return killSuidgid;
    }

    /** Set by the server from the request before the handler runs. */
    public FuseOpen killSuidgid(boolean kill) {
        this.killSuidgid = kill;
        return this;
    }

    public long fh() {
        return fh;
    }

    public int openFlags() {
        return openFlags;
    }

    /** Resets to fh 0, no flags and no backing file, for reuse by the server. */
    public void clear() {
        fh = 0;
        openFlags = 0;
        backingId = 0;
        killSuidgid = false;
    }
}
