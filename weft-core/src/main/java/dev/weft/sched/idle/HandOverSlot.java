package dev.weft.sched.idle;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Where a waker hands a worker to the idle server whose node it took from the {@link IdleServerStack} (seed 000:
 * the woken server receives the worker directly), and where another server may take the worker over while the
 * receiver has not woken up yet.
 *
 * <ul>
 *   <li>The <b>waker</b> {@link #put}s once per idle period: only the taker of the server's node may, so puts never
 *       race each other.</li>
 *   <li>The <b>owner</b> (the idle server) {@link #peek}s while it spins and, once it sees something,
 *       {@link #take}s it with {@code getAndSet(null)}.</li>
 *   <li>A <b>thief</b> (a server with nothing to run) {@link #steal}s the occupant with a CAS that leaves a
 *       replacement in its place, so that exactly one of owner and thief gets the worker. The replacement must not
 *       be null: the owner was, or is about to be, unparked for the hand-over, and its node is already taken; finding
 *       the slot empty it would park again with nobody left to wake it.</li>
 * </ul>
 *
 * <p>Why a thief at all: a hand-over to a parked server costs a futex wake-up, and on a VM whose idle CPUs halt
 * that is tens of microseconds (measured on a 2-CPU VM, 2026-12-06: 25–50 µs), during which another server of the
 * group may run out of work and could have run the worker at once.
 *
 * <p>The single field is accessed only with volatile reads and writes and atomic read-modify-writes. It is padded
 * to cache lines of its own (superclass padding, as in {@code NextSlot}): the owner reads it on every spin.
 *
 * @param <T> what is handed over (a worker)
 */
public final class HandOverSlot<T> extends HandOverSlotField {

    private static final VarHandle SLOT;

    static {
        try {
            SLOT = MethodHandles.lookup().findVarHandle(HandOverSlotField.class, "slot", Object.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    long p10, p11, p12, p13, p14, p15, p16, p17, p18, p19, p1a, p1b, p1c, p1d, p1e, p1f;

    /** Waker, after it took the owner's node: hands {@code element} over. */
    public void put(T element) {
        slot = element;
    }

    /** What the slot holds now (volatile read), or null. */
    @SuppressWarnings("unchecked")
    public T peek() {
        return (T) slot;
    }

    /** Owner: empties the slot and returns what it held: the handed element, a thief's replacement, or null. */
    @SuppressWarnings("unchecked")
    public T take() {
        return slot == null ? null : (T) SLOT.getAndSet(this, null);
    }

    /** Thief: replaces the occupant with {@code replacement} (not null) if the occupant is still {@code expected}. */
    public boolean steal(T expected, T replacement) {
        if (replacement == null) {
            throw new IllegalArgumentException("the replacement must not be null: the owner would park for good");
        }
        return expected != null && SLOT.compareAndSet(this, expected, replacement);
    }
}

abstract class HandOverSlotPad {
    /** Fills the 4 bytes after a 12-byte object header, which HotSpot would give to a subclass's int or reference. */
    int p0h;
    long p00, p01, p02, p03, p04, p05, p06, p07, p08, p09, p0a, p0b, p0c, p0d, p0e, p0f;
}

abstract class HandOverSlotField extends HandOverSlotPad {
    volatile Object slot;
}
