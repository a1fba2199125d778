/**
 * The io_uring benchmark ({@code bin/weft bench uring-randread}): 4 KiB random {@code O_DIRECT} reads of one 1 GiB
 * file by 64 concurrent readers, through weft-uring's {@code UringFile} on a group with a ring per server, through
 * {@code FileChannel} on the JDK's virtual threads and on platform threads, and through fio's own io_uring engine
 * (the C limit). Not JMH: the Java readers run in the benchmark's JVM and are counted over a fixed window.
 *
 * <ul>
 *   <li>{@link dev.weft.bench.uring.UringRandRead}: the benchmark, its timing, the work directory, fio's command
 *       line.</li>
 *   <li>{@link dev.weft.bench.uring.RandReadVariant}: the variants, in report order.</li>
 *   <li>{@link dev.weft.bench.uring.DataFile}: the data file, written once, and the refusal of tmpfs.</li>
 *   <li>{@link dev.weft.bench.uring.AlignedBlocks}: aligned block positions and buffers for {@code O_DIRECT}.</li>
 *   <li>{@link dev.weft.bench.uring.TimedReaders}: N readers in a closed loop, counted over a window after a
 *       warm-up ({@link dev.weft.bench.uring.ReadCounters}: one padded counter per reader).</li>
 * </ul>
 *
 * {@link dev.weft.bench.BenchRunner} reports the scores like the other benchmarks' (table or one JSON line).
 */
package dev.weft.bench.uring;
