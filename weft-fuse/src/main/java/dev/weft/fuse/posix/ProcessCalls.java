package dev.weft.fuse.posix;

import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/** The server process's own credentials and file-creation mask. */
public final class ProcessCalls {
    private ProcessCalls() {}

    private static final MethodHandle GETEUID = NativeCall.downcallWithoutErrno("geteuid",
            FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle GETEGID = NativeCall.downcallWithoutErrno("getegid",
            FunctionDescriptor.of(JAVA_INT));

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
