package dev.weft.bench;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The runner's argument parsing and output formatting; no benchmark is run. */
class BenchRunnerTest {

    @Test
    void namesInRunOrder() {
        assertEquals(List.of("pingpong", "yield-many", "chained-spawn", "spawn-many", "skynet", "idle-wake", "ring",
                "threadlet-null", "threadlet-mixed", "fuse-randread", "fuse-seqread", "fuse-randwrite", "fuse-meta",
                "uring-randread", "uring-randread-ram"), BenchRunner.names());
    }

    @Test
    void parsesNameAndFlagsInAnyOrder() throws Exception {
        BenchRunner.Invocation a = BenchRunner.parse(new String[] {"pingpong"});
        assertEquals(List.of("pingpong"), a.names());
        assertFalse(a.quick());
        assertFalse(a.json());

        BenchRunner.Invocation b = BenchRunner.parse(new String[] {"--json", "skynet", "--quick"});
        assertEquals(List.of("skynet"), b.names());
        assertTrue(b.quick());
        assertTrue(b.json());

        assertEquals(BenchRunner.names(), BenchRunner.parse(new String[] {"all", "--quick"}).names());
        assertTrue(BenchRunner.parse(new String[] {"--help"}).help());
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(BenchRunner.UsageException.class, () -> BenchRunner.parse(new String[0]));
        assertThrows(BenchRunner.UsageException.class, () -> BenchRunner.parse(new String[] {"--quick"}));
        assertThrows(BenchRunner.UsageException.class, () -> BenchRunner.parse(new String[] {"pingpong", "skynet"}));
        assertThrows(BenchRunner.UsageException.class, () -> BenchRunner.parse(new String[] {"pingpong", "--fast"}));
        BenchRunner.UsageException e = assertThrows(BenchRunner.UsageException.class,
                () -> BenchRunner.resolve(List.of("nope")));
        for (String name : BenchRunner.names()) {
            assertTrue(e.getMessage().contains(name), e.getMessage());
        }
    }

    @Test
    void unknownNameExitsWithTwoAndListsNames() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = BenchRunner.run(new String[] {"nope", "--json"}, print(out), print(err));
        assertEquals(2, status);
        assertEquals("", out.toString(StandardCharsets.UTF_8));
        String message = err.toString(StandardCharsets.UTF_8);
        assertTrue(message.contains("unknown benchmark 'nope'"), message);
        assertTrue(message.contains("pingpong, yield-many, chained-spawn, spawn-many, skynet, idle-wake, ring, threadlet-null,"
                + " threadlet-mixed, fuse-randread, fuse-seqread, fuse-randwrite, fuse-meta, uring-randread, uring-randread-ram, all"),
                message);

