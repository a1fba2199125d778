package dev.weft.sched;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a main class in a fresh JVM (this JDK) with chosen flags, for tests of JVM-level behaviour. */
record ChildJvm(int exitCode, String stdout, String stderr) {

    static ChildJvm run(List<String> jvmArgs, String mainClass, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmArgs);
        cmd.add(mainClass);
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread o = Thread.ofPlatform().start(() -> copy(p.getInputStream(), out));
        Thread e = Thread.ofPlatform().start(() -> copy(p.getErrorStream(), err));
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("child JVM timed out: " + cmd);
        }
        o.join();
        e.join();
        return new ChildJvm(p.exitValue(), out.toString(), err.toString());
    }

    private static void copy(java.io.InputStream in, ByteArrayOutputStream out) {
        try {
            in.transferTo(out);
        } catch (java.io.IOException ignored) {
            // the child went away
        }
    }
}
