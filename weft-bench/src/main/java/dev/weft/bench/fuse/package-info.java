/**
 * The FUSE benchmarks ({@code bin/weft bench fuse-randread|fuse-seqread|fuse-randwrite|fuse-meta}): fio on the
 * kernel's own file system and on each FUSE server mounted over the same directory, not JMH.
 *
 * <ul>
 *   <li>{@link dev.weft.bench.fuse.FuseBenchmark}: one workload on every variant in turn; the work directory.</li>
 *   <li>{@link dev.weft.bench.fuse.FuseWorkload}: the workloads, fio's exact command line for each, their
 *       scores.</li>
 *   <li>{@link dev.weft.bench.fuse.FuseVariant}: the file systems compared and the command that starts each
 *       server.</li>
 *   <li>{@link dev.weft.bench.fuse.MountedServer}: a server process from start to a ready mount, and stopping it
 *       without leaving the mount behind; {@link dev.weft.bench.fuse.MountTable} reads
 *       {@code /proc/self/mountinfo}.</li>
 *   <li>{@link dev.weft.bench.fuse.FioReport}: fio's JSON report ({@code Json} parses it).</li>
 *   <li>{@code peer}: the Java peer, a jfuse passthrough file system run as its own process.</li>
 * </ul>
 *
 * {@link dev.weft.bench.BenchRunner} reports the scores like the JMH benchmarks' (table or one JSON line).
 */
package dev.weft.bench.fuse;
