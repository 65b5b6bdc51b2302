package org.slurmazure.power.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.slurmazure.power.domain.FailureClass;
import org.slurmazure.power.domain.NodeOutcome;
import org.slurmazure.power.domain.PowerState;

/** The cumulative model: what a run and a reconcile pass add, and how histograms count. */
class MetricsStateTest {
    static final Instant T0 = Instant.parse("2026-12-06T08:00:00.250Z");

    static NodeOutcome started(String node, Duration startToRunning) {
        return new NodeOutcome(node, null, PowerState.DEALLOCATED, "start", null, "running", "10.1.0.4",
                startToRunning.plusSeconds(2), List.of(), startToRunning);
    }

    static NodeOutcome failed(String node, FailureClass cls) {
        return new NodeOutcome(node, null, null, "none", cls, "detail", null, Duration.ofSeconds(1), List.of());
    }

    static NodeOutcome alreadyRunning(String node) {
        return new NodeOutcome(node, null, PowerState.RUNNING, "none", null, "already running", "10.1.0.9",
                Duration.ofSeconds(1), List.of());
    }

    static RunFigures resume(RunFigures.Result result, Instant ended, NodeOutcome... outcomes) {
        return new RunFigures("resume", result, ended, Duration.ofMillis(97_500), List.of(outcomes), 1, 40, 3,
                Duration.ofMillis(2500));
    }

    private static double value(MetricsState s, Family f, String... labels) {
        Double v = s.value(Series.of(f, labels));
        if (v == null) {
            throw new AssertionError("no series " + f.metricName() + List.of(labels));
        }
        return v;
    }

    @Test
    void theInitialStateHasEveryCounterAtZeroAndEveryHistogramEmpty() {
        MetricsState s = MetricsState.initial();

        assertEquals(4 * 3, s.values().keySet().stream().filter(x -> x.family() == Family.RUNS).count());
        assertEquals(3 * (1 + FailureClass.values().length),
                s.values().keySet().stream().filter(x -> x.family() == Family.NODES).count());
        assertEquals(0.0, value(s, Family.NODES, "resume-fail", "failed", "not-tagged"));
        assertEquals(0.0, value(s, Family.AZURE_THROTTLED, "reconcile"));
        assertEquals(0, s.histogram(Series.of(Family.RUN_DURATION, "suspend")).count());
        assertEquals(0, s.histogram(Series.of(Family.START_TO_RUNNING)).count());
        assertNull(s.value(Series.of(Family.LAST_SUCCESS, "resume")), "no success yet");
        assertNull(s.value(Series.of(Family.RECONCILE_TIME)), "no pass yet");
    }

    @Test
    void aResumeRunCountsItselfItsNodesByClassItsStartsAndItsRequests() {
        MetricsState s = MetricsState.initial();

        s.apply(resume(RunFigures.Result.FAILED, T0, started("azc001", Duration.ofSeconds(35)),
                started("azc002", Duration.ofSeconds(95)), alreadyRunning("azc003"),
                failed("azc004", FailureClass.CAPACITY), failed("azc005", FailureClass.NOT_FOUND)));

        assertEquals(1.0, value(s, Family.RUNS, "resume", "failed"));
        assertEquals(0.0, value(s, Family.RUNS, "resume", "ok"));
        assertEquals(3.0, value(s, Family.NODES, "resume", "ok", "none"));
        assertEquals(1.0, value(s, Family.NODES, "resume", "failed", "capacity"));
        assertEquals(1.0, value(s, Family.NODES, "resume", "failed", "not-found"));
        assertEquals(1.0, value(s, Family.SLURM_NOT_TOLD, "resume"));
        Histogram starts = s.histogram(Series.of(Family.START_TO_RUNNING));
        assertEquals(2, starts.count(), "the VM already running was not started");
        assertEquals(130.0, starts.sum(), 1e-9);
        Histogram wall = s.histogram(Series.of(Family.RUN_DURATION, "resume"));
        assertEquals(1, wall.count());
        assertEquals(97.5, wall.sum(), 1e-9);
        assertEquals(40.0, value(s, Family.AZURE_REQUESTS, "resume"));
        assertEquals(3.0, value(s, Family.AZURE_THROTTLED, "resume"));
        assertEquals(2.5, value(s, Family.RETRY_AFTER_WAIT, "resume"), 1e-9);
        assertNull(s.value(Series.of(Family.LAST_SUCCESS, "resume")), "a failed run is no success");
        assertEquals(0.0, value(s, Family.RUNS, "suspend", "ok"), "other programs untouched");
    }

