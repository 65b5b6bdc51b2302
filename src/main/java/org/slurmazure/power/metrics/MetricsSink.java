package org.slurmazure.power.metrics;

import org.jspecify.annotations.Nullable;

/** Where the end of a run, or of a reconcile pass, is recorded. */
public interface MetricsSink {
    /** Records nothing: the default when the configuration names no metrics file. */
    MetricsSink OFF = (run, fleet, deadlineNanos) -> {};

    /**
     * Adds a run's figures (and, for a reconcile pass, what it saw of the fleet) to the metrics. Gives up by
     * {@code deadlineNanos} ({@link System#nanoTime()} scale). Never throws: a failure to record must not fail a run.
     */
    void record(RunFigures run, @Nullable FleetFigures fleet, long deadlineNanos);
}
