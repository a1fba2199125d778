package dev.weft.threadlet;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The jcstress tests' access to a {@link Threadlet} without a group: a pending handle, its worker's body run on the
 * calling thread, and the size of its waiter stack. In the threadlet package so that it can reach them; the tests
 * run on the class path, where this jar and weft-core's share the package.
 */
public final class ThreadletProbe {

    private ThreadletProbe() {
    }

    /** A pending threadlet of {@code task}, with no ring, not started. */
    public static <T> Threadlet<T> pending(Callable<T> task) {
        return new Threadlet<>(task, null, 0L);
    }

    /** Runs the threadlet's body on the calling thread, as its worker would: calls the task and completes. */
    public static void run(Threadlet<?> t) {
        t.run();
    }

    /**
     * A wait that gives up at once: {@code get} with a 1 ns timeout, which pushes its node on the handle's stack and,
     * timing out, unlinks it. The result, or null when it timed out (the tests' tasks never return null).
     */
    public static <T> T getOrGiveUp(Threadlet<T> t) {
        try {
            return t.get(1, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return null;
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waiting threads and callbacks on the handle's stack; 0 once it is done. */
    public static int waitingNodes(Threadlet<?> t) {
        return t.waitingNodes();
    }
}
