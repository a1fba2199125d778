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
 * Two wakers {@code take()} at once from a stack holding two live nodes: head A (id 1) then B (id 2).
 * r1 = what waker 1 took, r2 = what waker 2 took, r3 = what a take() after both finds (must be nothing).
 */
@JCStressTest
@Description("IdleServerStack: two concurrent take() on two live nodes; each node goes to exactly one waker")
@Outcome(id = "1, 2, 0", expect = ACCEPTABLE,
        desc = "waker 1 marked A (the head) first; waker 2 found A deleted (or lost the getAndBitwiseOr on it) and marked B")
@Outcome(id = "2, 1, 0", expect = ACCEPTABLE,
        desc = "waker 2 marked A (the head) first; waker 1 found A deleted (or lost the getAndBitwiseOr on it) and marked B")
@Outcome(id = {"1, 1, .*", "2, 2, .*"}, expect = FORBIDDEN,
        desc = "both wakers marked the same node: one server handed two workers")
@Outcome(id = {"0, .*", "[12], 0, .*"}, expect = FORBIDDEN,
        desc = "a waker returned null although a live node remained for it")
@Outcome(expect = FORBIDDEN, desc = "any other outcome: a node left live after both takes, or an unknown node returned")
@State
public class IdleStackTwoTakersTwoLiveTest {

    private final IdleServerStack<Integer> stack = new IdleServerStack<>(2);

    public IdleStackTwoTakersTwoLiveTest() {
        stack.push(new Node<>(2)); // B
        stack.push(new Node<>(1)); // A, the head
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
