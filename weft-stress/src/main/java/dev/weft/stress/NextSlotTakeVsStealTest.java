package dev.weft.stress;

import static dev.weft.stress.Ids.id;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.weft.sched.queue.NextSlot;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * The owner's {@code take()} races a thief's {@code steal(W1)}; the slot holds W1 (id 1). r1 = what the owner took,
 * r2 = 1 when the thief's steal succeeded; arbiter: r3 = the slot's occupant afterwards.
 */
@JCStressTest
@Description("NextSlot: owner take() vs thief steal(expected); the occupant goes to exactly one party")
@Outcome(id = "1, 0, 0", expect = ACCEPTABLE, desc = "owner took W1 first; thief's CAS found the slot empty")
@Outcome(id = "0, 1, 0", expect = ACCEPTABLE,
        desc = "thief stole W1 first; owner saw the slot empty, or saw W1 and then its getAndSet returned null")
@Outcome(id = "1, 1, .*", expect = FORBIDDEN, desc = "owner and thief both got W1")
@Outcome(id = "0, 0, .*", expect = FORBIDDEN, desc = "neither got W1")
@Outcome(expect = FORBIDDEN, desc = "any other outcome")
@State
public class NextSlotTakeVsStealTest {

    private final NextSlot<Integer> slot = new NextSlot<>();
    private final Integer w1 = 1;

    public NextSlotTakeVsStealTest() {
        slot.swap(w1);
    }

    @Actor
    public void owner(III_Result r) {
        r.r1 = id(slot.take());
    }

    @Actor
    public void thief(III_Result r) {
        r.r2 = slot.steal(w1) ? 1 : 0;
    }

    @Arbiter
    public void after(III_Result r) {
        r.r3 = id(slot.peek());
    }
}
