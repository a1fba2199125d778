package dev.weft.sched;

/**
 * The fields a server writes on every run, alone on their cache lines: without the padding, a copying collector
 * may place two servers' hot fields side by side, and every run then moves a line between cores (measured: a
 * yield went from about 105 ns to about 200 ns in some JVM runs and not in others).
 *
 * <p>HotSpot lays out a superclass's fields before a subclass's, so the padding lives in the superclass and the
 * subclass: 128 bytes on each side (two lines, for adjacent-line prefetch). Written and read by the owning server
 * only, except the counters, which {@link Server#stats()} reads (opaque) from any thread, and {@code running}, which
 * {@code ConcurrencyGroup.liveWorkers()} reads racily for its report.
 */
final class OwnerState extends OwnerStateFields {
    long p10, p11, p12, p13, p14, p15, p16, p17, p18, p19, p1a, p1b, p1c, p1d, p1e, p1f;
}

abstract class OwnerStatePad {
    /** Fills the 4 bytes after a 12-byte object header, which HotSpot would give to a subclass's int or reference. */
    int p0h;
    long p00, p01, p02, p03, p04, p05, p06, p07, p08, p09, p0a, p0b, p0c, p0d, p0e, p0f;
}

abstract class OwnerStateFields extends OwnerStatePad {
    /** The worker whose continuation the server is running, or null. */
    WorkerTask running;
    /**
     * A worker started by {@link ConcurrencyGroup#switchTo} from the running worker: the server runs it next,
     * before asking its policy.
     */
    WorkerTask switchTo;
    /**
     * Workers that switched to another and wait to resume here as soon as it blocks or ends: a stack linked
     * through {@link WorkerTask#nextSwitchBack} (a switched-to worker may switch again).
     */
    WorkerTask switchBack;
    /** Consecutive runs taken from the next slot. */
    int handoffStreak;
    /** Runs, as an int the owner reads plainly: the scheduling tick policies use for periodic checks. */
    int tick;
    /** When the server last polled its {@link ServerPoller} between runs (System.nanoTime). */
    long lastPoll;
    /**
     * Set when this server stopped spinning with work and no other server spins: once it has taken its worker, it
     * wakes a parked server if more work waits ({@link GroupScheduler#wakeOneIfWorkWaits}).
     */
    boolean leftSpinningLast;
    /** Set when a thief took over the worker handed to this server: its next idle period parks without spinning. */
    boolean skipNextSpin;
    /**
     * Runs, hand-offs, steals, stolen, spins, parks ({@link Server#RUNS} and the others) at indexes
     * {@link #COUNTERS_AT}..: an array of its own, padded at both ends for the same reason.
     */
    final long[] counters = new long[COUNTERS_AT + 6 + COUNTERS_AT];

    /** 16 longs: 128 bytes. */
    static final int COUNTERS_AT = 16;
}
