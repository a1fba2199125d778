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
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * Server 1 pushes while server 2 withdraws its live head node (it found work) and then, idle again, pushes a fresh
 * one. This makes a node become deleted while server 1 cleans, and makes server 2's cleanUp CAS a deleted head away
 * while server 1's push CASes the same head: the push-CAS vs cleaner-CAS race on {@code head}.
 *
 * <p>Four servers. The list before: head L2 (id 4, server 2, live) → D1 (id 5, server 1's previous period, deleted)
 * → L3 (id 3, server 3, live) → D4 (id 7, deleted). Server 1 pushes N1 (id 1); server 2 does tryTake(L2) then pushes
 * N2 (id 2). r1 = 1 when server 2's withdrawal succeeded (nobody else takes here, so it must); arbiter: r2 = size(),
 * r3 = the ids a sequence of take() returns until null, in take order. L2 was deleted before server 2's cleanUp and
 * D1, D4 before either, so the list must be exactly [last pushed, first pushed, L3].
 */
@JCStressTest
@Description("IdleServerStack: push() vs withdraw-then-push(); head CAS of a push vs head CAS of a cleaner")
@Outcome(id = "1, 3, 213", expect = ACCEPTABLE,
        desc = "server 1's head CAS landed first, server 2 (withdrew L2, cleaned, pushed) on top; L2, D1, D4 unlinked")
@Outcome(id = "1, 3, 123", expect = ACCEPTABLE,
        desc = "server 2 withdrew L2 and pushed first, server 1's head CAS on top (a failed CAS retried); L2, D1, D4 unlinked")
@Outcome(id = "0, .*", expect = FORBIDDEN, desc = "server 2 could not withdraw its own node although nobody took it")
@Outcome(id = {"1, [4-9], .*"}, expect = FORBIDDEN, desc = "deleted nodes still reachable after both cleanUps")
@Outcome(id = {"1, [0-3], [0-9]?[0-9]?"}, expect = FORBIDDEN, desc = "a push or L3 lost: fewer than three nodes taken")
@Outcome(expect = FORBIDDEN, desc = "any other outcome: a deleted node (L2, D1, D4) taken, a node taken twice, wrong order")
@State
public class IdleStackPushVsWithdrawAndPushTest {

    private final IdleServerStack<Integer> stack = new IdleServerStack<>(4);
    private final Node<Integer> l2 = new Node<>(4);
    private final Node<Integer> n1 = new Node<>(1);
    private final Node<Integer> n2 = new Node<>(2);

    public IdleStackPushVsWithdrawAndPushTest() {
        Node<Integer> d1 = new Node<>(5);
        Node<Integer> d4 = new Node<>(7);
        stack.push(d4);
        stack.push(new Node<>(3)); // L3
        stack.push(d1);
        stack.push(l2);
        if (!stack.tryTake(d4) || !stack.tryTake(d1) || stack.size() != 4) {
            throw new IllegalStateException("setup");
        }
    }

    @Actor
    public void server1() {
        stack.push(n1);
    }

    @Actor
    public void server2(III_Result r) {
        r.r1 = stack.tryTake(l2) ? 1 : 0;
        stack.push(n2);
    }

    @Arbiter
    public void after(III_Result r) {
        r.r2 = stack.size();
        r.r3 = Ids.drain(stack);
    }
}
