package org.slurmazure.power.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.slurmazure.power.domain.FailureClass;

/** The text format: what is written, escaping, numbers, and reading back what was written. */
class MetricsExpositionTest {

    static MetricsState busyState() {
        MetricsState s = MetricsState.initial();
        s.apply(MetricsStateTest.resume(RunFigures.Result.FAILED, MetricsStateTest.T0,
                MetricsStateTest.started("azc001", Duration.ofMillis(37_125)),
                MetricsStateTest.failed("azc002", FailureClass.QUOTA)));
        s.apply(new RunFigures("reconcile", RunFigures.Result.OK, MetricsStateTest.T0.plusSeconds(30),
                Duration.ofMillis(1234), List.of(), 0, 7, 0, Duration.ZERO));
        s.apply(new FleetFigures(MetricsStateTest.T0.plusSeconds(30), Map.of("running", 3), Map.of("orphan", 1)));
        return s;
    }

    @Test
    void everyFamilyWithSeriesHasOneHelpAndOneTypeLineBeforeItsSamples() {
        String text = busyState().render();

        for (Family f : Family.values()) {
            String name = f.metricName();
            assertEquals(1, text.lines().filter(l -> l.startsWith("# HELP " + name + " ")).count(), name);
            assertEquals(List.of("# TYPE " + name + " " + f.type().label()),
                    text.lines().filter(l -> l.startsWith("# TYPE " + name + " ")).toList());
            int type = text.indexOf("# TYPE " + name + " ");
            int firstSample = text.indexOf("\n" + name + (f.type() == Family.Type.HISTOGRAM ? "_bucket" : ""));
            assertTrue(type < firstSample, name);
        }
        assertTrue(text.contains("slurm_azure_power_runs_total{program=\"resume\",result=\"failed\"} 1\n"), text);
        assertTrue(text.contains("slurm_azure_power_nodes_total{program=\"resume\",result=\"failed\",class=\"quota\"} 1\n"),
                text);
        assertTrue(text.contains("slurm_azure_power_start_to_running_seconds_bucket{le=\"30\"} 0\n"), text);
        assertTrue(text.contains("slurm_azure_power_start_to_running_seconds_bucket{le=\"45\"} 1\n"), text);
        assertTrue(text.contains("slurm_azure_power_start_to_running_seconds_bucket{le=\"+Inf\"} 1\n"), text);
        assertTrue(text.contains("slurm_azure_power_start_to_running_seconds_sum 37.125\n"), text);
        assertTrue(text.contains("slurm_azure_power_run_duration_seconds_bucket{program=\"reconcile\",le=\"2\"} 1\n"),
                text);
        assertTrue(text.contains("slurm_azure_power_last_success_timestamp_seconds{program=\"reconcile\"} "
                + "1796544030.25\n"), text);
        assertTrue(text.contains("slurm_azure_power_reconcile_nodes{verdict=\"orphan\"} 1\n"), text);
    }

    @Test
    void aFamilyWithoutSeriesIsLeftOut() {
        String text = MetricsState.initial().render();

        assertFalse(text.contains("last_success"), "no run has succeeded yet");
        assertFalse(text.contains("reconcile_vms"), "no reconcile pass yet");
        assertTrue(text.contains("# TYPE slurm_azure_power_runs_total counter\n"));
    }

    @Test
    void labelValuesAndHelpTextAreEscaped() {
        MetricsState s = MetricsState.initial();
        s.set(Series.of(Family.RECONCILE_NODES, "a\\b\"c\nd"), 2);

        String text = s.render();

        assertTrue(text.contains("slurm_azure_power_reconcile_nodes{verdict=\"a\\\\b\\\"c\\nd\"} 2\n"), text);
        assertEquals("x\\\\y\\nz \"q\"", Exposition.escapeHelp("x\\y\nz \"q\""));
        assertEquals(s, Exposition.parse(text).state(), "the value reads back unescaped");
    }

