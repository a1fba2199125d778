package dev.weft.fuse.posix;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.SequenceLayout;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.MemoryLayout.PathElement.sequenceElement;
import static java.lang.foreign.MemoryLayout.sequenceLayout;
import static java.lang.foreign.MemoryLayout.structLayout;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * {@code utimensat(2)}'s {@code times} argument, {@code struct timespec times[2]} (access time, then modification
 * time), from {@code /usr/include/x86_64-linux-gnu/bits/types/struct_timespec.h} of glibc 2.36 on a 64-bit word:
 * <pre>{@code
 * struct timespec { __time_t tv_sec; __syscall_slong_t tv_nsec; };
 * }</pre>
 * {@code tv_nsec} may be {@link Fcntl#UTIME_NOW} or {@link Fcntl#UTIME_OMIT}.
 */
public final class TimespecLayout {
    private TimespecLayout() {}

    public static final StructLayout TIMESPEC = structLayout(
            JAVA_LONG.withName("tv_sec"), JAVA_LONG.withName("tv_nsec")).withName("timespec");

    /** {@code struct timespec[2]}: {@code [0]} is the access time, {@code [1]} the modification time. */
    public static final SequenceLayout TIMES = sequenceLayout(2, TIMESPEC);

    private static final VarHandle SEC = TIMES.varHandle(sequenceElement(), groupElement("tv_sec"));
    private static final VarHandle NSEC = TIMES.varHandle(sequenceElement(), groupElement("tv_nsec"));

    /** Sets {@code times[0]} (access). */
    public static void setAccess(MemorySegment times, long sec, long nsec) {
        SEC.set(times, 0L, 0L, sec);
        NSEC.set(times, 0L, 0L, nsec);
    }

    /** Sets {@code times[1]} (modification). */
    public static void setModification(MemorySegment times, long sec, long nsec) {
        SEC.set(times, 0L, 1L, sec);
        NSEC.set(times, 0L, 1L, nsec);
    }
}
