package org.slurmazure.power.domain;

import java.time.Duration;

/**
 * The time one program run has, as {@link System#nanoTime()} instants: it starts when the process started (not
 * when the engine does: the token request, reading the configuration and the JVM's own start count too) and ends
 * when everything must be done, Slurm told and the summary written. Before the end lie two marks:
 * <ul>
 *   <li>{@link #workEnd()}: no new step starts at Azure; nodes still unfinished fail with a timeout;</li>
 *   <li>{@link #cleanUpEnd()}: the clean-up of those nodes (deallocating starts that may have been accepted) stops
 *       waiting; what is left of the budget is for telling Slurm and the summary line.</li>
 * </ul>
 * The reserve after the work is a tenth of the budget, at least 2 s and at most 30 s. Pure arithmetic.
 */
public record TimeBudget(long startNanos, long endNanos) {
    static final Duration MIN_RESERVE = Duration.ofSeconds(2);
    static final Duration MAX_RESERVE = Duration.ofSeconds(30);

    public TimeBudget {
        if (endNanos - startNanos < 0) {
            throw new IllegalArgumentException("a budget cannot end before it starts");
        }
    }

    /** A budget of {@code total} from {@code startNanos}. */
    public static TimeBudget of(long startNanos, Duration total) {
        return new TimeBudget(startNanos, startNanos + total.toNanos());
    }

    public Duration total() {
        return Duration.ofNanos(endNanos - startNanos);
    }

    /** The same budget ending no later than {@code limit} after its start. */
    public TimeBudget cappedAt(Duration limit) {
        long capped = startNanos + Math.max(0, limit.toNanos());
        return capped - endNanos < 0 ? new TimeBudget(startNanos, capped) : this;
    }

    public Duration reserve() {
        long tenth = (endNanos - startNanos) / 10;
        return Duration.ofNanos(Math.max(MIN_RESERVE.toNanos(), Math.min(MAX_RESERVE.toNanos(), tenth)));
    }

    /** No new work at Azure after this. */
    public long workEnd() {
        return endNanos - Math.min(reserve().toNanos(), (endNanos - startNanos) / 2);
    }

    /** The clean-up of unfinished nodes stops waiting here. */
    public long cleanUpEnd() {
        return endNanos - (endNanos - workEnd()) / 2;
    }

    /** Time left until {@code instant}, never negative. */
    public static Duration until(long instant) {
        return Duration.ofNanos(Math.max(0, instant - System.nanoTime()));
    }

    /** Time left until the end, never negative. */
    public Duration remaining() {
        return until(endNanos);
    }
}
