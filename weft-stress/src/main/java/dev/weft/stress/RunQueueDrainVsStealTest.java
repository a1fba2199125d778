package dev.weft.stress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.weft.sched.queue.LocalRunQueue;
import java.util.ArrayList;
import java.util.List;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * The owner's {@code drainHalfTo(sink)} (its queue is full: spill half to the shared queue) races a thief's
 * {@code stealHalfInto(dst)}.
 *
 * <p>The victim (capacity 4) is full: 1..4. r1 = what the owner drained to its sink (digits, oldest first), r2 = how
 * many the thief moved; arbiter: r3 = the thief's queue drained, r4 = the victim drained.
 */
@JCStressTest
@Description("LocalRunQueue: owner drainHalfTo() vs thief stealHalfInto(); every element taken exactly once")
@Outcome(id = "12, 1, 3, 4", expect = ACCEPTABLE,
        desc = "owner claimed [1, 2] for the sink first; thief (CAS failed and re-read, or read after) saw 2, stole [3]")
@Outcome(id = "3, 2, 12, 4", expect = ACCEPTABLE,
        desc = "thief stole [1, 2] first; owner (CAS failed and re-read, or read after) saw 2, drained [3]")
@Outcome(id = {"12, 2, .*", "[0-9]*([1-4])[0-9]*, [0-9], [0-9]*\\1[0-9]*, .*"}, expect = FORBIDDEN,
        desc = "owner and thief both claimed the same element")
@Outcome(expect = FORBIDDEN, desc = "any other outcome: an element lost or duplicated, FIFO order broken")
@State
public class RunQueueDrainVsStealTest {

    private final LocalRunQueue<Integer> victim = Ids.queueHolding(4, 4);
    private final LocalRunQueue<Integer> dst = new LocalRunQueue<>(4);

    @Actor
    public void owner(IIII_Result r) {
        List<Integer> sink = new ArrayList<>(4);
        victim.drainHalfTo(sink::add);
        r.r1 = Ids.digits(sink);
    }

    @Actor
    public void thief(IIII_Result r) {
        r.r2 = victim.stealHalfInto(dst);
    }

    @Arbiter
    public void after(IIII_Result r) {
        r.r3 = Ids.drain(dst);
        r.r4 = Ids.drain(victim);
    }
}
