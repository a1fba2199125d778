package dev.weft.uring;

import dev.weft.uring.testapp.UringMain;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * weft-uring as modules: weft-core and weft-uring on the module path, an application on the class path that names
 * only {@code dev.weft.uring} (its {@code requires transitive dev.weft.core} brings the rest), with the module-path
 * forms of the JVM flags the README gives.
 */
class ModulePathTest {

    @Test
    void readsThroughTheRingWithWeftOnTheModulePath() throws Exception {
        RingTestSupport.requireIoUring();
        List<String> modules = new ArrayList<>();
        List<String> classes = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            (isWeftModule(Path.of(e)) ? modules : classes).add(e);
        }
        assertEquals(2, modules.size(), "weft-core and weft-uring: " + modules);
        String javaBin = ProcessHandle.current().info().command().orElseThrow();
        Process p = new ProcessBuilder(javaBin, "--module-path", String.join(File.pathSeparator, modules),
                "--add-modules", "dev.weft.uring",
                "--add-opens", "java.base/java.lang=dev.weft.core",
                "--enable-native-access=dev.weft.core,dev.weft.uring",
                "-cp", String.join(File.pathSeparator, classes), UringMain.class.getName())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("read 16 bytes, io_uring true, from module dev.weft.uring"), out);
        assertTrue(!out.contains("WARNING"), "no native-access warning: " + out);
    }

    /** A classes directory or jar of weft (core or uring) with a module descriptor. */
    private static boolean isWeftModule(Path entry) throws IOException {
        String s = entry.toString();
        if (!s.contains("weft-core") && !s.contains("weft-uring")) {
            return false;
        }
        if (s.endsWith("test-classes")) {
            return false;
        }
        if (Files.isDirectory(entry)) {
            return Files.exists(entry.resolve("module-info.class"));
        }
        if (s.endsWith(".jar") && Files.isRegularFile(entry)) {
            try (ZipFile z = new ZipFile(entry.toFile())) {
                return z.getEntry("module-info.class") != null;
            }
        }
        return false;
    }
}
