package dev.weft.fuse.posix;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The linker plumbing shared by the wrappers: C library downcalls that capture {@code errno}, the conversion of
 * "-1 and errno" into a negative errno, and the per-thread native block the calls use for their small out-of-line
 * arguments.
 *
 * <h2>Per-thread block</h2>
 * The call state ({@code errno}), a {@code struct open_how} and two {@code loff_t}s for {@code copy_file_range} are
 * one native allocation per thread ({@link #scratch()}), made on the thread's first call from an automatic arena and
 * freed with the thread. A platform server thread makes it once; a virtual thread per request makes it once per
 * request, which is a small allocation and no leak. Each wrapper fills and reads its part within the call, so the
 * block is never live across two wrappers.
 */
final class NativeCall {
    private NativeCall() {}

    static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(groupElement("errno"));

    /** The per-thread block: see the class comment. */
    record Scratch(MemorySegment callState, MemorySegment openHow, MemorySegment offsets) {
        private static final StructLayout LAYOUT = MemoryLayout.structLayout(
                CALL_STATE.withName("call_state"),
                MemoryLayout.paddingLayout(alignUp(CALL_STATE.byteSize(), 8) - CALL_STATE.byteSize()),
                OpenHowLayout.OPEN_HOW.withName("open_how"),
                MemoryLayout.sequenceLayout(2, JAVA_LONG).withName("offsets"));

        static Scratch allocate() {
            MemorySegment block = Arena.ofAuto().allocate(LAYOUT);
            return new Scratch(slice(block, "call_state"), slice(block, "open_how"), slice(block, "offsets"));
        }

        private static MemorySegment slice(MemorySegment block, String field) {
            MemoryLayout l = LAYOUT.select(groupElement(field));
            return block.asSlice(LAYOUT.byteOffset(groupElement(field)), l.byteSize());
        }

        private static long alignUp(long n, long a) {
            return (n + a - 1) & -a;
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::allocate);

    static Scratch scratch() {
        return SCRATCH.get();
    }

    /** This thread's call-state segment, for a downcall made with {@link #downcall}. */
    static MemorySegment callState() {
        return SCRATCH.get().callState();
    }

    /** A libc function that sets {@code errno}: the handle takes the call state as its first argument. */
    static MethodHandle downcall(String name, FunctionDescriptor d) {
        return LINKER.downcallHandle(find(name), d, CAPTURE_ERRNO);
    }

    /**
     * A variadic libc function ({@code syscall}, {@code openat}): arguments from {@code firstVariadic} on are
     * passed as C varargs, as the ABI requires.
     */
    static MethodHandle variadicDowncall(String name, FunctionDescriptor d, int firstVariadic) {
        return LINKER.downcallHandle(find(name), d, CAPTURE_ERRNO, Linker.Option.firstVariadicArg(firstVariadic));
    }

    /** A libc function that cannot fail ({@code geteuid}) or reports no errno ({@code strerror}). */
    static MethodHandle downcallWithoutErrno(String name, FunctionDescriptor d) {
        return LINKER.downcallHandle(find(name), d);
    }

    private static MemorySegment find(String name) {
        return LIBC.find(name).orElseThrow(() -> new UnsatisfiedLinkError("the C library has no " + name
                + "; weft-fuse needs glibc 2.28 or later (statx, renameat2, copy_file_range)"));
    }

    /** {@code r} if the call succeeded, else {@code -errno}. */
    static int result(int r, MemorySegment callState) {
        return r < 0 ? -errno(callState) : r;
    }

    /** {@code r} if the call succeeded, else {@code -errno}. */
    static long result(long r, MemorySegment callState) {
        return r < 0 ? -errno(callState) : r;
    }

    static int errno(MemorySegment callState) {
        return (int) ERRNO.get(callState, 0L);
    }

    /** For the {@code catch (Throwable)} around {@code invokeExact}: errors pass, anything else is unexpected. */
    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException("a native call threw a checked exception", t);
    }
}
