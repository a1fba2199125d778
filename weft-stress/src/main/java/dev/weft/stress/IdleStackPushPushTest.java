package dev.weft.stress;

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
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * Two servers {@code push()} at once, both cleaning (the cleaner lock serializes the cleanUps, not the head CASes)
 * while deleted nodes are in the list.
 *
 * <p>Four servers. The list before: head D2 (id 6, server 2's previous period, deleted) → L3 (id 3, server 3, live)
 * → D1 (id 5, server 1's previous period, deleted) → D4 (id 7, deleted). Server 1 pushes N1 (id 1), server 2 pushes
 * N2 (id 2). Arbiter: r1 = size(), r2 = the ids a sequence of take() returns until null, as digits in take order
 * (the list order). All deleted nodes were deleted before either push began, so the first cleanUp unlinks them:
 * the list must be exactly [last pushed, first pushed, L3].
 */
@JCStressTest
@Description("IdleServerStack: two concurrent push() with cleanUp; no lost push, no deleted node left reachable")
@Outcome(id = "3, 213", expect = ACCEPTABLE,
        desc = "server 1's head CAS landed first, server 2's on top (whichever cleaned first); both new nodes and L3 takeable")
@Outcome(id = "3, 123", expect = ACCEPTABLE,
        desc = "server 2's head CAS landed first, server 1's on top (whichever cleaned first); both new nodes and L3 takeable")
@Outcome(id = {"[4-9], .*"}, expect = FORBIDDEN, desc = "deleted nodes still reachable after both cleanUps")
@Outcome(id = {"[0-3], [0-9]?[0-9]?"}, expect = FORBIDDEN, desc = "a push or L3 lost: fewer than three nodes taken")
@Outcome(expect = FORBIDDEN, desc = "any other outcome: a deleted node taken, a node taken twice, wrong order")
@State
public class IdleStackPushPushTest {

    private final IdleServerStack<Integer> stack = new IdleServerStack<>(4);
    private final Node<Integer> n1 = new Node<>(1);
    private final Node<Integer> n2 = new Node<>(2);

    public IdleStackPushPushTest() {
        Node<Integer> d1 = new Node<>(5);
        Node<Integer> d2 = new Node<>(6);
        Node<Integer> d4 = new Node<>(7);
        stack.push(d4);
        stack.push(d1);
        stack.push(new Node<>(3)); // L3
        stack.push(d2);
        if (!stack.tryTake(d4) || !stack.tryTake(d1) || !stack.tryTake(d2) || stack.size() != 4) {
            throw new IllegalStateException("setup");
        }
    }

    @Actor
    public void server1() {
        stack.push(n1);
    }

    @Actor
    public void server2() {
        stack.push(n2);
    }

    @Arbiter
    public void after(II_Result r) {
        r.r1 = stack.size();
        r.r2 = Ids.drain(stack);
    }
}
