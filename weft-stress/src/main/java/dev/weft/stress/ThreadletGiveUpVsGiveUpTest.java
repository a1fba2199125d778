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
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * Two waits give up at once on a pending threadlet (each a 1 ns {@code get}: push, time out, unlink its node and
 * any other dead one), over a callback registered before them. Each may find the other's node dead on its walk, at
 * the top (a CAS of the state) or below a live one (a write of its predecessor's link).
 *
 * <p>r1 = 1 when both waits timed out; arbiter: r2 = nodes left on the stack (the callback's alone), r3 = how many
 * times the callback ran once the arbiter completed the threadlet.
 */
@JCStressTest
@Description("Threadlet: two timed-out get()s unlinking their nodes at once; the callback's node stays, and runs once")
@Outcome(id = "1, 1, 1", expect = ACCEPTABLE, desc = "both nodes unlinked, the callback kept and run once")
@Outcome(id = "1, 2, 1", expect = FORBIDDEN, desc = "a dead node left behind: the unlinking lost a race")
@Outcome(id = "1, 0, .*", expect = FORBIDDEN, desc = "the callback's node unlinked with the dead ones")
@Outcome(expect = FORBIDDEN, desc = "any other outcome")
@State
public class ThreadletGiveUpVsGiveUpTest {

    private final AtomicInteger callbacks = new AtomicInteger();
    private final AtomicInteger timeouts = new AtomicInteger();
    private final Threadlet<Integer> threadlet = ThreadletProbe.pending(() -> 7);

    public ThreadletGiveUpVsGiveUpTest() {
        threadlet.onComplete((v, e) -> callbacks.incrementAndGet());
    }

    private void giveUp() {
        if (ThreadletProbe.getOrGiveUp(threadlet) == null) {
            timeouts.incrementAndGet();
        }
    }

    @Actor
    public void first() {
        giveUp();
    }

    @Actor
    public void second() {
        giveUp();
    }

    @Arbiter
    public void after(III_Result r) {
        r.r1 = timeouts.get() == 2 ? 1 : 0;
        r.r2 = ThreadletProbe.waitingNodes(threadlet);
        ThreadletProbe.run(threadlet);
        r.r3 = callbacks.get();
    }
}
