package dev.weft.threadlet;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Runs an action with a native frame below it on the stack: libc's {@code qsort} calls back into Java (an FFM
 * upcall) and the action runs in that callback. A virtual thread there is pinned to its carrier: it cannot unmount
 * until the upcall returns.
 */
final class NativeFrame {

    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle QSORT = LINKER.downcallHandle(
            LINKER.defaultLookup().find("qsort").orElseThrow(),
            FunctionDescriptor.ofVoid(ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS));
    private static final MethodHandle COMPARE;
    private static final ThreadLocal<Runnable> ACTION = new ThreadLocal<>();

    static {
        try {
            COMPARE = MethodHandles.lookup().findStatic(NativeFrame.class, "compare",
                    MethodType.methodType(int.class, MemorySegment.class, MemorySegment.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private NativeFrame() {
    }

    /** Runs {@code action} on the calling thread, inside an upcall from {@code qsort}. */
    static void run(Runnable action) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment comparator = LINKER.upcallStub(COMPARE,
                    FunctionDescriptor.of(JAVA_INT, ADDRESS.withTargetLayout(JAVA_INT),
                            ADDRESS.withTargetLayout(JAVA_INT)), arena);
            MemorySegment two = arena.allocateFrom(JAVA_INT, 2, 1);
            ACTION.set(action);
            QSORT.invokeExact(two, 2L, 4L, comparator);
            if (ACTION.get() != null) {
                throw new AssertionError("qsort never called the comparator");
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        } finally {
            ACTION.remove();
        }
    }

    private static int compare(MemorySegment a, MemorySegment b) {
        Runnable action = ACTION.get();
        if (action != null) {
            ACTION.set(null);
            action.run();
        }
        return Integer.compare(a.get(JAVA_INT, 0), b.get(JAVA_INT, 0));
    }
}
