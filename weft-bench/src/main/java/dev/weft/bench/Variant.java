package dev.weft.bench;

import dev.weft.sched.ConcurrencyGroup;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadFactory;

/**
 * One of the thread variants a benchmark compares, opened for one JMH trial (one fork).
 *
 * <ul>
 *   <li>{@code weft-handoff}, {@code weft-fifo}: workers of a {@link ConcurrencyGroup} with that policy and one
 *       server per available processor;</li>
 *   <li>{@code jdk-default}: virtual threads on the JDK's default scheduler ({@code Thread.ofVirtual()});</li>
 *   <li>{@code platform}: platform threads ({@code Thread.ofPlatform()}).</li>
 * </ul>
 *
 * Benchmarks create threads through {@link #factory()}, a {@link ThreadFactory} rather than a
 * {@code Thread.Builder}, because a factory may be shared by threads that start threads concurrently (a builder
 * may not). Virtual threads a worker starts with {@code Thread.ofVirtual()} land on the worker's own scheduler, so
 * a tree of workers built through the factory stays in the group.
 */
final class Variant implements AutoCloseable {

    static final String WEFT_HANDOFF = "weft-handoff";
    static final String WEFT_FIFO = "weft-fifo";
    static final String JDK_DEFAULT = "jdk-default";
    static final String PLATFORM = "platform";

    /** Every variant, in the order the reports list them. */
    static final List<String> ALL = List.of(WEFT_HANDOFF, WEFT_FIFO, JDK_DEFAULT, PLATFORM);
    /** The variants that are virtual threads (benchmarks too large for platform threads use these). */
    static final List<String> VIRTUAL = List.of(WEFT_HANDOFF, WEFT_FIFO, JDK_DEFAULT);

    private final String name;
    private final ConcurrencyGroup group;
    private final ThreadFactory factory;

    private Variant(String name, ConcurrencyGroup group, ThreadFactory factory) {
        this.name = name;
        this.group = group;
        this.factory = factory;
    }

    /** Opens the variant called {@code name}; for the weft ones this builds and starts the group. */
    static Variant open(String name) {
        return switch (name) {
            case WEFT_HANDOFF -> weft(name, group("handoff", null));
            case WEFT_FIFO -> weft(name, group("fifo", null));
            case JDK_DEFAULT -> new Variant(name, null, Thread.ofVirtual().factory());
            case PLATFORM -> new Variant(name, null, Thread.ofPlatform().factory());
            default -> throw new IllegalArgumentException("unknown scheduler variant '" + name + "', expected one of "
                    + ALL);
        };
    }

    /** A weft variant around an already built group (the idle-wake benchmark builds its own). */
    static Variant weft(String name, ConcurrencyGroup group) {
        return new Variant(name, group, group.threadBuilder().factory());
    }

    /**
     * A group of {@link #servers()} servers with the built-in policy {@code policy}, and the given idle spin (null:
     * the builder's default).
     */
    static ConcurrencyGroup group(String policy, Duration idleSpin) {
        ConcurrencyGroup.Builder b = ConcurrencyGroup.builder()
                .servers(servers())
                .policy(policy)
                .name("bench-" + policy);
        if (idleSpin != null) {
            b.idleSpin(idleSpin);
        }
        return b.build();
    }

    /** Servers per group: one per available processor, like the JDK's default scheduler has carriers. */
    static int servers() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** Creates unstarted threads of this variant; safe to share between threads. */
    ThreadFactory factory() {
        return factory;
    }

    /** Starts a thread of this variant running {@code task}. */
    Thread start(Runnable task) {
        Thread t = factory.newThread(task);
        t.start();
        return t;
    }

    /** Starts {@code count} threads of this variant, each running {@code task}. */
    Thread[] startAll(int count, Runnable task) {
        Thread[] threads = new Thread[count];
        for (int i = 0; i < count; i++) {
            threads[i] = start(task);
        }
        return threads;
    }

    static void joinAll(Thread[] threads) throws InterruptedException {
        for (Thread t : threads) {
            t.join();
        }
    }

    /** Closes the group, if any: waits for its workers to end and stops its servers. */
    @Override
    public void close() {
        if (group != null) {
            group.close();
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
