package org.slurmazure.power.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The {@code reconcile} section: how the reconcile pass (run every minute by the systemd timer) treats a node whose VM
 * disagrees with Slurm.
 *
 * @param grace    how long a disagreement must last, seen by successive passes, before the pass acts on it: longer
 *                 than a resume takes from start to report, so that no pass acts on a node in the middle of its change
 * @param deadline how long one pass may take, well under the timer's interval
 */
public record ReconcileSettings(Duration grace, Duration deadline) {
    public static final Duration DEFAULT_GRACE = Duration.ofMinutes(3);
    public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(45);

    public ReconcileSettings {
        Objects.requireNonNull(grace, "grace");
        Objects.requireNonNull(deadline, "deadline");
    }

    public static ReconcileSettings defaults() {
        return new ReconcileSettings(DEFAULT_GRACE, DEFAULT_DEADLINE);
    }
}
