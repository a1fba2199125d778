package dev.weft.bench.fuse.peer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The C peer of the FUSE benchmarks: {@code libfuse3_passthrough.c} (a resource of this package), a multithreaded
 * passthrough on libfuse 3's high-level API, compiled on first use with
 * {@code cc -O2 -o BINARY SOURCE $(pkg-config --cflags --libs fuse3)} (Debian: {@code gcc} and {@code libfuse3-dev}).
 * The binary is rebuilt when the source beside it differs from the resource, so a changed peer is never run stale.
 */
public final class Libfuse3Peer {

    /** The C source, a resource next to this class. */
    public static final String SOURCE = "libfuse3_passthrough.c";

    private Libfuse3Peer() {
    }

    /**
     * Builds {@code binary} from the resource unless it is there and was built from the same source; the problem
     * (a missing compiler or libfuse 3's development files, with the package that has them, or the compiler's
     * errors), or empty when the binary is ready.
     */
    public static synchronized Optional<String> ensureBuilt(Path binary) {
        try {
            byte[] source;
            try (InputStream in = Libfuse3Peer.class.getResourceAsStream(SOURCE)) {
                if (in == null) {
                    return Optional.of(SOURCE + " is not on the class path next to " + Libfuse3Peer.class.getName());
                }
                source = in.readAllBytes();
            }
            Path sourceCopy = binary.resolveSibling(binary.getFileName() + ".c");
            if (Files.isExecutable(binary) && Files.isRegularFile(sourceCopy)
                    && Arrays.equals(Files.readAllBytes(sourceCopy), source)) {
                return Optional.empty();
            }
            Files.createDirectories(binary.getParent());
            Path scratch = Files.createTempFile(binary.getParent(), "libfuse3-passthrough", ".c");
            try {
                Files.write(scratch, source);
                Result flags = run(List.of("pkg-config", "--cflags", "--libs", "fuse3"));
                if (flags == null || flags.status != 0) {
                    return Optional.of("libfuse 3's development files not found (pkg-config --cflags --libs fuse3"
                            + (flags == null ? ": no pkg-config" : ": " + flags.output.strip())
                            + "): apt-get install pkg-config libfuse3-dev");
                }
                Path built = binary.resolveSibling(binary.getFileName() + ".new");
                List<String> cc = new ArrayList<>(List.of("cc", "-O2", "-Wall", "-o", built.toString(),
                        scratch.toString()));
                cc.addAll(Arrays.asList(flags.output.strip().split("\\s+")));
                Result compiled = run(cc);
                if (compiled == null) {
                    return Optional.of("no C compiler (cc) on PATH: apt-get install gcc");
                }
                if (compiled.status != 0) {
                    return Optional.of("cc could not build " + SOURCE + ": " + compiled.output.strip());
                }
                Files.move(built, binary, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                Files.move(scratch, sourceCopy, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                return Optional.empty();
            } finally {
                Files.deleteIfExists(scratch);
            }
        } catch (IOException e) {
            return Optional.of("cannot build the libfuse 3 peer at " + binary + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted while building the libfuse 3 peer");
        }
    }

    private record Result(int status, String output) {
    }

    /**
     * Runs {@code command} to its end (2 minutes at most; its output goes to a file meanwhile, so that a program
     * that never ends cannot hold the wait up); null when the program does not exist.
     */
    private static Result run(List<String> command) throws InterruptedException, IOException {
        Path output = Files.createTempFile("weft-libfuse3-peer-build", ".log");
        try {
            Process p;
            try {
                p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
            } catch (IOException noSuchProgram) {
                return null;
            }
            p.getOutputStream().close();
            if (!p.waitFor(2, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                return new Result(-1, String.join(" ", command) + " did not end within 2 minutes");
            }
            return new Result(p.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(output);
        }
    }
}