    @Test
    void numbersAreWholeWhenWholeAndReadBackExactly() {
        assertEquals("3", Exposition.number(3.0));
        assertEquals("0.25", Exposition.number(0.25));
        assertEquals("1796544030.25", Exposition.number(1796544030.25));
        assertEquals("+Inf", Exposition.number(Double.POSITIVE_INFINITY));
        assertEquals("NaN", Exposition.number(Double.NaN));
        Random random = new Random(42);
        for (int i = 0; i < 10_000; i++) {
            double v = random.nextDouble() * Math.pow(10, random.nextInt(20) - 8);
            assertEquals(v, Exposition.parseNumber(Exposition.number(v)), Exposition.number(v));
        }
    }

    @Test
    void whatIsRenderedReadsBackToTheSameState() {
        MetricsState s = busyState();

        Exposition.Parsed parsed = Exposition.parse(s.render());

        assertEquals(List.of(), parsed.problems());
        assertEquals(s, parsed.state());
        assertEquals(s.render(), parsed.state().render());
    }

    @Test
    void anEmptyTextReadsAsTheInitialState() {
        Exposition.Parsed parsed = Exposition.parse("");

        assertEquals(MetricsState.initial(), parsed.state());
        assertEquals(List.of(), parsed.problems());
    }

    @Test
    void unknownOrBrokenLinesAreLeftOutAndNamedWhileTheRestIsKept() {
        String text = """
                # HELP slurm_azure_power_runs_total whatever
                slurm_azure_power_runs_total{program="resume",result="ok"} 7
                slurm_azure_power_retired_metric_total{program="resume"} 3
                slurm_azure_power_runs_total{program="suspend"} 2
                slurm_azure_power_azure_requests_total{program="resume"} -4
                slurm_azure_power_azure_throttled_total{program="resume" 1
                slurm_azure_power_run_duration_seconds_bucket{program="resume",le="1"} 1
                slurm_azure_power_run_duration_seconds_bucket{program="resume",le="+Inf"} 1
                slurm_azure_power_run_duration_seconds_sum{program="resume"} 0.5
                slurm_azure_power_run_duration_seconds_count{program="resume"} 1
                slurm_azure_power_reconcile_time 5
                """;

        Exposition.Parsed parsed = Exposition.parse(text);

        assertEquals(7.0, parsed.state().value(Series.of(Family.RUNS, "resume", "ok")));
        assertEquals(0.0, parsed.state().value(Series.of(Family.AZURE_REQUESTS, "resume")));
        assertEquals(0, parsed.state().histogram(Series.of(Family.RUN_DURATION, "resume")).count(),
                "a histogram with other buckets starts again");
        List<String> problems = parsed.problems();
        assertEquals(6, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("line 3: no such metric"), problems.get(0));
        assertTrue(problems.get(1).startsWith("line 4: label result missing"), problems.get(1));
        assertTrue(problems.get(2).startsWith("line 5: a counter below zero"), problems.get(2));
        assertTrue(problems.get(3).startsWith("line 6: "), problems.get(3));
        assertTrue(problems.get(4).startsWith("line 11: no such metric"), problems.get(4));
        assertTrue(problems.get(5).startsWith("slurm_azure_power_run_duration_seconds{program=\"resume\"}: "),
                problems.get(5));
    }

    @Test
    void everyMetricNameHasThePrefixAndFollowsTheConventions() {
        for (Family f : Family.values()) {
            String name = f.metricName();
            assertTrue(name.matches("slurm_azure_power_[a-z_]+"), name);
            assertEquals(f.type() == Family.Type.COUNTER, name.endsWith("_total"), name);
            assertFalse(f.help().isBlank(), name);
            assertTrue(f.type() != Family.Type.HISTOGRAM || name.endsWith("_seconds"), name);
            assertFalse(f.labels().contains("le"), name);
        }
        assertEquals(Instant.ofEpochSecond(1796544000).plusMillis(250), MetricsStateTest.T0, "the times above");
    }
}
