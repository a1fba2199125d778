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
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * A waker's {@code put(W1)} into the empty slot races a thief's {@code steal(W1, R)}; the replacement R has id 9.
 * r1 = 1 when the thief's steal succeeded; arbiter: r2 = what the slot holds afterwards, for the owner to take.
 */
@JCStressTest
@Description("HandOverSlot: waker put() vs thief steal(expected, replacement); the slot never ends up empty")
@Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "thief looked before the put: W1 stays for the owner")
@Outcome(id = "1, 9", expect = ACCEPTABLE, desc = "thief saw the put and stole W1; the owner finds the replacement")
@Outcome(id = ".*, 0", expect = FORBIDDEN, desc = "slot empty: the woken owner would park for good")
@Outcome(id = "1, 1", expect = FORBIDDEN, desc = "thief got W1 and W1 is still handed to the owner")
@Outcome(expect = FORBIDDEN, desc = "any other outcome")
@State
public class HandOverPutVsStealTest {

    private final HandOverSlot<Integer> slot = new HandOverSlot<>();
    private final Integer w1 = 1;
    private final Integer replacement = 9;

    @Actor
    public void waker() {
        slot.put(w1);
    }

    @Actor
    public void thief(II_Result r) {
        r.r1 = slot.steal(w1, replacement) ? 1 : 0;
    }

    @Arbiter
    public void after(II_Result r) {
        r.r2 = id(slot.peek());
    }
}
