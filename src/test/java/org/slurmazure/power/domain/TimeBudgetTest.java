package org.slurmazure.power.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class TimeBudgetTest {
    private static final long S = 1_000_000_000L;

    @Test
    void theReserveIsATenthWithinTwoAndThirtySeconds() {
        assertEquals(Duration.ofSeconds(30), TimeBudget.of(0, Duration.ofSeconds(540)).reserve());
        assertEquals(Duration.ofSeconds(10), TimeBudget.of(0, Duration.ofSeconds(100)).reserve());
        assertEquals(Duration.ofSeconds(2), TimeBudget.of(0, Duration.ofSeconds(6)).reserve());
    }

    @Test
    void workEndsBeforeTheCleanUpWhichEndsBeforeTheEnd() {
        TimeBudget b = TimeBudget.of(1000, Duration.ofSeconds(540));

        assertEquals(1000 + 510 * S, b.workEnd());
        assertEquals(1000 + 525 * S, b.cleanUpEnd());
        assertEquals(1000 + 540 * S, b.endNanos());
    }

    @Test
    void aTinyBudgetStillKeepsHalfForWork() {
        TimeBudget b = TimeBudget.of(0, Duration.ofSeconds(2));

        assertEquals(S, b.workEnd());
        assertTrue(b.cleanUpEnd() > b.workEnd() && b.cleanUpEnd() < b.endNanos());
    }

    @Test
    void cappingOnlyShortens() {
        TimeBudget b = TimeBudget.of(0, Duration.ofSeconds(100));

        assertEquals(60 * S, b.cappedAt(Duration.ofSeconds(60)).endNanos());
        assertSame(b, b.cappedAt(Duration.ofSeconds(200)));
    }

    @Test
    void theConfiguredDeadlineStandsWhenSlurmAllowsIt() {
        DeadlinePolicy.Decision d = DeadlinePolicy.decide(PowerMode.RESUME, Duration.ofSeconds(540),
                Optional.of(Duration.ofSeconds(600)), Optional.of(Duration.ofSeconds(600)));

        assertEquals(Duration.ofSeconds(540), d.limit());
        assertNull(d.why());
    }

    @Test
    void aResumeEndsBeforeTheShortestResumeTimeout() {
        DeadlinePolicy.Decision d = DeadlinePolicy.decide(PowerMode.RESUME, Duration.ofSeconds(540),
                Optional.empty(), Optional.of(Duration.ofSeconds(300)));

        assertEquals(Duration.ofSeconds(270), d.limit());
        assertTrue(d.why().contains("ResumeTimeout=300"), d.why());
    }

    @Test
    void everyProgramEndsBeforeTheKillTimer() {
        DeadlinePolicy.Decision d = DeadlinePolicy.decide(PowerMode.SUSPEND, Duration.ofSeconds(100),
                Optional.of(Duration.ofSeconds(30)), Optional.of(Duration.ofSeconds(30)));

        assertEquals(Duration.ofSeconds(25), d.limit(), "a margin of at least 5 s");
        assertTrue(d.why().contains("kill timer"), d.why());
    }

    @Test
    void suspendIgnoresResumeTimeoutWithoutAKillTimer() {
        DeadlinePolicy.Decision d = DeadlinePolicy.decide(PowerMode.SUSPEND, Duration.ofSeconds(100),
                Optional.empty(), Optional.of(Duration.ofSeconds(30)));

        assertEquals(Duration.ofSeconds(100), d.limit());
    }

    @Test
    void theDeadlineThatFitsInATimeoutKeepsATenthAndAtLeastFiveSeconds() {
        assertEquals(Duration.ofSeconds(540), DeadlinePolicy.fittingDeadline(Duration.ofSeconds(600)));
        assertEquals(Duration.ofSeconds(35), DeadlinePolicy.fittingDeadline(Duration.ofSeconds(40)));
        assertEquals(Duration.ofSeconds(1), DeadlinePolicy.fittingDeadline(Duration.ofSeconds(3)));
    }

    @Test
    void theSuggestedTimeoutIsAMinuteOrATenthAboveTheDeadlineRoundedUpToTheMinute() {
        assertEquals(600, DeadlinePolicy.suggestedTimeoutSeconds(Duration.ofSeconds(540)));
        assertEquals(180, DeadlinePolicy.suggestedTimeoutSeconds(Duration.ofSeconds(100)));
        assertEquals(720, DeadlinePolicy.suggestedTimeoutSeconds(Duration.ofSeconds(600)), "660 would cut it to 594");
        assertEquals(1140, DeadlinePolicy.suggestedTimeoutSeconds(Duration.ofSeconds(1000)));
        for (long d = 1; d <= 7200; d++) {
            long suggested = DeadlinePolicy.suggestedTimeoutSeconds(Duration.ofSeconds(d));
            assertEquals(0, suggested % 60);
            assertTrue(DeadlinePolicy.fittingDeadline(Duration.ofSeconds(suggested)).toSeconds() >= d,
                    d + " s: " + suggested + " leaves no room");
        }
    }
}
