package org.slurmazure.power.metrics;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;

import org.slurmazure.power.domain.FailureClass;
import org.slurmazure.power.domain.NodeOutcome;
import org.slurmazure.power.domain.PowerMode;
import org.slurmazure.power.domain.PowerState;

/**
 * The cumulative metrics: a value per counter or gauge series and the observations of each histogram series. Every
 * run loads it, adds its figures ({@link #apply(RunFigures)}) and stores it again; counters only grow, gauges are
 * replaced. Not thread-safe: the store serializes its users.
 */
public final class MetricsState {
    /** The {@code program} label of a reconcile pass. */
    public static final String RECONCILE = "reconcile";

    private final SortedMap<Series, Double> values = new TreeMap<>();
    private final SortedMap<Series, Histogram> histograms = new TreeMap<>();

    private MetricsState() {}

    /**
     * Every series known in advance, at zero: the counters of each program, result and failure class, and the
     * histograms, empty. A counter that first appears at 1 would hide that increase from {@code increase()} and
     * {@code rate()}: the first failure of a kind would raise no alert.
     */
    public static MetricsState initial() {
        MetricsState s = new MetricsState();
        for (String program : programs()) {
            for (RunFigures.Result r : RunFigures.Result.values()) {
                s.values.put(Series.of(Family.RUNS, program, r.label()), 0.0);
            }
            for (Family f : List.of(Family.AZURE_REQUESTS, Family.AZURE_THROTTLED, Family.RETRY_AFTER_WAIT)) {
                s.values.put(Series.of(f, program), 0.0);
            }
            s.histograms.put(Series.of(Family.RUN_DURATION, program), new Histogram(Family.RUN_DURATION.buckets()));
        }
        for (PowerMode mode : PowerMode.values()) {
            String program = mode.command();
            s.values.put(Series.of(Family.NODES, program, "ok", "none"), 0.0);
            for (FailureClass c : FailureClass.values()) {
                s.values.put(Series.of(Family.NODES, program, "failed", c.label()), 0.0);
            }
            s.values.put(Series.of(Family.SLURM_NOT_TOLD, program), 0.0);
        }
        s.histograms.put(Series.of(Family.START_TO_RUNNING), new Histogram(Family.START_TO_RUNNING.buckets()));
        return s;
    }

    /** The {@code program} label values: the three power programs and reconcile. */
    public static List<String> programs() {
        return List.of(
                PowerMode.RESUME.command(), PowerMode.SUSPEND.command(), PowerMode.RESUME_FAIL.command(), RECONCILE);
    }

    /** Adds one run's figures. */
    public void apply(RunFigures run) {
        String p = run.program();
        add(Series.of(Family.RUNS, p, run.result().label()), 1);
        for (NodeOutcome o : run.outcomes()) {
            FailureClass failure = o.failure();
            add(
                    Series.of(
                            Family.NODES,
                            p,
                            failure == null ? "ok" : "failed",
                            failure == null ? "none" : failure.label()),
                    1);
            Duration started = o.operationTime();
            if (failure == null && started != null && "start".equals(o.action())) {
                observe(Series.of(Family.START_TO_RUNNING), seconds(started));
            }
        }
        if (run.slurmNotTold() > 0) {
            add(Series.of(Family.SLURM_NOT_TOLD, p), run.slurmNotTold());
        }
        observe(Series.of(Family.RUN_DURATION, p), seconds(run.wall()));
        add(Series.of(Family.AZURE_REQUESTS, p), (double) run.azureRequests());
        add(Series.of(Family.AZURE_THROTTLED, p), (double) run.azureThrottled());
        add(Series.of(Family.RETRY_AFTER_WAIT, p), seconds(run.retryAfterWait()));
        if (run.result() == RunFigures.Result.OK) {
            set(Series.of(Family.LAST_SUCCESS, p), epochSeconds(run.ended()));
        }
    }

    /** Replaces the fleet gauges with what a reconcile pass saw; power states it did not see show 0. */
    public void apply(FleetFigures fleet) {
        values.keySet().removeIf(s -> s.family() == Family.RECONCILE_VMS || s.family() == Family.RECONCILE_NODES);
        for (PowerState state : PowerState.values()) {
            set(Series.of(Family.RECONCILE_VMS, state.label()), 0);
        }
        fleet.vmsByPowerState().forEach((state, n) -> set(Series.of(Family.RECONCILE_VMS, state), n));
        fleet.nodesByVerdict().forEach((verdict, n) -> set(Series.of(Family.RECONCILE_NODES, verdict), n));
        set(Series.of(Family.RECONCILE_TIME), epochSeconds(fleet.taken()));
    }

    /** Adds {@code delta} to a counter (a new series starts at 0). */
    public void add(Series series, double delta) {
        check(series, Family.Type.COUNTER);
        if (!(delta >= 0) || Double.isInfinite(delta)) {
            throw new IllegalArgumentException("a counter only grows: " + series + " by " + delta);
        }
        values.merge(series, delta, Double::sum);
    }

    /** Sets a gauge. */
    public void set(Series series, double value) {
        check(series, Family.Type.GAUGE);
        values.put(series, value);
    }

    /** Adds one observation to a histogram (a new series starts empty). */
    public void observe(Series series, double value) {
        check(series, Family.Type.HISTOGRAM);
        histograms
                .computeIfAbsent(series, s -> new Histogram(s.family().buckets()))
                .observe(value);
    }

    /** The value of a counter or gauge series, or null when it has none. */
    public @Nullable Double value(Series series) {
        return values.get(series);
    }

    /** A histogram series, or null when it has none. */
    public @Nullable Histogram histogram(Series series) {
        Histogram h = histograms.get(series);
        return h == null ? null : h.copy();
    }

    /** Every counter and gauge series with its value, in {@link Series} order. */
    public Map<Series, Double> values() {
        return Collections.unmodifiableSortedMap(values);
    }

    /** Every histogram series, in {@link Series} order. */
    public Map<Series, Histogram> histograms() {
        return Collections.unmodifiableSortedMap(histograms);
    }

    /** Puts a value read back from the stored text (any type but histogram). */
    void put(Series series, double value) {
        values.put(series, value);
    }

    void put(Series series, Histogram histogram) {
        histograms.put(series, histogram);
    }

    /** The text of the textfile (and of the stored state). */
    public String render() {
        return Exposition.render(this);
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof MetricsState s && values.equals(s.values) && histograms.equals(s.histograms);
    }

    @Override
    public int hashCode() {
        return 31 * values.hashCode() + histograms.hashCode();
    }

    @Override
    public String toString() {
        return render();
    }

    private static void check(Series series, Family.Type type) {
        if (series.family().type() != type) {
            throw new IllegalArgumentException(series.family().metricName() + " is not a " + type.label());
        }
    }

    static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }

    static double epochSeconds(Instant t) {
        return t.toEpochMilli() / 1000.0;
    }
}
