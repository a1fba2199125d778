package dev.weft.sched.queue;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A server's LIFO <em>next</em> slot (Go's {@code runnext}, Tokio's LIFO slot): the worker a running worker just
 * woke, to run on the same server as soon as the waker blocks or yields.
 *
 * <p>The owner swaps workers in and out with {@code getAndSet}; a thief may take the occupant with
 * {@link #steal} only if it is still the one it saw before (see {@code RunQueues}): a worker parked here is about
 * to run on a hot cache and is stolen only when its server is stuck on something else.
 *
 * <p>The single field is accessed only with atomic read-modify-write or volatile reads. It is padded to cache
 * lines of its own (superclass padding, as in {@link LocalRunQueue}): the owner swaps it on every hand-off.
 */
public final class NextSlot<T> extends NextSlotField {

    private static final VarHandle SLOT;

    static {
        try {
            SLOT = MethodHandles.lookup().findVarHandle(NextSlotField.class, "slot", Object.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    long p10, p11, p12, p13, p14, p15, p16, p17, p18, p19, p1a, p1b, p1c, p1d, p1e, p1f;

    /** Owner: puts {@code element} in the slot and returns the one it displaced (or null). */
    @SuppressWarnings("unchecked")
    public T swap(T element) {
        return (T) SLOT.getAndSet(this, element);
    }

    /** Owner: empties the slot, returning its occupant (or null). */
    @SuppressWarnings("unchecked")
    public T take() {
        return slot == null ? null : (T) SLOT.getAndSet(this, null);
    }

    /** Thief: takes the occupant only if it is {@code expected}. */
    public boolean steal(T expected) {
        return expected != null && SLOT.compareAndSet(this, expected, null);
    }

    @SuppressWarnings("unchecked")
    public T peek() {
        return (T) slot;
    }
}

abstract class NextSlotPad {
    /** Fills the 4 bytes after a 12-byte object header, which HotSpot would give to a subclass's int or reference. */
    int p0h;
    long p00, p01, p02, p03, p04, p05, p06, p07, p08, p09, p0a, p0b, p0c, p0d, p0e, p0f;
}

abstract class NextSlotField extends NextSlotPad {
    volatile Object slot;
}
