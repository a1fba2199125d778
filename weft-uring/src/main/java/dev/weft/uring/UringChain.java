package dev.weft.uring;

import java.util.BitSet;
import java.util.List;

/**
 * A syslet's linked SQEs as one operation of a server ring: prepared together (each but the last with
 * {@code IOSQE_IO_LINK}), one user_data per step, completed when every step's CQE has come. Runs on the server
 * thread except {@link #await}; {@code remaining} and {@code results} are the server's, published to the worker by
 * the volatile {@code done}. The worker parks in {@link Parking#await}.
 */
final class UringChain extends UringOperation.Parking {
    private final List<Syslet.Step> steps;
    /** The steps that close the chain's file (its slot); the open is step 0. */
    private final BitSet closeSteps;
    private final int[] results;
    private int remaining;
    private int slot = -1;

    UringChain(List<Syslet.Step> steps, BitSet closeSteps) {
        super((poller, sqe, ud) -> {
            throw new IllegalStateException("a chain is prepared step by step");
        });
        this.steps = steps;
        this.closeSteps = (BitSet) closeSteps.clone();
        this.results = new int[steps.size()];
        this.remaining = steps.size();
    }

    int size() {
        return steps.size();
    }

    int slot() {
        return slot;
    }

    /**
     * Server thread: prepares every step into {@code ring}, with user_data {@code firstUserData + i}.
     *
     * @return how many steps were prepared: all of them, or, when a step's preparer refused it, the steps before
     * it, the last of them no longer linked (so the chain ends there and does not swallow the next SQE); the
     * refused step and those after it count as done with {@code -EINVAL}, and their user_data will not come back
     */
    int prepareAll(IoUring ring, long firstUserData, int slot) {
        this.slot = slot;
        for (int i = 0; i < steps.size(); i++) {
            int pendingBefore = ring.pendingSubmissions();
            try {
                Sqe sqe = ring.sqe();
                steps.get(i).prepare(sqe, firstUserData + i, slot);
                if (i < steps.size() - 1) {
                    sqe.link();
                }
            } catch (RuntimeException e) {
                if (ring.pendingSubmissions() > pendingBefore) {
                    ring.sqe().turnLastIntoNop(); // the step took its SQE, then an option refused it
                } else if (i > 0) {
                    ring.sqe().unlinkLast();
                }
                for (int j = i; j < steps.size(); j++) {
                    results[j] = -EINVAL;
                }
                remaining -= steps.size() - i;
                return i;
            }
        }
        return steps.size();
    }

    /** {@code -EINVAL}'s errno. */
    private static final int EINVAL = 22;

    /** Server thread: step {@code index} completed; true when it was the last. */
    boolean stepDone(int index, int res) {
        results[index] = res;
        return --remaining == 0;
    }

    /**
     * Server thread, once every step is done: whether the chain's open put a file in its slot and no close step
     * took it out (the chain has none, or a failed step before it got it cancelled).
     */
    boolean leftFileInSlot() {
        if (results[0] < 0) {
            return false;
        }
        for (int i = closeSteps.nextSetBit(0); i >= 0; i = closeSteps.nextSetBit(i + 1)) {
            if (results[i] >= 0) {
                return false;
            }
        }
        return true;
    }

    int[] results() {
        return results;
    }
}
