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
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * A producer offers into a full ring while the consumer drains it: the overflow rule under a race.
 *
 * <p>A ring of 2, wrapped once, holding 1 and 2 (full). The producer offers 3 then 4; the consumer polls three
 * times. r1 = the consumer's polls as digits (0 for a poll that found nothing); arbiter: r2 = what is left, drained,
 * r3 = overflowCount(). The rule under test: while the overflow list is non-empty, an offer goes to it even when
 * the array has room again, so 4 cannot pass 3.
 */
@JCStressTest
@Description("CompletionRing: offer() into a full ring of 2 vs poll(); nothing lost, producer order kept across overflow")
@Outcome(id = "120, 34, 0", expect = ACCEPTABLE,
        desc = "all three polls came before the producer's first offer: 3 and 4 found the array empty")
@Outcome(id = "120, 34, 1", expect = ACCEPTABLE,
        desc = "as above, but 4 read consumerIndex before the consumer's last release store of it became visible:"
                + " the array looked full (3 and a stale 2), so 4 overflowed")
@Outcome(id = "120, 34, 2", expect = ACCEPTABLE,
        desc = "3 found the array full and went to the list, but its push came after the consumer's third poll;"
                + " 4 followed it onto the list")
@Outcome(id = "123, 4, 0", expect = ACCEPTABLE,
        desc = "3 was offered after the consumer took 1 (a free slot), 4 after it took 2: nothing overflowed")
@Outcome(id = "123, 4, 1", expect = ACCEPTABLE,
        desc = "one overflow: 3 overflowed and the consumer popped it (emptying the list) before 4 was offered, so 4"
                + " went to the array; or 3 found a free slot and 4 found the array full")
@Outcome(id = "123, 4, 2", expect = ACCEPTABLE,
        desc = "3 found the array full and overflowed; 4 followed it onto the list because the list was non-empty"
                + " (or, seeing it non-empty, pushed after the consumer had popped 3)")
@Outcome(id = {"124, .*", "12[04], [1-4]*4[1-4]*3[1-4]*, .*"}, expect = FORBIDDEN,
        desc = "4 came out before 3: an offer passed an element waiting on the overflow list")
@Outcome(id = {"[03-9].*, .*", "1[013-9].*, .*"}, expect = FORBIDDEN,
        desc = "the consumer did not get 1 then 2 from the array first")
@Outcome(expect = FORBIDDEN, desc = "any other outcome: an element lost or duplicated, or a wrong overflow count")
@State
public class RingOverflowOfferVsPollTest {

    private final CompletionRing<Integer> ring = Ids.ringHolding(2, 2);

    @Actor
    public void producer() {
        ring.offer(3);
        ring.offer(4);
    }

    @Actor
    public void consumer(III_Result r) {
        int digits = 0;
        for (int i = 0; i < 3; i++) {
            digits = digits * 10 + Ids.id(ring.poll());
        }
        r.r1 = digits;
    }

    @Arbiter
    public void after(III_Result r) {
        r.r2 = Ids.drain(ring);
        r.r3 = (int) ring.overflowCount();
    }
}
