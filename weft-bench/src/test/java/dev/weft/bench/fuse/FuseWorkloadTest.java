package dev.weft.bench.fuse;

import dev.weft.bench.fuse.FuseWorkload.FioTiming;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** fio's command lines of each workload and profile, exactly as the benchmarks run them. */
class FuseWorkloadTest {

    @Test
    void randreadIsFourKibPsyncTwoJobsDirectTimeBased() {
        assertEquals(List.of("--output-format=json", "--name=randread", "--filename=/m/read.dat", "--size=256m",
                        "--rw=randread", "--bs=4k", "--ioengine=psync", "--direct=1", "--numjobs=2",
                        "--group_reporting", "--time_based", "--runtime=20", "--ramp_time=2"),
                FuseWorkload.RANDREAD.fioArguments("/m", FioTiming.DEFAULT));
        assertTrue(FuseWorkload.RANDREAD.fioArguments("/m", FioTiming.QUICK)
                .containsAll(List.of("--runtime=5", "--ramp_time=1")));
    }

    @Test
    void seqreadAndRandwrite() {
        assertEquals(List.of("--output-format=json", "--name=seqread", "--filename=/m/read.dat", "--size=256m",
                        "--rw=read", "--bs=1m", "--ioengine=psync", "--direct=1", "--numjobs=1",
                        "--time_based", "--runtime=5", "--ramp_time=1"),
                FuseWorkload.SEQREAD.fioArguments("/m", FioTiming.QUICK));
        assertEquals(List.of("--output-format=json", "--name=randwrite", "--filename=/m/write.dat", "--size=256m",
                        "--rw=randwrite", "--bs=4k", "--ioengine=psync", "--direct=1", "--numjobs=2",
                        "--group_reporting", "--time_based", "--runtime=20", "--ramp_time=2", "--fallocate=none"),
                FuseWorkload.RANDWRITE.fioArguments("/m", FioTiming.DEFAULT));
    }

    @Test
    void metaIsThreeStonewalledPhasesOnTheSameFiles() {
        List<String> a = FuseWorkload.META.fioArguments("/m", FioTiming.QUICK);
        assertEquals(List.of("--output-format=json", "--directory=/m/meta", "--numjobs=2", "--group_reporting",
                "--nrfiles=2000", "--filesize=4k", "--bs=4k", "--openfiles=1", "--fallocate=none", "--create_fsync=0",
                "--name=create", "--ioengine=filecreate", "--rw=write",
                "--name=stat", "--stonewall", "--ioengine=filestat", "--rw=read",
                "--filename_format=create.$jobnum.$filenum",
                "--name=unlink", "--stonewall", "--ioengine=filedelete", "--rw=read",
                "--filename_format=create.$jobnum.$filenum"), a);
        assertTrue(FuseWorkload.META.fioArguments("/m", FioTiming.DEFAULT).contains("--nrfiles=5000"));
        assertEquals(FuseWorkload.META_PHASES, List.of("create", "stat", "unlink"));
    }

    @Test
    void theQuotedCommandLineHasDirForTheVariantsDirectory() {
        assertEquals("fio --output-format=json --name=randread --filename=DIR/read.dat --size=256m --rw=randread"
                        + " --bs=4k --ioengine=psync --direct=1 --numjobs=2 --group_reporting --time_based"
                        + " --runtime=5 --ramp_time=1",
                FuseWorkload.RANDREAD.commandLine(FioTiming.QUICK));
    }

    @Test
    void namesAndUnits() {
        assertEquals(List.of("fuse-randread", "fuse-seqread", "fuse-randwrite", "fuse-meta"),
                Arrays.stream(FuseWorkload.values()).map(FuseWorkload::benchName).toList());
        assertEquals(List.of("IOPS", "MiB/s", "IOPS", "ops/s"),
                Arrays.stream(FuseWorkload.values()).map(FuseWorkload::unit).toList());
    }
}
