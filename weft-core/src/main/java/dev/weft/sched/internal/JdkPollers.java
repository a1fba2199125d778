package dev.weft.sched.internal;

/**
 * The JDK starts its I/O poller threads lazily, as virtual threads made with {@code Thread.ofVirtual()} by
 * whichever thread first blocks on a socket. Started from a worker they would inherit the group as their
 * scheduler, count as its workers and stop when it closes. Initialising {@code sun.nio.ch.Poller} from a platform
 * thread first gives them the JDK's default scheduler.
 *
 * <p>A class of its own so that the platform thread that runs it does not wait for {@link JdkAccess}'s
 * initialisation, which calls it.
 */
final class JdkPollers implements Runnable {

    private JdkPollers() {
    }

    static void startOnPlatformThread() throws InterruptedException {
        Thread t = Thread.ofPlatform().daemon().name("weft-poller-init").start(new JdkPollers());
        t.join();
    }

    @Override
    public void run() {
        try {
            Class.forName("sun.nio.ch.Poller", true, null);
        } catch (ClassNotFoundException ignored) {
            // another JDK layout: nothing to start early
        }
    }
}
