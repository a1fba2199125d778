package dev.weft.fuse.server;

import dev.weft.fuse.FuseException;
import dev.weft.fuse.proto.LinuxErrno;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the notifier decides before it writes anything (its messages reach the kernel in PassthroughPruneTest). */
class ChannelNotifierTest {

    @Test
    void aConnectionOlderThan745CannotPruneAndSaysSoWithoutWriting() {
        ChannelNotifier n = new ChannelNotifier(null, 44); // a null channel: any write would throw
        assertFalse(n.canPrune());
        FuseException e = assertThrows(FuseException.class, () -> n.prune(new long[] {2}, 1));
        assertEquals(LinuxErrno.ENOSYS, e.errno());
        assertTrue(e.getMessage().contains("7.45"), e.getMessage());
    }

    @Test
    void aCountOutsideTheArrayIsRefusedAndNoneIsNothingToSend() throws Exception {
        ChannelNotifier n = new ChannelNotifier(null, 45);
        assertTrue(n.canPrune());
        assertThrows(IllegalArgumentException.class, () -> n.prune(new long[] {2}, 2));
        assertThrows(IllegalArgumentException.class, () -> n.prune(new long[] {2}, -1));
        n.prune(new long[] {2}, 0); // no write: the null channel is not touched
    }
}
