package dev.weft.cli;

import dev.weft.fuse.kernel.FuseDevice;
import dev.weft.fuse.kernel.FuseMounts;
import dev.weft.fuse.passthrough.PassthroughFilesystem;
import dev.weft.fuse.server.Dispatch;
import dev.weft.fuse.server.FuseServer;
import dev.weft.fuse.server.FuseServerStats;
import dev.weft.fuse.server.IdleOrder;
import dev.weft.fuse.server.Transport;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;

/**
 * {@code weft mount} and {@code weft umount}.
 *
 * <pre>
 * weft mount [--threads N] [--pin] [--dispatch inline|threadlet] [--idle lifo|fifo] [--transport dev|uring]
 *            [--ring-threads N] [--allow-other] [--ro] [--writeback-cache | --passthrough-io] [--fsname NAME]
 *            [--read-spin-us US] [--inode-budget N] SOURCE MOUNTPOINT
 * weft umount [--abort] MOUNTPOINT
 * </pre>
 *
 * {@code mount} serves a passthrough of SOURCE in the foreground until the file system is unmounted; Ctrl-C or
 * SIGTERM unmounts it (the JVM's shutdown hook closes the server). {@code umount} detaches a FUSE mount, also one
 * whose server died; {@code --abort} first aborts the connection, for a server that hangs.
 */
final class MountCommand {
    static final String MOUNT_USAGE = """
            usage: weft mount [--threads N] [--pin] [--dispatch inline|threadlet] [--idle lifo|fifo]
                              [--transport dev|uring] [--ring-threads N] [--allow-other] [--ro]
                              [--writeback-cache | --passthrough-io] [--fsname NAME] [--read-spin-us US]
                              [--inode-budget N] SOURCE MOUNTPOINT""";
    static final String UMOUNT_USAGE = "usage: weft umount [--abort] MOUNTPOINT";

    private MountCommand() {
    }

