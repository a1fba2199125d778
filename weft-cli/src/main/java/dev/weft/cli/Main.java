package dev.weft.cli;

import java.io.PrintStream;
import java.util.Arrays;

/**
 * The {@code weft} command.
 *
 * <pre>
 * weft demo                          a concurrency group at work, with its counters; a FUSE passthrough
 * weft mount [OPTIONS] SOURCE MOUNTPOINT  a passthrough FUSE file system, in the foreground
 * weft umount [--abort] MOUNTPOINT   unmount a FUSE file system (also one whose server died)
 * weft bench NAME [--quick] [--json] benchmarks against their peers (NAME: see weft help)
 * weft help
 * </pre>
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        int status;
        try {
            status = run(args, System.out, System.err);
        } catch (IllegalArgumentException e) {
            System.err.println("weft: " + e.getMessage());
            status = 2;
        } catch (java.io.IOException | IllegalStateException | UnsupportedOperationException e) {
            System.err.println("weft: " + e.getMessage());
            status = 1;
        } catch (Exception e) {
            System.err.println("weft: " + e); // not an expected failure: the stack helps the report
            e.printStackTrace();
            status = 1;
        }
        System.exit(status);
    }

    static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        if (args.length == 0) {
            usage(err);
            return 2;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        return switch (args[0]) {
            case "demo" -> Demo.run(rest, out);
            case "mount" -> MountCommand.mount(rest, out, err);
            case "umount" -> MountCommand.umount(rest, out, err);
            case "bench" -> {
                dev.weft.bench.BenchRunner.main(rest);
                yield 0;
            }
            case "help", "-h", "--help" -> {
                usage(out);
                yield 0;
            }
            default -> {
                err.println("weft: unknown command '" + args[0] + "'");
                usage(err);
                yield 2;
            }
        };
    }

    private static void usage(PrintStream s) {
        s.println("""
                usage: weft COMMAND
                  demo                            run a concurrency group: workers, hand-offs, steals, blocking
                                                  calls, and print its counters; then, where FUSE mounts work,
                                                  mount a passthrough of a temporary directory, write, read and
                                                  list through it, print the server threads' counters, unmount
                  mount [--threads N] [--pin] [--dispatch inline|threadlet] [--idle lifo|fifo]
                        [--transport dev|uring] [--ring-threads N] [--allow-other] [--ro]
                        [--writeback-cache | --passthrough-io] [--fsname NAME] [--read-spin-us US]
                        [--inode-budget N] SOURCE MOUNTPOINT
                                                  serve a passthrough of SOURCE at MOUNTPOINT with FUSE, in the
                                                  foreground; Ctrl-C or SIGTERM unmounts
                  umount [--abort] MOUNTPOINT     unmount a FUSE file system, also one whose server died
                                                  (--abort: end its requests first, for a server that hangs)
                  bench NAME [--quick] [--json]   run a benchmark against its peers (JMH; fio for fuse-*)
                                                  (NAME: pingpong, yield-many, chained-spawn, spawn-many, skynet,
                                                  idle-wake, threadlet-null, threadlet-mixed, ring,
                                                  fuse-randread, fuse-seqread, fuse-randwrite, fuse-meta,
                                                  uring-randread, uring-randread-ram [root], all)
                  help                            this text""");
    }
}
