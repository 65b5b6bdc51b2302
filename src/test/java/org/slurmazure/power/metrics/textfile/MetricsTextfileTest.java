package org.slurmazure.power.metrics.textfile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slurmazure.power.domain.FailureClass;
import org.slurmazure.power.domain.NodeOutcome;
import org.slurmazure.power.log.PowerLog;
import org.slurmazure.power.metrics.Exposition;
import org.slurmazure.power.metrics.Family;
import org.slurmazure.power.metrics.MetricsState;
import org.slurmazure.power.metrics.RunFigures;
import org.slurmazure.power.metrics.Series;
import org.slurmazure.power.testing.Cmd;

/** The metrics on disk, with real files and locks; warnings go to a real power_save.log. */
class MetricsTextfileTest {
    @TempDir
    Path dir;
    Path state;
    Path textfile;
    Path log;

    @BeforeEach
    void openLog() throws Exception {
        state = dir.resolve("state");
        textfile = Files.createDirectories(dir.resolve("textfile")).resolve("slurm_azure_power.prom");
        log = dir.resolve("power_save.log");
        PowerLog.open(log, false, false, new PrintWriter(new StringWriter()));
    }

    @AfterEach
    void closeLog() {
        PowerLog.close();
    }

    static RunFigures suspendRun() {
        NodeOutcome ok = new NodeOutcome("azc001", null, null, "deallocate", null, "deallocated", null,
                Duration.ofSeconds(3), List.of());
        NodeOutcome failed = new NodeOutcome("azc002", null, null, "none", FailureClass.NOT_TAGGED, "x", null,
                Duration.ofSeconds(1), List.of());
        return new RunFigures("suspend", RunFigures.Result.FAILED, Instant.now(), Duration.ofSeconds(4),
                List.of(ok, failed), 0, 6, 1, Duration.ofMillis(1500));
    }

    private static long deadline() {
        return System.nanoTime() + Duration.ofSeconds(30).toNanos();
    }

    private MetricsState stored() throws Exception {
        Exposition.Parsed parsed = Exposition.parse(Files.readString(state.resolve("metrics.state")));
        assertEquals(List.of(), parsed.problems());
        return parsed.state();
    }

    private String log() throws Exception {
        PowerLog.close();
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    @Test
    void aRunIsAddedToTheStoredCountsAndTheTextfileShowsThemWithMode0644() throws Exception {
        TextfileMetrics metrics = new TextfileMetrics(textfile, state);

        metrics.record(suspendRun(), null, deadline());
        metrics.record(suspendRun(), null, deadline());

        MetricsState s = stored();
        assertEquals(2.0, s.value(Series.of(Family.RUNS, "suspend", "failed")));
        assertEquals(2.0, s.value(Series.of(Family.NODES, "suspend", "failed", "not-tagged")));
        assertEquals(3.0, s.value(Series.of(Family.RETRY_AFTER_WAIT, "suspend")));
        assertEquals(s.render(), Files.readString(textfile), "the textfile is the stored counts");
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(textfile)));
        try (var files = Files.list(textfile.getParent())) {
            assertEquals(List.of(textfile), files.toList(), "no temporary file left");
        }
        assertEquals("", log(), "nothing to warn about");
    }

    @Test
    void aTextfileDirectoryThatCannotBeWrittenIsOneWarningAndTheCountsWaitForTheNextRun() throws Exception {
        Path missing = dir.resolve("absent/slurm_azure_power.prom");

        new TextfileMetrics(missing, state).record(suspendRun(), null, deadline());
        Files.createDirectories(missing.getParent());
        new TextfileMetrics(missing, state).record(suspendRun(), null, deadline());

        assertTrue(Files.readString(missing).contains("slurm_azure_power_runs_total{program=\"suspend\",result="
                + "\"failed\"} 2\n"), "the first run was kept");
        List<String> warnings = log().lines().filter(l -> l.contains(" WARN ")).toList();
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).endsWith("metrics: cannot write " + missing + ": " + missing.getParent()
                + ": no such directory; the counts are kept in " + state.resolve("metrics.state")
                + " for the next run"), warnings.get(0));
    }

    @Test
    void aStateThatCannotBeStoredIsOneWarningAndNeverAnException() throws Exception {
        Files.writeString(state, "a file where the state directory should be");

        new TextfileMetrics(textfile, state).record(suspendRun(), null, deadline());

        assertFalse(Files.exists(textfile));
        List<String> warnings = log().lines().filter(l -> l.contains(" WARN ")).toList();
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains("metrics: cannot update " + state.resolve("metrics.state") + ": "),
                warnings.get(0));
        assertTrue(warnings.get(0).endsWith("; this suspend run is not counted"), warnings.get(0));
    }

    @Test
    void aStoredLineThatIsNotUnderstoodIsDroppedWithAWarningAndTheRestKept() throws Exception {
        Files.createDirectories(state);
        Files.writeString(state.resolve("metrics.state"), """
                slurm_azure_power_runs_total{program="suspend",result="ok"} 41
                slurm_azure_power_runs_total{program="suspend",result="ok" oops
                """);

        new TextfileMetrics(textfile, state).record(suspendRun(), null, deadline());

        assertEquals(41.0, stored().value(Series.of(Family.RUNS, "suspend", "ok")));
        assertEquals(1.0, stored().value(Series.of(Family.RUNS, "suspend", "failed")));
        String log = log();
        assertTrue(log.contains("WARN  [" + ProcessHandle.current().pid() + "] metrics: 1 part(s) of "
                + state.resolve("metrics.state") + " not understood, their counts start again from zero (first: "
                + "line 2: "), log);
    }

    @Test
    void concurrentRunsInOneProcessLoseNoCount() throws Exception {
        TextfileMetrics metrics = new TextfileMetrics(textfile, state);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> done = new ArrayList<>();

        for (int i = 0; i < 200; i++) {
            done.add(pool.submit(() -> metrics.record(suspendRun(), null, deadline())));
        }
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();

        assertEquals(200.0, stored().value(Series.of(Family.RUNS, "suspend", "failed")));
        assertEquals(1200.0, stored().value(Series.of(Family.AZURE_REQUESTS, "suspend")));
        assertEquals(Files.readString(state.resolve("metrics.state")), Files.readString(textfile));
        assertEquals("", log());
    }

    @Test
    void concurrentRunsInSeveralProcessesLoseNoCount() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> argv = List.of(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), MetricsHammer.class.getName(), textfile.toString(),
                state.toString(), "60");
        ExecutorService pool = Executors.newFixedThreadPool(3);

        Future<Cmd.Result> a = pool.submit(() -> Cmd.of(argv).timeout(Duration.ofMinutes(3)).run());
        Future<Cmd.Result> b = pool.submit(() -> Cmd.of(argv).timeout(Duration.ofMinutes(3)).run());
        for (int i = 0; i < 60; i++) {
            new TextfileMetrics(textfile, state).record(suspendRun(), null, deadline());
        }
        a.get().check();
        b.get().check();
        pool.shutdown();

        assertEquals(180.0, stored().value(Series.of(Family.RUNS, "suspend", "failed")));
        assertEquals(360.0, stored().value(Series.of(Family.NODES, "suspend", "ok", "none"))
                + stored().value(Series.of(Family.NODES, "suspend", "failed", "not-tagged")));
        assertEquals(Files.readString(state.resolve("metrics.state")), Files.readString(textfile),
                "the last textfile written is the last count stored");
        assertEquals("", log());
    }
}
