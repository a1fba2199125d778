package dev.weft.uring;

import dev.weft.uring.kernel.IoUringConstants;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static dev.weft.uring.RingTestSupport.submitAndAwaitOne;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Ring setup against the real kernel: the flags it accepts, the fallback, ownership and teardown. */
class IoUringSetupTest {

    @BeforeAll
    static void kernel() {
        RingTestSupport.requireIoUring();
    }

    @Test
    void openReportsTheSetupTheKernelAcceptedAndClosesCleanly() {
        IoUring ring = IoUring.open(64);
        try {
            System.out.println("[weft-uring] " + ring.describeSetup());
            assertTrue(IoUring.SETUP_ATTEMPTS.contains(ring.setup()), ring::describeSetup);
            assertEquals(64, ring.sqEntries());
            assertEquals(128, ring.cqEntries());
            assertTrue((ring.features() & IoUringConstants.IORING_FEAT_NODROP) != 0, ring::describeSetup);
            assertEquals(Thread.currentThread(), ring.owner());
            assertEquals(0, ring.pendingSubmissions());
        } finally {
            ring.close();
        }
        assertTrue(ring.isClosed());
        ring.close(); // idempotent
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ring.sqe());
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }

    @Test
    void aKernelOfSixOneOrLaterAcceptsTheBestSetup() {
        String[] release = IoUringAvailability.kernelRelease().split("[.-]");
        int major = Integer.parseInt(release[0]);
        int minor = Integer.parseInt(release[1]);
        if (major < 6 || (major == 6 && minor < 1)) {
            String why = "Linux " + IoUringAvailability.kernelRelease() + " is older than 6.1, which added"
                    + " DEFER_TASKRUN";
            if ("1".equals(System.getenv("WEFT_REQUIRE_KERNEL"))) {
                fail("WEFT_REQUIRE_KERNEL=1 but " + why);
            }
            Assumptions.abort(why);
        }
        try (IoUring ring = IoUring.open(8)) {
            assertEquals(IoUring.SETUP_ATTEMPTS.get(0), ring.setup(), ring::describeSetup);
            assertEquals(List.of(), ring.rejectedSetups());
        }
    }

    @Test
    void theSetupsAreTriedBestFirst() {
        int singleIssuer = IoUringConstants.IORING_SETUP_SINGLE_ISSUER;
        int defer = IoUringConstants.IORING_SETUP_DEFER_TASKRUN;
        int coop = IoUringConstants.IORING_SETUP_COOP_TASKRUN;
        List<Integer> modes = IoUring.SETUP_ATTEMPTS.stream()
                .map(a -> a.flags() & (singleIssuer | defer | coop)).toList();
        assertEquals(List.of(singleIssuer | defer, singleIssuer | coop, coop, 0), modes,
                IoUring.SETUP_ATTEMPTS::toString);
    }

    @Test
    void aKernelThatRefusesDeferredTaskRunGetsASingleIssuerCooperativeRing() {
        // a 6.0 kernel answers EINVAL to DEFER_TASKRUN; DEFER_TASKRUN without SINGLE_ISSUER stands in for that
        // refusal here, as every kernel refuses it
        IoUring.SetupAttempt refused = new IoUring.SetupAttempt("deferred without single issuer",
                IoUringConstants.IORING_SETUP_DEFER_TASKRUN);
        List<IoUring.SetupAttempt> attempts = new java.util.ArrayList<>(List.of(refused));
        attempts.addAll(IoUring.SETUP_ATTEMPTS.subList(1, IoUring.SETUP_ATTEMPTS.size()));
        try (IoUring ring = IoUring.open(8, attempts)) {
            assertEquals(IoUringConstants.IORING_SETUP_SINGLE_ISSUER | IoUringConstants.IORING_SETUP_COOP_TASKRUN,
                    ring.setupFlags() & (IoUringConstants.IORING_SETUP_SINGLE_ISSUER
                            | IoUringConstants.IORING_SETUP_COOP_TASKRUN), ring::describeSetup);
            ring.sqe().nop(7);
            assertEquals(new RingTestSupport.Cqe(7, 0, 0), submitAndAwaitOne(ring));
        }
    }

    @Test
    void aRefusedSetupFallsBackToTheNextAndIsReported() {
        // DEFER_TASKRUN without SINGLE_ISSUER is refused with EINVAL by every kernel.
        IoUring.SetupAttempt invalid = new IoUring.SetupAttempt("deferred without single issuer",
                IoUringConstants.IORING_SETUP_DEFER_TASKRUN);
        IoUring.SetupAttempt plain = new IoUring.SetupAttempt("plain", 0);
        try (IoUring ring = IoUring.open(8, List.of(invalid, plain))) {
            assertEquals(plain, ring.setup());
            assertEquals(1, ring.rejectedSetups().size());
            assertTrue(ring.rejectedSetups().get(0).contains("DEFER_TASKRUN")
                    && ring.rejectedSetups().get(0).contains("EINVAL"), ring.rejectedSetups()::toString);
        }
    }

    @Test
    void everySetupRefusedSaysSo() {
        IoUring.SetupAttempt invalid = new IoUring.SetupAttempt("deferred without single issuer",
                IoUringConstants.IORING_SETUP_DEFER_TASKRUN);
        IoUringException e = assertThrows(IoUringException.class, () -> IoUring.open(8, List.of(invalid)));
        assertEquals("EINVAL", e.errnoName());
        assertTrue(e.getMessage().contains("refused every setup attempt"), e.getMessage());
    }

    static List<IoUring.SetupAttempt> attempts() {
        return IoUring.SETUP_ATTEMPTS;
    }

    @ParameterizedTest
    @MethodSource("attempts")
    void everyOfferedSetupRunsANopRoundTrip(IoUring.SetupAttempt attempt) {
        try (IoUring ring = IoUring.open(8, List.of(attempt))) {
            ring.sqe().nop(42);
            RingTestSupport.Cqe cqe = submitAndAwaitOne(ring);
            assertEquals(new RingTestSupport.Cqe(42, 0, 0), cqe);
        }
    }

    @Test
    void anotherThreadIsToldWhoOwnsTheRing() throws Exception {
        try (IoUring ring = IoUring.open(8)) {
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            Thread other = new Thread(() -> {
                try {
                    ring.submit();
                } catch (Throwable t) {
                    thrown.set(t);
                }
            }, "not-the-owner");
            other.start();
            assertTrue(other.join(java.time.Duration.ofSeconds(30)), "the other thread's submit returned");
            IllegalStateException e = assertInstanceOf(IllegalStateException.class, thrown.get());
            assertTrue(e.getMessage().contains(Thread.currentThread().getName()), e.getMessage());
            assertTrue(e.getMessage().contains("not-the-owner"), e.getMessage());
        }
    }

    @Test
    void aVirtualThreadCannotOwnARing() throws Exception {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread opener = Thread.ofVirtual().start(() -> {
            try {
                IoUring.open(8).close();
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        assertTrue(opener.join(java.time.Duration.ofSeconds(30)), "the virtual thread's open returned");
        IllegalStateException e = assertInstanceOf(IllegalStateException.class, thrown.get());
        assertTrue(e.getMessage().contains("platform thread"), e.getMessage());
    }

    @Test
    void entriesOutOfRangeAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IoUring.open(1));
        assertTrue(e.getMessage().contains("entries 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> IoUring.open(IoUring.MAX_ENTRIES + 1));
    }
}
