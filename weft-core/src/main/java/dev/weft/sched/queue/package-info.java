/**
 * Run queues: a server's bounded local queue, its LIFO next slot, and the shared overflow queue.
 *
 * <h2>Memory-access vocabulary</h2>
 * As in JCTools: <em>plain</em> is an ordinary access; <em>opaque</em>, <em>acquire</em> and <em>release</em> are
 * the {@code VarHandle} modes of those names; <em>volatile</em> is sequentially consistent. Each release store names
 * the acquire load it pairs with. {@code lv}/{@code so} prefixes are not used: the mode is spelled out.
 */
package dev.weft.sched.queue;
