package org.slurmazure.power.cloud.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class ThrottleGateTest {

    @Test
    void aThrottledClassWaitsForRetryAfterBeforeItsNextRequest() {
        ThrottleGate.RequestClass writes = new ThrottleGate.RequestClass();
        writes.throttled(Duration.ofMillis(400));

        long start = System.nanoTime();
        writes.awaitTurn();
        long waited = (System.nanoTime() - start) / 1_000_000;

        assertTrue(waited >= 350, "waited " + waited + " ms");
    }

    @Test
    void anUnthrottledClassDoesNotWait() {
        ThrottleGate.RequestClass reads = new ThrottleGate.RequestClass();

        long start = System.nanoTime();
        for (int i = 0; i < 100; i++) {
            reads.awaitTurn();
        }

        assertTrue((System.nanoTime() - start) / 1_000_000 < 200);
        assertEquals(0, reads.spacingNanos());
    }

    @Test
    void throttlingPacesTheClassAndSuccessesRelaxTheSpacingUntilItIsGone() {
        ThrottleGate.RequestClass writes = new ThrottleGate.RequestClass();
        writes.throttled(Duration.ZERO);
        long first = writes.spacingNanos();
        writes.throttled(Duration.ZERO);

        assertEquals(ThrottleGate.RequestClass.MIN_SPACING, first);
        assertEquals(2 * first, writes.spacingNanos(), "each episode doubles the spacing");
        for (int i = 0; i < 200; i++) {
            writes.succeeded();
        }
        assertEquals(0, writes.spacingNanos());
    }

    @Test
    void manyThrottledAnswersInOnePauseCountAsOneEpisode() {
        ThrottleGate.RequestClass writes = new ThrottleGate.RequestClass();
        for (int i = 0; i < 64; i++) {
            writes.throttled(Duration.ofSeconds(1));
        }

        assertEquals(ThrottleGate.RequestClass.MIN_SPACING, writes.spacingNanos());
    }

    @Test
    void pacedRequestsAreSpacedApart() {
        ThrottleGate.RequestClass writes = new ThrottleGate.RequestClass();
        writes.throttled(Duration.ZERO);
        writes.throttled(Duration.ZERO);
        writes.throttled(Duration.ZERO); // 80 ms spacing

        long start = System.nanoTime();
        for (int i = 0; i < 5; i++) {
            writes.awaitTurn();
        }
        long took = (System.nanoTime() - start) / 1_000_000;

        assertTrue(took >= 4 * 80 - 20, "5 paced sends took " + took + " ms");
    }
}
