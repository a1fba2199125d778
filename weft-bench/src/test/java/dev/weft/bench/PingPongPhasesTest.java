package dev.weft.bench;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.*;

/** The pingpong probe plays whole games, records every phase of each, and prints them (no timing asserted). */
class PingPongPhasesTest {

    @Test
    void recordsEveryGameAndPrintsItsPhases() throws Exception {
        int games = 20;
        try (Variant weft = Variant.open(Variant.WEFT_HANDOFF)) {
            PingPongPhases.Phases p = PingPongPhases.measure(Variant.WEFT_HANDOFF, weft.factory(), games);
            assertEquals(PingPongPhases.ROUNDS / PingPongPhases.SEGMENT, p.segmentNs().length);
            for (double ns : p.segmentNs()) {
                assertTrue(ns > 0, "every segment of every game was timed");
            }
            assertEquals(games, p.startNs().length);
            assertEquals(games, p.endNs().length);
            for (int i = 0; i < games; i++) {
                assertTrue(p.startNs()[i] > 0 && p.endNs()[i] > 0, "game " + i);
            }
            assertEquals(games, p.cpus().values().stream().mapToInt(Integer::intValue).sum());
            assertTrue(p.endsOnGameCpu() >= 0 && p.endsOnGameCpu() <= games);

            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            p.print(new PrintStream(bytes, true, StandardCharsets.UTF_8));
            String out = bytes.toString(StandardCharsets.UTF_8);
            assertTrue(out.contains("weft-handoff: ns per round trip, by 50 rounds: 50:"), out);
            assertTrue(out.contains(" 1000:"), out);
            assertTrue(out.contains("joiner woke on the CPU the game ended on in "), out);
        }
    }

    @Test
    void refusesTooFewGames() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PingPongPhases.main(new String[] {"3"}));
        assertTrue(e.getMessage().contains("at least 10"), e.getMessage());
    }
}
