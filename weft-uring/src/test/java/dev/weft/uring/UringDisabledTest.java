package dev.weft.uring;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * io_uring switched off for real ({@code sysctl kernel.io_uring_disabled=2}, put back after): in a new process,
 * weft names the cause and the fix, {@link UringFile} falls back to FileChannel and says so once, and the README's
 * example runs end to end on a group from {@link UringServerPoller#groupBuilder()} (a plain group there).
 */
class UringDisabledTest {
    private static final Path DISABLED = Path.of("/proc/sys/kernel/io_uring_disabled");

    @Test
    void withIoUringDisabledWeftNamesTheCauseAndTheReadmeExampleFallsBack() throws Exception {
        RingTestSupport.requireIoUring();
        if (!Files.isWritable(DISABLED)) {
            if ("1".equals(System.getenv("WEFT_REQUIRE_KERNEL"))) {
                fail("WEFT_REQUIRE_KERNEL=1 but " + DISABLED + " is missing or not writable (Linux 6.6+, root)");
            }
            org.junit.jupiter.api.Assumptions.abort(DISABLED + " is missing or not writable");
        }
        Path file = Files.createTempFile(Path.of("/var/tmp"), "weft-disabled", ".dat");
        String was = Files.readString(DISABLED).strip();
        String out;
        Process p;
        try {
            Files.writeString(DISABLED, "2");
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            p = new ProcessBuilder(java, "--add-opens", "java.base/java.lang=ALL-UNNAMED",
                    "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                    UringDisabledMain.class.getName(), file.toString()).redirectErrorStream(true).start();
            out = new String(p.getInputStream().readAllBytes());
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        } finally {
            Files.writeString(DISABLED, was);
            Files.deleteIfExists(file);
        }
        assertEquals(0, p.exitValue(), out);
        List<String> lines = out.lines().toList();
        assertTrue(lines.contains("available: false"), out);
        String cause = lines.stream().filter(l -> l.startsWith("cause: ")).findFirst().orElseThrow();
        assertTrue(cause.contains("EPERM") && cause.contains("io_uring_disabled is 2")
                && cause.contains("sysctl -w kernel.io_uring_disabled=0"), cause);
        assertTrue(lines.contains("io_uring: false, read: through the fallback"), out);
        assertTrue(lines.contains("second file io_uring: false"), out);
        assertEquals(1, lines.stream().filter(l -> l.contains("UringFile falls back to FileChannel")).count(),
                "said once: " + out);
        // the README's example on a group from groupBuilder(): a plain group, each call through the FileChannel
        assertTrue(lines.contains("readme: ring worker false, read 4096, vectored 4608, size 12288, a MiB allocated"
                + " true, readAsync 4096, completion Completion[tag=7, value=4096, failure=null]"), out);
        assertTrue(lines.contains("readme data: block 2 holds block 1"), out);
        String notice = lines.stream().filter(l -> l.contains("UringFile falls back to FileChannel")).findFirst()
                .orElseThrow();
        assertTrue(notice.contains("groupBuilder() builds groups without rings")
                && notice.endsWith(cause.substring("cause: ".length())), notice);
    }
}
