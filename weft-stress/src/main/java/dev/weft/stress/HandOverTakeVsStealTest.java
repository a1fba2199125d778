package dev.weft.stress;

import static dev.weft.stress.Ids.id;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.weft.sched.idle.HandOverSlot;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * The owner's {@code take()} (it has seen the slot filled) races a thief's {@code steal(W1, R)}; the slot holds W1
 * (id 1), the replacement R has id 9. r1 = what the owner took, r2 = 1 when the thief's steal succeeded; arbiter: r3 = what
 * the slot holds afterwards.
 */
@JCStressTest
@Description("HandOverSlot: owner take() vs thief steal(expected, replacement); W1 goes to exactly one party, the owner "
        + "always gets something")
@Outcome(id = "1, 0, 0", expect = ACCEPTABLE, desc = "owner took W1 first; thief's CAS found the slot empty")
@Outcome(id = "9, 1, 0", expect = ACCEPTABLE, desc = "thief stole W1 first and left the replacement; owner took the replacement")
@Outcome(id = "1, 1, .*", expect = FORBIDDEN, desc = "owner and thief both got W1")
@Outcome(id = "0, .*, .*", expect = FORBIDDEN, desc = "owner found the slot empty: it would park for good")
@Outcome(id = ".*, .*, [19]", expect = FORBIDDEN, desc = "something left in the slot after the owner's take")
@Outcome(expect = FORBIDDEN, desc = "any other outcome")
@State
public class HandOverTakeVsStealTest {

    private final HandOverSlot<Integer> slot = new HandOverSlot<>();
    private final Integer w1 = 1;
    private final Integer replacement = 9;

    public HandOverTakeVsStealTest() {
        slot.put(w1);
    }

    @Actor
    public void owner(III_Result r) {
        r.r1 = id(slot.take());
    }

    @Actor
    public void thief(III_Result r) {
        r.r2 = slot.steal(w1, replacement) ? 1 : 0;
    }

    @Arbiter
    public void after(III_Result r) {
        r.r3 = id(slot.peek());
    }
}
