package dev.weft.threadlet;

import dev.weft.ring.Completion;
import dev.weft.ring.CompletionRing;
import dev.weft.sched.ConcurrencyGroup;
import dev.weft.sched.Server;

import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * Threadlets (seed 004): a task that runs in the caller's context without any hand-off, and gets a context of its
 * own only if it blocks; then the caller (the "head") goes on. Nobody sizes or feeds a pool: parallelism appears
 * exactly where a task blocks.
 *
 * <pre>{@code
 * Threadlet<String> t = Threadlets.exec(() -> cache.getOrLoad(key)); // inline if the key is cached
 * if (t.isDone()) { ... }                                               // no other thread took part
 * }</pre>
 *
 * <h2>What {@code exec} does, by caller</h2>
 * <ul>
 *   <li>A platform thread (a main thread, an event loop, a FUSE reader): the task runs <em>inline, on the
 *       calling OS thread</em>, as a worker of the group ({@link ConcurrencyGroup#startInline}). If it ends
 *       without blocking, {@code exec} returns a done handle and no other thread took part. If it blocks,
 *       {@code exec} returns a pending handle at once; the task resumes later on the group's servers.</li>
 *   <li>A worker of the group, on one of its servers: switch-to ({@link ConcurrencyGroup#switchTo}). The
 *       caller's server runs the threadlet first; the caller resumes on the same server as soon as the threadlet
 *       blocks or ends.</li>
 *   <li>Any other virtual thread (the JDK's scheduler, another group, a threadlet running inline on a platform
 *       thread): the threadlet starts on the group through its policy and the handle is pending. A virtual
 *       thread cannot carry another, so there is no inline run to be had; this is never an error.</li>
 * </ul>
 * The forms without a group use the calling worker's group (a threadlet still running inline on a platform thread
 * included), or else {@link #defaultGroup()}. On a group that is shut down, {@code exec} throws
 * {@link java.util.concurrent.RejectedExecutionException}; a null group, task or ring throws
 * {@link NullPointerException}.
 *
 * <h2>Completions</h2>
 * The forms with a {@link CompletionRing} also deliver the outcome there, once, as a {@link Completion} with the
 * caller's tag (success, the task's exception, or a {@code CancellationException}): one consumer can collect the
 * ends of any number of threadlets without holding their handles.
 */
public final class Threadlets {

    private Threadlets() {
    }

    private static final Object DEFAULT_GROUP_LOCK = new Object();
    private static volatile ConcurrencyGroup defaultGroup;

    /**
     * The group of threadlets started outside any group: one server per CPU, the default policy, created on
     * first use (its servers are daemon threads). It is shared by every caller in the JVM: closing it makes every
     * later {@code exec} without a group throw {@link java.util.concurrent.RejectedExecutionException}.
     *
     * @throws IllegalStateException when the JVM lacks the flags weft needs (the message names them); every call
     *                               says so again, not only the first
     */
    public static ConcurrencyGroup defaultGroup() {
        ConcurrencyGroup g = defaultGroup;
        if (g == null) {
            synchronized (DEFAULT_GROUP_LOCK) {
                g = defaultGroup;
                if (g == null) {
                    g = ConcurrencyGroup.builder().name("weft-threadlets").build();
                    defaultGroup = g;
                }
            }
        }
        return g;
    }

    /** Runs {@code task} as a threadlet of the caller's group, or of the {@linkplain #defaultGroup() default}. */
    public static <T> Threadlet<T> exec(Callable<? extends T> task) {
        return start(groupOfCaller(), task, null, 0L);
    }

    /** Runs {@code task} as a threadlet of {@code group}. */
    public static <T> Threadlet<T> exec(ConcurrencyGroup group, Callable<? extends T> task) {
        return start(group, task, null, 0L);
    }

    /**
     * Runs {@code task} as a threadlet of the caller's group (or the default) and delivers its completion, tagged
     * {@code tag}, to {@code ring} as well as to the handle.
     */
    public static <T> Threadlet<T> exec(Callable<? extends T> task, CompletionRing<? super Completion<T>> ring,
                                        long tag) {
        return start(groupOfCaller(), task, requireRing(ring), tag);
    }

    /** Runs {@code task} as a threadlet of {@code group}, delivering its completion to {@code ring} too. */
    public static <T> Threadlet<T> exec(ConcurrencyGroup group, Callable<? extends T> task,
                                        CompletionRing<? super Completion<T>> ring, long tag) {
        return start(group, task, requireRing(ring), tag);
    }

    private static <R> R requireRing(R ring) {
        return Objects.requireNonNull(ring, "ring is null: to get the outcome from the handle alone, use the form"
                + " of exec without a ring");
    }

    private static <T> Threadlet<T> start(ConcurrencyGroup group, Callable<? extends T> task,
                                          CompletionRing<? super Completion<T>> ring, long tag) {
        Objects.requireNonNull(group, "group is null: pass a ConcurrencyGroup, or use the form of exec without one");
        Threadlet<T> t = new Threadlet<>(task, ring, tag); // which refuses a null task
        Runnable body = t::run;
        if (!Thread.currentThread().isVirtual()) {
            group.startInline(body);
        } else if (ConcurrencyGroup.currentServer() instanceof Server s && s.group() == group) {
            group.switchTo(body);
        } else {
            group.start(body);
        }
        return t;
    }

    /**
     * The calling worker's group (on a server, or running inline), else the default group. A platform thread is
     * never a worker: a server's own thread (running a poller's or a callback's code) gets the default group too.
     */
    private static ConcurrencyGroup groupOfCaller() {
        ConcurrencyGroup g = Thread.currentThread().isVirtual() ? ConcurrencyGroup.current() : null;
        return g != null ? g : defaultGroup();
    }
}
