package dev.weft.bench;

import dev.weft.bench.fuse.FuseWorkload;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The runner's handling of the fio-based FUSE benchmarks: arguments, keys, header and report; nothing is mounted. */
class FuseBenchRunnerTest {

    @Test
    void fuseNamesParseLikeTheOthers() throws Exception {
        BenchRunner.Invocation a = BenchRunner.parse(new String[] {"--quick", "fuse-randread", "--json"});
        assertEquals(List.of("fuse-randread"), a.names());
        assertTrue(a.quick());
        assertTrue(a.json());
        List<BenchRunner.Bench> all = BenchRunner.resolve(
                List.of("fuse-randread", "fuse-seqread", "fuse-randwrite", "fuse-meta"));
        for (BenchRunner.Bench b : all) {
            assertInstanceOf(BenchRunner.Fuse.class, b);
        }
        assertTrue(BenchRunner.parse(new String[] {"all"}).names().contains("fuse-meta"));
        assertTrue(BenchRunner.usage().contains(
                "fuse-randread, fuse-seqread, fuse-randwrite, fuse-meta, uring-randread, uring-randread-ram, or all"));
    }

    @Test
    void variantsAreTheKeysWithNativeAsBaselineAndHigherIsBetter() throws Exception {
        BenchRunner.Bench b = BenchRunner.resolve(List.of("fuse-randread")).getFirst();
        assertEquals(List.of("native", "weft", "weft-lifo", "weft-threadlet", "weft-uring", "weft-passthrough-io",
                "bindfs", "libfuse3", "jfuse"), b.keys());
        assertEquals("native", b.baseline);
        assertFalse(b.lowerIsBetter());
        assertEquals("IOPS", b.unitLabel());
        assertEquals("MiB/s", BenchRunner.resolve(List.of("fuse-seqread")).getFirst().unitLabel());
        assertEquals("ops/s", BenchRunner.resolve(List.of("fuse-meta")).getFirst().unitLabel());
    }

    @Test
    void theHeaderQuotesFiosCommandLineOfTheProfile() throws Exception {
        BenchRunner.Bench b = BenchRunner.resolve(List.of("fuse-randread")).getFirst();
        Map<String, BenchRunner.Row> rows = new LinkedHashMap<>();
        rows.put("native", new BenchRunner.Row("native", 20000, Double.NaN,
                Map.of("p50", "87.55 us")));
        rows.put("weft", null);
        rows.put("bindfs", new BenchRunner.Row("bindfs", 10000, Double.NaN, Map.of("p50", "177.2 us")));
        String quick = BenchRunner.table(new BenchRunner.Report(b, rows, BenchRunner.Profile.QUICK, 30));
        String[] lines = quick.split("\n");
        assertEquals("fuse-randread: 4 KiB random reads, psync, 2 jobs, O_DIRECT (IOPS), higher is better", lines[0]);
        assertEquals("  " + FuseWorkload.RANDREAD.commandLine(FuseWorkload.FioTiming.QUICK), lines[1]);
        assertTrue(lines[1].contains("--runtime=5 --ramp_time=1"), lines[1]);
        assertTrue(quick.matches("(?s).*bindfs\\s+10000\\s+-\\s+IOPS\\s+0\\.50x\\s+177\\.2 us.*"), quick);
        assertTrue(quick.matches("(?s).*weft\\s+failed.*"), quick);
        assertTrue(quick.contains(
                "(quick profile: one fio run per variant, 1 s ramp + 5 s measured; wall time 30.0 s)"), quick);

        String full = BenchRunner.table(new BenchRunner.Report(b, rows, BenchRunner.Profile.DEFAULT, 150));
        assertTrue(full.contains("--runtime=20 --ramp_time=2"), full);
        assertTrue(full.contains("default profile: one fio run per variant, 2 s ramp + 20 s measured"), full);

        BenchRunner.Bench meta = BenchRunner.resolve(List.of("fuse-meta")).getFirst();
        String m = BenchRunner.table(new BenchRunner.Report(meta, Map.of(), BenchRunner.Profile.QUICK, 40));
        assertTrue(m.contains("--nrfiles=2000") && m.contains("2000 files per job"), m);
    }

    @Test
    void jsonLineHasNullForAVariantThatCouldNotRun() {
        Map<String, Double> results = new LinkedHashMap<>();
        results.put("native", 22020.2);
        results.put("weft", null);
        results.put("jfuse", 14121.2);
        assertEquals("{\"bench\":\"fuse-randread\",\"unit\":\"IOPS\",\"lower_is_better\":false,\"results\":{"
                        + "\"native\":22020,\"weft\":null,\"jfuse\":14121}}",
                BenchRunner.jsonLine("fuse-randread", "IOPS", false, results));
    }
}
