package dev.weft.stress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.weft.ring.CompletionRing;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * Two producers race for the slots of a ring of 2 and then for the overflow list.
 *
 * <p>The ring has wrapped once and is empty. Producer A offers 1 then 2, producer B offers 3 then 4: four elements
 * into two slots, so the first two claims (CAS of producerIndex) land in the array and the other two on the
 * overflow list, in the order of their {@code getAndSet} of the tail. Arbiter: r1 = the ring drained (digits, ring
 * order), r2 = overflowCount(). Every merge of "12" and "34" is a possible ring order; nothing else is.
 */
@JCStressTest
@Description("CompletionRing: offer() vs offer() into a ring of 2; per-producer FIFO through array and overflow list")
@Outcome(id = "1234, 2", expect = ACCEPTABLE, desc = "A claimed both slots before B's first claim; 3, 4 overflowed")
@Outcome(id = "3412, 2", expect = ACCEPTABLE, desc = "B claimed both slots before A's first claim; 1, 2 overflowed")
@Outcome(id = {"1324, 2", "3124, 2"}, expect = ACCEPTABLE,
        desc = "the array got one element from each (1 and 3, in claim order); 2 was pushed onto the list before 4")
@Outcome(id = {"1342, 2", "3142, 2"}, expect = ACCEPTABLE,
        desc = "the array got one element from each (1 and 3, in claim order); 4 was pushed onto the list before 2")
@Outcome(id = {"[1-4]*2[1-4]*1[1-4]*, .*", "[1-4]*4[1-4]*3[1-4]*, .*"}, expect = FORBIDDEN,
        desc = "a producer's second element came out before its first: per-producer FIFO broken")
@Outcome(expect = FORBIDDEN, desc = "any other outcome: an element lost or duplicated, or a wrong overflow count")
@State
public class RingOfferVsOfferTest {

    private final CompletionRing<Integer> ring = Ids.ringHolding(2, 0);

    @Actor
    public void producerA() {
        ring.offer(1);
        ring.offer(2);
    }

    @Actor
    public void producerB() {
        ring.offer(3);
        ring.offer(4);
    }

    @Arbiter
    public void after(II_Result r) {
        r.r1 = Ids.drain(ring);
        r.r2 = (int) ring.overflowCount();
    }
}
