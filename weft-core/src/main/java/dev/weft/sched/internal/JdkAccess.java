package dev.weft.sched.internal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.util.concurrent.Executor;

/**
 * The JDK internals weft needs, looked up once.
 *
 * <ul>
 *   <li>{@code java.lang.ThreadBuilders$VirtualThreadBuilder(Executor)}: the package-private constructor of the
 *       virtual-thread builder that takes a scheduler. A group's workers are built by it, with the group's
 *       executor as the scheduler, so the JDK hands every continuation of those virtual threads to weft.</li>
 *   <li>{@code Thread.currentCarrierThread()}: from inside a worker, the platform thread (the server) it is mounted
 *       on. Intrinsic in HotSpot, so calling it through a constant method handle costs a few nanoseconds.</li>
 *   <li>The virtual thread behind a continuation task: the JDK submits {@code VirtualThread.runContinuation} as a
 *       bound method reference, whose one captured field is the thread. Checked on a probe thread at start-up.</li>
 *   <li>{@code VirtualThread.state}, to tell a first start and a termination from other runs.</li>
 *   <li>{@code Thread.uncaughtExceptionHandler}: the JDK gives virtual threads no per-thread slot a scheduler can
 *       read, so weft keeps its per-worker state there, as a handler that forwards to the one the user set.</li>
 * </ul>
 *
 * Both need {@code java.lang} opened to weft. When it is not, nothing fails at class initialisation:
 * {@link #ensureAvailable()} throws an {@link IllegalStateException} that names the exact flag.
 */
public final class JdkAccess {

    /** The JVM flag, in its class-path form. */
    public static final String ADD_OPENS_CLASS_PATH = "--add-opens java.base/java.lang=ALL-UNNAMED";
    /** The JVM flag, in its module-path form. */
    public static final String ADD_OPENS_MODULE_PATH = "--add-opens java.base/java.lang=dev.weft.core";

    private static final MethodHandle NEW_VIRTUAL_THREAD_BUILDER;
    private static final MethodHandle NEW_VIRTUAL_THREAD;
    private static final VarHandle RUN_CONTINUATION;
    private static final MethodHandle CURRENT_CARRIER_THREAD;
    private static final Class<?> CONTINUATION_TASK_CLASS;
    private static final MethodHandle CONTINUATION_TASK_THREAD;
    private static final VarHandle VIRTUAL_THREAD_STATE;
    private static final VarHandle UNCAUGHT_EXCEPTION_HANDLER;
    private static final int STATE_STARTED;
    private static final int STATE_TERMINATED;
    private static final String UNAVAILABILITY_CAUSE;

    static {
        MethodHandle builder = null;
        MethodHandle newThread = null;
        VarHandle runContinuation = null;
        MethodHandle carrier = null;
        Class<?> taskClass = null;
        MethodHandle taskThread = null;
        VarHandle state = null;
        VarHandle ueh = null;
        int started = -1;
        int terminated = -1;
        String cause = null;
        Module weft = JdkAccess.class.getModule();
        if (!Thread.class.getModule().isOpen("java.lang", weft)) {
            cause = "weft runs virtual threads on its own servers and needs java.lang opened to it. Start the JVM with "
                    + ADD_OPENS_CLASS_PATH + " (class path) or " + ADD_OPENS_MODULE_PATH + " (module path)"
                    + (weft.isNamed() ? "; weft is on the module path here, as module " + weft.getName() : "")
                    + ".";
        } else {
            try {
                MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(Thread.class, MethodHandles.lookup());
                Class<?> builderClass = Class.forName("java.lang.ThreadBuilders$VirtualThreadBuilder");
                builder = lookup.findConstructor(builderClass, MethodType.methodType(void.class, Executor.class))
                        .asType(MethodType.methodType(Thread.Builder.OfVirtual.class, Executor.class));
                carrier = lookup.findStatic(Thread.class, "currentCarrierThread", MethodType.methodType(Thread.class));
                Class<?> vt = Class.forName("java.lang.VirtualThread");
                MethodHandles.Lookup vtLookup = MethodHandles.privateLookupIn(vt, MethodHandles.lookup());
                state = vtLookup.findVarHandle(vt, "state", int.class);
                newThread = vtLookup.findConstructor(vt, MethodType.methodType(void.class, Executor.class,
                                String.class, int.class, Runnable.class))
                        .asType(MethodType.methodType(Thread.class, Executor.class, String.class, int.class,
                                Runnable.class));
                runContinuation = vtLookup.findVarHandle(vt, "runContinuation", Runnable.class);
                started = (int) vtLookup.findStaticGetter(vt, "STARTED", int.class).invoke();
                terminated = (int) vtLookup.findStaticGetter(vt, "TERMINATED", int.class).invoke();
                ueh = lookup.findVarHandle(Thread.class, "uncaughtExceptionHandler",
                        Thread.UncaughtExceptionHandler.class);
                // probe: build a virtual thread with a capturing scheduler, start it, read its continuation task
                Runnable[] captured = new Runnable[1];
                Thread probe = ((Thread.Builder.OfVirtual) builder.invoke((Executor) r -> captured[0] = r))
                        .unstarted(Thread::onSpinWait); // not a lambda of this class: it runs during <clinit>
                probe.start();
                taskClass = captured[0].getClass();
                java.lang.reflect.Field field = null;
                for (java.lang.reflect.Field f : taskClass.getDeclaredFields()) {
                    if (Thread.class.isAssignableFrom(f.getType())) {
                        field = f;
                    }
                }
                if (field == null) {
                    throw new NoSuchFieldException("the thread captured by " + taskClass.getName());
                }
                field.setAccessible(true);
                taskThread = MethodHandles.lookup().unreflectGetter(field)
                        .asType(MethodType.methodType(Thread.class, Runnable.class));
                if ((Thread) taskThread.invokeExact(captured[0]) != probe) {
                    throw new IllegalStateException("continuation task does not lead back to its thread");
                }
                Thread runner = Thread.ofPlatform().daemon().start(captured[0]); // let the probe end
                runner.join();
                JdkPollers.startOnPlatformThread();
            } catch (Throwable e) {
                cause = "this JDK (" + Runtime.version() + ") lacks an internal weft relies on: " + e
                        + ". weft needs JDK 25 or later with virtual threads.";
            }
        }
        NEW_VIRTUAL_THREAD_BUILDER = builder;
        NEW_VIRTUAL_THREAD = newThread;
        RUN_CONTINUATION = runContinuation;
        CURRENT_CARRIER_THREAD = carrier;
        CONTINUATION_TASK_CLASS = taskClass;
        CONTINUATION_TASK_THREAD = taskThread;
        VIRTUAL_THREAD_STATE = state;
        UNCAUGHT_EXCEPTION_HANDLER = ueh;
        STATE_STARTED = started;
        STATE_TERMINATED = terminated;
        UNAVAILABILITY_CAUSE = cause;
    }

