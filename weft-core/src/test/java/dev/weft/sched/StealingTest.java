package dev.weft.sched;

import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

class StealingTest {

    @Test
    void anIdleServerStealsFromALoadedOne() throws Exception {
        try (ConcurrencyGroup group = ConcurrencyGroup.builder().servers(2).name("steal").build()) {
            int workers = 64;
            Set<Server> ranOn = ConcurrentHashMap.newKeySet();
            CountDownLatch done = new CountDownLatch(workers);
            Server[] spawner = new Server[1];
            // one worker starts all the others from one server: they land in its next slot and local queue
            group.threadBuilder().start(() -> {
                spawner[0] = ConcurrencyGroup.currentServer();
                for (int i = 0; i < workers; i++) {
                    group.threadBuilder().start(() -> {
                        ranOn.add(ConcurrencyGroup.currentServer());
                        spin(2_000_000); // 2 ms of CPU
                        done.countDown();
                    });
                }
            }).join();
            assertTrue(done.await(30, TimeUnit.SECONDS));
            GroupStats stats = group.stats();
            assertTrue(stats.steals() > 0, "no steal:\n" + stats.format());
            assertEquals(2, ranOn.size(), "both servers ran workers started on " + spawner[0]);
        }
    }

    static void spin(long nanos) {
        long end = System.nanoTime() + nanos;
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
    }
}
