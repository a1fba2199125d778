/**
 * Completion rings: user-space rings through which results come back to the thread that waits for them, as
 * completions come back through io_uring's completion queue. Any number of rings, each made with {@code new}: no
 * registration, no global state.
 *
 * <ul>
 *   <li>{@link dev.weft.ring.Completion}: a result or a failure, with the user's {@code tag} (io_uring's
 *       {@code user_data}).</li>
 *   <li>{@link dev.weft.ring.CompletionRing}: a bounded multi-producer single-consumer ring whose producers never
 *       block and never lose an element (a full ring spills into an unbounded overflow list, like io_uring's CQ
 *       overflow list), with a consumer that can poll, or spin briefly and then park.</li>
 *   <li>{@link dev.weft.ring.RingSelector}: one consumer waiting on several rings at once.</li>
 * </ul>
 *
 * <h2>Memory-access vocabulary</h2>
 * As in JCTools, and as in {@code dev.weft.sched.queue}: <em>plain</em> is an ordinary access; <em>opaque</em>,
 * <em>acquire</em> and <em>release</em> are the {@code VarHandle} modes of those names (an acquire load that reads
 * the value of a release store sees everything written before that store); <em>volatile</em> is sequentially
 * consistent ({@code getVolatile}, {@code setVolatile}, and the read-modify-writes {@code compareAndSet},
 * {@code compareAndExchange}, {@code getAndSet}, {@code getAndAdd}). Code says the mode through the
 * {@code VarHandle} method it calls ({@code SLOT.setRelease}, {@code PRODUCER_INDEX.compareAndSet}); each release
 * store names the acquire load it pairs with, and each volatile access that a Dekker-style argument depends on
 * (store one variable, then load another, on two threads) names its partner. {@code lv}/{@code so} prefixes are not
 * used: the mode is spelled out.
 *
 * <h2>Who may call what</h2>
 * A ring has any number of producers and one consumer at a time: {@code offer} and {@code tryOffer} from any
 * thread; {@code poll}, {@code drain}, {@code take}, the wait protocol and the selector's methods from one thread at
 * a time (a different thread later is fine once the first has returned, when something else orders the two, such
 * as a lock or a {@code Thread.join}). Queries ({@code size}, {@code isEmpty}, {@code overflowCount}) are snapshots
 * from any thread.
 */
package dev.weft.ring;
