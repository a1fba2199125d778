package dev.weft.bench;

import dev.weft.sched.ConcurrencyGroup;
import dev.weft.threadlet.Threadlets;
import jdk.internal.vm.Continuation;
import jdk.internal.vm.ContinuationScope;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.lang.reflect.Constructor;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Threadlet-null: the cost of running a task that does not block, with its result, from a platform thread. A
 * threadlet runs it inline as a virtual thread on the calling OS thread; the peers hand it to another thread and
 * wait (a futex wake-up each way on this machine), or run it with no context at all.
 *
 * <ul>
 *   <li>{@code weftThreadlet}: {@code Threadlets.exec(group, task).join()}.</li>
 *   <li>{@code directCall}: {@code task.call()}: the floor of any mechanism.</li>
 *   <li>{@code continuation}: a new bare {@code jdk.internal.vm.Continuation} around the task, run to its end:
 *       the floor of running code in a context that could be suspended, on Loom. A threadlet needs more: a
 *       virtual thread (the thing a blocking call can unmount), its start and its end.</li>
 *   <li>{@code vtInlineFloor}: what a threadlet cannot do without: a new virtual thread whose scheduler hands its
 *       start back, run inline on the calling thread to its end (the JDK's own builder and classes, nothing of
 *       weft): the floor of an inline threadlet on Loom.</li>
 *   <li>{@code jdkVtStartJoin}: {@code Thread.ofVirtual().start(task).join()} on the JDK's scheduler.</li>
 *   <li>{@code executorSubmitGet}: {@code submit(task).get()} on a 2-thread {@code ThreadPoolExecutor}.</li>
 *   <li>{@code cfSupplyJoin}: {@code CompletableFuture.supplyAsync(task).join()} (the common pool).</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public class ThreadletNullBench {

    private static final ContinuationScope SCOPE = new ContinuationScope("weft-bench-threadlet");

    ConcurrencyGroup group;
    Thread.Builder.OfVirtual capturingBuilder;
    Runnable captured;
    ThreadPoolExecutor pool;
    Integer value = 42;
    /**
     * Where the Runnable floors leave their result. Plain, not volatile: the floors run it on this thread
     * (continuation, vtInlineFloor) or join the thread that did (jdkVtStartJoin), so the read after is ordered
     * anyway, and a volatile store's fence would make the floors dearer than the work weft's task does.
     */
    Integer sink;

    final Callable<Integer> task = () -> value;
    final Supplier<Integer> supplier = () -> value;
    final Runnable runnable = () -> sink = value;

    @Setup(Level.Trial)
    public void open() {
        group = ConcurrencyGroup.builder().name("bench-threadlet-null").build();
        pool = new ThreadPoolExecutor(2, 2, 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>());
        pool.prestartAllCoreThreads();
        try {
            Constructor<?> ctor = Class.forName("java.lang.ThreadBuilders$VirtualThreadBuilder")
                    .getDeclaredConstructor(Executor.class);
            ctor.setAccessible(true); // --add-opens java.base/java.lang, as weft itself needs
            capturingBuilder = (Thread.Builder.OfVirtual) ctor.newInstance((Executor) r -> captured = r);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        group.close();
        pool.shutdownNow();
    }

    @Benchmark
    public Integer weftThreadlet() {
        return Threadlets.exec(group, task).join();
    }

    @Benchmark
    public Integer directCall() throws Exception {
        return task.call();
    }

    @Benchmark
    public Integer continuation() {
        new Continuation(SCOPE, runnable).run();
        return sink;
    }

    @Benchmark
    public Integer vtInlineFloor() {
        capturingBuilder.unstarted(runnable).start(); // the scheduler keeps the start task in captured
        Runnable r = captured;
        captured = null;
        r.run();
        return sink;
    }

    @Benchmark
    public Integer jdkVtStartJoin() throws InterruptedException {
        Thread.ofVirtual().start(runnable).join();
        return sink;
    }

    @Benchmark
    public Integer executorSubmitGet() throws Exception {
        return pool.submit(task).get();
    }

    @Benchmark
    public Integer cfSupplyJoin() {
        return CompletableFuture.supplyAsync(supplier).join();
    }
}