    private JdkAccess() {
    }


    /** Null when weft can run here, else why not and what to do about it. */
    public static String unavailabilityCause() {
        return UNAVAILABILITY_CAUSE;
    }

    /** @throws IllegalStateException naming the missing JVM flag (or JDK feature) */
    public static void ensureAvailable() {
        if (UNAVAILABILITY_CAUSE != null) {
            throw new IllegalStateException(UNAVAILABILITY_CAUSE);
        }
    }

    /** A JDK virtual-thread builder whose threads are scheduled by {@code scheduler}. */
    public static Thread.Builder.OfVirtual newVirtualThreadBuilder(Executor scheduler) {
        ensureAvailable();
        try {
            return (Thread.Builder.OfVirtual) NEW_VIRTUAL_THREAD_BUILDER.invokeExact(scheduler);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * A new unstarted, unnamed virtual thread scheduled by {@code scheduler}, as
     * {@code newVirtualThreadBuilder(scheduler).unstarted(task)} makes it (inheriting inheritable thread locals),
     * without a builder: the threadlet path makes one per call.
     */
    public static Thread newVirtualThread(Executor scheduler, Runnable task) {
        try {
            return (Thread) NEW_VIRTUAL_THREAD.invokeExact(scheduler, (String) null, 0, task);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** The task the virtual thread hands its scheduler each time it becomes runnable (its continuation's run). */
    public static Runnable continuationTask(Thread virtualThread) {
        return (Runnable) RUN_CONTINUATION.get(virtualThread);
    }

    /**
     * The virtual thread whose continuation {@code task} runs, or null when {@code task} is not a continuation task
     * of a virtual thread.
     */
    public static Thread threadOfContinuation(Runnable task) {
        if (task.getClass() != CONTINUATION_TASK_CLASS) {
            return null;
        }
        try {
            return (Thread) CONTINUATION_TASK_THREAD.invokeExact(task);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Whether the virtual thread was started and has not run yet. */
    public static boolean isStartedNotRun(Thread virtualThread) {
        return (int) VIRTUAL_THREAD_STATE.getVolatile(virtualThread) == STATE_STARTED;
    }

    /** Whether the virtual thread has terminated. */
    public static boolean isTerminated(Thread virtualThread) {
        return (int) VIRTUAL_THREAD_STATE.getVolatile(virtualThread) == STATE_TERMINATED;
    }

    /** The thread's own uncaught-exception handler field (null when unset; not the thread group). */
    public static Thread.UncaughtExceptionHandler uncaughtExceptionHandlerField(Thread t) {
        return (Thread.UncaughtExceptionHandler) UNCAUGHT_EXCEPTION_HANDLER.getVolatile(t);
    }

    /**
     * Sets the handler field of a thread not started yet: a release store, enough because {@code start()} publishes
     * the thread (a CAS of its state) before any other thread can see it.
     */
    public static void setUncaughtExceptionHandlerFieldBeforeStart(Thread t, Thread.UncaughtExceptionHandler h) {
        UNCAUGHT_EXCEPTION_HANDLER.setRelease(t, h);
    }

    /** Sets the thread's own uncaught-exception handler field. */
    public static void setUncaughtExceptionHandlerField(Thread t, Thread.UncaughtExceptionHandler h) {
        UNCAUGHT_EXCEPTION_HANDLER.setVolatile(t, h);
    }

    /** The platform thread the current virtual thread is mounted on; the current thread if it is a platform thread. */
    public static Thread currentCarrierThread() {
        try {
            return (Thread) CURRENT_CARRIER_THREAD.invokeExact();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
