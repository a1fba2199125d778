/**
 * The idle-server stack: where a server that found no work waits, and where a waker finds a server to hand a
 * worker to; and the hand-over slot through which the waker hands it, and a server with nothing to run takes it
 * over while the receiver still sleeps.
 *
 * <h2>Memory-access vocabulary</h2>
 * Method and comment names follow JCTools: <em>plain</em> is an ordinary field access; <em>opaque</em> is
 * {@code VarHandle.getOpaque/setOpaque} (atomic, no ordering); <em>acquire</em>/<em>release</em> are
 * {@code getAcquire}/{@code setRelease}, and each release store names the acquire load it pairs with;
 * <em>volatile</em> is sequentially consistent, used where two threads each write one variable and read the
 * other's (the Dekker pattern of "publish my node, then re-check the queues" against "publish work, then look
 * for an idle node").
 */
package dev.weft.sched.idle;
