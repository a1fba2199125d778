/**
 * Scheduling policies: where a started, woken or yielding worker goes, and what a server runs next.
 *
 * <p>A policy is a {@link dev.weft.sched.policy.SchedulingPolicy}: two methods that decide with the primitives of
 * {@link dev.weft.sched.policy.RunQueues} (next slot, local queue, per-server inbox, shared queue, the idle-server
 * stack, stealing). The primitives keep the group live and lose nothing; the policy only chooses. Built-ins:
 * {@link dev.weft.sched.policy.HandoffPolicy} (the default), {@link dev.weft.sched.policy.FifoPolicy} and
 * {@link dev.weft.sched.policy.AffinityPolicy}.
 */
package dev.weft.sched.policy;
