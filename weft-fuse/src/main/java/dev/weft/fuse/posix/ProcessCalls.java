package dev.weft.fuse.posix;

import dev.weft.fuse.proto.LinuxErrno;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongSupplier;

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

    /** {@code capget}/{@code capset} of glibc: the calling thread's capabilities ({@code <linux/capability.h>}). */
    private static final MethodHandle CAPGET = NativeCall.downcallWithoutErrno("capget",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle CAPSET = NativeCall.downcallWithoutErrno("capset",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    /** {@code _LINUX_CAPABILITY_VERSION_3}: two {@code __user_cap_data_struct}s of three u32s each. */
    private static final int CAPABILITY_VERSION_3 = 0x20080522;
    /** {@code CAP_FSETID}: keep set-ID bits on a write or truncate. */
    private static final int CAP_FSETID = 4;

    private static final MethodHandle SETFSGID = NativeCall.downcallWithoutErrno("setfsgid",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT));

    /**
     * Runs {@code call} as a caller without {@code CAP_FSETID} whose group is {@code gid}: {@code CAP_FSETID} out of
     * the calling thread's effective set and its file-system group id set to {@code gid}, both put back after. A
     * write, truncate, fallocate, copy or truncating open made so has the kernel clear the file's set-user-ID bit, and
     * its set-group-ID bit by the kernel's own rule (group-execute, or a writer outside the file's group), itself:
     * atomically and before the data lands, as it would for that caller. (The caller's supplementary groups are not
     * known here: one in the file's group only through them loses a set-group-ID bit the kernel would keep.)
     *
     * <p>Capabilities and the file-system ids are per thread: {@code call} must not park in Java (FFM downcalls, as
     * at every call site, cannot unmount a virtual thread; a lock, a log call or a contended monitor could), or the
     * thread would move while the capability is out. If the capability cannot be dropped, the call is refused
     * ({@code EPERM}): clearing the bits is what keeps a setuid file written through the mount from keeping its bit
     * where the source is used without {@code nosuid}.
     *
     * @return what {@code call} returned, or {@code -EPERM}
     */
    public static long asCallerWithoutFsetid(int gid, LongSupplier call) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment header = a.allocate(JAVA_INT, 2); // { u32 version; int pid = 0: this thread }
            header.setAtIndex(JAVA_INT, 0, CAPABILITY_VERSION_3);
            MemorySegment data = a.allocate(JAVA_INT, 6); // effective, permitted, inheritable; twice
            if ((int) CAPGET.invokeExact(header, data) != 0) {
                return -LinuxErrno.EPERM;
            }
            int effective = data.getAtIndex(JAVA_INT, 0);
            boolean drop = (effective & (1 << CAP_FSETID)) != 0;
            if (drop) {
                data.setAtIndex(JAVA_INT, 0, effective & ~(1 << CAP_FSETID));
                if ((int) CAPSET.invokeExact(header, data) != 0) {
                    return -LinuxErrno.EPERM; // a security module refused: no write that would keep the bits
                }
            }
            int oldFsgid = (int) SETFSGID.invokeExact(gid);
            try {
                return call.getAsLong();
            } finally {
                int ignored = (int) SETFSGID.invokeExact(oldFsgid);
                if (drop) {
                    data.setAtIndex(JAVA_INT, 0, effective);
                    // raising a capability within the permitted set cannot fail; if it did, this thread would only
                    // clear bits it could keep, the safe side
                    ignored = (int) CAPSET.invokeExact(header, data);
                }
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

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
