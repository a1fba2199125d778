package dev.weft.stress;

import static dev.weft.stress.Ids.id;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.weft.sched.queue.LocalRunQueue;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * The owner's {@code poll()} (followed by an {@code offer()} that wraps around the ring) races a thief's
 * {@code stealHalfInto(dst)}.
 *
 * <p>The victim has capacity 4 and is full: 1, 2, 3, 4. The owner polls, then offers 5, which lands in the slot
 * that held 1: a thief that read head before the owner's poll copies that slot while it is rewritten, and its
 * claiming CAS must then fail (the "copy is never torn" argument). r1 = the owner's element, r2 = how many the thief
 * moved; arbiter: r3 = the thief's queue drained (digits, oldest first), r4 = the victim drained. Together they must
 * hold 1..5 exactly once each.
 */
@JCStressTest
@Description("LocalRunQueue: owner poll()+offer() vs thief stealHalfInto(); every element taken exactly once")
@Outcome(id = "3, 2, 12, 45", expect = ACCEPTABLE,
        desc = "thief saw 4 and stole [1, 2] before the owner's poll; owner polled 3, then offered 5")
@Outcome(id = "1, 2, 23, 45", expect = ACCEPTABLE,
        desc = "owner polled 1 first (a thief CAS from the old head failed and re-read); thief stole [2, 3] "
                + "(before or after the owner's offer of 5)")
@Outcome(id = {"([1-5]), [0-9], [0-9]*\\1[0-9]*, .*", "[0-9], [0-9], [0-9]*([1-5])[0-9]*, [0-9]*\\1[0-9]*"},
        expect = FORBIDDEN, desc = "an element claimed twice: by the owner and the thief, or by the thief and still in the victim")
@Outcome(id = {".*, .*, [0-9]*5[0-9]*, .*"}, expect = FORBIDDEN,
        desc = "thief moved 5, the element the owner wrote over 1's slot after the thief's snapshot: torn copy")
@Outcome(expect = FORBIDDEN, desc = "any other outcome: an element lost or duplicated, FIFO order broken")
@State
public class RunQueuePollVsStealTest {

    private final LocalRunQueue<Integer> victim = Ids.queueHolding(4, 4);
    private final LocalRunQueue<Integer> dst = new LocalRunQueue<>(4);

    @Actor
    public void owner(IIII_Result r) {
        r.r1 = id(victim.poll());
        if (!victim.offer(5)) {
            r.r1 = -1; // the owner's own poll freed a slot: the offer cannot fail
        }
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
