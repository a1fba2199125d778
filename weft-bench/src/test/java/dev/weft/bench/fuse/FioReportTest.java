package dev.weft.bench.fuse;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reading fio's JSON report: the fields the benchmarks use, fio's leading notes, and malformed reports. */
class FioReportTest {

    /** One direction of a job as fio 3.33 writes it, trimmed to the fields around the ones read. */
    static String direction(long ios, long bwBytes, double iops, long runtimeMs, boolean percentiles) {
        String clat = percentiles
                ? """
                  "clat_ns" : {
                    "min" : 69684, "max" : 5292827, "mean" : 293118.036109, "N" : %d,
                    "percentile" : { "1.000000" : 83456, "50.000000" : 350208, "99.000000" : 561152,
                                     "99.990000" : 5275648 }
                  },""".formatted(ios)
                : """
                  "clat_ns" : { "min" : 0, "max" : 0, "mean" : 0.000000, "stddev" : 0.000000, "N" : 0 },""";
        return """
                {
                  "io_bytes" : %d, "io_kbytes" : %d, "bw_bytes" : %d, "bw" : %d, "iops" : IOPS,
                  "runtime" : %d, "total_ios" : %d, "short_ios" : 0, "drop_ios" : 0,
                  "slat_ns" : { "min" : 0, "max" : 0, "mean" : 0.000000, "stddev" : 0.000000, "N" : 0 },%s
                  "bw_min" : 12000, "iops_stddev" : 105.1
                }""".formatted(ios * 4096, ios * 4, bwBytes, bwBytes / 1024, runtimeMs, ios, clat)
                .replace("IOPS", String.format(Locale.ROOT, "%f", iops));
    }

    static String job(String name, int error, String read, String write) {
        return """
                {
                  "jobname" : "%s", "groupid" : 0, "error" : %d, "eta" : 0, "elapsed" : 7,
                  "job options" : { "name" : "%s", "rw" : "randread", "filename_format" : "create.$jobnum.$filenum" },
                  "read" : %s,
                  "write" : %s,
                  "trim" : %s,
                  "sync" : { "total_ios" : 0, "lat_ns" : { "min" : 0, "max" : 0, "mean" : 0.0, "N" : 0 } },
                  "job_runtime" : 10003, "usr_cpu" : 3.1, "sys_cpu" : 20.5,
                  "latency_ns" : { "2" : 0.0, ">=2000" : 0.01 }
                }""".formatted(name, error, name, read, write, direction(0, 0, 0, 0, false));
    }

    static String report(String... jobs) {
        return """
                {
                  "fio version" : "fio-3.33",
                  "timestamp" : 1795298777,
                  "time" : "Sat Nov 21 22:06:17 2026",
                  "global options" : { "directory" : "/var/tmp/weft-bench/mnt/meta", "numjobs" : "2" },
                  "jobs" : [ %s ],
                  "disk_util" : [ { "name" : "vda", "read_ios" : 3391, "util" : 81.7 } ]
                }
                """.formatted(String.join(",\n", jobs));
    }

    static String randread(double iops) {
        return report(job("randread", 0, direction(67850, 27791360, iops, 5001, true),
                direction(0, 0, 0, 0, false)));
    }

    @Test
    void readsIopsBandwidthIosRuntimeAndPercentiles() throws Exception {
        FioReport r = FioReport.parse(randread(13567.123456));
        assertEquals("fio-3.33", r.version());
        assertEquals(1, r.jobs().size());
        FioReport.Job j = r.job("randread");
        assertEquals(0, j.error());
        assertEquals(13567.123456, j.read().iops(), 1e-9);
        assertEquals(27791360, j.read().bytesPerSecond());
        assertEquals(67850, j.read().ios());
        assertEquals(5001, j.read().runtimeMillis());
        assertEquals(350208, j.read().clatP50Nanos());
        assertEquals(561152, j.read().clatP99Nanos());
        assertEquals(0, j.write().ios());
        assertTrue(Double.isNaN(j.write().clatP50Nanos()), "no percentiles for a direction without I/O");
    }

    @Test
    void skipsFiosNotesBeforeTheReport() throws Exception {
        String notes = "note: both iodepth >= 1 and synchronous I/O engine are selected, queue depth will be capped"
                + " at 1\nfio: file hash not empty on exit\n";
        FioReport r = FioReport.parse(notes + randread(100.5));
        assertEquals(100.5, r.job("randread").read().iops(), 1e-9);
    }

    @Test
    void metaScoreIsAllOperationsOverThePhasesRunTimes() throws Exception {
        String none = direction(0, 0, 0, 0, false);
        FioReport r = FioReport.parse(report(
                job("create", 0, none, direction(4000, 142469565, 34782.608696, 115, true)),
                job("stat", 0, direction(4000, 156038095, 38095.238095, 105, true), none),
                job("unlink", 0, direction(4000, 66601626, 16260.162602, 246, true), none)));
        FuseWorkload.Score s = FuseWorkload.META.score(r);
        assertEquals(12000 * 1000.0 / (115 + 105 + 246), s.value(), 1e-9);
        assertEquals(List.of("create/s", "stat/s", "unlink/s"), List.copyOf(s.rates().keySet()));
        assertEquals(4000 * 1000.0 / 115, s.rates().get("create/s"), 1e-9);
        assertEquals(4000 * 1000.0 / 246, s.rates().get("unlink/s"), 1e-9);
        assertEquals(Map.of(), s.latencyNanos());
    }

