package dev.weft.stress;

import static dev.weft.stress.Ids.id;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.weft.ring.CompletionRing;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * The consumer pops the overflow list's last node while a producer pushes behind it.
 *
 * <p>A ring of 2, wrapped once; 1, 2 were offered and 3 overflowed; the consumer took 1 and 2. So the array is
 * empty and the list holds 3 alone: popping it means clearing the head and CASing the tail from 3's node to null,
 * while the producer's offer of 4 swaps the tail (the list is non-empty) or, once the list is empty, goes to the
 * array. r1, r2 = the consumer's polls; arbiter: r3 = what is left, r4 = overflowCount() (1 before the race).
 */
@JCStressTest
@Description("CompletionRing: poll() of the last overflow node vs offer(); the tail CAS vs getAndSet race")
@Outcome(id = "3, 4, 0, 1", expect = ACCEPTABLE,
        desc = "the consumer's pop emptied the list (its tail CAS won) before 4 was offered: 4 went to the array")
@Outcome(id = "3, 4, 0, 2", expect = ACCEPTABLE,
        desc = "4 saw 3 on the list and was pushed behind it: before the pop (the consumer found the link), during"
                + " it (the tail CAS failed; the consumer waited for the link), or after it (the push found the list"
                + " empty and set the head); either way the consumer's second poll found it")
@Outcome(id = "3, 0, 4, 1", expect = ACCEPTABLE,
        desc = "the consumer popped 3 and polled again before 4 was offered; 4 then found the list empty: array")
@Outcome(id = "3, 0, 4, 2", expect = ACCEPTABLE,
        desc = "4 saw 3 on the list and went to it, but the consumer popped 3 (emptying the list) and polled again"
                + " before 4's push: 4 starts a new list")
@Outcome(id = {"4, .*", "0, .*"}, expect = FORBIDDEN, desc = "3 lost or passed by 4")
@Outcome(expect = FORBIDDEN, desc = "any other outcome: an element lost or duplicated, or a wrong overflow count")
@State
public class RingOverflowPopVsPushTest {

    private final CompletionRing<Integer> ring = Ids.ringHolding(2, 3);

    public RingOverflowPopVsPushTest() {
        if (id(ring.poll()) != 1 || id(ring.poll()) != 2) {
            throw new IllegalStateException("setup");
        }
    }

    @Actor
    public void producer() {
        ring.offer(4);
    }

    @Actor
    public void consumer(IIII_Result r) {
        r.r1 = id(ring.poll());
        r.r2 = id(ring.poll());
    }

    @Arbiter
    public void after(IIII_Result r) {
        r.r3 = Ids.drain(ring);
        r.r4 = (int) ring.overflowCount();
    }
}
