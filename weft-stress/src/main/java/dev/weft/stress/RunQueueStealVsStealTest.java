package dev.weft.stress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.weft.sched.queue.LocalRunQueue;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIIII_Result;

/**
 * Two thieves {@code stealHalfInto} their own queues from the same victim at once.
 *
 * <p>The victim (capacity 8) holds 1..5. The first thief to claim sees 5 and takes half rounded up, [1, 2, 3]; the
 * other, whose CAS from the old head fails (or who reads after), sees 2 and takes [4]; 5 stays. r1, r2 = how many
 * thief 1 and thief 2 moved; arbiter: r3, r4 = their queues drained (digits, oldest first), r5 = the victim drained.
 */
@JCStressTest
@Description("LocalRunQueue: two concurrent stealHalfInto() from one victim; no element twice, none lost")
@Outcome(id = "3, 1, 123, 4, 5", expect = ACCEPTABLE,
        desc = "thief 1 claimed [1, 2, 3] first; thief 2 (CAS failed and re-read, or read after) claimed [4]")
@Outcome(id = "1, 3, 4, 123, 5", expect = ACCEPTABLE,
        desc = "thief 2 claimed [1, 2, 3] first; thief 1 (CAS failed and re-read, or read after) claimed [4]")
@Outcome(id = {"3, 3, .*", "[0-9], [0-9], [0-9]*([1-5])[0-9]*, [0-9]*\\1[0-9]*, .*"}, expect = FORBIDDEN,
        desc = "both thieves claimed the same element")
@Outcome(expect = FORBIDDEN, desc = "any other outcome: an element lost or duplicated, FIFO order broken")
@State
public class RunQueueStealVsStealTest {

    private final LocalRunQueue<Integer> victim = Ids.queueHolding(8, 5);
    private final LocalRunQueue<Integer> dst1 = new LocalRunQueue<>(4);
    private final LocalRunQueue<Integer> dst2 = new LocalRunQueue<>(4);

    @Actor
    public void thief1(IIIII_Result r) {
        r.r1 = victim.stealHalfInto(dst1);
    }

    @Actor
    public void thief2(IIIII_Result r) {
        r.r2 = victim.stealHalfInto(dst2);
    }

    @Arbiter
    public void after(IIIII_Result r) {
        r.r3 = Ids.drain(dst1);
        r.r4 = Ids.drain(dst2);
        r.r5 = Ids.drain(victim);
    }
}
