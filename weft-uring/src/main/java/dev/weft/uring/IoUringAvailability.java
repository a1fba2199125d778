package dev.weft.uring;

import dev.weft.uring.kernel.IoUringLayout;
import dev.weft.uring.kernel.IoUringOpcode;
import dev.weft.uring.kernel.LinuxCalls;
import dev.weft.uring.kernel.LinuxErrno;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Whether this process can use io_uring, checked once (on first use) by making and closing a small ring, as netty's
 * {@code IoUring.isAvailable()} / {@code unavailabilityCause()} do. When it cannot, {@link #unavailabilityCause()}
 * says exactly why and what to do:
 * <ul>
 *   <li>{@code ENOSYS}: the kernel is older than 5.1 or built without {@code CONFIG_IO_URING} (or a seccomp
 *       profile answers ENOSYS);</li>
 *   <li>{@code EPERM}: {@code /proc/sys/kernel/io_uring_disabled} is 2 (disabled for everyone) or 1 (only
 *       {@code CAP_SYS_ADMIN} and the group {@code kernel.io_uring_group} may make rings); or, with it at 0, a seccomp
 *       filter (a container's default profile) or an LSM refuses {@code io_uring_setup};</li>
 *   <li>{@code ENOMEM}: the locked-memory limit (kernels before 5.12 charge rings to {@code RLIMIT_MEMLOCK});</li>
 *   <li>a kernel whose probe lacks an opcode weft uses ({@link #REQUIRED_OPCODES}): "kernel too old: missing
 *       ...";</li>
 *   <li>FFM native access refused to this module.</li>
 * </ul>
 * When io_uring is available, {@link #probe()} tells which opcodes the kernel supports.
 */
public final class IoUringAvailability {
    private IoUringAvailability() {}

    private static final Path IO_URING_DISABLED = Path.of("/proc/sys/kernel/io_uring_disabled");
    private static final Path IO_URING_GROUP = Path.of("/proc/sys/kernel/io_uring_group");
    private static final Path OS_RELEASE = Path.of("/proc/sys/kernel/osrelease");
    private static final Path SELF_STATUS = Path.of("/proc/self/status");

    /** The result of the one check: a probe, or the cause. */
    private record Result(IoUringProbe probe, String cause) {}

    private static final class Once {
        static final Result RESULT = check();
    }

    /** True when this process can make io_uring rings. */
    public static boolean isAvailable() {
        return Once.RESULT.cause == null;
    }

    /** Why io_uring cannot be used, with the fix; empty when it can. */
    public static Optional<String> unavailabilityCause() {
        return Optional.ofNullable(Once.RESULT.cause);
    }

    /** Throws {@link UnsupportedOperationException} with the {@linkplain #unavailabilityCause cause} if unavailable. */
    public static void ensureAvailable() {
        if (Once.RESULT.cause != null) {
            throw new UnsupportedOperationException(Once.RESULT.cause);
        }
    }

    private static final AtomicBoolean FALLBACK_REPORTED = new AtomicBoolean();

    /**
     * Says on standard error, once per process, that weft goes on without io_uring and why: ring groups are plain
     * groups ({@link UringServerPoller#groupBuilder()}) and {@link UringFile} uses FileChannel with managed blocking.
     */
    static void reportFallbackOnce(String cause) {
        if (FALLBACK_REPORTED.compareAndSet(false, true)) {
            System.err.println("weft-uring: UringFile falls back to FileChannel with managed blocking, and"
                    + " UringServerPoller.groupBuilder() builds groups without rings, because " + cause);
        }
    }

    /** The opcodes the kernel supports; throws as {@link #ensureAvailable} when io_uring is unavailable. */
    public static IoUringProbe probe() {
        ensureAvailable();
        return Once.RESULT.probe;
    }

    private static Result check() {
        int fd;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment params = arena.allocate(IoUringLayout.IO_URING_PARAMS);
            fd = LinuxCalls.ioUringSetup(2, params);
        } catch (IllegalCallerException e) {
            return new Result(null, "FFM native access is not enabled for weft-uring (" + e.getMessage() + "): start"
                    + " the JVM with --enable-native-access=dev.weft.uring (module path) or"
                    + " --enable-native-access=ALL-UNNAMED (class path)");
        } catch (UnsatisfiedLinkError e) {
            return new Result(null, e.getMessage());
        }
        if (fd < 0) {
            return new Result(null, explainSetupFailure(-fd));
        }
        try {
            IoUringProbe probe = IoUringProbe.register(fd);
            String missing = explainMissingOpcodes(probe, kernelRelease());
            return missing == null ? new Result(probe, null) : new Result(null, missing);
        } catch (IoUringException e) {
            return new Result(null, e.getMessage());
        } finally {
            LinuxCalls.close(fd);
        }
    }

    /**
     * The opcodes weft's SQEs use ({@link Sqe}, {@link UringServerPoller}): all in Linux 5.6, save the registered-file
     * forms of openat and close that syslets use (5.15, with IORING_FEAT_LINKED_FILE checked per chain).
     */
    static final List<Integer> REQUIRED_OPCODES = List.of(IoUringOpcode.IORING_OP_READ, IoUringOpcode.IORING_OP_WRITE,
            IoUringOpcode.IORING_OP_READV, IoUringOpcode.IORING_OP_WRITEV, IoUringOpcode.IORING_OP_READ_FIXED,
            IoUringOpcode.IORING_OP_WRITE_FIXED, IoUringOpcode.IORING_OP_FSYNC, IoUringOpcode.IORING_OP_OPENAT,
            IoUringOpcode.IORING_OP_CLOSE, IoUringOpcode.IORING_OP_STATX, IoUringOpcode.IORING_OP_FALLOCATE,
            IoUringOpcode.IORING_OP_ASYNC_CANCEL);

    /**
     * The message when {@code probe} lacks one of {@link #REQUIRED_OPCODES} ("kernel too old: missing ..."), or null
     * when it has them all; {@code kernelRelease} is {@code uname -r}.
     */
    static String explainMissingOpcodes(IoUringProbe probe, String kernelRelease) {
        List<String> missing = REQUIRED_OPCODES.stream().filter(op -> !probe.isSupported(op))
                .map(IoUringOpcode::name).toList();
        if (missing.isEmpty()) {
            return null;
        }
        return "io_uring is unavailable: kernel too old: missing " + String.join(", ", missing) + " (Linux "
                + (kernelRelease == null ? "(release unknown)" : kernelRelease) + " supports only "
                + probe.supportedNames() + "). Fix: run on Linux 5.19 or later";
    }

    /** The message for an {@code io_uring_setup} that failed with {@code errno}, from what this system says. */
    static String explainSetupFailure(int errno) {
        return explainSetupFailure(errno, read(IO_URING_DISABLED), read(IO_URING_GROUP), seccompMode(),
                kernelRelease());
    }

    /** {@code uname -r}, or null. */
    static String kernelRelease() {
        return read(OS_RELEASE);
    }

    /**
     * The message for an {@code io_uring_setup} that failed with {@code errno}, given what the system says:
     * {@code ioUringDisabled} and {@code ioUringGroup} are the contents of {@code /proc/sys/kernel/io_uring_disabled}
     * and {@code io_uring_group} (null when the file is missing: kernels before 6.6), {@code seccompMode} the
     * {@code Seccomp:} field of {@code /proc/self/status} (0 none, 1 strict, 2 filter; null if missing) and
     * {@code kernelRelease} {@code uname -r}.
     */
    static String explainSetupFailure(int errno, String ioUringDisabled, String ioUringGroup, String seccompMode,
                                      String kernelRelease) {
        String kernel = "Linux " + (kernelRelease == null ? "(release unknown)" : kernelRelease);
        boolean filtered = "2".equals(seccompMode) || "1".equals(seccompMode);
        String prefix = "io_uring is unavailable: io_uring_setup(2) failed with " + LinuxErrno.name(errno) + " on "
                + kernel + ": ";
        switch (errno) {
            case LinuxErrno.ENOSYS -> {
                if (filtered) {
                    return prefix + "this process runs under a seccomp filter (Seccomp: " + seccompMode + " in"
                            + " /proc/self/status) that answers ENOSYS for the io_uring system calls, or the kernel"
                            + " has no io_uring. Fix: allow io_uring_setup, io_uring_enter and io_uring_register in"
                            + " the container's seccomp profile (docker run --security-opt seccomp=<profile.json>),"
                            + " or run on a kernel built with CONFIG_IO_URING=y";
                }
                return prefix + "the kernel has no io_uring: it is older than 5.1 or was built without"
                        + " CONFIG_IO_URING. Fix: run on Linux 5.19 or later with CONFIG_IO_URING=y";
            }
            case LinuxErrno.EPERM -> {
                if ("2".equals(ioUringDisabled)) {
                    return prefix + "/proc/sys/kernel/io_uring_disabled is 2: io_uring is disabled for every process."
                            + " Fix: as root, sysctl -w kernel.io_uring_disabled=0 (or 1 with kernel.io_uring_group"
                            + " set to a group of this user)";
                }
                if ("1".equals(ioUringDisabled)) {
                    String group = ioUringGroup == null || "-1".equals(ioUringGroup)
                            ? "no group is allowed (kernel.io_uring_group is " + ioUringGroup + ")"
                            : "only group id " + ioUringGroup + " (kernel.io_uring_group) is allowed";
                    return prefix + "/proc/sys/kernel/io_uring_disabled is 1: only processes with CAP_SYS_ADMIN or in"
                            + " the group kernel.io_uring_group may make rings, and " + group + ". Fix: run as a"
                            + " member of that group (sysctl -w kernel.io_uring_group=<gid>), or as root sysctl -w"
                            + " kernel.io_uring_disabled=0";
                }
                if (filtered) {
                    return prefix + "this process runs under a seccomp filter (Seccomp: " + seccompMode + " in"
                            + " /proc/self/status), as a container's default profile installs, and the filter refuses"
                            + " io_uring_setup (Docker blocks io_uring by default since 25.0). Fix: run the container"
                            + " with a seccomp profile that allows io_uring_setup, io_uring_enter and"
                            + " io_uring_register (docker run --security-opt seccomp=<profile.json>; podman and"
                            + " Kubernetes take the same profile)";
                }
                return prefix + "neither kernel.io_uring_disabled (" + (ioUringDisabled == null ? "absent"
                        : ioUringDisabled) + ") nor a seccomp filter explains it, so a security module (SELinux,"
                        + " AppArmor) denies io_uring. Fix: allow io_uring in that policy (SELinux: see"
                        + " ausearch -m avc for the denial; AppArmor: the profile's audit log)";
            }
            case LinuxErrno.ENOMEM -> {
                return prefix + "the kernel could not charge the ring's memory; before Linux 5.12 rings count against"
                        + " RLIMIT_MEMLOCK. Fix: raise the locked-memory limit (ulimit -l, or LimitMEMLOCK= in a"
                        + " systemd unit, or --ulimit memlock=-1 for a container)";
            }
            case LinuxErrno.EINVAL -> {
                return prefix + "the kernel rejects even a ring with no flags, so its io_uring is too old for the"
                        + " io_uring_params weft passes. Fix: run on Linux 5.19 or later";
            }
            default -> {
                return prefix + "unexpected; report it with the kernel version";
            }
        }
    }

    /** The {@code Seccomp:} field of /proc/self/status, or null. */
    private static String seccompMode() {
        String status = read(SELF_STATUS);
        if (status == null) {
            return null;
        }
        for (String line : status.split("\n")) {
            if (line.startsWith("Seccomp:")) {
                return line.substring("Seccomp:".length()).trim();
            }
        }
        return null;
    }

    private static String read(Path p) {
        try {
            return Files.readString(p).trim();
        } catch (IOException | SecurityException e) {
            return null;
        }
    }
}
