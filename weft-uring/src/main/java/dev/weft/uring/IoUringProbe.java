package dev.weft.uring;

import dev.weft.uring.kernel.IoUringConstants;
import dev.weft.uring.kernel.IoUringLayout;
import dev.weft.uring.kernel.IoUringOpcode;
import dev.weft.uring.kernel.LinuxCalls;
import dev.weft.uring.kernel.LinuxErrno;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Which SQE opcodes the running kernel supports, as {@code IORING_REGISTER_PROBE} (5.6) reports them. Immutable; get
 * one from {@link IoUringAvailability#probe()} (made once per process) or {@link IoUring#probe()}.
 */
public final class IoUringProbe {
    private final int lastOp;
    private final BitSet supported;

    private IoUringProbe(int lastOp, BitSet supported) {
        this.lastOp = lastOp;
        this.supported = supported;
    }

    /** Asks the kernel through the ring {@code ringFd}. */
    static IoUringProbe register(int ringFd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment probe = arena.allocate(IoUringLayout.ioUringProbe(IoUringConstants.PROBE_MAX_OPS));
            int r = LinuxCalls.ioUringRegister(ringFd, IoUringConstants.IORING_REGISTER_PROBE, probe,
                    IoUringConstants.PROBE_MAX_OPS);
            if (r < 0) {
                throw new IoUringException(r, "io_uring_register(IORING_REGISTER_PROBE) failed: " + LinuxErrno.name(r)
                        + (r == -LinuxErrno.EINVAL ? "; the kernel is older than 5.6, which added the probe: use"
                        + " Linux 5.19 or later" : "; report it with the kernel version (uname -r)"));
            }
            BitSet supported = new BitSet(IoUringConstants.PROBE_MAX_OPS);
            int n = IoUringLayout.probeOpsLen(probe);
            for (int i = 0; i < n; i++) {
                if ((IoUringLayout.probeOpFlags(probe, i) & IoUringConstants.IO_URING_OP_SUPPORTED) != 0) {
                    supported.set(IoUringLayout.probeOp(probe, i));
                }
            }
            return new IoUringProbe(IoUringLayout.probeLastOp(probe), supported);
        }
    }

    /** A probe that reports {@code supported} and nothing else, as a kernel of that vintage would (for tests). */
    static IoUringProbe of(int lastOp, int... supported) {
        BitSet bits = new BitSet(IoUringConstants.PROBE_MAX_OPS);
        for (int op : supported) {
            bits.set(op);
        }
        return new IoUringProbe(lastOp, bits);
    }

    /** The highest opcode the kernel knows ({@code last_op}). */
    public int lastOp() {
        return lastOp;
    }

    /** True when the kernel supports {@code opcode} ({@code IoUringOpcode.IORING_OP_READ}, ...). */
    public boolean isSupported(int opcode) {
        return opcode >= 0 && supported.get(opcode);
    }

    /** The supported opcodes' names, in opcode order ({@code "NOP", "READV", ...}). */
    public List<String> supportedNames() {
        List<String> names = new ArrayList<>();
        supported.stream().forEach(op -> names.add(IoUringOpcode.name(op)));
        return names;
    }

    @Override
    public String toString() {
        return "IoUringProbe[lastOp=" + lastOp + ", supported=" + supportedNames() + "]";
    }
}
