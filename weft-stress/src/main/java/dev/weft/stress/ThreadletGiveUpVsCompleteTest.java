package dev.weft.stress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.weft.threadlet.Threadlet;
import dev.weft.threadlet.ThreadletProbe;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * A wait that gives up (a 1 ns {@code get}: it pushes its node on the handle's waiter stack, times out and unlinks
 * it) against the completion (the worker's CAS of the state from the stack to the result). A callback registered
 * before both is on the stack under the waiter's node.
 *
 * <p>r1 = what the wait got: 7 (the result) or 0 (timed out); arbiter: r2 = how many times the callback ran,
 * r3 = nodes left on the stack.
 */
@JCStressTest
@Description("Threadlet: a timed-out get() unlinking its node vs the completion; the callback runs once, nothing left")
@Outcome(id = "0, 1, 0", expect = ACCEPTABLE,
        desc = "the wait timed out first (its node pushed and unlinked, or the completion took the stack with the"
                + " dead node in it); the completion ran the callback")
@Outcome(id = "7, 1, 0", expect = ACCEPTABLE, desc = "the completion came first: the wait saw the result")
@Outcome(id = ".*, 0, .*", expect = FORBIDDEN,
        desc = "the unlinking dropped the callback's node, or put a stack back over the result: the callback lost")
@Outcome(expect = FORBIDDEN, desc = "any other outcome: the callback ran twice, or nodes left on a done handle")
@State
public class ThreadletGiveUpVsCompleteTest {

    private final AtomicInteger callbacks = new AtomicInteger();
    private final Threadlet<Integer> threadlet = ThreadletProbe.pending(() -> 7);

    public ThreadletGiveUpVsCompleteTest() {
        threadlet.onComplete((v, e) -> callbacks.incrementAndGet());
    }

    @Actor
    public void waiter(III_Result r) {
        Integer got = ThreadletProbe.getOrGiveUp(threadlet);
        r.r1 = got == null ? 0 : got;
    }

    @Actor
    public void worker() {
        ThreadletProbe.run(threadlet);
    }

    @Arbiter
    public void after(III_Result r) {
        r.r2 = callbacks.get();
        r.r3 = ThreadletProbe.waitingNodes(threadlet);
    }
}
