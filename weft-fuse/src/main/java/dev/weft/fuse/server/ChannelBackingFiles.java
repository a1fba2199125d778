package dev.weft.fuse.server;

import dev.weft.fuse.FuseBackingFiles;
import dev.weft.fuse.FuseException;
import dev.weft.fuse.kernel.FuseChannel;

/** {@link FuseBackingFiles} through the ioctls of the connection's own {@code /dev/fuse} descriptor. */
final class ChannelBackingFiles implements FuseBackingFiles {
    private final FuseChannel channel;

    ChannelBackingFiles(FuseChannel channel) {
        this.channel = channel;
    }

    @Override
    public int open(int fd) throws FuseException {
        int id = channel.openBacking(fd);
        if (id < 0) {
            throw new FuseException(-id, "FUSE_DEV_IOC_BACKING_OPEN of fd " + fd);
        }
        return id;
    }

    @Override
    public void close(int backingId) throws FuseException {
        int r = channel.closeBacking(backingId);
        if (r < 0) {
            throw new FuseException(-r, "FUSE_DEV_IOC_BACKING_CLOSE of backing id " + backingId);
        }
    }
}
