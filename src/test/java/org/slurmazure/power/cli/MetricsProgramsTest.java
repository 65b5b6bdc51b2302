package org.slurmazure.power.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slurmazure.power.emulator.FaultRule;
import org.slurmazure.power.emulator.PowerState;
import org.slurmazure.power.metrics.Family;
import org.slurmazure.power.testing.PrometheusParser;
import org.slurmazure.power.testing.PrometheusParser.MetricFamily;
import org.slurmazure.power.testing.PrometheusParser.Sample;

/**
 * The metrics textfile as the real programs write it (in-process through the real command line, against the ARM
 * emulator and the recording scontrol), read back by Prometheus' own parser (Python's prometheus_client).
 */
class MetricsProgramsTest {
    @TempDir
    Path dir;

    private Path textfile() {
        return dir.resolve("textfile/slurm_azure_power.prom");
    }

    private PowerTestBed bed(org.slurmazure.power.emulator.ArmEmulator.Builder emulator) throws Exception {
        Files.createDirectories(dir.resolve("textfile"));
        return new PowerTestBed(dir, emulator, "metrics: { file: " + textfile() + " }\n");
    }

    /** The value of the one sample with this name and these labels (name=value pairs). */
    static double value(List<MetricFamily> families, String name, String... labels) {
        Map<String, String> wanted = new LinkedHashMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            wanted.put(labels[i], labels[i + 1]);
        }
        List<Double> found = families.stream().flatMap(f -> f.samples().stream())
                .filter(s -> s.name().equals(name) && s.labels().equals(wanted)).map(Sample::value).toList();
        assertEquals(1, found.size(), name + wanted + " in " + families);
        return found.get(0);
    }

    /**
     * What the Python parser is lax about: each family typed and documented, every sample once, histogram buckets
     * cumulative up to +Inf, which is the count.
     */
    static void assertWellFormed(List<MetricFamily> families) {
        Set<String> seen = new HashSet<>();
        for (MetricFamily f : families) {
            assertTrue(Set.of("counter", "gauge", "histogram").contains(f.type()), f.name() + " is " + f.type());
            assertFalse(f.help().isBlank(), f.name());
            assertTrue(f.name().startsWith(Family.PREFIX), f.name());
            Map<String, TreeMap<Double, Double>> buckets = new TreeMap<>();
            Map<String, Double> counts = new TreeMap<>();
            for (Sample s : f.samples()) {
                assertTrue(seen.add(s.name() + s.labels()), "twice: " + s);
                Map<String, String> series = new TreeMap<>(s.labels());
                String le = series.remove("le");
                if (s.name().endsWith("_bucket")) {
                    buckets.computeIfAbsent(series.toString(), k -> new TreeMap<>()).put(
                            le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le), s.value());
                } else if (f.type().equals("histogram") && s.name().endsWith("_count")) {
                    counts.put(series.toString(), s.value());
                }
            }
            buckets.forEach((series, b) -> {
                double before = 0;
                for (double c : b.values()) {
                    assertTrue(c >= before, f.name() + series + " is not cumulative: " + b);
                    before = c;
                }
                assertEquals(counts.get(series), b.get(Double.POSITIVE_INFINITY), f.name() + series + " +Inf");
            });
        }
    }

    /** The "N Azure requests" of each summary line of a program in power_save.log, added. */
    static long requestsInSummaries(String log, String program) {
        Matcher m = Pattern.compile("summary: " + program + " .*, (\\d+) Azure requests").matcher(log);
        long n = 0;
        while (m.find()) {
            n += Long.parseLong(m.group(1));
        }
        return n;
    }

    @Test
    void everyRunAndPassIsCountedAndPrometheusOwnParserReadsTheFile() throws Exception {
        PrometheusParser.python(); // says at once when the parser is missing
        Instant before = Instant.now();
        try (PowerTestBed bed = bed(PowerTestBed.emulator(2)
                .vm(PowerTestBed.vm("azc004").powerState(PowerState.RUNNING)))) {
            bed.emulator.addFault(FaultRule.on("POST", "/azc001/start$").status(429).retryAfter(1).times(2));

            assertEquals(0, bed.run("resume", "azc[001-002]").exit(), bed.log());
            assertEquals(1, bed.run("resume", "azc003").exit(), "no VM: not-found");
            bed.run("resume", "azc[001-003]", "--dry-run"); // not counted
            assertEquals(0, bed.run("suspend", "azc[001-002]").exit(), bed.log());
            bed.scontrol.showNodes(
                    ReconcileAndStatusTest.node("azc001", "IDLE+CLOUD+POWERED_DOWN"),
                    ReconcileAndStatusTest.node("azc002", "IDLE+CLOUD+POWERED_DOWN"),
                    ReconcileAndStatusTest.node("azc003", "IDLE+CLOUD+POWERED_DOWN"),
                    ReconcileAndStatusTest.node("azc004", "IDLE+CLOUD+POWERED_DOWN"));
            assertEquals(0, bed.run("reconcile", "azc[001-004]").exit(), bed.log());
            assertEquals(0, bed.run("reconcile", "--dry-run", "azc[001-004]").exit(), "not counted either");

            List<MetricFamily> m = PrometheusParser.parse(textfile());

            assertWellFormed(m);
            assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(textfile())));
            String runs = "slurm_azure_power_runs_total";
            assertEquals(1, value(m, runs, "program", "resume", "result", "ok"));
            assertEquals(1, value(m, runs, "program", "resume", "result", "failed"));
            assertEquals(0, value(m, runs, "program", "resume", "result", "error"));
            assertEquals(1, value(m, runs, "program", "suspend", "result", "ok"));
            assertEquals(0, value(m, runs, "program", "resume-fail", "result", "ok"));
            assertEquals(1, value(m, runs, "program", "reconcile", "result", "ok"));
            String nodes = "slurm_azure_power_nodes_total";
            assertEquals(2, value(m, nodes, "program", "resume", "result", "ok", "class", "none"));
            assertEquals(1, value(m, nodes, "program", "resume", "result", "failed", "class", "not-found"));
            assertEquals(0, value(m, nodes, "program", "resume", "result", "failed", "class", "capacity"));
            assertEquals(2, value(m, nodes, "program", "suspend", "result", "ok", "class", "none"));
            assertEquals(2, value(m, "slurm_azure_power_start_to_running_seconds_count"));
            assertTrue(value(m, "slurm_azure_power_start_to_running_seconds_sum") > 0);
            assertEquals(2, value(m, "slurm_azure_power_run_duration_seconds_count", "program", "resume"));
            assertEquals(1, value(m, "slurm_azure_power_run_duration_seconds_count", "program", "reconcile"));
            String log = bed.log();
            assertEquals(requestsInSummaries(log, "resume"),
                    value(m, "slurm_azure_power_azure_requests_total", "program", "resume"), log);
            assertEquals(requestsInSummaries(log, "suspend"),
                    value(m, "slurm_azure_power_azure_requests_total", "program", "suspend"), log);
            assertEquals(2, value(m, "slurm_azure_power_azure_throttled_total", "program", "resume"));
            double waited = value(m, "slurm_azure_power_retry_after_wait_seconds_total", "program", "resume");
            assertTrue(waited >= 1.95 && waited <= 2.05, "two Retry-After: 1 one after the other: " + waited);
            assertEquals(0, value(m, "slurm_azure_power_slurm_not_told_total", "program", "resume"));
            double lastResume = value(m, "slurm_azure_power_last_success_timestamp_seconds", "program", "resume");
            assertTrue(lastResume >= before.toEpochMilli() / 1000.0 && lastResume <= Instant.now().getEpochSecond()
                    + 1, lastResume + " since " + before);
            assertEquals(1, value(m, "slurm_azure_power_reconcile_nodes", "verdict", "orphan"));
            assertEquals(2, value(m, "slurm_azure_power_reconcile_nodes", "verdict", "ok"));
            assertEquals(1, value(m, "slurm_azure_power_reconcile_nodes", "verdict", "missing"));
            assertEquals(0, value(m, "slurm_azure_power_reconcile_nodes", "verdict", "stray"));
            assertEquals(1, value(m, "slurm_azure_power_reconcile_vms", "power_state", "running"));
            assertEquals(2, value(m, "slurm_azure_power_reconcile_vms", "power_state", "deallocated"));
            assertTrue(value(m, "slurm_azure_power_reconcile_last_pass_timestamp_seconds")
                    >= before.toEpochMilli() / 1000.0);
            assertFalse(log.contains("metrics:"), "no metrics warning: " + log);
        }
    }

    @Test
    void twoProgramsAtOnceLoseNoCount() throws Exception {
        try (PowerTestBed bed = bed(PowerTestBed.emulator(6))) {
            ExecutorService two = Executors.newFixedThreadPool(2);
            Future<PowerTestBed.Run> a = two.submit(() -> bed.run("resume", "azc[001-003]"));
            Future<PowerTestBed.Run> b = two.submit(() -> bed.run("resume", "azc[004-006]"));

            assertEquals(0, a.get().exit(), a.get().out());
            assertEquals(0, b.get().exit(), b.get().out());
            two.shutdown();
            List<MetricFamily> m = PrometheusParser.parse(textfile());

            assertWellFormed(m);
            assertEquals(2, value(m, "slurm_azure_power_runs_total", "program", "resume", "result", "ok"));
            assertEquals(6, value(m, "slurm_azure_power_nodes_total", "program", "resume", "result", "ok", "class",
                    "none"));
            assertEquals(6, value(m, "slurm_azure_power_start_to_running_seconds_count"));
            assertEquals(requestsInSummaries(bed.log(), "resume"),
                    value(m, "slurm_azure_power_azure_requests_total", "program", "resume"));
        }
    }

    @Test
    void aMetricsFileThatCannotBeWrittenIsOneWarningAfterTheSummaryAndTheRunStillSucceeds() throws Exception {
        try (PowerTestBed bed = new PowerTestBed(dir, PowerTestBed.emulator(1),
                "metrics: { file: " + dir.resolve("absent/slurm_azure_power.prom") + " }\n")) {
            PowerTestBed.Run run = bed.run("resume", "azc001");

            assertEquals(0, run.exit(), run.err() + bed.log());
            assertEquals(1, bed.scontrolCalls().size(), "Slurm got the address");
            List<String> lines = bed.log().lines().toList();
            List<String> warnings = lines.stream().filter(l -> l.contains("metrics:")).toList();
            assertEquals(1, warnings.size(), bed.log());
            assertTrue(warnings.get(0).contains(" WARN "), warnings.get(0));
            assertTrue(warnings.get(0).contains("metrics: cannot write " + dir.resolve("absent/slurm_azure_power.prom")),
                    warnings.get(0));
            int summary = new ArrayList<>(lines).indexOf(lines.stream().filter(l -> l.contains("summary: resume"))
                    .findFirst().orElseThrow());
            assertTrue(summary < lines.indexOf(warnings.get(0)), "the summary comes first");
        }
    }

    @Test
    void aReconcilePassThatCannotReadSlurmCountsAsAnErrorAndLeavesTheFleetGaugesOut() throws Exception {
        try (PowerTestBed bed = bed(PowerTestBed.emulator(1))) {
            Files.delete(bed.scontrol.path()); // no scontrol: Slurm's view cannot be read

            assertEquals(ExitCode.PARTIAL_FAILURE, bed.run("reconcile", "azc001").exit(), bed.log());
            List<MetricFamily> m = PrometheusParser.parse(textfile());

            assertWellFormed(m);
            assertEquals(1, value(m, "slurm_azure_power_runs_total", "program", "reconcile", "result", "error"));
            assertTrue(m.stream().noneMatch(f -> f.name().startsWith("slurm_azure_power_reconcile_")), m.toString());
            assertTrue(m.stream().noneMatch(f -> f.name().equals("slurm_azure_power_last_success_timestamp_seconds")));
        }
    }

    @Test
    void aHandRunAsRootLeavesTheMetricsFilesToTheOwnersOfTheirDirectories() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "only root can run as root");
        java.nio.file.attribute.UserPrincipal slurmUser = dir.getFileSystem().getUserPrincipalLookupService()
                .lookupPrincipalByName("nobody"); // stands for SlurmUser: any user but root
        Path state = Files.createDirectories(dir.resolve("state"));
        Files.setOwner(state, slurmUser);
        Files.setOwner(Files.createDirectories(dir.resolve("textfile")), slurmUser);
        try (PowerTestBed bed = bed(PowerTestBed.emulator(1))) {
            assertEquals(0, bed.run("resume", "azc001").exit(), bed.log());
            assertEquals(0, bed.run("suspend", "azc001").exit(), bed.log());

            assertEquals(slurmUser, Files.getOwner(state.resolve("metrics.state")));
            assertEquals(slurmUser, Files.getOwner(state.resolve("metrics.lock")));
            assertEquals(slurmUser, Files.getOwner(textfile()));
            assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(textfile())));
        }
    }

    @Test
    void withoutAMetricsSectionNothingIsKept() throws Exception {
        try (PowerTestBed bed = new PowerTestBed(dir, PowerTestBed.emulator(1))) {
            assertEquals(0, bed.run("resume", "azc001").exit(), bed.log());

            assertFalse(Files.exists(dir.resolve("state/metrics.state")));
            assertFalse(Files.exists(dir.resolve("state/metrics.lock")));
        }
    }
}
