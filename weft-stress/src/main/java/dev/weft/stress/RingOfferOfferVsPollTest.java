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
 * Two producers and the consumer on two CPUs: producer A offers 1 then 2; the other actor is a producer and the
 * consumer, as in io_uring, where the thread that submits also reaps: it offers 3, then polls twice.
 *
 * <p>The ring has 2 slots and has wrapped once. r1, r2 = the consumer's polls; arbiter: r3 = what is left, drained
 * (digits, ring order), r4 = overflowCount(). The consumer's own 3 is in the ring before it polls, so its first
 * poll always finds an element. The ring order (r1, r2, then r3) is a merge of "12" and "3".
 */
@JCStressTest
@Description("CompletionRing: offer()+offer() vs offer()+poll()+poll(); FIFO per producer, nothing lost or duplicated")
@Outcome(id = "3, 0, 12, 0", expect = ACCEPTABLE,
        desc = "the consumer's offer and both polls ran before A's first claim; 1 and 2 found the array empty")
@Outcome(id = "3, 0, 12, 1", expect = ACCEPTABLE,
        desc = "as above, but 2 read consumerIndex before the consumer's release store of it became visible (a store"
                + " still in the consumer's store buffer while it polled again): the array looked full, 2 overflowed")
@Outcome(id = "3, 1, 2, 0", expect = ACCEPTABLE,
        desc = "3 claimed before 1; the consumer took 3 before 2 was offered, so 2 found a free slot")
@Outcome(id = "3, 1, 2, 1", expect = ACCEPTABLE,
        desc = "3 claimed before 1; 2 was offered while 3 and 1 filled the array: it overflowed, and came out last")
@Outcome(id = "1, 3, 2, 0", expect = ACCEPTABLE,
        desc = "1 claimed before 3; the consumer took 1 before 2 was offered, so 2 found a free slot")
@Outcome(id = "1, 3, 2, 1", expect = ACCEPTABLE,
        desc = "1 claimed before 3; 2 was offered while 1 and 3 filled the array: it overflowed, and came out last")
@Outcome(id = "1, 2, 3, 1", expect = ACCEPTABLE,
        desc = "A filled both slots before the consumer's own offer: 3 overflowed; the array (1, 2) came out first")
@Outcome(id = {"2, .*", ".*, 2, 1, .*", "3, 2, .*"}, expect = FORBIDDEN, desc = "2 came out before 1: FIFO broken")
@Outcome(id = "0, .*", expect = FORBIDDEN, desc = "the consumer's first poll missed its own, earlier offer")
@Outcome(expect = FORBIDDEN, desc = "any other outcome: an element lost or duplicated, or a wrong overflow count")
@State
public class RingOfferOfferVsPollTest {

    private final CompletionRing<Integer> ring = Ids.ringHolding(2, 0);

    @Actor
    public void producer() {
        ring.offer(1);
        ring.offer(2);
    }

    @Actor
    public void producerAndConsumer(IIII_Result r) {
        ring.offer(3);
        r.r1 = id(ring.poll());
        r.r2 = id(ring.poll());
    }

    @Arbiter
    public void after(IIII_Result r) {
        r.r3 = Ids.drain(ring);
        r.r4 = (int) ring.overflowCount();
    }
}
