package dev.weft.fuse.kernel;

import dev.weft.fuse.proto.LinuxErrno;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Mounting without root, the way libfuse does: {@code fusermount3} (setuid root) opens {@code /dev/fuse}, mounts
 * it, and sends the descriptor back over a Unix socket whose number it finds in {@code _FUSE_COMMFD}, as
 * {@code SCM_RIGHTS} ancillary data. The child is started with {@code posix_spawnp} so that it inherits the socket
 * (the JDK's process launcher closes every descriptor above 2). Its standard error goes to a pipe, so that why it
 * failed ends up in the exception.
 *
 * <p>Layouts: {@code struct msghdr}, {@code struct iovec} and {@code struct cmsghdr} of glibc on LP64
 * ({@code <bits/socket.h>}, {@code <bits/types/struct_iovec.h>}).
 */
final class Fusermount {
    static final String PROGRAM = "fusermount3";

    private static final int AF_UNIX = 1, SOCK_STREAM = 1, SOL_SOCKET = 1, SCM_RIGHTS = 1;
    private static final int O_CLOEXEC = 02000000;
    /** {@code SOCK_CLOEXEC} (= {@code O_CLOEXEC}) and {@code MSG_CMSG_CLOEXEC}: no descriptor leaks into children. */
    private static final int SOCK_CLOEXEC = O_CLOEXEC, MSG_CMSG_CLOEXEC = 0x40000000;
    /** {@code sizeof(posix_spawn_file_actions_t)} in glibc on LP64 is 80: two ints, a pointer, 16 ints of padding. */
    private static final long FILE_ACTIONS_SIZE = 80;
    private static final int STDERR = 2;
    /** What of fusermount3's standard error an exception quotes at most. */
    private static final int MAX_STDERR = 4096;

    /** {@code struct iovec { void *iov_base; size_t iov_len; }}. */
    private static final StructLayout IOVEC = MemoryLayout.structLayout(ADDRESS.withName("iov_base"),
            JAVA_LONG.withName("iov_len"));
    /**
     * {@code struct msghdr { void *msg_name; socklen_t msg_namelen; struct iovec *msg_iov; size_t msg_iovlen;
     * void *msg_control; size_t msg_controllen; int msg_flags; }}.
     */
    private static final StructLayout MSGHDR = MemoryLayout.structLayout(ADDRESS.withName("msg_name"),
            JAVA_INT.withName("msg_namelen"), MemoryLayout.paddingLayout(4), ADDRESS.withName("msg_iov"),
            JAVA_LONG.withName("msg_iovlen"), ADDRESS.withName("msg_control"), JAVA_LONG.withName("msg_controllen"),
            JAVA_INT.withName("msg_flags"), MemoryLayout.paddingLayout(4));
    /** {@code struct cmsghdr { size_t cmsg_len; int cmsg_level; int cmsg_type; }}, data follows (aligned to 8). */
    private static final StructLayout CMSGHDR = MemoryLayout.structLayout(JAVA_LONG.withName("cmsg_len"),
            JAVA_INT.withName("cmsg_level"), JAVA_INT.withName("cmsg_type"));
    /** {@code CMSG_SPACE(sizeof(int))}: the header and one int, padded to 8. */
    private static final long CMSG_SPACE_INT = CMSGHDR.byteSize() + 8;

    private static final VarHandle IOV_BASE = IOVEC.varHandle(groupElement("iov_base"));
    private static final VarHandle IOV_LEN = IOVEC.varHandle(groupElement("iov_len"));
    private static final VarHandle MSG_IOV = MSGHDR.varHandle(groupElement("msg_iov"));
    private static final VarHandle MSG_IOVLEN = MSGHDR.varHandle(groupElement("msg_iovlen"));
    private static final VarHandle MSG_CONTROL = MSGHDR.varHandle(groupElement("msg_control"));
    private static final VarHandle MSG_CONTROLLEN = MSGHDR.varHandle(groupElement("msg_controllen"));
    private static final VarHandle CMSG_LEVEL = CMSGHDR.varHandle(groupElement("cmsg_level"));
    private static final VarHandle CMSG_TYPE = CMSGHDR.varHandle(groupElement("cmsg_type"));

    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle SOCKETPAIR = fn("socketpair",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle POSIX_SPAWNP = fn("posix_spawnp",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
    private static final MethodHandle RECVMSG = LINKER.downcallHandle(
            LINKER.defaultLookup().find("recvmsg").orElseThrow(),
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT), Linker.Option.captureCallState("errno"));
    private static final MethodHandle WAITPID = fn("waitpid", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS,
            JAVA_INT));
    private static final MethodHandle CLOSE = fn("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle PIPE2 = fn("pipe2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle FILE_ACTIONS_INIT = fn("posix_spawn_file_actions_init",
            FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle FILE_ACTIONS_ADDDUP2 = fn("posix_spawn_file_actions_adddup2",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    private static final MethodHandle FILE_ACTIONS_DESTROY = fn("posix_spawn_file_actions_destroy",
            FunctionDescriptor.of(JAVA_INT, ADDRESS));

    private Fusermount() {
    }

    private static MethodHandle fn(String name, FunctionDescriptor d) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(
                () -> new UnsatisfiedLinkError("libc has no " + name)), d);
    }

    /** Whether {@code fusermount3} is on the PATH. */
    static boolean available() {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, PROGRAM))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Runs {@code fusermount3 -o OPTIONS -- MOUNTPOINT} and returns the {@code /dev/fuse} descriptor it mounted.
     *
     * @param options fusermount3's {@code -o} string (it adds fd, rootmode, user_id and group_id itself)
     */
    static int mount(Path mountpoint, String options) throws IOException {
        if (!available()) {
            throw new IOException(PROGRAM + " is not on the PATH: install the fuse3 package (apt-get install fuse3),"
                    + " or mount as root");
        }
        checkDeviceAccess(DEVICE);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment sv = a.allocate(JAVA_INT, 2);
            if ((int) SOCKETPAIR.invokeExact(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
                throw new IOException("socketpair(AF_UNIX) failed");
            }
            MemorySegment errPipe = a.allocate(JAVA_INT, 2);
            if ((int) PIPE2.invokeExact(errPipe, O_CLOEXEC) != 0) {
                int ignored = (int) CLOSE.invokeExact(sv.getAtIndex(JAVA_INT, 0));
                ignored = (int) CLOSE.invokeExact(sv.getAtIndex(JAVA_INT, 1));
                throw new IOException("pipe2 failed");
            }
            int mine = sv.getAtIndex(JAVA_INT, 0), theirs = sv.getAtIndex(JAVA_INT, 1);
            int errRead = errPipe.getAtIndex(JAVA_INT, 0), errWrite = errPipe.getAtIndex(JAVA_INT, 1);
            try {
                int pid = spawn(a, List.of(PROGRAM, "-o", options, "--", mountpoint.toString()), theirs, errWrite);
                int ignored = (int) CLOSE.invokeExact(theirs);
                theirs = -1;
                ignored = (int) CLOSE.invokeExact(errWrite);
                errWrite = -1;
                int fd = receiveFd(a, mine);
                int status = waitFor(a, pid);
                String stderr = readAll(a, errRead);
                if (fd < 0) {
                    throw new IOException(PROGRAM + " did not mount " + mountpoint + " (exit status " + status + ")"
                            + (stderr.isEmpty() ? "" : ": " + stderr));
                }
                if (status != 0) {
                    LibC.close(fd);
                    throw new IOException(PROGRAM + " failed with exit status " + status
                            + (stderr.isEmpty() ? "" : ": " + stderr));
                }
                return fd;
            } finally {
                for (int fd : new int[] {mine, theirs, errRead, errWrite}) {
                    if (fd >= 0) {
                        int ignored = (int) CLOSE.invokeExact(fd);
                    }
                }
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static final Path DEVICE = Path.of("/dev/fuse");

    /**
     * fusermount3 opens {@code /dev/fuse} with the caller's rights, so the caller must be able to read and write it
     * (most systems make it {@code 0666} through udev). Checked first, to say so instead of fusermount3's "Permission
     * denied".
     */
    static void checkDeviceAccess(Path device) throws IOException {
        if (!Files.exists(device)) {
            throw new IOException(device + " is missing: load the fuse kernel module (modprobe fuse)");
        }
        if (!Files.isReadable(device) || !Files.isWritable(device)) {
            String mode;
            try {
                mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(device));
            } catch (IOException | UnsupportedOperationException e) {
                mode = "unknown";
            }
            throw new IOException(device + " (" + mode + ") is not open to user " + System.getProperty("user.name")
                    + ", and fusermount3 opens it with the user's rights. Most systems make it readable and writable "
                    + "by all (udev: KERNEL==\"fuse\", MODE=\"0666\"); as root: chmod 0666 " + device
                    + ". Or mount as root");
        }
    }

    /** Reads {@code fd} to its end, keeping at most {@link #MAX_STDERR} bytes, as trimmed text on one line. */
    private static String readAll(Arena a, int fd) {
        MemorySegment buf = a.allocate(MAX_STDERR);
        MemorySegment state = LibC.newCallState(a);
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        long n;
        while ((n = LibC.read(state, fd, buf, MAX_STDERR)) > 0
                || (n < 0 && LibC.errno(state) == LinuxErrno.EINTR)) {
            int keep = (int) Math.min(n, MAX_STDERR - kept.size());
            if (keep > 0) {
                kept.writeBytes(buf.asSlice(0, keep).toArray(JAVA_BYTE));
            }
        }
        return kept.toString(StandardCharsets.UTF_8).strip().replace('\n', ' ');
    }

    /** Starts {@code argv} with {@code _FUSE_COMMFD=commFd} and its standard error on {@code stderrFd}. */
    private static int spawn(Arena a, List<String> argv, int commFd, int stderrFd) throws Throwable {
        MemorySegment args = a.allocate(ADDRESS, argv.size() + 1);
        for (int i = 0; i < argv.size(); i++) {
            args.setAtIndex(ADDRESS, i, a.allocateFrom(argv.get(i)));
        }
        args.setAtIndex(ADDRESS, argv.size(), MemorySegment.NULL);
        List<String> env = List.of("_FUSE_COMMFD=" + commFd,
                "PATH=" + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        MemorySegment envp = a.allocate(ADDRESS, env.size() + 1);
        for (int i = 0; i < env.size(); i++) {
            envp.setAtIndex(ADDRESS, i, a.allocateFrom(env.get(i)));
        }
        envp.setAtIndex(ADDRESS, env.size(), MemorySegment.NULL);
        MemorySegment pid = a.allocate(JAVA_INT);
        MemorySegment actions = a.allocate(FILE_ACTIONS_SIZE, 8);
        int r = (int) FILE_ACTIONS_INIT.invokeExact(actions);
        if (r != 0) {
            throw new IOException("posix_spawn_file_actions_init failed: " + LibC.strerror(r));
        }
        try {
            r = (int) FILE_ACTIONS_ADDDUP2.invokeExact(actions, stderrFd, STDERR); // dup2 clears FD_CLOEXEC
            if (r == 0) {
                // both ends are close-on-exec (so that no other process spawned meanwhile inherits them); a dup2 onto
                // itself clears the flag in the child alone (glibc 2.29+)
                r = (int) FILE_ACTIONS_ADDDUP2.invokeExact(actions, commFd, commFd);
            }
            if (r == 0) {
                r = (int) POSIX_SPAWNP.invokeExact(pid, a.allocateFrom(PROGRAM), actions, MemorySegment.NULL, args,
                        envp);
            }
        } finally {
            int ignored = (int) FILE_ACTIONS_DESTROY.invokeExact(actions);
        }
        if (r != 0) {
            throw new IOException("posix_spawnp(" + PROGRAM + ") failed: " + LibC.strerror(r));
        }
        return pid.get(JAVA_INT, 0);
    }

    /** Receives one descriptor as SCM_RIGHTS, or -1 when the child closed the socket without sending one. */
    private static int receiveFd(Arena a, int socket) throws Throwable {
        MemorySegment data = a.allocate(1);
        MemorySegment iov = a.allocate(IOVEC);
        IOV_BASE.set(iov, 0L, data);
        IOV_LEN.set(iov, 0L, 1L);
        MemorySegment control = a.allocate(CMSG_SPACE_INT, 8);
        MemorySegment msg = a.allocate(MSGHDR);
        MSG_IOV.set(msg, 0L, iov);
        MSG_IOVLEN.set(msg, 0L, 1L);
        MSG_CONTROL.set(msg, 0L, control);
        MSG_CONTROLLEN.set(msg, 0L, CMSG_SPACE_INT);
        MemorySegment state = LibC.newCallState(a);
        long n;
        do {
            n = (long) RECVMSG.invokeExact(state, socket, msg, MSG_CMSG_CLOEXEC);
        } while (n < 0 && LibC.errno(state) == LinuxErrno.EINTR);
        if (n <= 0 || (int) CMSG_LEVEL.get(control, 0L) != SOL_SOCKET || (int) CMSG_TYPE.get(control, 0L) != SCM_RIGHTS) {
            return -1;
        }
        return control.get(JAVA_INT, CMSGHDR.byteSize());
    }

    private static int waitFor(Arena a, int pid) throws Throwable {
        MemorySegment status = a.allocate(JAVA_INT);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while ((int) WAITPID.invokeExact(pid, status, 0) < 0) {
            if (System.nanoTime() > deadline) {
                throw new IOException("waitpid(" + PROGRAM + ") failed");
            }
        }
        int s = status.get(JAVA_INT, 0);
        return (s & 0x7f) == 0 ? (s >> 8) & 0xff : 128 + (s & 0x7f); // WEXITSTATUS, or 128 + signal
    }

    /** {@code fusermount3 -u -z MOUNTPOINT}: lazy unmount by the setuid helper. */
    static void unmount(Path mountpoint) throws IOException {
        Process p = new ProcessBuilder(PROGRAM, "-u", "-z", mountpoint.toString()).redirectErrorStream(true).start();
        try {
            String output = new String(p.getInputStream().readAllBytes()).strip();
            if (p.waitFor() != 0) {
                throw new IOException(PROGRAM + " -u " + mountpoint + " failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while unmounting " + mountpoint, e);
        }
    }
}
