package dev.weft.fuse.posix;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.MemoryLayout.structLayout;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * {@code openat2(2)}'s argument, from {@code /usr/include/linux/openat2.h} (Linux UAPI, 5.6 and later):
 * <pre>{@code
 * struct open_how {
 *     __u64 flags;
 *     __u64 mode;
 *     __u64 resolve;
 * };
 * }</pre>
 */
public final class OpenHowLayout {
    private OpenHowLayout() {}

    public static final StructLayout OPEN_HOW = structLayout(
            JAVA_LONG.withName("flags"), JAVA_LONG.withName("mode"), JAVA_LONG.withName("resolve"))
            .withName("open_how");

    private static final VarHandle FLAGS = handle("flags");
    private static final VarHandle MODE = handle("mode");
    private static final VarHandle RESOLVE = handle("resolve");

    /** Fills an {@code open_how} segment. */
    public static void set(MemorySegment how, long flags, long mode, long resolve) {
        FLAGS.set(how, flags);
        MODE.set(how, mode);
        RESOLVE.set(how, resolve);
    }

    private static VarHandle handle(String field) {
        return MethodHandles.insertCoordinates(OPEN_HOW.varHandle(groupElement(field)), 1, 0L);
    }
}
