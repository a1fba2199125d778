package dev.weft.fuse.server;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** The buffer pool is bounded: past its limit a taker waits for a set given back, and gets exactly that set. */
class RequestBuffersPoolTest {

    @Test
    void pastItsLimitATakerWaitsForASetGivenBack() throws Exception {
        try (Arena arena = Arena.ofShared()) {
            RequestBuffers.Pool pool = new RequestBuffers.Pool(arena, 2);
            RequestBuffers a = pool.take();
            RequestBuffers b = pool.take();
            assertNotSame(a, b);
            assertEquals(2, pool.made());
            CompletableFuture<RequestBuffers> third = CompletableFuture.supplyAsync(pool::take);
            Thread.sleep(100);
            assertFalse(third.isDone(), "no third set is made");
            pool.give(b);
            assertSame(b, third.get(10, TimeUnit.SECONDS), "the set given back");
            assertEquals(2, pool.made());
            pool.give(a);
            assertSame(a, pool.take(), "a free set is reused");
        }
        assertThrows(IllegalArgumentException.class, () -> new RequestBuffers.Pool(Arena.global(), 0));
    }
}
