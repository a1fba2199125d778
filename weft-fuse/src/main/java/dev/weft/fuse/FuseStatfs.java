package dev.weft.fuse;

/** What STATFS replies ({@code struct fuse_kstatfs}); fields start at 0. */
public final class FuseStatfs {
    public long blocks;
    public long bfree;
    public long bavail;
    public long files;
    public long ffree;
    public int bsize;
    public int namelen;
    public int frsize;
}
