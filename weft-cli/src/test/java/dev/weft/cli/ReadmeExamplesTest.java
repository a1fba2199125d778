package dev.weft.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's Java examples compile against weft as it is: every {@code ```java} block of README.md is put in a
 * method of its own, with the few names it leaves to the reader (a path, a cache, a file system...) declared around
 * it, and compiled with weft-core, weft-uring and weft-fuse on the class path. A block the README gains needs its
 * names here, or this test says which block it could not place.
 */
class ReadmeExamplesTest {

    private static final String IMPORTS = """
            import dev.weft.sched.*;
            import dev.weft.threadlet.*;
            import dev.weft.ring.*;
            import dev.weft.uring.*;
            import dev.weft.fuse.*;
            import dev.weft.fuse.kernel.*;
            import dev.weft.fuse.server.*;
            import dev.weft.fuse.passthrough.*;
            import java.io.IOException;
            import java.lang.foreign.*;
            import java.nio.file.*;
            import java.util.List;
            import java.util.concurrent.*;
            """;

    /** The names each example leaves to the reader, keyed by a line of the example that tells which one it is. */
    private static final Map<String, String> CONTEXTS = new LinkedHashMap<>();

    static {
        CONTEXTS.put("ConcurrencyGroup.builder()", "Path path;");
        CONTEXTS.put("Threadlets.exec(() -> cache.getOrLoad(key))", """
                interface Cache { byte[] getOrLoad(String key) throws IOException; }
                Cache cache; String key;
                void use(byte[] value) {}
                """);
        CONTEXTS.put("new CompletionRing<>(1024)", """
                long n;
                long handle(long id) { return id; }
                void record(Object tag, Object value) {}
                void log(Object tag, Throwable failure) {}
                """);
        CONTEXTS.put("new RingSelector<>(List.of(diskRing, netRing))", """
                CompletionRing<Completion<Long>> diskRing, netRing;
                boolean running;
                void handle(int ring, Completion<Long> c) {}
                """);
        CONTEXTS.put("new PassthroughFilesystem(Path.of(\"/srv/data\"))", "");
        CONTEXTS.put("FuseUring.setEnabled(true)", "FuseFilesystem fs;");
        CONTEXTS.put("UringServerPoller.groupBuilder().build()", "Path path;");
        CONTEXTS.put("withRegisteredBuffers(pool)", "Path path;");
        CONTEXTS.put("Syslet.open(path", "Path path; MemorySegment buf;");
    }

    @Test
    void everyJavaExampleOfTheReadmeCompiles(@TempDir Path out) throws IOException {
        List<String> blocks = javaBlocks(Files.readString(readme()));
        assertTrue(blocks.size() >= CONTEXTS.size(), "README has " + blocks.size() + " java blocks");
        List<JavaFileObject> sources = new ArrayList<>();
        for (int i = 0; i < blocks.size(); i++) {
            String block = blocks.get(i);
            List<String> keys = CONTEXTS.keySet().stream().filter(block::contains).toList();
            assertEquals(1, keys.size(), "README java block " + (i + 1) + " matches one context, not " + keys
                    + ":\n" + block);
            String name = "Example" + (i + 1);
            String code = IMPORTS + "\nclass " + name + " {\n" + CONTEXTS.get(keys.get(0)) + "\nvoid run() throws "
                    + "Exception {\n" + block + "\n}\n}\n";
            sources.add(new SimpleJavaFileObject(URI.create("string:///" + name + ".java"),
                    JavaFileObject.Kind.SOURCE) {
                @Override
                public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                    return code;
                }
            });
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, null, null)) {
            boolean ok = javac.getTask(null, files, diagnostics, List.of("-proc:none", "-d", out.toString(),
                    "-cp", System.getProperty("java.class.path")), null, sources).call();
            assertTrue(ok, diagnostics.getDiagnostics().stream()
                    .map(d -> d.getSource() == null ? d.getMessage(null) : d.getSource().getName() + ":"
                            + d.getLineNumber() + ": " + d.getMessage(null))
                    .collect(Collectors.joining("\n")));
        }
    }

    private static Path readme() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("README.md"))) {
            p = p.getParent();
        }
        assertTrue(p != null, "README.md above " + Path.of("").toAbsolutePath());
        return p.resolve("README.md");
    }

    /** The contents of every {@code ```java} fenced block, in order. */
    static List<String> javaBlocks(String markdown) {
        List<String> blocks = new ArrayList<>();
        StringBuilder current = null;
        for (String line : markdown.split("\n", -1)) {
            if (current == null && line.strip().equals("```java")) {
                current = new StringBuilder();
            } else if (current != null && line.strip().equals("```")) {
                blocks.add(current.toString());
                current = null;
            } else if (current != null) {
                current.append(line).append('\n');
            }
        }
        return blocks;
    }
}
