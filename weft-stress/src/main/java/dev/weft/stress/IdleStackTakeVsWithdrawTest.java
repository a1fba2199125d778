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
 * A waker's {@code take()} races the owner's {@code tryTake(own node)}: the self-cancel of a server that found work
 * itself after going idle. The stack holds the owner's node A (id 1, the head) and another server's live node B
 * (id 2). r1 = the waker's node, r2 = 1 when the owner's withdrawal succeeded, r3 = what a take() after both finds.
 */
@JCStressTest
@Description("IdleServerStack: waker take() vs owner tryTake(own node); exactly one of them wins A")
@Outcome(id = "1, 0, 2", expect = ACCEPTABLE,
        desc = "waker marked A first: the owner's withdrawal failed (it waits for the hand-off); B still idle")
@Outcome(id = "2, 1, 0", expect = ACCEPTABLE,
        desc = "owner withdrew A first: waker found A deleted (or lost the getAndBitwiseOr on it) and marked B")
@Outcome(id = "1, 1, .*", expect = FORBIDDEN, desc = "waker and owner both won A")
@Outcome(id = "2, 0, .*", expect = FORBIDDEN, desc = "waker skipped A although nobody had withdrawn it")
@Outcome(id = "0, .*", expect = FORBIDDEN, desc = "waker returned null although B (and maybe A) was live")
@Outcome(expect = FORBIDDEN, desc = "any other outcome: B lost, or taken twice")
@State
public class IdleStackTakeVsWithdrawTest {

    private final IdleServerStack<Integer> stack = new IdleServerStack<>(2);
    private final Node<Integer> a = new Node<>(1);

    public IdleStackTakeVsWithdrawTest() {
        stack.push(new Node<>(2)); // B, another server
        stack.push(a);             // A, the owner's node, head
    }

    @Actor
    public void waker(III_Result r) {
        r.r1 = id(stack.take());
    }

    @Actor
    public void owner(III_Result r) {
        r.r2 = stack.tryTake(a) ? 1 : 0;
    }

    @Arbiter
    public void after(III_Result r) {
        r.r3 = id(stack.take());
    }
}
