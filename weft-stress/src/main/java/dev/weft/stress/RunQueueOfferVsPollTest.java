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
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * The owner's {@code offer()} races a thief's {@code size()} then {@code poll()}.
 *
 * <p>Capacity 2, wrapped once: 7 and 8 were offered and polled, so both slots still hold those stale references
 * (poll does not clear a slot) and head = tail = 2. The owner offers 1 (into 7's slot) then 2 (into 8's slot).
 * A thief that saw the new tail but not the element written before it would return 7 or 8. r1 = the thief's size(),
 * r2 = the thief's poll(); arbiter: r3 = the queue drained (digits, oldest first).
 */
@JCStressTest
@Description("LocalRunQueue: owner offer() vs thief size()+poll(); the thief sees nothing or the published element")
@Outcome(id = "0, 0, 12", expect = ACCEPTABLE, desc = "thief looked (size and poll) before either offer was published")
@Outcome(id = "0, 1, 2", expect = ACCEPTABLE,
        desc = "thief's size() came before the first offer, its poll() after it: it takes 1")
@Outcome(id = "1, 1, 2", expect = ACCEPTABLE, desc = "thief's size() saw the first offer only; it takes 1")
@Outcome(id = "2, 1, 2", expect = ACCEPTABLE, desc = "thief's size() saw both offers; it takes 1 (FIFO)")
@Outcome(id = "[12], 0, .*", expect = FORBIDDEN,
        desc = "size() said non-empty but poll() found nothing (no other consumer)")
@Outcome(id = ".*, [78], .*", expect = FORBIDDEN,
        desc = "thief read the slot's stale element: the tail was visible before the element written ahead of it")
@Outcome(id = ".*, 2, .*", expect = FORBIDDEN, desc = "thief took 2 before 1: FIFO broken")
@Outcome(expect = FORBIDDEN, desc = "any other outcome: an element lost or taken twice")
@State
public class RunQueueOfferVsPollTest {

    private final LocalRunQueue<Integer> queue = new LocalRunQueue<>(2);

    public RunQueueOfferVsPollTest() {
        if (!queue.offer(7) || !queue.offer(8) || id(queue.poll()) != 7 || id(queue.poll()) != 8) {
            throw new IllegalStateException("setup");
        }
    }

    @Actor
    public void owner() {
        queue.offer(1);
        queue.offer(2);
    }

    @Actor
    public void thief(III_Result r) {
        r.r1 = queue.size();
        r.r2 = id(queue.poll());
    }

    @Arbiter
    public void after(III_Result r) {
        r.r3 = Ids.drain(queue);
    }
}
