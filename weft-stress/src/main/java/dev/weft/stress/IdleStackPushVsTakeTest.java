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
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * A server's {@code push()}, which first unlinks deleted nodes, races a waker's {@code take()}.
 *
 * <p>Four servers. The list before: head D3 (id 7, deleted) → L (id 1, server 1, live) → D2 (id 6, deleted) →
 * D1 (id 5, server 2's previous idle period, deleted). Server 2 goes idle again and pushes N (id 2): its cleanUp
 * CASes the deleted head away and unlinks the interior deleted nodes while the waker walks the same links.
 *
 * <p>r1 = the waker's node; arbiter: r2 = size() (nodes reachable, deleted or not), r3 = what a take() then finds,
 * r4 = what a second take() finds (nothing). D1..D3 were deleted before the push began, so its cleanUp must have
 * unlinked them all: size() is at most 2 (N, plus L when the cleaner passed L before the waker marked it).
 */
@JCStressTest
@Description("IdleServerStack: push() with cleanUp vs take(); no deleted node returned, no live node lost, deleted nodes unlinked")
@Outcome(id = "1, 1, 2, 0", expect = ACCEPTABLE,
        desc = "waker marked L before the cleaner reached it: the cleaner unlinked L with D1..D3; only N remains, idle")
@Outcome(id = "1, 2, 2, 0", expect = ACCEPTABLE,
        desc = "waker marked L (through the old links or the cleaned ones) after the cleaner passed it: L stays linked "
                + "(deleted) until the next push; N idle")
@Outcome(id = "2, 2, 1, 0", expect = ACCEPTABLE,
        desc = "the push published N before the waker read head: waker marked N; L still idle behind it")
@Outcome(id = {"[567], .*"}, expect = FORBIDDEN, desc = "waker returned a deleted node")
@Outcome(id = {"0, .*"}, expect = FORBIDDEN, desc = "waker returned null although L (and maybe N) was live")
@Outcome(id = {"[12], [3-9], .*", "[12], [1-9][0-9]+, .*"}, expect = FORBIDDEN,
        desc = "deleted nodes still reachable after the push's cleanUp: they accumulate")
@Outcome(id = {"[12], [12], 0, .*", "2, 1, .*"}, expect = FORBIDDEN,
        desc = "a live node became unreachable: the arbiter's take() cannot find it")
@Outcome(expect = FORBIDDEN, desc = "any other outcome: a node taken twice, or a live node left after the drain")
@State
public class IdleStackPushVsTakeTest {

    private final IdleServerStack<Integer> stack = new IdleServerStack<>(4);
    private final Node<Integer> n = new Node<>(2);

    public IdleStackPushVsTakeTest() {
        Node<Integer> d1 = new Node<>(5);
        Node<Integer> d2 = new Node<>(6);
        Node<Integer> d3 = new Node<>(7);
        stack.push(d1);
        stack.push(d2);
        stack.push(new Node<>(1)); // L
        stack.push(d3);
        if (!stack.tryTake(d1) || !stack.tryTake(d2) || !stack.tryTake(d3) || stack.size() != 4) {
            throw new IllegalStateException("setup");
        }
    }

    @Actor
    public void server(IIII_Result r) {
        stack.push(n);
    }

    @Actor
    public void waker(IIII_Result r) {
        r.r1 = id(stack.take());
    }

    @Arbiter
    public void after(IIII_Result r) {
        r.r2 = stack.size();
        r.r3 = id(stack.take());
        r.r4 = id(stack.take());
    }
}
