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
 * The owner's {@code swap(W2)} races a thief's {@code steal(W1)}; the slot holds W1 (id 1), W2 has id 2.
 * r1 = what the owner's swap displaced, r2 = 1 when the thief's steal succeeded; arbiter: r3 = the slot's occupant.
 */
@JCStressTest
@Description("NextSlot: owner swap() vs thief steal(expected); W1 goes to exactly one party, W2 is never stolen")
@Outcome(id = "1, 0, 2", expect = ACCEPTABLE,
        desc = "owner swapped W2 in first and got W1 back; thief's CAS expected W1, saw W2, failed")
@Outcome(id = "0, 1, 2", expect = ACCEPTABLE, desc = "thief stole W1 first; owner's swap displaced nothing, W2 in the slot")
@Outcome(id = "1, 1, .*", expect = FORBIDDEN, desc = "owner and thief both got W1")
@Outcome(id = "0, 0, .*", expect = FORBIDDEN, desc = "neither got W1")
@Outcome(id = ".*, .*, [01]", expect = FORBIDDEN, desc = "W2 lost from the slot (stolen without being expected)")
@Outcome(expect = FORBIDDEN, desc = "any other outcome")
@State
public class NextSlotSwapVsStealTest {

    private final NextSlot<Integer> slot = new NextSlot<>();
    private final Integer w1 = 1;
    private final Integer w2 = 2;

    public NextSlotSwapVsStealTest() {
        slot.swap(w1);
    }

    @Actor
    public void owner(III_Result r) {
        r.r1 = id(slot.swap(w2));
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
