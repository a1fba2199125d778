package dev.weft.stress.check;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.infra.StateCase;
import org.openjdk.jcstress.infra.Status;
import org.openjdk.jcstress.infra.collectors.DiskReadCollector;
import org.openjdk.jcstress.infra.collectors.InProcessCollector;
import org.openjdk.jcstress.infra.collectors.TestResult;
import org.openjdk.jcstress.infra.grading.TestGrading;
import org.openjdk.jcstress.infra.runners.TestList;

/**
 * Second line of defence after {@code org.openjdk.jcstress.Main} in the build.
 *
 * <p>jcstress 0.16's {@code Main} ends with an uncaught {@code AssertionError("TEST FAILURES: ...")} (so a non-zero
 * exit code) when a test has a FORBIDDEN or unknown outcome, a test error, a VM error or a timeout. But it exits 0
 * when it ran nothing: no test matched the {@code -t} selector ("FATAL: No matching tests."), no JVM configuration
 * was usable, or a test needs more actors than the machine has CPUs ("No scheduling is possible, these tests would
 * not run."). This check reads the binary result blob jcstress wrote and fails unless every selected test ran in at
 * least one configuration, collected samples, and passed in every configuration.
 *
 * <p>Usage: {@code clean <dir>} deletes old result blobs from {@code dir} (run before jcstress, so that exactly one
 * blob is there afterwards); {@code verify <dir> <test regexp>} checks the blob. Exit code 1 on any failure.
 */
public final class JCStressResultCheck {

    private static final String BLOB_PREFIX = "jcstress-results-";
    private static final String BLOB_SUFFIX = ".bin.gz";

    private JCStressResultCheck() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("clean")) {
            for (Path blob : blobs(Path.of(args[1]))) {
                Files.delete(blob);
                System.out.println("[jcstress-check] deleted old result blob " + blob);
            }
            return;
        }
        if (args.length == 3 && args[0].equals("verify")) {
            List<String> failures = verify(Path.of(args[1]), Pattern.compile(args[2]));
            if (!failures.isEmpty()) {
                System.err.println("[jcstress-check] FAILED:");
                failures.forEach(f -> System.err.println("[jcstress-check]   " + f));
                System.exit(1);
            }
            return;
        }
        System.err.println("usage: JCStressResultCheck clean <dir> | verify <dir> <test regexp>");
        System.exit(2);
    }

    private static List<String> verify(Path dir, Pattern selector) throws Exception {
        List<String> failures = new ArrayList<>();

        // The tests jcstress should have run: the same selection it makes (Pattern.find over TestList).
        SortedSet<String> expected = new TreeSet<>();
        for (String test : TestList.tests()) {
            if (selector.matcher(test).find()) {
                expected.add(test);
            }
        }
        if (expected.isEmpty()) {
            failures.add("no jcstress test matches \"" + selector + "\" (is the annotation processor running?)");
            return failures;
        }

        List<Path> blobs = blobs(dir);
        if (blobs.size() != 1) {
            failures.add("expected exactly one " + BLOB_PREFIX + "*" + BLOB_SUFFIX + " in " + dir + ", found " + blobs
                    + " (did jcstress run?)");
            return failures;
        }
        InProcessCollector collector = new InProcessCollector();
        DiskReadCollector reader = new DiskReadCollector(blobs.get(0).toString(), collector);
        try {
            reader.dump();
        } finally {
            reader.close();
        }

        Map<String, List<TestResult>> byTest = new TreeMap<>();
        for (TestResult result : collector.getTestResults()) {
            byTest.computeIfAbsent(result.getName(), k -> new ArrayList<>()).add(result);
        }

        for (String test : expected) {
            List<TestResult> results = byTest.getOrDefault(test, List.of());
            if (results.isEmpty()) {
                failures.add(test + ": did not run (no result in " + blobs.get(0).getFileName() + ")");
                continue;
            }
            long samples = 0;
            int failedConfigs = 0;
            for (TestResult result : results) {
                samples += result.getTotalCount();
                String problem = problem(result);
                if (problem != null) {
                    failedConfigs++;
                    failures.add(test + " " + result.getConfig().jvmArgs + ": " + problem);
                }
            }
            if (samples == 0) {
                failures.add(test + ": ran but collected no samples");
            }
            System.out.printf("[jcstress-check] %-40s %3d configs %,14d samples  %s%n", shortName(test),
                    results.size(), samples, failedConfigs == 0 ? "OK" : "FAILED in " + failedConfigs);
            Map<String, Long> seen = new TreeMap<>();
            for (TestResult result : results) {
                for (String state : result.getStateKeys()) {
                    seen.merge(state, result.getCount(state), Long::sum);
                }
            }
            seen.forEach((state, count) -> System.out.printf("[jcstress-check]     %-24s %,14d%n", state, count));
            for (StateCase c : TestList.getInfo(test).cases()) {
                if (c.expect() == Expect.ACCEPTABLE && !seen.containsKey(c.matchPattern())) {
                    System.out.println("[jcstress-check]     (not observed: acceptable outcome " + c.matchPattern()
                            + ", " + c.description() + ")");
                }
            }
        }
        System.out.printf("[jcstress-check] %d tests expected, %d ran, %d problems%n", expected.size(),
                expected.stream().filter(byTest::containsKey).count(), failures.size());
        return failures;
    }

    /** Why {@code result} fails, or null when it passed. */
    private static String problem(TestResult result) {
        if (result.status() != Status.NORMAL) {
            String messages = String.join(" | ", result.getMessages());
            return "status " + result.status() + (messages.isEmpty() ? "" : ": " + messages);
        }
        TestGrading grading = result.grading();
        if (!grading.isPassed) {
            Collection<String> messages = grading.failureMessages;
            return "failed grading: " + (messages.isEmpty() ? "(no message)" : String.join(" | ", messages))
                    + " outcomes=" + outcomes(result);
        }
        return null;
    }

    private static String outcomes(TestResult result) {
        StringBuilder sb = new StringBuilder("{");
        for (String state : new TreeSet<>(result.getStateKeys())) {
            if (sb.length() > 1) {
                sb.append("; ");
            }
            sb.append('[').append(state).append("]=").append(result.getCount(state));
        }
        return sb.append('}').toString();
    }

    private static String shortName(String test) {
        return test.substring(test.lastIndexOf('.') + 1);
    }

    private static List<Path> blobs(Path dir) throws IOException {
        List<Path> blobs = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return blobs;
        }
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, BLOB_PREFIX + "*" + BLOB_SUFFIX)) {
            stream.forEach(blobs::add);
        }
        blobs.sort(null);
        return blobs;
    }
}
