package dev.weft.uring;

import java.util.List;

/**
 * A syslet's linked SQEs as one operation of a server ring: prepared together (each but the last with
 * {@code IOSQE_IO_LINK}), one user_data per step, completed when every step's CQE has come. Runs on the server
 * thread except {@link #await}; {@code remaining} and {@code results} are the server's, published to the worker by
 * the volatile {@code done}. The worker parks in {@link Parking#await}.
 */
final class UringChain extends UringOperation.Parking {
    private final List<Syslet.Step> steps;
    private final int[] results;
    private int remaining;
    private int slot = -1;

    UringChain(List<Syslet.Step> steps) {
        super((poller, sqe, ud) -> {
            throw new IllegalStateException("a chain is prepared step by step");
        });
        this.steps = steps;
        this.results = new int[steps.size()];
        this.remaining = steps.size();
    }

    int size() {
        return steps.size();
    }

    int slot() {
        return slot;
    }

    /** Server thread: prepares every step into {@code ring}, with user_data {@code firstUserData + i}. */
    void prepareAll(IoUring ring, long firstUserData, int slot) {
        this.slot = slot;
        for (int i = 0; i < steps.size(); i++) {
            Sqe sqe = ring.sqe();
            steps.get(i).prepare(sqe, firstUserData + i, slot);
            if (i < steps.size() - 1) {
                sqe.link();
            }
        }
    }

    /** Server thread: step {@code index} completed; true when it was the last. */
    boolean stepDone(int index, int res) {
        results[index] = res;
        return --remaining == 0;
    }

    int[] results() {
        return results;
    }
}
