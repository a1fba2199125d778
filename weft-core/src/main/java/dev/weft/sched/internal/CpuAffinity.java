package dev.weft.sched.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.BitSet;

/**
 * {@code sched_setaffinity(2)} and {@code sched_getaffinity(2)} for the calling thread, through FFM.
 *
 * <pre>
 * int sched_setaffinity(pid_t pid, size_t cpusetsize, const cpu_set_t *mask);
 * int sched_getaffinity(pid_t pid, size_t cpusetsize, cpu_set_t *mask);
 * </pre>
 * {@code pid} 0 means the calling thread. The mask is a {@code cpu_set_t} of {@link #MASK_BYTES} bytes
 * (glibc's {@code CPU_SETSIZE} 1024 bits), bit {@code n} standing for CPU {@code n}.
 */
public final class CpuAffinity {

    /** glibc's {@code sizeof(cpu_set_t)}: 1024 CPUs. */
    public static final int MASK_BYTES = 128;

    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle SET;
    private static final MethodHandle GET;

    static {
        Linker linker = Linker.nativeLinker();
        FunctionDescriptor desc = FunctionDescriptor.of(ValueLayout.JAVA_INT,
                ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS);
        Linker.Option errno = Linker.Option.captureCallState("errno");
        SET = linker.downcallHandle(linker.defaultLookup().findOrThrow("sched_setaffinity"), desc, errno);
        GET = linker.downcallHandle(linker.defaultLookup().findOrThrow("sched_getaffinity"), desc, errno);
    }


    private CpuAffinity() {
    }

    /** Pins the calling platform thread to {@code cpu}. */
    public static void pinCurrentThread(int cpu) {
        if (cpu < 0 || cpu >= MASK_BYTES * 8) {
            throw new IllegalArgumentException("cpu " + cpu + " is outside 0.." + (MASK_BYTES * 8 - 1));
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment mask = arena.allocate(MASK_BYTES, 8);
            mask.set(ValueLayout.JAVA_BYTE, cpu / 8, (byte) (1 << (cpu % 8)));
            MemorySegment state = arena.allocate(CAPTURE);
            int rc = (int) SET.invokeExact(state, 0, (long) MASK_BYTES, mask);
            if (rc != 0) {
                int err = (int) ERRNO.get(state, 0L);
                throw new IllegalStateException("sched_setaffinity(cpu " + cpu + ") failed: errno " + err
                        + (err == 22 ? " (EINVAL: that CPU is not online or not allowed to this process)" : ""));
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** The CPUs the calling platform thread may run on. */
    public static BitSet currentThreadAffinity() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment mask = arena.allocate(MASK_BYTES, 8);
            MemorySegment state = arena.allocate(CAPTURE);
            int rc = (int) GET.invokeExact(state, 0, (long) MASK_BYTES, mask);
            if (rc < 0) {
                throw new IllegalStateException("sched_getaffinity failed: errno " + (int) ERRNO.get(state, 0L));
            }
            return BitSet.valueOf(mask.toArray(ValueLayout.JAVA_BYTE));
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
