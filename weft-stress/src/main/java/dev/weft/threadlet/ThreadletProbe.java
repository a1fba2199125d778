package dev.weft.threadlet;

import java.util.concurrent.Callable;

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

    /** Waiting threads and callbacks on the handle's stack; 0 once it is done. */
    public static int waitingNodes(Threadlet<?> t) {
        return t.waitingNodes();
    }
}
