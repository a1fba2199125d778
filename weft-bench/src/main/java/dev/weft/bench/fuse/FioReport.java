package dev.weft.bench.fuse;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the FUSE benchmarks read from fio's {@code --output-format=json} report: per job (one per job section with
 * {@code --group_reporting}), its name, error, and for reads and writes the IOPS, bandwidth, I/O count, run time
 * and completion-latency percentiles.
 *
 * <p>fio writes informational lines ("note: ...", "fio: ...") to the same output before the JSON object; the report
 * starts at the first line that begins with '{'.
 */
public record FioReport(String version, List<Job> jobs) {

    /** One direction (read or write) of a job, as fio's {@code "read"} / {@code "write"} objects report it. */
    public record Direction(double iops, double bytesPerSecond, long ios, long runtimeMillis, double clatP50Nanos,
                            double clatP99Nanos) {
    }

    /** One job of the report ({@code "jobname"}, {@code "error"}, {@code "read"}, {@code "write"}). */
    public record Job(String name, int error, Direction read, Direction write) {
        /** I/Os of both directions. */
        long ios() {
            return read.ios + write.ios;
        }

        /** The job's run time: that of the direction that ran longer (ms). */
        long runtimeMillis() {
            return Math.max(read.runtimeMillis, write.runtimeMillis);
        }
    }

    /**
     * Parses fio's JSON output.
     *
     * @throws FioException naming what is wrong with {@code output} and where, with the text around it
     */
    public static FioReport parse(String output) throws FioException {
        int start = output.startsWith("{") ? 0 : output.indexOf("\n{");
        if (start < 0) {
            throw new FioException("fio's output has no JSON report (a line starting with '{'); it begins with: "
                    + excerpt(output, 0));
        }
        start = output.startsWith("{") ? 0 : start + 1;
        Object root;
        try {
            root = Json.parse(output, start);
        } catch (Json.ParseException e) {
            throw new FioException("fio's JSON report is malformed at character " + e.offset + ": " + e.getMessage()
                    + "; near: " + excerpt(output, Math.max(start, e.offset - 40)));
        }
        Map<?, ?> top = object(root, "the report");
        Object version = top.get("fio version");
        Object jobsValue = top.get("jobs");
        if (!(jobsValue instanceof List<?> jobList)) {
            throw new FioException("fio's JSON report has no \"jobs\" array");
        }
        if (jobList.isEmpty()) {
            throw new FioException("fio's JSON report has an empty \"jobs\" array: no job ran");
        }
        List<Job> jobs = new ArrayList<>();
        for (int k = 0; k < jobList.size(); k++) {
            Map<?, ?> job = object(jobList.get(k), "jobs[" + k + "]");
            String name = job.get("jobname") instanceof String n ? n : "jobs[" + k + "]";
            String where = "job '" + name + "'";
            int error = (int) number(job, "error", where);
            jobs.add(new Job(name, error, direction(job, "read", where), direction(job, "write", where)));
        }
        return new FioReport(version instanceof String v ? v : "unknown", List.copyOf(jobs));
    }

    /** The job named {@code name}. */
    public Job job(String name) throws FioException {
        for (Job j : jobs) {
            if (j.name.equals(name)) {
                return j;
            }
        }
        throw new FioException("fio's report has no job '" + name + "' (jobs: "
                + jobs.stream().map(Job::name).toList() + ")");
    }

    /** Fails with the first job's error, if any job reports one (fio's error is an errno value). */
    public void requireNoErrors() throws FioException {
        for (Job j : jobs) {
            if (j.error != 0) {
                throw new FioException("fio job '" + j.name + "' failed with error " + j.error
                        + " (an errno value; see fio's messages above)");
            }
        }
    }

    private static Direction direction(Map<?, ?> job, String key, String where) throws FioException {
        Map<?, ?> d = object(job.get(key), where + " \"" + key + "\"");
        String at = where + " " + key;
        double p50 = Double.NaN, p99 = Double.NaN;
        if (d.get("clat_ns") instanceof Map<?, ?> clat && clat.get("percentile") instanceof Map<?, ?> pct) {
            p50 = pct.get("50.000000") instanceof Double v ? v : Double.NaN;
            p99 = pct.get("99.000000") instanceof Double v ? v : Double.NaN;
        }
        return new Direction(number(d, "iops", at), number(d, "bw_bytes", at), (long) number(d, "total_ios", at),
                (long) number(d, "runtime", at), p50, p99);
    }

    private static Map<?, ?> object(Object v, String what) throws FioException {
        if (v instanceof Map<?, ?> m) {
            return m;
        }
        throw new FioException("fio's JSON report: " + what + " is not an object");
    }

    private static double number(Map<?, ?> m, String key, String where) throws FioException {
        if (m.get(key) instanceof Double d) {
            return d;
        }
        throw new FioException("fio's JSON report: " + where + " has no number \"" + key + "\"");
    }

    private static String excerpt(String s, int from) {
        String t = s.substring(Math.min(from, s.length()));
        t = t.length() > 80 ? t.substring(0, 80) + "..." : t;
        return t.isEmpty() ? "(nothing)" : "'" + t.replace("\n", "\\n") + "'";
    }
}
