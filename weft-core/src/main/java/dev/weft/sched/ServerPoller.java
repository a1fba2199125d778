package dev.weft.sched;

/**
 * An event source a server waits on instead of parking: one per server, made on the server's own thread by the
 * factory given to {@link ConcurrencyGroup.Builder#serverPoller}. With it one loop serves both runnable workers and
 * outside events, e.g. an io_uring whose completions unpark the workers that submitted them: an idle server then
 * sleeps in the event source (in {@code io_uring_enter}) rather than in a futex, and a worker woken from another
 * thread still reaches it through {@link #wakeup}.
 *
 * <h2>Threads</h2>
 * {@link #poll}, {@link #await} and {@link #close} are called by the server thread only (so a poller may own
 * single-issuer kernel objects); {@link #wakeup} by any thread. A worker running on the server may reach the poller
 * through {@code ConcurrencyGroup.currentServer().poller()}: it runs on the server's thread while it does.
 */
public interface ServerPoller {

    /**
     * Takes the events that arrived (e.g. reaps completions and unparks their workers) without blocking. Called by a
     * busy server once every 16 worker runs or 20 µs (so that what its workers hand over meanwhile goes out in one
     * batch), whenever it finds nothing to run, and every few iterations while it spins idle; it must be cheap when
     * there is nothing: a load or two.
     *
     * @return whether it found any event
     */
    boolean poll();

    /**
     * Blocks until an event arrives or {@link #wakeup} is called; may return early. A {@code wakeup} that came
     * before the call makes it return at once (wake-ups are not lost between the server's last look and its
     * sleep).
     */
    void await();

    /** Makes the server's current or next {@link #await} return. Any thread. */
    void wakeup();

    /** The server is exiting: release what the poller holds. */
    void close();
}
