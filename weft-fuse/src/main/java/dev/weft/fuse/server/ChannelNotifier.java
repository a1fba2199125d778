package dev.weft.fuse.server;

import dev.weft.fuse.FuseException;
import dev.weft.fuse.FuseNotifier;
import dev.weft.fuse.kernel.FuseChannel;
import dev.weft.fuse.proto.FuseKernelLayout;
import dev.weft.fuse.proto.FuseReplyEncoder;
import dev.weft.fuse.proto.LinuxErrno;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * {@link FuseNotifier} through the connection's own {@code /dev/fuse} descriptor. Each call writes from a buffer of
 * its own (notifications are rare), so callers on any thread need no lock.
 */
final class ChannelNotifier implements FuseNotifier {
    /** FUSE_NOTIFY_PRUNE's protocol minor version. */
    static final int PRUNE_MINOR = 45;

    private final FuseChannel channel;
    private final int minor;

    ChannelNotifier(FuseChannel channel, int minor) {
        this.channel = channel;
        this.minor = minor;
    }

    @Override
    public boolean canPrune() {
        return minor >= PRUNE_MINOR;
    }

    @Override
    public void prune(long[] nodeids, int count) throws FuseException {
        if (count < 0 || count > nodeids.length) {
            throw new IllegalArgumentException("count " + count + " of " + nodeids.length + " node ids");
        }
        if (!canPrune()) {
            throw new FuseException(LinuxErrno.ENOSYS, "FUSE_NOTIFY_PRUNE needs FUSE 7." + PRUNE_MINOR
                    + "; this connection speaks 7." + minor);
        }
        if (count == 0) {
            return;
        }
        int perMessage = Math.min(count, FuseReplyEncoder.MAX_PRUNE_NODEIDS);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(FuseReplyEncoder.headerSize()
                    + FuseKernelLayout.FUSE_NOTIFY_PRUNE_OUT.byteSize() + 8L * perMessage, 8);
            MemorySegment callState = FuseChannel.newCallState(a);
            for (int from = 0; from < count; from += perMessage) {
                long len = FuseReplyEncoder.notifyPrune(buf, nodeids, from, Math.min(perMessage, count - from));
                long r = channel.write(callState, buf, len);
                if (r < 0) {
                    throw new FuseException((int) -r, "FUSE_NOTIFY_PRUNE of " + count + " node ids");
                }
            }
        }
    }
}
