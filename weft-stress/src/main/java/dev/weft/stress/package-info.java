/**
 * jcstress tests of weft-core's lock-free structures: the idle-server stack
 * ({@link dev.weft.sched.idle.IdleServerStack}), the local run queue ({@link dev.weft.sched.queue.LocalRunQueue}),
 * the LIFO next slot ({@link dev.weft.sched.queue.NextSlot}), the idle server's hand-over slot
 * ({@link dev.weft.sched.idle.HandOverSlot}) and the completion ring
 * ({@link dev.weft.ring.CompletionRing}: {@code Ring*Test}; where a test needs two producers and the consumer, the
 * consumer's actor is also the second producer, as the thread that submits to io_uring also reaps).
 *
 * <p>Conventions: nodes and elements are named by small integers so that a result line reads as the interleaving it
 * records; 0 always means null (nothing taken). Where an actor or the arbiter drains a queue or a stack, the drained
 * ids are written as the decimal digits of one int, oldest (or first taken) first: {@code 45} means "4 then 5",
 * {@code 0} means "nothing". Every test ends with a catch-all FORBIDDEN outcome, so any outcome not named is a failure.
 * All tests have two actors, so they all run on a two-CPU machine.
 */
package dev.weft.stress;
