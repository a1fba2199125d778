package dev.weft.bench;

import dev.weft.bench.uring.UringRandRead;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The runner's handling of uring-randread: arguments, keys, header and report; nothing is read or run. */
class UringBenchRunnerTest {

    @Test
    void parsesLikeTheOthers() throws Exception {
        BenchRunner.Invocation a = BenchRunner.parse(new String[] {"uring-randread", "--json", "--quick"});
        assertEquals(List.of("uring-randread"), a.names());
        assertTrue(a.quick());
        assertTrue(a.json());
        assertInstanceOf(BenchRunner.Uring.class, BenchRunner.resolve(a.names()).getFirst());
        assertTrue(BenchRunner.parse(new String[] {"all"}).names().contains("uring-randread"));
    }

    @Test
    void variantsAreTheKeysWithFileChannelOnVirtualThreadsAsBaseline() throws Exception {
        BenchRunner.Bench b = BenchRunner.resolve(List.of("uring-randread")).getFirst();
        assertEquals(List.of("weft-uring", "weft-uring-fixed", "filechannel-vt", "filechannel-platform",
                "fio-io_uring"), b.keys());
        assertEquals("filechannel-vt", b.baseline);
        assertEquals("IOPS", b.unitLabel());
        assertFalse(b.lowerIsBetter());
    }

    @Test
    void theHeaderQuotesFiosCommandLineAndTheTiming() throws Exception {
        BenchRunner.Bench b = BenchRunner.resolve(List.of("uring-randread")).getFirst();
        Map<String, BenchRunner.Row> rows = new LinkedHashMap<>();
        rows.put("weft-uring", new BenchRunner.Row("weft-uring", 30000, Double.NaN, Map.of("reads", "150000")));
        rows.put("filechannel-vt", new BenchRunner.Row("filechannel-vt", 20000, Double.NaN, Map.of()));
        rows.put("filechannel-platform", null);
        rows.put("fio-io_uring", new BenchRunner.Row("fio-io_uring", 40000, Double.NaN, Map.of()));
        String quick = BenchRunner.table(new BenchRunner.Report(b, rows, BenchRunner.Profile.QUICK, 30));
        String[] lines = quick.split("\n");
        assertEquals("uring-randread: " + UringRandRead.WHAT + ", higher is better", lines[0]);
        assertEquals("  fio --name=r --filename=FILE --rw=randread --bs=4k --direct=1 --ioengine=io_uring"
                + " --iodepth=64 --numjobs=1 --time_based --runtime=5 --ramp_time=3 --output-format=json", lines[1]);
        assertTrue(quick.matches("(?s).*weft-uring\\s+30000\\s+-\\s+IOPS\\s+1\\.50x\\s+150000.*"), quick);
        assertTrue(quick.matches("(?s).*filechannel-platform\\s+failed.*"), quick);
        assertTrue(quick.matches("(?s).*fio-io_uring\\s+40000\\s+-\\s+IOPS\\s+2\\.00x.*"), quick);
        assertTrue(quick.contains("(quick profile: one run per variant, 64 readers, 3 s warm-up + 5 s measured;"
                + " wall time 30.0 s)"), quick);

        String full = BenchRunner.table(new BenchRunner.Report(b, rows, BenchRunner.Profile.DEFAULT, 100));
        assertTrue(full.contains("--runtime=20 --ramp_time=5"), full);
        assertTrue(full.contains("default profile: one run per variant, 64 readers, 5 s warm-up + 20 s measured"),
                full);
    }

    @Test
    void jsonLineIsThroughputInIops() {
        Map<String, Double> results = new LinkedHashMap<>();
        results.put("weft-uring", 31234.56);
        results.put("filechannel-vt", 20000.0);
        results.put("filechannel-platform", null);
        results.put("fio-io_uring", 45000.4);
        assertEquals("{\"bench\":\"uring-randread\",\"unit\":\"IOPS\",\"lower_is_better\":false,\"results\":{"
                        + "\"weft-uring\":31235,\"filechannel-vt\":20000,\"filechannel-platform\":null,"
                        + "\"fio-io_uring\":45000}}",
                BenchRunner.jsonLine("uring-randread", "IOPS", false, results));
    }
}
