package dev.weft.fuse.server;

/** Which idle server thread reads the next request. */
public enum IdleOrder {
    /**
     * The most recently idle thread reads next: one thread at a time reads (the leader); when it has a request it
     * hands the read to the thread that went idle last (popped from an idle-server stack) and handles its request.
     * The hand-off is a user-space flag the follower spins on briefly before it parks.
     */
    LIFO,
    /**
     * Every idle thread waits in {@code read(2)}; the kernel's exclusive wake-up picks the one that has waited
     * longest (its wait queue is FIFO).
     */
    FIFO
}
