package dev.weft.fuse;

import dev.weft.fuse.testapp.ModulesMain;
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
 * weft as modules: weft-core, weft-uring and weft-fuse on the module path, an application on the class path, with
 * the module-path forms of the JVM flags the README gives: a read through a ring group, and a passthrough lookup
 * through FFM, each from its module, with no native-access warning.
 */
class ModulePathTest {

    @Test
    void ringsAndThePassthroughRunWithWeftOnTheModulePath() throws Exception {
        dev.weft.fuse.kernel.FuseDeviceKernelTest.requireKernel(); // io_uring too: CI has both
        List<String> modules = new ArrayList<>();
        List<String> classes = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            (isWeftModule(Path.of(e)) ? modules : classes).add(e);
        }
        assertEquals(3, modules.size(), "weft-core, weft-uring and weft-fuse: " + modules);
        String javaBin = ProcessHandle.current().info().command().orElseThrow();
        Process p = new ProcessBuilder(javaBin, "--module-path", String.join(File.pathSeparator, modules),
                "--add-modules", "dev.weft.fuse",
                "--add-opens", "java.base/java.lang=dev.weft.core",
                "--enable-native-access=dev.weft.fuse,dev.weft.uring,dev.weft.core",
                "-cp", String.join(File.pathSeparator, classes), ModulesMain.class.getName())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("read 5 bytes, io_uring true, from module dev.weft.uring on a group of dev.weft.core"),
                out);
        assertTrue(out.contains("looked up a file of 5 bytes, from module dev.weft.fuse"), out);
        assertTrue(!out.contains("WARNING"), "no native-access warning: " + out);
    }

    /** A classes directory or jar of weft (core, uring or fuse) with a module descriptor. */
    private static boolean isWeftModule(Path entry) throws IOException {
        String s = entry.toString();
        if (!s.contains("weft-core") && !s.contains("weft-uring") && !s.contains("weft-fuse")) {
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
