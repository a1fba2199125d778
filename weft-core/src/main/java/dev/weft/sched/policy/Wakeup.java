package dev.weft.sched.policy;

/** Why a worker became runnable. */
public enum Wakeup {
    /** {@code Thread.start}: its first run. */
    START,
    /** Unparked, unblocked, notified or timed out: it waited and may go on. */
    WAKE,
    /** {@code Thread.yield}, or unparked while it was still parking: it gave its server up and is still runnable. */
    YIELD
}
