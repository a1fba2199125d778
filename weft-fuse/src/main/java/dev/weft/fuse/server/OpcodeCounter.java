package dev.weft.fuse.server;

import dev.weft.fuse.proto.FuseOpcode;

import java.util.Map;

/**
 * The requests one server thread read, by opcode. Counted by that thread alone with plain stores; others read a
 * racy snapshot, as with the other counters of {@link FuseServerStats}.
 */
final class OpcodeCounter {
    private static final FuseOpcode[] OPCODES = FuseOpcode.values();

    private final long[] counts = new long[OPCODES.length];

    /** Counts a request; an opcode weft does not know ({@code null}) is not counted here. */
    void count(FuseOpcode op) {
        if (op != null) {
            counts[op.ordinal()]++;
        }
    }

    /** Adds this thread's non-zero counts to {@code sums}. */
    void addTo(Map<FuseOpcode, Long> sums) {
        for (int i = 0; i < counts.length; i++) {
            long n = counts[i];
            if (n != 0) {
                sums.merge(OPCODES[i], n, Long::sum);
            }
        }
    }
}
