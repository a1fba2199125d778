package dev.weft.stress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.weft.threadlet.Threadlet;
import dev.weft.threadlet.ThreadletProbe;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * A wait that gives up (1 ns {@code get}: push, time out, unlink) against a callback being registered (a push of
 * its node by CAS of the state) on a pending threadlet that already has one callback. The unlinking CAS of the top
 * fails when the new callback was pushed over the dead node, and the walk then unlinks it from below.
 *
 * <p>Arbiter: r1 = nodes on the stack (the two callbacks), r2 = callbacks run once the arbiter completed it.
 */
@JCStressTest
@Description("Threadlet: a timed-out get() unlinking its node vs onComplete pushing one; both callbacks kept, run once")
@Outcome(id = "2, 2", expect = ACCEPTABLE, desc = "the dead node gone, both callbacks kept and run")
@Outcome(id = "3, 2", expect = FORBIDDEN, desc = "the dead node left behind")
@Outcome(id = "1, 1", expect = FORBIDDEN, desc = "a callback's node lost to the unlinking CAS")
@Outcome(expect = FORBIDDEN, desc = "any other outcome")
@State
public class ThreadletGiveUpVsCallbackTest {

    private final AtomicInteger callbacks = new AtomicInteger();
    private final Threadlet<Integer> threadlet = ThreadletProbe.pending(() -> 7);

    public ThreadletGiveUpVsCallbackTest() {
        threadlet.onComplete((v, e) -> callbacks.incrementAndGet());
    }

    @Actor
    public void waiter() {
        ThreadletProbe.getOrGiveUp(threadlet); // times out: nobody completes it during the actors
    }

    @Actor
    public void registrar() {
        threadlet.onComplete((v, e) -> callbacks.incrementAndGet());
    }

    @Arbiter
    public void after(II_Result r) {
        r.r1 = ThreadletProbe.waitingNodes(threadlet);
        ThreadletProbe.run(threadlet);
        r.r2 = callbacks.get();
    }
}
