package dev.weft.fuse.server;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The buffer pool keeps at most its bound of sets; past it a taker still gets a set at once (a reader must never
 * wait: the handler it would wait for may wait for a request only a reader brings), and that set is freed when
 * given back.
 */
class RequestBuffersPoolTest {

    @Test
    void pastItsBoundATakerGetsASetAtOnceThatIsFreedWhenGivenBack() {
        try (Arena arena = Arena.ofShared()) {
            RequestBuffers.Pool pool = new RequestBuffers.Pool(arena, 2);
            RequestBuffers a = pool.take();
            RequestBuffers b = pool.take();
            RequestBuffers c = pool.take();
            assertEquals(2, pool.kept());
            assertEquals(1, pool.extra());
            c.in.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 0, (byte) 1); // usable
            pool.give(c);
            assertEquals(0, pool.extra(), "freed, not kept");
            assertThrows(IllegalStateException.class, () -> c.in.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0),
                    "its memory is gone");
            pool.give(b);
            assertSame(b, pool.take(), "a kept set is reused");
            pool.give(a);
            assertEquals(2, pool.kept());
        }
        assertThrows(IllegalArgumentException.class, () -> new RequestBuffers.Pool(Arena.global(), 0));
    }
}
