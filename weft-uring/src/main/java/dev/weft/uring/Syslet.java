package dev.weft.uring;

import dev.weft.uring.kernel.LinuxCalls;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;

/**
 * A syslet: a chain of file system calls the kernel runs one after another without coming back to Java between
 * steps (linked SQEs, {@code IOSQE_IO_LINK}), e.g. open, read, close:
 *
 * <pre>{@code
 * Syslet.Result r = Syslet.open(path, Syslet.O_RDONLY).read(buf, 0).close().run();  // on a ring group's worker
 * if (r.failedStep() < 0) { int bytes = r.result(1); }
 * }</pre>
 *
 * The file the chain opens lives in one of the server ring's registered file slots for the chain's life; the
 * later steps use it by slot. A failed step (a negative result, and for read and write also a short count, which
 * the kernel treats as failure of a link) cancels the rest: they report {@code -ECANCELED}. Each step's result is
 * reported. {@link #run} parks the calling worker until every step has completed; it must run on a worker of a
 * group built with {@link UringServerPoller#groupBuilder()}.
 */
public final class Syslet {
    public static final int O_RDONLY = LinuxCalls.O_RDONLY;
    public static final int O_RDWR = LinuxCalls.O_RDWR;
    public static final int O_CREAT = LinuxCalls.O_CREAT;

    /** One step: what it prepares on the server, given the chain's slot. */
    interface Step {
        void prepare(Sqe sqe, long userData, int slot);
    }

    private final Path path;
    private final List<Step> steps = new ArrayList<>();
    private final List<String> names = new ArrayList<>();
    /** The indexes of the {@link #close()} steps. */
    private final BitSet closeSteps = new BitSet();
    /** Per step: the bytes a read or write asks for, -1 for the other steps. */
    private final List<Long> transferSizes = new ArrayList<>();

    private Syslet(Path path, int flags, int mode) {
        this.path = path;
        steps.add(null); // the open, prepared with the path's native copy in run()
        names.add("openat(" + path + ")");
        transferSizes.add(-1L);
        this.openFlags = flags;
        this.openMode = mode;
    }

    private final int openFlags;
    private final int openMode;

    /** Starts a chain that opens {@code path} with {@code open(2)} flags ({@link #O_RDONLY}, ...) and mode 0644. */
    public static Syslet open(Path path, int flags) {
        return new Syslet(Objects.requireNonNull(path, "path"), flags, 0644);
    }

    /** Reads {@code dst.byteSize()} bytes at {@code offset} (native memory; a short read fails the chain). */
    public Syslet read(MemorySegment dst, long offset) {
        checkBuffer(dst, offset, "dst");
        steps.add((sqe, ud, slot) -> sqe.read(ud, slot, dst, offset).fixedFile());
        names.add("read(" + dst.byteSize() + " @ " + offset + ")");
        transferSizes.add(dst.byteSize());
        return this;
    }

    /** Writes {@code src} at {@code offset} (native memory; a short write fails the chain). */
    public Syslet write(MemorySegment src, long offset) {
        checkBuffer(src, offset, "src");
        steps.add((sqe, ud, slot) -> sqe.write(ud, slot, src, offset).fixedFile());
        names.add("write(" + src.byteSize() + " @ " + offset + ")");
        transferSizes.add(src.byteSize());
        return this;
    }

    /** {@code fsync} of the chain's file. */
    public Syslet fsync() {
        steps.add((sqe, ud, slot) -> sqe.fsync(ud, slot).fixedFile());
        names.add("fsync");
        transferSizes.add(-1L);
        return this;
    }

    /**
     * Closes the chain's file (its slot) as a step of the chain. A chain without it, or whose close a failed step
     * cancelled, has its file closed by the server once the chain is done.
     */
    public Syslet close() {
        closeSteps.set(steps.size());
        steps.add((sqe, ud, slot) -> sqe.closeDirect(ud, slot));
        names.add("close");
        transferSizes.add(-1L);
        return this;
    }

    /**
     * The checks the server's preparer would make, made here: a step must not fail while the server prepares the
     * chain, with the steps before it already linked.
     */
    private static void checkBuffer(MemorySegment buf, long offset, String name) {
        Objects.requireNonNull(buf, name);
        if (!buf.isNative()) {
            throw new IllegalArgumentException(name + " must be native memory: the kernel uses it after run() parks");
        }
        if (buf.byteSize() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(name + " is " + buf.byteSize() + " bytes, more than one step transfers ("
                    + Integer.MAX_VALUE + "): pass a slice of it");
        }
        if (offset < 0) {
            throw new IllegalArgumentException("offset must be >= 0, got " + offset);
        }
    }

    /**
     * The steps' results, in order: ≥ 0 (bytes, 0 for open into a slot, close, fsync) or -errno.
     *
     * @param transferSizes per step, the bytes a read or write asked for; -1 for the other steps
     */
    public record Result(List<String> steps, int[] results, long[] transferSizes) {
        /**
         * The first step that failed, or -1 when all succeeded: a negative result, or a read or write that
         * transferred fewer bytes than asked (the kernel then cancels the rest, which report {@code -ECANCELED}).
         */
        public int failedStep() {
            for (int i = 0; i < results.length; i++) {
                if (results[i] < 0 || (transferSizes[i] >= 0 && results[i] < transferSizes[i])) {
                    return i;
                }
            }
            return -1;
        }

        public int result(int step) {
            return results[step];
        }

        @Override
        public String toString() {
            StringBuilder b = new StringBuilder("Syslet.Result[");
            for (int i = 0; i < results.length; i++) {
                b.append(i == 0 ? "" : ", ").append(steps.get(i)).append(" = ").append(results[i]);
            }
            return b.append(']').toString();
        }
    }

    /**
     * Hands the chain to this worker's server and parks until every step has completed.
     *
     * @throws IllegalStateException not on a worker of a ring group
     * @throws IOException           the server stopped before the chain completed
     */
    public Result run() throws IOException {
        UringServerPoller poller = UringServerPoller.current();
        if (poller == null) {
            throw new IllegalStateException("Syslet.run() must be called on a worker of a group built with"
                    + " UringServerPoller.groupBuilder(): the chain runs on that worker's server's ring");
        }
        try (Arena arena = Arena.ofShared()) { // shared: the server thread reads the path while preparing
            MemorySegment cPath = arena.allocateFrom(path.toString());
            List<Step> all = new ArrayList<>(steps);
            int flags = openFlags; // no O_CLOEXEC: the kernel refuses it for a direct (slot) open
            all.set(0, (sqe, ud, slot) -> sqe.openatDirect(ud, LinuxCalls.AT_FDCWD, cPath, flags, openMode, slot));
            UringChain chain = new UringChain(all, closeSteps);
            poller.handOff(chain);
            chain.await();
            return new Result(List.copyOf(names), Arrays.copyOf(chain.results(), all.size()),
                    transferSizes.stream().mapToLong(Long::longValue).toArray());
        }
    }
}
