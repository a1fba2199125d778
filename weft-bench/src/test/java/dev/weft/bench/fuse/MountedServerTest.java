package dev.weft.bench.fuse;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A server that never mounts: its exit or the timeout is a clear failure, and no process is left running. */
class MountedServerTest {

    @Test
    void aServerThatExitsBeforeMountingIsReportedWithItsOutput(@TempDir Path dir) {
        PrintStream progress = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        MountedServer.MountException e = assertThrows(MountedServer.MountException.class,
                () -> MountedServer.start("demo", List.of("sh", "-c", "echo 'weft: unknown command mount' >&2; exit 3"),
                        dir, "fuse.weft", dir.resolve("logs/demo.log"), Duration.ofSeconds(20), progress));
        assertTrue(e.getMessage().contains("demo: the server exited with status 3 before mounting " + dir),
                e.getMessage());
        assertTrue(e.getMessage().contains("weft: unknown command mount"), e.getMessage());
        assertFalse(e.getMessage().contains("sh -c"), "the log's command line is not part of the output shown");
    }

    @Test
    void aServerThatDoesNotMountInTimeIsStopped(@TempDir Path dir) {
        PrintStream progress = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        long before = ProcessHandle.current().children().count();
        MountedServer.MountException e = assertThrows(MountedServer.MountException.class,
                () -> MountedServer.start("slow", List.of("sleep", "600"), dir, "fuse.weft",
                        dir.resolve("slow.log"), Duration.ofMillis(300), progress));
        assertTrue(e.getMessage().contains("slow: no fuse.weft mount on " + dir + " after 0.3 s"), e.getMessage());
        assertTrue(ProcessHandle.current().children().count() <= before, "the sleep was stopped");
    }

    @Test
    void aProgramThatCannotStartIsNamed(@TempDir Path dir) {
        PrintStream progress = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        MountedServer.MountException e = assertThrows(MountedServer.MountException.class,
                () -> MountedServer.start("x", List.of("/nonexistent/server"), dir, "fuse.x", dir.resolve("x.log"),
                        Duration.ofSeconds(1), progress));
        assertTrue(e.getMessage().contains("x: cannot start '/nonexistent/server'"), e.getMessage());
    }
}
