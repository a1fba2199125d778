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
 * A thief that saw W1 (id 1) handed over CASes late: meanwhile the owner took W1 and the same worker was handed to
 * it again (the owner's actor plays both: {@code take()}, then a waker's {@code put(W1)}). The replacement R has
 * id 9. r1 = what the owner took, r2 = 1 when the thief's steal succeeded; arbiter: r3 = what the slot holds. Each
 * of the two hand-overs goes to exactly one party: W1 is taken twice in all (owner, thief, or left in the slot for
 * the owner's next take), and the slot is never left empty after the second hand-over.
 */
@JCStressTest
@Description("HandOverSlot: owner take() and a second put() of the same worker vs a late thief steal(expected, "
        + "replacement); every hand-over goes to exactly one party")
@Outcome(id = "1, 0, 1", expect = ACCEPTABLE, desc = "owner took the first hand-over; the thief's CAS came between "
        + "the take and the second put (slot empty) and failed; the second waits in the slot")
@Outcome(id = "1, 1, 9", expect = ACCEPTABLE, desc = "owner took the first hand-over; thief stole the second")
@Outcome(id = "9, 1, 1", expect = ACCEPTABLE, desc = "thief stole the first hand-over; owner took the replacement, "
        + "the second waits in the slot")
@Outcome(id = ".*, .*, 0", expect = FORBIDDEN, desc = "slot empty after the second hand-over")
@Outcome(id = "1, 1, 1", expect = FORBIDDEN, desc = "three deliveries of two hand-overs")
@Outcome(id = "9, 0, .*", expect = FORBIDDEN, desc = "owner found the replacement though no steal succeeded")
@Outcome(expect = FORBIDDEN, desc = "any other outcome")
@State
public class HandOverRePutVsStealTest {

    private final HandOverSlot<Integer> slot = new HandOverSlot<>();
    private final Integer w1 = 1;
    private final Integer replacement = 9;

    public HandOverRePutVsStealTest() {
        slot.put(w1);
    }

    @Actor
    public void ownerThenWaker(III_Result r) {
        r.r1 = id(slot.take());
        slot.put(w1);
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