    @Test
    void runsAddUpAndTheLastSuccessIsTheTimeOfTheLatestOkRun() {
        MetricsState s = MetricsState.initial();

        s.apply(resume(RunFigures.Result.OK, T0, started("azc001", Duration.ofSeconds(40))));
        s.apply(resume(RunFigures.Result.OK, T0.plusSeconds(60), started("azc002", Duration.ofSeconds(50))));
        s.apply(resume(RunFigures.Result.ERROR, T0.plusSeconds(120)));

        assertEquals(2.0, value(s, Family.RUNS, "resume", "ok"));
        assertEquals(1.0, value(s, Family.RUNS, "resume", "error"));
        assertEquals(2.0, value(s, Family.NODES, "resume", "ok", "none"));
        assertEquals(3, s.histogram(Series.of(Family.RUN_DURATION, "resume")).count());
        assertEquals(120.0, value(s, Family.AZURE_REQUESTS, "resume"));
        assertEquals(T0.plusSeconds(60).toEpochMilli() / 1000.0, value(s, Family.LAST_SUCCESS, "resume"));
    }

    @Test
    void anObservationGoesIntoTheFirstBucketWhoseUpperBoundIsAtLeastIt() {
        MetricsState s = MetricsState.initial();
        Series starts = Series.of(Family.START_TO_RUNNING);

        s.observe(starts, 10.0);      // le=10 (bounds are inclusive)
        s.observe(starts, 10.001);    // le=20
        s.observe(starts, 0.0);       // le=10
        s.observe(starts, 601);       // +Inf only

        Histogram h = s.histogram(starts);
        List<Double> bounds = h.bounds();
        assertEquals(2, h.cumulative(bounds.indexOf(10.0)));
        assertEquals(3, h.cumulative(bounds.indexOf(20.0)));
        assertEquals(3, h.cumulative(bounds.indexOf(600.0)));
        assertEquals(4, h.cumulative(bounds.size()), "+Inf");
        assertEquals(4, h.count());
    }

    @Test
    void aReconcilePassReplacesTheFleetGaugesAndAVerdictThatWentAwayShowsZero() {
        MetricsState s = MetricsState.initial();
        s.apply(new FleetFigures(T0, Map.of("running", 4, "deallocated", 10),
                Map.of("ok", 12, "orphan", 2, "stray", 1)));

        s.apply(new FleetFigures(T0.plusSeconds(60), Map.of("deallocated", 14), Map.of("ok", 14, "orphan", 0,
                "stray", 1)));

        assertEquals(0.0, value(s, Family.RECONCILE_NODES, "orphan"));
        assertEquals(14.0, value(s, Family.RECONCILE_NODES, "ok"));
        assertEquals(0.0, value(s, Family.RECONCILE_VMS, "running"), "a power state not seen this pass is 0");
        assertEquals(0.0, value(s, Family.RECONCILE_VMS, "stopped"));
        assertEquals(14.0, value(s, Family.RECONCILE_VMS, "deallocated"));
        assertEquals(T0.plusSeconds(60).toEpochMilli() / 1000.0, value(s, Family.RECONCILE_TIME));
    }

    @Test
    void aCounterNeverShrinksAndEachKindOfSeriesTakesOnlyItsOperation() {
        MetricsState s = MetricsState.initial();

        assertThrows(IllegalArgumentException.class, () -> s.add(Series.of(Family.AZURE_REQUESTS, "resume"), -1));
        assertThrows(IllegalArgumentException.class, () -> s.add(Series.of(Family.AZURE_REQUESTS, "resume"),
                Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> s.set(Series.of(Family.RUNS, "resume", "ok"), 5));
        assertThrows(IllegalArgumentException.class, () -> s.observe(Series.of(Family.RECONCILE_TIME), 5));
        assertThrows(IllegalArgumentException.class, () -> Series.of(Family.RUNS, "resume"), "two labels");
    }
}
