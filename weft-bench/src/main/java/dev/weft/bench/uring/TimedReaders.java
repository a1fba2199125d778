package dev.weft.bench.uring;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * N readers in a closed loop (each reads one random block, waits for it, reads the next), started on the threads a
 * {@link Thread.Builder} makes, and counted over a measured window that starts after a warm-up: the reads completed
 * between the two snapshots of the {@link ReadCounters}, over the window's own elapsed time. Reads in flight at an
 * edge count in the window they complete in.
 *
 * <p>A reader that fails stops them all; {@link #run} then throws with its error. Each reader opens its
 * {@link BlockReader} on its own thread (a confined arena's buffer belongs to it) and closes it there.
 */
final class TimedReaders {

    /** One reader's means of reading: its own buffer, over a file shared by all readers. */
    interface BlockReader extends AutoCloseable {
        /** Reads the whole block at {@code position} (a short read is an error). */
        void read(long position) throws IOException;

        @Override
        void close() throws IOException;
    }

    /** Opens a reader's {@link BlockReader}, on that reader's thread. */
    interface BlockReaderFactory {
        BlockReader open() throws IOException;
    }

    /** What a run measured: reads completed in the window, and the window's length. */
    record Window(long reads, long nanos) {
        double perSecond() {
            return reads * 1e9 / nanos;
        }
    }

    /** How long the readers may take to stop after the window, each finishing its read in flight. */
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final long CHECK_MILLIS = 50;

    private TimedReaders() {
    }

    /**
     * Runs {@code readers} readers on threads of {@code threads} over {@code blocks}, and counts them.
     *
     * @throws IOException with the first reader's error, or when the readers did not stop in time
     */
    static Window run(int readers, Thread.Builder threads, BlockReaderFactory factory, AlignedBlocks blocks,
                      Duration warmup, Duration measured) throws IOException, InterruptedException {
        ReadCounters counters = new ReadCounters(readers);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> started = new ArrayList<>(readers);
        try {
            for (int r = 0; r < readers; r++) {
                int reader = r;
                started.add(threads.start(() -> {
                    SplittableRandom random = new SplittableRandom(0x5eed_0000L + reader);
                    try (BlockReader br = factory.open()) {
                        while (!stop.get()) {
                            br.read(blocks.randomPosition(random));
                            counters.incrementOpaque(reader);
                        }
                    } catch (Throwable t) {
                        failure.compareAndSet(null, t);
                        stop.set(true);
                    }
                }));
            }
            sleepUnlessFailed(warmup, failure);
            long startReads = counters.sumOpaque();
            long start = System.nanoTime();
            sleepUnlessFailed(measured, failure);
            long endReads = counters.sumOpaque();
            long end = System.nanoTime();
            throwIfFailed(failure);
            return new Window(endReads - startReads, end - start);
        } finally {
            stop.set(true);
            long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
            for (Thread t : started) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !t.join(Duration.ofNanos(left))) {
                    throw new IOException("reader " + t.getName() + " did not stop within " + STOP_TIMEOUT.toSeconds()
                            + " s of the end of the window: a read never completed");
                }
            }
        }
    }

    private static void sleepUnlessFailed(Duration d, AtomicReference<Throwable> failure)
            throws IOException, InterruptedException {
        long end = System.nanoTime() + d.toNanos();
        for (long left; (left = end - System.nanoTime()) > 0; ) {
            throwIfFailed(failure);
            Thread.sleep(Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1, CHECK_MILLIS));
        }
    }

    private static void throwIfFailed(AtomicReference<Throwable> failure) throws IOException {
        Throwable t = failure.get();
        if (t != null) {
            throw t instanceof IOException e ? new IOException(e.getMessage(), e)
                    : new IOException("a reader failed: " + t, t);
        }
    }
}
