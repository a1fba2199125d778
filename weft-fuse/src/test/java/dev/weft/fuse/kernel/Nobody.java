package dev.weft.fuse.kernel;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Running programs as the user {@code nobody} through util-linux's {@code setpriv}, for the kernel tests. */
public final class Nobody {
    /** nobody's uid, and the gid of its group nogroup. */
    public static final int UID = 65534;

    private Nobody() {
    }

    /** {@code argv} run as nobody (uid and gid 65534, no supplementary groups). */
    public static List<String> command(String... argv) {
        List<String> c = new ArrayList<>(List.of("/usr/bin/setpriv", "--reuid=" + UID, "--regid=" + UID,
                "--clear-groups"));
        c.addAll(List.of(argv));
        return c;
    }

    /** A shell script's exit status and output (standard error included). */
    public record Run(int status, String output) {
    }

    /** Runs {@code sh -c script} as nobody in {@code dir}, and waits for it up to {@code timeoutSeconds}. */
    public static Run sh(Path dir, String script, int timeoutSeconds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command("/bin/sh", "-c", script)).directory(dir.toFile())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(timeoutSeconds, TimeUnit.SECONDS), script);
        return new Run(p.exitValue(), out);
    }
}