    @Test
    void readAndWriteScoresComeFromTheirDirection() throws Exception {
        String none = direction(0, 0, 0, 0, false);
        FuseWorkload.Score rr = FuseWorkload.RANDREAD.score(FioReport.parse(randread(13567.5)));
        assertEquals(13567.5, rr.value(), 1e-9);
        assertEquals(Map.of("p50", 350208.0, "p99", 561152.0), rr.latencyNanos());

        FuseWorkload.Score seq = FuseWorkload.SEQREAD.score(FioReport.parse(report(
                job("seqread", 0, direction(2000, 500L << 20, 500, 4000, true), none))));
        assertEquals(500.0, seq.value(), 1e-9, "MiB/s from bw_bytes");

        FuseWorkload.Score rw = FuseWorkload.RANDWRITE.score(FioReport.parse(report(
                job("randwrite", 0, none, direction(30000, 24576000, 6000.25, 5000, true)))));
        assertEquals(6000.25, rw.value(), 1e-9);
    }

    @Test
    void aJobWithoutIoOrWithAnErrorIsAFailure() throws Exception {
        String none = direction(0, 0, 0, 0, false);
        FioException noIo = assertThrows(FioException.class, () -> FuseWorkload.RANDREAD.score(
                FioReport.parse(report(job("randread", 0, none, none)))));
        assertTrue(noIo.getMessage().contains("'randread' did no I/O"), noIo.getMessage());

        FioException error = assertThrows(FioException.class, () -> FuseWorkload.RANDREAD.score(
                FioReport.parse(report(job("randread", 22, none, none)))));
        assertTrue(error.getMessage().contains("'randread' failed with error 22"), error.getMessage());

        FioException wrongJob = assertThrows(FioException.class, () -> FuseWorkload.RANDWRITE.score(
                FioReport.parse(randread(1))));
        assertTrue(wrongJob.getMessage().contains("no job 'randwrite' (jobs: [randread])"), wrongJob.getMessage());
    }

    @Test
    void outputWithoutJsonNamesWhatItGot() {
        FioException e = assertThrows(FioException.class,
                () -> FioReport.parse("fio: pid=0, err=2/file:filesetup.c:240, func=open, error=No such file\n"));
        assertTrue(e.getMessage().contains("no JSON report"), e.getMessage());
        assertTrue(e.getMessage().contains("fio: pid=0, err=2"), e.getMessage());

        FioException empty = assertThrows(FioException.class, () -> FioReport.parse(""));
        assertTrue(empty.getMessage().contains("(nothing)"), empty.getMessage());
    }

    @Test
    void truncatedReportSaysWhereItBreaks() {
        String whole = randread(5);
        String cut = whole.substring(0, whole.indexOf("\"total_ios\""));
        FioException e = assertThrows(FioException.class, () -> FioReport.parse(cut));
        assertTrue(e.getMessage().startsWith("fio's JSON report is malformed at character "), e.getMessage());
        assertTrue(e.getMessage().contains("near: "), e.getMessage());
    }

    @Test
    void malformedJsonIsRejected() {
        for (String bad : List.of("{\"jobs\" : [ }", "{\"jobs\" : [ {\"a\" : 1,} ] }", "{\"jobs\" : 01x }",
                "{\"jobs\" : [] } trailing", "{\"a\" : \"unterminated }", "{\"a\" : tru }", "{'a' : 1}",
                "{\"a\" : 1.e5 }", "{\"a\" : \"bad \\q escape\" }")) {
            FioException e = assertThrows(FioException.class, () -> FioReport.parse(bad), bad);
            assertTrue(e.getMessage().contains("malformed at character"), bad + " -> " + e.getMessage());
        }
    }

    @Test
    void wellFormedJsonOfTheWrongShapeNamesTheMissingPart() {
        FioException noJobs = assertThrows(FioException.class, () -> FioReport.parse("{\"fio version\":\"x\"}"));
        assertTrue(noJobs.getMessage().contains("no \"jobs\" array"), noJobs.getMessage());

        FioException emptyJobs = assertThrows(FioException.class, () -> FioReport.parse("{\"jobs\":[]}"));
        assertTrue(emptyJobs.getMessage().contains("empty \"jobs\" array"), emptyJobs.getMessage());

        FioException noIops = assertThrows(FioException.class, () -> FioReport.parse(
                randread(1).replace("\"iops\" : 1.000000,", "")));
        assertTrue(noIops.getMessage().contains("job 'randread' read has no number \"iops\""), noIops.getMessage());

        FioException notObject = assertThrows(FioException.class, () -> FioReport.parse("{\"jobs\" : [1, 2]}"));
        assertTrue(notObject.getMessage().contains("jobs[0] is not an object"), notObject.getMessage());
    }

    @Test
    void jsonValuesStringsAndNumbers() throws Exception {
        Object v = Json.parse(" {\"s\" : \"a\\\"b\\\\c\\n\\u00e9\\/\", \"n\" : [-1.5e3, 0, 18446744073709551615],"
                + " \"t\" : true, \"f\" : false, \"z\" : null, \"o\" : {}} ", 0);
        Map<?, ?> m = (Map<?, ?>) v;
        assertEquals("a\"b\\c\né/", m.get("s"));
        assertEquals(List.of(-1500.0, 0.0, 1.8446744073709552e19), m.get("n"));
        assertEquals(Boolean.TRUE, m.get("t"));
        assertEquals(Boolean.FALSE, m.get("f"));
        assertTrue(m.containsKey("z") && m.get("z") == null);
        assertEquals(Map.of(), m.get("o"));
    }
}