        assertEquals(2, BenchRunner.run(new String[] {"pingpong", "--bogus"}, print(out), print(err)));
        assertEquals("", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void jsonLineIsOneObjectWithPlainNumbers() {
        Map<String, Double> results = new LinkedHashMap<>();
        results.put("weft-handoff", 398.01432);
        results.put("weft-fifo", 3425.24);
        results.put("jdk-default", 491.331);
        results.put("platform", 21539.836);
        results.put("continuation", 0.0123456);
        assertEquals("{\"bench\":\"pingpong\",\"unit\":\"ns\",\"lower_is_better\":true,\"results\":{"
                        + "\"weft-handoff\":398,\"weft-fifo\":3425,\"jdk-default\":491.3,\"platform\":21540,"
                        + "\"continuation\":0.01235}}",
                BenchRunner.jsonLine("pingpong", "ns", true, results));
    }

    @Test
    void jsonLineWritesMissingAndNonFiniteAsNull() {
        Map<String, Double> results = new LinkedHashMap<>();
        results.put("spin-0", 12.0);
        results.put("spin-5000", null);
        results.put("spin-20000", Double.NaN);
        String line = BenchRunner.jsonLine("idle-wake", "ns", true, results);
        assertEquals("{\"bench\":\"idle-wake\",\"unit\":\"ns\",\"lower_is_better\":true,\"results\":{"
                + "\"spin-0\":12,\"spin-5000\":null,\"spin-20000\":null}}", line);
        assertFalse(line.contains("\n"));
        assertEquals("\"a\\\"b\\\\c\\n\"", BenchRunner.jsonString("a\"b\\c\n"));
    }

    @Test
    void roundsToSensiblePrecisionWithoutExponent() {
        assertEquals("12346", BenchRunner.round(12345.6).toPlainString());
        assertEquals("1000", BenchRunner.round(999.96).toPlainString());
        assertEquals("123.5", BenchRunner.round(123.456).toPlainString());
        assertEquals("100", BenchRunner.round(100.0).toPlainString());
        assertEquals("12.35", BenchRunner.round(12.3456).toPlainString());
        assertEquals("2", BenchRunner.round(2.0).toPlainString());
        assertEquals("0.01235", BenchRunner.round(0.012345).toPlainString());
        assertEquals("0.000000001", BenchRunner.round(1e-9).toPlainString());
        assertEquals("499999500000", BenchRunner.round(4.999995e11).toPlainString());
        assertEquals("0", BenchRunner.round(0.0).toPlainString());
    }

    @Test
    void tableShowsRatiosToTheBaselineAndFailures() {
        Map<String, BenchRunner.Row> rows = new LinkedHashMap<>();
        rows.put("weft-handoff", new BenchRunner.Row("weft-handoff", 250, 10, Map.of()));
        rows.put("weft-fifo", null);
        rows.put("jdk-default", new BenchRunner.Row("jdk-default", 500, Double.NaN, Map.of()));
        String table = BenchRunner.table(BenchRunner.report("chained-spawn", rows, BenchRunner.Profile.QUICK, 12.5));
        assertTrue(table.contains("vs jdk-default"), table);
        assertTrue(table.matches("(?s).*weft-handoff\\s+250\\s+± 10\\s+us\\s+0\\.50x.*"), table);
        assertTrue(table.matches("(?s).*weft-fifo\\s+failed.*"), table);
        assertTrue(table.matches("(?s).*jdk-default\\s+500\\s+-\\s+us\\s+1\\.00x.*"), table);
        assertTrue(table.contains("wall time 12.5 s"), table);
    }

    @Test
    void idleWakeRatiosAreToNoSpinAtTheSameGap() {
        BenchRunner.IdleWake bench = new BenchRunner.IdleWake(List.of("30", "200"));
        assertEquals("spin-0", bench.baselineOf("spin-50000"));
        assertEquals("spin-0/gap-200us", bench.baselineOf("spin-50000/gap-200us"));
        Map<String, BenchRunner.Row> rows = new LinkedHashMap<>();
        rows.put("spin-0", new BenchRunner.Row("spin-0", 1000, Double.NaN, Map.of()));
        rows.put("spin-50000", new BenchRunner.Row("spin-50000", 500, Double.NaN, Map.of()));
        rows.put("spin-0/gap-200us", new BenchRunner.Row("spin-0/gap-200us", 4000, Double.NaN, Map.of()));
        rows.put("spin-50000/gap-200us", new BenchRunner.Row("spin-50000/gap-200us", 1000, Double.NaN, Map.of()));
        String table = BenchRunner.table(new BenchRunner.Report(bench, rows, BenchRunner.Profile.QUICK, 1));
        assertTrue(table.matches("(?s).*spin-50000\\s+500\\s+-\\s+ns\\s+0\\.50x.*"), table);
        assertTrue(table.matches("(?s).*spin-50000/gap-200us\\s+1000\\s+-\\s+ns\\s+0\\.25x.*"), table);
    }

    @Test
    void keysOfEachBenchmark() throws Exception {
        List<BenchRunner.Bench> benches = BenchRunner.resolve(List.of("pingpong", "skynet", "idle-wake"));
        assertEquals(List.of("weft-handoff", "weft-fifo", "jdk-default", "platform", "continuation"),
                benches.get(0).keys());
        assertEquals(List.of("weft-handoff", "weft-fifo", "jdk-default"), benches.get(1).keys());
        assertEquals(List.of("spin-0", "spin-5000", "spin-20000", "spin-50000", "spin-100000"),
                benches.get(2).keys());
    }

    @Test
    void ringIsAThroughputBenchmarkInOpsPerMicrosecond() throws Exception {
        BenchRunner.Bench ring = BenchRunner.resolve(List.of("ring")).getFirst();
        assertEquals(List.of("weft-ring", "jctools-mpsc", "array-blocking-queue", "concurrent-linked-queue"),
                ring.keys());
        assertEquals("ops/us", ring.unitLabel());
        assertFalse(ring.lowerIsBetter());
        assertEquals(org.openjdk.jmh.annotations.Mode.Throughput, ring.adjust(BenchRunner.Profile.QUICK).mode());

        Map<String, Double> results = new LinkedHashMap<>();
        results.put("weft-ring", 41.234);
        results.put("jctools-mpsc", 40.0);
        assertEquals("{\"bench\":\"ring\",\"unit\":\"ops/us\",\"lower_is_better\":false,\"results\":{"
                        + "\"weft-ring\":41.23,\"jctools-mpsc\":40}}",
                BenchRunner.jsonLine("ring", ring.unitLabel(), ring.lowerIsBetter(), results));

        Map<String, BenchRunner.Row> rows = new LinkedHashMap<>();
        rows.put("weft-ring", new BenchRunner.Row("weft-ring", 40, 1, Map.of()));
        rows.put("jctools-mpsc", new BenchRunner.Row("jctools-mpsc", 20, 1, Map.of()));
        String table = BenchRunner.table(BenchRunner.report("ring", rows, BenchRunner.Profile.QUICK, 20));
        assertTrue(table.contains("higher is better"), table);
        assertTrue(table.matches("(?s).*weft-ring\\s+40\\s+± 1\\s+ops/us\\s+2\\.00x.*"), table);
    }

    private static PrintStream print(ByteArrayOutputStream sink) {
        return new PrintStream(sink, true, StandardCharsets.UTF_8);
    }
}
