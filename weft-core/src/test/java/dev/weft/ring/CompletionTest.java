package dev.weft.ring;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.*;

class CompletionTest {

    @Test
    void successCarriesTagAndValue() throws Exception {
        Completion<String> c = Completion.success(42L, "ok");
        assertTrue(c.isSuccess());
        assertEquals(42L, c.tag());
        assertEquals("ok", c.valueOrThrow());
        assertNull(c.failure());
        assertTrue(Completion.success(-1L, null).isSuccess(), "a success may have no value");
        assertNull(Completion.success(-1L, null).valueOrThrow());
    }

    @Test
    void failureIsWrappedInExecutionException() {
        IOException cause = new IOException("disk on fire");
        Completion<String> c = Completion.failure(7L, cause);
        assertFalse(c.isSuccess());
        assertEquals(7L, c.tag());
        ExecutionException e = assertThrows(ExecutionException.class, c::valueOrThrow);
        assertSame(cause, e.getCause());
        assertTrue(e.getMessage().contains("7"), e.getMessage());
    }

    @Test
    void cancellationIsThrownAsIs() {
        CancellationException cancelled = new CancellationException("cancelled by user");
        Completion<String> c = Completion.failure(8L, cancelled);
        assertSame(cancelled, assertThrows(CancellationException.class, c::valueOrThrow));
    }

    @Test
    void rejectsAMissingFailureAndAValueWithAFailure() {
        NullPointerException npe = assertThrows(NullPointerException.class, () -> Completion.failure(3L, null));
        assertTrue(npe.getMessage().contains("Completion.success"), npe.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Completion<>(3L, "v", new RuntimeException()));
    }
}
