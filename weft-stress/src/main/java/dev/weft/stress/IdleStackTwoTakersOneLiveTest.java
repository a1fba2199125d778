package dev.weft.stress;

import static dev.weft.stress.Ids.id;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.weft.sched.idle.IdleServerStack;
import dev.weft.sched.idle.IdleServerStack.Node;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * Two wakers {@code take()} at once from a stack with one live node A (id 1) behind a deleted, not yet unlinked
 * head D (id 9; another server's finished idle period). r1 = waker 1's node, r2 = waker 2's node, r3 = what a take()
 * after both finds (nothing).
 */
@JCStressTest
@Description("IdleServerStack: two concurrent take() on one live node (behind a deleted head); exactly one gets it")
@Outcome(id = "1, 0, 0", expect = ACCEPTABLE,
        desc = "waker 1 marked A; waker 2 skipped D, found A deleted (or lost the getAndBitwiseOr on it): null")
@Outcome(id = "0, 1, 0", expect = ACCEPTABLE,
        desc = "waker 2 marked A; waker 1 skipped D, found A deleted (or lost the getAndBitwiseOr on it): null")
@Outcome(id = "1, 1, .*", expect = FORBIDDEN, desc = "both wakers marked A: one server handed two workers")
@Outcome(id = "0, 0, .*", expect = FORBIDDEN, desc = "both wakers returned null although A was live: idle server lost")
@Outcome(id = {"9, .*", ".*, 9, .*"}, expect = FORBIDDEN, desc = "a waker returned the deleted node D")
@Outcome(expect = FORBIDDEN, desc = "any other outcome")
@State
public class IdleStackTwoTakersOneLiveTest {

    private final IdleServerStack<Integer> stack = new IdleServerStack<>(2);

    public IdleStackTwoTakersOneLiveTest() {
        stack.push(new Node<>(1)); // A, server 1
        Node<Integer> d = new Node<>(9); // server 2's idle period, already taken
        stack.push(d);
        if (!stack.tryTake(d)) {
            throw new IllegalStateException("setup");
        }
    }

    @Actor
    public void waker1(III_Result r) {
        r.r1 = id(stack.take());
    }

    @Actor
    public void waker2(III_Result r) {
        r.r2 = id(stack.take());
    }

    @Arbiter
    public void after(III_Result r) {
        r.r3 = id(stack.take());
    }
}