    /**
     * The parsed arguments of {@code weft mount}. {@code threads} 0: the server's default (one per CPU; one
     * /dev/fuse reader under io_uring); {@code ringThreads} 0: the server's default per io_uring queue;
     * {@code inodeBudget} 0: the passthrough's default ({@code PassthroughOptions.inodeBudget}); {@code pinned}:
     * each server thread on its own CPU ({@code FuseServer.Builder.pinned}).
     */
    record MountArgs(int threads, boolean pinned, Dispatch dispatch, IdleOrder idle, Transport transport,
                     int ringThreads, boolean allowOther,
                     boolean readOnly, boolean writebackCache, boolean passthroughIo, String fsname,
                     java.time.Duration readSpin, int inodeBudget, Path source, Path mountpoint) {

        static MountArgs parse(String[] args) {
            int threads = 0;
            int ringThreads = 0;
            Transport transport = Transport.DEV_FUSE;
            Dispatch dispatch = Dispatch.INLINE;
            IdleOrder idle = IdleOrder.FIFO;
            boolean pinned = false, allowOther = false, readOnly = false, writeback = false, passthroughIo = false;
            String fsname = null;
            java.time.Duration readSpin = null;
            int inodeBudget = 0;
            java.util.List<String> positional = new java.util.ArrayList<>();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--threads" -> threads = number(value(args, ++i, a), a, 1024);
                    case "--pin" -> pinned = true;
                    case "--ring-threads" -> ringThreads = number(value(args, ++i, a), a, 64);
                    case "--dispatch" -> dispatch = choice(Dispatch.class, value(args, ++i, a), a);
                    case "--idle" -> idle = choice(IdleOrder.class, value(args, ++i, a), a);
                    case "--transport" -> transport = switch (value(args, ++i, a)) {
                        case "dev" -> Transport.DEV_FUSE;
                        case "uring" -> Transport.IO_URING;
                        default -> throw new IllegalArgumentException("--transport must be one of [dev, uring], got '"
                                + args[i] + "'");
                    };
                    case "--allow-other" -> allowOther = true;
                    case "--ro" -> readOnly = true;
                    case "--writeback-cache" -> writeback = true;
                    case "--passthrough-io" -> passthroughIo = true;
                    case "--fsname" -> fsname = fsname(value(args, ++i, a));
                    case "--inode-budget" -> inodeBudget = number(value(args, ++i, a), a, 1 << 30);
                    case "--read-spin-us" -> {
                        String v = value(args, ++i, a);
                        double us;
                        try {
                            us = Double.parseDouble(v);
                        } catch (NumberFormatException e) {
                            throw new IllegalArgumentException("--read-spin-us needs a number, got '" + v + "'");
                        }
                        if (!Double.isFinite(us)) {
                            throw new IllegalArgumentException("--read-spin-us must be 0..1000000, got " + v);
                        }
                        readSpin = java.time.Duration.ofNanos(Math.round(us * 1000));
                        if (readSpin.isNegative() || readSpin.toMillis() > 1000) {
                            throw new IllegalArgumentException("--read-spin-us must be 0..1000000, got " + v);
                        }
                    }
                    default -> {
                        if (a.startsWith("--")) {
                            throw new IllegalArgumentException("unknown option " + a);
                        }
                        positional.add(a);
                    }
                }
            }
            if (positional.size() != 2) {
                throw new IllegalArgumentException("expected SOURCE and MOUNTPOINT, got " + positional.size()
                        + " arguments " + positional);
            }
            Path source = Path.of(positional.get(0)).toAbsolutePath().normalize();
            Path mountpoint = Path.of(positional.get(1)).toAbsolutePath().normalize();
            if (ringThreads > 0 && transport != Transport.IO_URING) {
                throw new IllegalArgumentException("--ring-threads applies to --transport uring only");
            }
            if (pinned && transport == Transport.IO_URING) {
                throw new IllegalArgumentException("--pin applies to --transport dev only (the io_uring queue threads"
                        + " are always pinned to their queue's CPU)");
            }
            if (writeback && passthroughIo) {
                throw new IllegalArgumentException("--writeback-cache and --passthrough-io exclude each other (the "
                        + "kernel turns passthrough off under the writeback cache)");
            }
            return new MountArgs(threads, pinned, dispatch, idle, transport, ringThreads, allowOther, readOnly,
                    writeback, passthroughIo, fsname != null ? fsname : source.toString().replace(',', '_'), readSpin,
                    inodeBudget, source, mountpoint);
        }

        /** {@code v} as an fsname the mount options can carry (they are comma-separated), or an error. */
        private static String fsname(String v) {
            if (v.isEmpty() || v.indexOf(',') >= 0 || v.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("--fsname must be non-empty, without ',' (it separates mount "
                        + "options), got '" + v + "'");
            }
            return v;
        }

        /** {@code v} as a number in 1..{@code max}, or an error naming {@code option}. */
        private static int number(String v, String option, int max) {
            int n;
            try {
                n = Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(option + " needs a number, got '" + v + "'");
            }
            if (n < 1 || n > max) {
                throw new IllegalArgumentException(option + " must be 1.." + max + ", got " + n);
            }
            return n;
        }

        private static String value(String[] args, int i, String option) {
            if (i >= args.length) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return args[i];
        }

        private static <E extends Enum<E>> E choice(Class<E> type, String v, String option) {
            for (E e : type.getEnumConstants()) {
                if (e.name().equalsIgnoreCase(v)) {
                    return e;
                }
            }
            throw new IllegalArgumentException(option + " must be one of "
                    + java.util.Arrays.stream(type.getEnumConstants()).map(e -> e.name().toLowerCase(Locale.ROOT))
                    .toList() + ", got '" + v + "'");
        }
    }

    static int mount(String[] args, PrintStream out, PrintStream err) throws Exception {
        if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
            out.println(MOUNT_USAGE);
            return 0;
        }
        MountArgs a;
        try {
            a = MountArgs.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("weft mount: " + e.getMessage());
            err.println(MOUNT_USAGE);
            return 2;
        }
        if (!Files.isDirectory(a.source())) {
            err.println("weft mount: SOURCE " + a.source() + " is not a directory");
            return 2;
        }
        if (FuseMounts.find(a.mountpoint()).isPresent()) {
            err.println("weft mount: a FUSE file system is already mounted at " + a.mountpoint()
                    + " (if its server died, run: weft umount " + a.mountpoint() + ")");
            return 1;
        }
        if (!Files.isDirectory(a.mountpoint())) {
            err.println("weft mount: MOUNTPOINT " + a.mountpoint() + " is not a directory");
            return 2;
        }
        PassthroughFilesystem fs;
        try {
            fs = new PassthroughFilesystem(a.source(),
                    dev.weft.fuse.passthrough.PassthroughOptions.defaults().withInodeBudget(a.inodeBudget()));
        } catch (IOException e) {
            err.println("weft mount: " + e.getMessage());
            return 1;
        }
        FuseServer server;
        try {
            FuseServer.Builder builder = FuseServer.builder(fs).pinned(a.pinned()).dispatch(a.dispatch())
                    .idleOrder(a.idle()).transport(a.transport()).writebackCache(a.writebackCache())
                    .passthroughIo(a.passthroughIo());
            if (a.threads() > 0) {
                builder.threads(a.threads());
            }
            if (a.ringThreads() > 0) {
                builder.ringThreads(a.ringThreads());
            }
            if (a.readSpin() != null) {
                builder.readSpin(a.readSpin());
            }
            server = builder
                    // other users on the mount: the kernel checks their permissions against the modes, or they would
                    // act with the server's rights (root's)
                    .options(new FuseDevice.Options(a.fsname(), a.allowOther(), a.allowOther(), a.readOnly()))
                    .unmountOnExit(true) // a signal before our own hook below is in place still unmounts
                    .mount(a.mountpoint());
        } catch (IOException | RuntimeException e) {
            fs.close();
            err.println("weft mount: " + e.getMessage());
            return 1;
        }
        CountDownLatch closed = new CountDownLatch(1);
        Thread hook = Thread.ofPlatform().name("weft-mount-shutdown").unstarted(() -> {
            try {
                server.close();
                out.println(unmounted(a, server, fs));
                out.flush();
            } catch (IOException e) {
                err.println("weft mount: " + e.getMessage());
            } finally {
                closed.countDown();
            }
        });
        Runtime.getRuntime().addShutdownHook(hook);
        long readers = server.stats().stream().filter(st -> st.ringQueue() < 0).count();
        long ringThreads = server.stats().size() - readers;
        long queues = server.stats().stream().filter(st -> st.ringQueue() >= 0).mapToInt(FuseServerStats::ringQueue)
                .distinct().count();
        out.printf("weft: %s mounted at %s (FUSE 7.%d, %d threads%s, dispatch %s, idle %s%s); Ctrl-C unmounts%n",
                a.source(), a.mountpoint(), server.connection().minor(), readers, a.pinned() ? " pinned" : "",
                a.dispatch().name().toLowerCase(Locale.ROOT), a.idle().name().toLowerCase(Locale.ROOT),
                queues > 0 ? ", " + queues + " io_uring queues on their CPUs, " + ringThreads + " threads" : "");
        out.flush();
        server.awaitUnmount();
        // unmounted from outside (umount, weft umount): close here; on a signal the hook is closing it
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
            server.close();
        } catch (IllegalStateException shuttingDown) {
            closed.await(); // a signal: the hook closed the server and said so
            return 0;
        }
        // no fs.close() here: the server destroys the file system (which closes it) once no handler runs
        out.println(unmounted(a, server, fs));
        return 0;
    }

    /** The line {@code mount} ends with: requests served, and inodes the passthrough had the kernel forget. */
    private static String unmounted(MountArgs a, FuseServer server, PassthroughFilesystem fs) {
        long requests = server.stats().stream().mapToLong(FuseServerStats::requests).sum();
        long pruned = fs.prunedNodeids();
        return "weft: " + a.mountpoint() + " unmounted after " + requests + " requests"
                + (pruned > 0 ? "; " + pruned + " inodes pruned to stay within " + fs.inodeBudget() : "");
    }

    static int umount(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
            out.println(UMOUNT_USAGE);
            return 0;
        }
        boolean abort = false;
        Path mountpoint = null;
        for (String a : args) {
            if (a.equals("--abort")) {
                abort = true;
            } else if (a.startsWith("--") || mountpoint != null) {
                err.println("weft umount: unexpected argument '" + a + "'");
                err.println(UMOUNT_USAGE);
                return 2;
            } else {
                mountpoint = Path.of(a);
            }
        }
        if (mountpoint == null) {
            err.println(UMOUNT_USAGE);
            return 2;
        }
        try {
            FuseMounts.unmount(mountpoint, abort);
        } catch (IOException e) {
            err.println("weft umount: " + e.getMessage());
            return 1;
        }
        out.println("weft: unmounted " + mountpoint.toAbsolutePath().normalize());
        return 0;
    }
}
