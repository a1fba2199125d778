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
 * The wake-up protocol's Dekker pair: the consumer publishes itself as the waiter, then checks the ring
 * ({@code prepareToWait}, the code {@code take()} and {@code RingSelector.select()} run before they park); a
 * producer publishes an element (CAS of producerIndex), then reads the waiter and, if set, takes it and unparks it.
 *
 * <p>The ring has wrapped once and is empty. r1 = 1 when the consumer's check saw the ring empty (it would park);
 * arbiter: r2 = 1 when the waiter is still published, i.e. the producer did not see it (no unpark), r3 = the element
 * polled. The waiter is an unstarted thread, so the producer's unpark has no effect on the test's threads.
 */
@JCStressTest
@Description("CompletionRing: prepareToWait() vs offer(); the consumer never parks on an element nobody wakes it for")
@Outcome(id = "1, 0, 1", expect = ACCEPTABLE,
        desc = "the consumer published and checked before the producer's claim; the producer saw the waiter and took"
                + " it: the consumer parks and is unparked")
@Outcome(id = "0, 1, 1", expect = ACCEPTABLE,
        desc = "the producer's claim came before the consumer's check and its waiter load before the publication:"
                + " the consumer sees the element and does not park; no unpark is needed")
@Outcome(id = "0, 0, 1", expect = ACCEPTABLE,
        desc = "each saw the other: the consumer does not park, and the producer unparks it anyway (a spurious"
                + " wake-up, which park loops allow)")
@Outcome(id = "1, 1, .*", expect = FORBIDDEN,
        desc = "lost wake-up: the consumer saw the ring empty and would park, and the producer saw no waiter")
@Outcome(expect = FORBIDDEN, desc = "any other outcome: the element lost")
@State
public class RingWaiterVsOfferTest {

    /** The waiter the consumer publishes: never started, so an unpark of it does nothing. */
    private static final Thread WAITER = Thread.ofPlatform().name("ring-waiter").unstarted(() -> { });

    private final CompletionRing<Integer> ring = Ids.ringHolding(2, 0);

    @Actor
    public void consumer(III_Result r) {
        r.r1 = ring.prepareToWait(WAITER) ? 1 : 0;
    }

    @Actor
    public void producer() {
        ring.offer(1);
    }

    @Arbiter
    public void after(III_Result r) {
        r.r2 = ring.hasWaiter() ? 1 : 0;
        r.r3 = Ids.id(ring.poll());
        ring.finishWait(WAITER);
    }
}
