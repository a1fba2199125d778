package dev.weft.cli;

import dev.weft.sched.ConcurrencyGroup;
import dev.weft.sched.GroupStats;
import dev.weft.ring.Completion;
import dev.weft.ring.CompletionRing;
import dev.weft.threadlet.Threadlets;

import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code weft demo}: one concurrency group with the default settings (one server per CPU, the hand-off policy)
 * runs five small workloads, each chosen to exercise one mechanism, then prints the group's counters; a sixth step
 * mounts a FUSE passthrough ({@link FuseDemo}).
 */
final class Demo {

    private Demo() {
    }

    static int run(String[] args, PrintStream out) throws Exception {
        if (args.length > 0) {
            throw new IllegalArgumentException("demo takes no arguments, got " + String.join(" ", args));
        }
        ConcurrencyGroup group = ConcurrencyGroup.builder().name("demo").build();
        try (group) {
            out.printf("concurrency group '%s': %d servers, policy %s%n%n", group.name(), group.serverCount(),
                    group.policyName());

            long t0 = System.nanoTime();
            long rounds = pingPong(group, 100_000);
            out.printf("1. ping-pong: two workers passed a token %,d times by park/unpark: %,d ns per round trip%n"
                    + "   (each unpark puts the woken worker in the waker's next slot: a same-server hand-off)%n",
                    rounds, (System.nanoTime() - t0) / rounds);

            t0 = System.nanoTime();
            int spawned = fanOut(group, 256);
            out.printf("2. fan-out: one worker started %d CPU-bound workers on its own server in %,d us%n"
                    + "   (the other servers stole them from its local queue)%n",
                    spawned, (System.nanoTime() - t0) / 1000);

            t0 = System.nanoTime();
            long sum = skynet(group, 0, 100_000, 10);
            out.printf("3. skynet: 100,000 workers in a tree of fan-out 10, sum %,d, in %,d ms%n",
                    sum, (System.nanoTime() - t0) / 1_000_000);
            if (sum != 4_999_950_000L) {
                throw new IllegalStateException("skynet sum is " + sum + ", expected 4999950000");
            }

            t0 = System.nanoTime();
            blockingCalls(group, 8);
            out.printf("4. blocking: 8 workers each made a 50 ms blocking call inside ConcurrencyGroup.blocking;"
                    + " done in %,d ms%n   (a spare server took over each blocked server meanwhile)%n",
                    (System.nanoTime() - t0) / 1_000_000);

            t0 = System.nanoTime();
            CompletionRing<Completion<Long>> ring = new CompletionRing<>(1024);
            long collected = threadlets(group, 100_000, ring);
            GroupStats mid = group.stats();
            out.printf("5. threadlets: the main thread ran %,d requests as threadlets, 1 in 100 sleeping 1 ms, in %,d ms;"
                    + "%n   %,d ran inline on the main thread and ended there, %,d blocked and moved to the servers;"
                    + "%n   a worker ran 1,000 more by switch-to on its own server (%,d switches);"
                    + "%n   all %,d completions came back through one completion ring (%,d overflowed its 1,024"
                    + " slots and were kept)%n%n",
                    100_000, (System.nanoTime() - t0) / 1_000_000, mid.inlineCompleted(), mid.inlineMoved(),
                    mid.switches(), collected, ring.overflowCount());

        }
        GroupStats stats = group.stats(); // after close(): every worker has ended
        out.print(stats.format());
        out.printf("%nhand-offs %,d, steals %,d (%,d workers), compensations %,d%n%n",
                stats.handoffs(), stats.steals(), stats.stolen(), stats.compensations());
        FuseDemo.run(6, out);
        return 0;
    }

    private static volatile int turn;

