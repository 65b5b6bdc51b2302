package org.slurmazure.power.domain;

import java.time.Duration;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * How long one run may take: the configured deadline ({@code limits.resumeDeadline} / {@code suspendDeadline}),
 * cut where Slurm would act first. A resume must be done before the nodes' ResumeTimeout (after it Slurm has failed
 * the nodes and run the ResumeFailProgram, and a late {@code state=down} would leave a node DOWN for good); from
 * Slurm 23.02 every program must be done before the kill timer. Each limit keeps a margin of a tenth, at least 5 s,
 * for the JVM's start and the last Slurm update. Pure.
 */
public final class DeadlinePolicy {
    static final Duration MIN_MARGIN = Duration.ofSeconds(5);

    /** The run's limit, and why it is shorter than configured (null when the configured one stands). */
    public record Decision(Duration limit, @Nullable String why) {}

    private DeadlinePolicy() {}

    /**
     * The limit of one run.
     *
     * @param killTimer     when slurmscriptd kills the program (23.02+), if known
     * @param resumeTimeout the shortest ResumeTimeout of the nodes' partitions, if known
     */
    public static Decision decide(
            PowerMode mode, Duration configured, Optional<Duration> killTimer, Optional<Duration> resumeTimeout) {
        Duration limit = configured;
        @Nullable String why = null;
        if (mode == PowerMode.RESUME && resumeTimeout.isPresent()) {
            Duration cap = withMargin(resumeTimeout.get());
            if (cap.compareTo(limit) < 0) {
                limit = cap;
                why = "ResumeTimeout=" + resumeTimeout.get().toSeconds();
            }
        }
        if (killTimer.isPresent()) {
            Duration cap = withMargin(killTimer.get());
            if (cap.compareTo(limit) < 0) {
                limit = cap;
                why = "the kill timer of Slurm 23.02+ at " + killTimer.get().toSeconds()
                        + " s (the largest ResumeTimeout/SuspendTimeout)";
            }
        }
        return new Decision(limit, why);
    }

    /**
     * A slurm.conf timeout that leaves room above a deadline: at least a minute (or a tenth) above it, and enough that
     * the deadline fits in it ({@link #fittingDeadline}), rounded up to the minute (540 s gives 600). What
     * {@code config check} and {@code doctor} suggest.
     */
    public static long suggestedTimeoutSeconds(Duration deadline) {
        long seconds = deadline.toSeconds();
        long value = seconds + Math.max(60, seconds / 10);
        long fits = Math.max(seconds + MIN_MARGIN.toSeconds(), (seconds * 10 + 8) / 9);
        return ((Math.max(value, fits) + 59) / 60) * 60;
    }

    /**
     * The longest deadline that fits in a Slurm limit: the limit less the margin this policy keeps (a tenth, at least
     * 5 s). A configured deadline above it is cut on every run.
     */
    public static Duration fittingDeadline(Duration slurmLimit) {
        return withMargin(slurmLimit);
    }

    /** {@code t} less a tenth of it, at least 5 s; never below 1 s. */
    static Duration withMargin(Duration t) {
        Duration margin = t.dividedBy(10);
        if (margin.compareTo(MIN_MARGIN) < 0) {
            margin = MIN_MARGIN;
        }
        Duration left = t.minus(margin);
        return left.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : left;
    }
}
