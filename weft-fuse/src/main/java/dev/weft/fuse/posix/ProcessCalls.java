package dev.weft.fuse.posix;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/** The server process's own credentials and file-creation mask. */
public final class ProcessCalls {
    private ProcessCalls() {}

    private static final MethodHandle GETEUID = NativeCall.downcallWithoutErrno("geteuid",
            FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle GETEGID = NativeCall.downcallWithoutErrno("getegid",
            FunctionDescriptor.of(JAVA_INT));

    /** {@code RLIMIT_NOFILE} from {@code <asm-generic/resource.h>}. */
    private static final int RLIMIT_NOFILE = 7;
    /** {@code getrlimit}/{@code setrlimit} on a {@code struct rlimit { rlim_t rlim_cur; rlim_t rlim_max; }}. */
    private static final MethodHandle GETRLIMIT = NativeCall.downcallWithoutErrno("getrlimit",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle SETRLIMIT = NativeCall.downcallWithoutErrno("setrlimit",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));

    /**
     * Raises the open-file limit as far as this process may: the soft limit to {@code want}, and the hard limit too
     * when the process may (CAP_SYS_RESOURCE, e.g. root) and {@code want} is above it. A passthrough keeps one
     * descriptor per inode the kernel remembers, so the limit bounds how many files a mount can have in use.
     *
     * @return the soft limit in force afterwards
     */
    public static long raiseOpenFileLimit(long want) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment rl = a.allocate(JAVA_LONG, 2);
            if ((int) GETRLIMIT.invokeExact(RLIMIT_NOFILE, rl) != 0) {
                return -1;
            }
            long cur = rl.getAtIndex(JAVA_LONG, 0), max = rl.getAtIndex(JAVA_LONG, 1);
            if (cur >= want && cur != -1) {
                return cur;
            }
            // try the hard limit first (needs privilege), then settle for the current hard limit
            rl.setAtIndex(JAVA_LONG, 0, want);
            rl.setAtIndex(JAVA_LONG, 1, Math.max(max, want));
            if ((int) SETRLIMIT.invokeExact(RLIMIT_NOFILE, rl) == 0) {
                return want;
            }
            rl.setAtIndex(JAVA_LONG, 0, max);
            rl.setAtIndex(JAVA_LONG, 1, max);
            int ignored = (int) SETRLIMIT.invokeExact(RLIMIT_NOFILE, rl);
            int r = (int) GETRLIMIT.invokeExact(RLIMIT_NOFILE, rl);
            return r == 0 ? rl.getAtIndex(JAVA_LONG, 0) : -1;
        } catch (Throwable t) {
            throw NativeCall.rethrow(t);
        }
    }

    /** {@code geteuid()}: the user id the process's file calls act as. */
    public static int geteuid() {
        try {
            return (int) GETEUID.invokeExact();
        } catch (Throwable t) {
            throw NativeCall.rethrow(t);
        }
    }

    /** {@code getegid()}. */
    public static int getegid() {
        try {
            return (int) GETEGID.invokeExact();
        } catch (Throwable t) {
            throw NativeCall.rethrow(t);
        }
    }

    /**
     * The process's umask, read from the {@code Umask:} line of {@code /proc/self/status} (Linux 4.7 and later):
     * {@code umask(2)} can only be read by setting it, which would race with every other thread creating files.
     *
     * @throws IOException {@code /proc} is not mounted or has no {@code Umask:} line
     */
    public static int umask() throws IOException {
        Path status = Path.of("/proc/self/status");
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("Umask:")) {
                return Integer.parseInt(line.substring("Umask:".length()).trim(), 8);
            }
        }
        throw new IOException(status + " has no Umask: line; weft needs Linux 4.7 or later with /proc mounted");
    }
}
