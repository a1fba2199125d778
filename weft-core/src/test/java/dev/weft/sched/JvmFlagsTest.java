package dev.weft.sched;

import dev.weft.testapp.GroupMain;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;

/** The missing-flag message, and the library on the class path and on the module path. */
class JvmFlagsTest {

    private static final String CLASS_PATH = System.getProperty("java.class.path");

    @Test
    void missingAddOpensFailsAtOnceNamingTheFlag() throws Exception {
        ChildJvm r = ChildJvm.run(List.of("-cp", CLASS_PATH), GroupMain.class.getName());
        assertNotEquals(0, r.exitCode());
        assertTrue(r.stderr().contains("IllegalStateException"), r.stderr());
        assertTrue(r.stderr().contains("--add-opens java.base/java.lang=ALL-UNNAMED"), r.stderr());
        assertTrue(r.stderr().contains("--add-opens java.base/java.lang=dev.weft.core"), r.stderr());
    }

    @Test
    void theDefaultThreadletGroupNamesTheMissingFlagOnEveryCallNotOnlyTheFirst() throws Exception {
        ChildJvm r = ChildJvm.run(List.of("-cp", CLASS_PATH), dev.weft.testapp.DefaultGroupMain.class.getName());
        List<String> attempts = r.stdout().lines().filter(l -> l.startsWith("attempt ")).toList();
        assertEquals(2, attempts.size(), r.stdout() + r.stderr());
        for (String a : attempts) {
            assertTrue(a.contains("IllegalStateException") && a.contains("--add-opens java.base/java.lang="), a);
        }
    }

    @Test
    void runsOnTheClassPath() throws Exception {
        ChildJvm r = ChildJvm.run(List.of("--add-opens", "java.base/java.lang=ALL-UNNAMED", "-cp", CLASS_PATH),
                GroupMain.class.getName());
        assertEquals(0, r.exitCode(), r.stderr());
        assertTrue(r.stdout().contains("ran in child from module null"), r.stdout());
    }

    @Test
    void runsOnTheModulePath() throws Exception {
        ChildJvm r = ChildJvm.run(modulePathArgs("--add-opens", "java.base/java.lang=dev.weft.core"),
                GroupMain.class.getName());
        assertEquals(0, r.exitCode(), r.stderr());
        assertTrue(r.stdout().contains("ran in child from module dev.weft.core"), r.stdout());
    }

    @Test
    void onTheModulePathTheMessageNamesTheModule() throws Exception {
        ChildJvm r = ChildJvm.run(modulePathArgs(), GroupMain.class.getName());
        assertNotEquals(0, r.exitCode());
        assertTrue(r.stderr().contains("--add-opens java.base/java.lang=dev.weft.core"), r.stderr());
        assertTrue(r.stderr().contains("weft is on the module path here"), r.stderr());
    }

    /** weft-core's classes on the module path, the tests on the class path. */
    private static List<String> modulePathArgs(String... extra) {
        String[] entries = CLASS_PATH.split(java.io.File.pathSeparator);
        String main = Arrays.stream(entries)
                .filter(e -> e.endsWith("classes") && !e.endsWith("test-classes"))
                .filter(e -> Files.exists(Path.of(e, "module-info.class")))
                .findFirst().orElseThrow(() -> new AssertionError("no module classes on " + CLASS_PATH));
        String rest = Arrays.stream(entries).filter(e -> !e.equals(main))
                .collect(Collectors.joining(java.io.File.pathSeparator));
        List<String> args = new java.util.ArrayList<>(List.of("--module-path", main, "--add-modules", "dev.weft.core",
                "-cp", rest));
        args.addAll(List.of(extra));
        return args;
    }
}