    /**
     * Requests issued as threadlets from this (platform) thread with their completions delivered to {@code ring},
     * then 1,000 issued from a worker (switch-to). Returns the number of completions collected from the ring.
     */
    private static long threadlets(ConcurrencyGroup group, int requests, CompletionRing<Completion<Long>> ring)
            throws Exception {
        long expected = 0;
        long sum = 0;
        long collected = 0;
        for (int i = 0; i < requests; i++) {
            long n = i;
            expected += n;
            Threadlets.exec(group, () -> {
                if (n % 100 == 0) {
                    Thread.sleep(1); // blocks: only now does the request get a context of its own
                }
                return n;
            }, ring, i);
            Completion<Long> c;
            while ((c = ring.poll()) != null) { // the inline ones are already there
                sum += c.valueOrThrow();
                collected++;
            }
        }
        while (collected < requests) {
            Completion<Long> c = ring.take(10, TimeUnit.SECONDS);
            if (c == null) {
                throw new IllegalStateException("threadlet completions missing: " + collected + " of " + requests);
            }
            sum += c.valueOrThrow();
            collected++;
        }
        if (sum != expected) {
            throw new IllegalStateException("threadlet results sum to " + sum + ", expected " + expected);
        }
        group.threadBuilder().name("switcher").start(() -> {
            for (int i = 0; i < 1_000; i++) {
                Threadlets.exec(() -> 1L).join(); // runs first on this worker's server; the worker resumes there
            }
        }).join();
        return collected;
    }

    private static long pingPong(ConcurrencyGroup group, int rounds) throws InterruptedException {
        Thread[] players = new Thread[2];
        turn = 0;
        for (int me = 0; me < 2; me++) {
            int self = me;
            players[me] = group.threadBuilder().name("player-" + me).unstarted(() -> {
                for (int i = 0; i < rounds; i++) {
                    while (turn != self) {
                        LockSupport.park();
                    }
                    turn = 1 - self;
                    LockSupport.unpark(players[1 - self]);
                }
            });
        }
        players[0].start();
        players[1].start();
        players[0].join();
        players[1].join();
        return rounds;
    }

    private static int fanOut(ConcurrencyGroup group, int workers) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(workers);
        group.threadBuilder().name("spawner").start(() -> {
            for (int i = 0; i < workers; i++) {
                group.threadBuilder().start(() -> {
                    long end = System.nanoTime() + 200_000;
                    while (System.nanoTime() < end) {
                        Thread.onSpinWait();
                    }
                    done.countDown();
                });
            }
        });
        done.await();
        return workers;
    }

    private static long skynet(ConcurrencyGroup group, long num, int size, int div) throws InterruptedException {
        AtomicLong result = new AtomicLong();
        group.threadBuilder().start(() -> result.set(node(num, size, div))).join();
        return result.get();
    }

    private static long node(long num, int size, int div) {
        if (size == 1) {
            return num;
        }
        Thread[] children = new Thread[div];
        long[] sums = new long[div];
        int sub = size / div;
        for (int i = 0; i < div; i++) {
            int k = i;
            children[i] = Thread.ofVirtual().start(() -> sums[k] = node(num + (long) k * sub, sub, div));
        }
        long sum = 0;
        for (int i = 0; i < div; i++) {
            try {
                children[i].join();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            sum += sums[i];
        }
        return sum;
    }

    private static final java.lang.invoke.MethodHandle USLEEP = java.lang.foreign.Linker.nativeLinker()
            .downcallHandle(java.lang.foreign.Linker.nativeLinker().defaultLookup().findOrThrow("usleep"),
                    java.lang.foreign.FunctionDescriptor.of(java.lang.foreign.ValueLayout.JAVA_INT,
                            java.lang.foreign.ValueLayout.JAVA_INT));

    private static int nativeSleep50ms() {
        try {
            return (int) USLEEP.invokeExact(50_000);
        } catch (Throwable t) {
            throw new IllegalStateException("usleep failed", t);
        }
    }

    private static void blockingCalls(ConcurrencyGroup group, int workers) throws InterruptedException {
        Thread[] ts = new Thread[workers];
        for (int i = 0; i < workers; i++) {
            // usleep(3) through FFM: a native call holds the server's OS thread, as file I/O or a JNI call would
            ts[i] = group.threadBuilder().start(() -> ConcurrencyGroup.blocking(Demo::nativeSleep50ms));
        }
        for (Thread t : ts) {
            t.join();
        }
    }
}
