package org.slurmazure.power.slurm;

import org.slurmazure.power.log.PowerLog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slurmazure.power.domain.VmRef;
import org.slurmazure.power.domain.FailureClass;
import org.slurmazure.power.domain.NodeOutcome;
import org.slurmazure.power.domain.PowerMode;
import org.slurmazure.power.slurm.CommandRunner;
import org.slurmazure.power.slurm.FakeScontrol;
import org.slurmazure.power.slurm.ScontrolSlurmControl;

/** The reporter with the real scontrol client and a recording scontrol that can be slow. */
class SlurmReporterTest {
    @TempDir
    Path dir;
    FakeScontrol scontrol;
    ScontrolSlurmControl slurm;
    Path log;

    @BeforeEach
    void setUp() throws Exception {
        scontrol = FakeScontrol.install(dir);
        slurm = new ScontrolSlurmControl(scontrol.path(), Duration.ofSeconds(30), new CommandRunner());
        log = dir.resolve("power_save.log");
        PowerLog.open(log, false, false, new PrintWriter(new StringWriter()));
    }

    @AfterEach
    void tearDown() {
        PowerLog.close();
    }

    static NodeOutcome ok(String node) {
        return new NodeOutcome(node, new VmRef("s", "rg", node), null, "deallocate", null, "deallocated", null,
                Duration.ZERO, List.of());
    }

    static NodeOutcome failed(String node, FailureClass cls) {
        return new NodeOutcome(node, new VmRef("s", "rg", node), null, "deallocate", cls, "why", null, Duration.ZERO,
                List.of());
    }

    @Test
    void aSlowFlushInProgressIsWaitedForAndNothingQueuedIsLost() throws Exception {
        scontrol.delay(1.5);
        SlurmReporter reporter = new SlurmReporter(slurm, PowerMode.RESUME, 100,
                System.nanoTime() + Duration.ofSeconds(30).toNanos());
        reporter.address("azc001", "10.1.0.1");
        Thread.sleep(400); // the first flush is now inside its 1.5 s scontrol call
        reporter.address("azc002", "10.1.0.2");

        reporter.close();

        List<List<String>> calls = scontrol.calls();
        assertEquals(2, calls.size(), calls.toString());
        assertEquals("nodeaddr=10.1.0.1", calls.get(0).get(2));
        assertEquals("nodeaddr=10.1.0.2", calls.get(1).get(2));
        assertEquals(0, reporter.nodesNotTold());
        assertTrue(Files.readString(log).contains("slurm: set NodeAddr of [azc002=10.1.0.2]: done"));
    }

    @Test
    void whatCannotBeToldBeforeTheEndIsNamedNodeByNode() throws Exception {
        scontrol.delay(5);
        SlurmReporter reporter = new SlurmReporter(slurm, PowerMode.RESUME, 60_000,
                System.nanoTime() + Duration.ofMillis(1500).toNanos());
        reporter.accept(failed("azc001", FailureClass.CAPACITY));
        reporter.accept(failed("azc002", FailureClass.CAPACITY));

        long start = System.nanoTime();
        reporter.close();
        long tookMs = (System.nanoTime() - start) / 1_000_000;

        String text = Files.readString(log);
        assertTrue(tookMs < 2500, "close took " + tookMs + " ms with 1.5 s left");
        assertEquals(2, reporter.nodesNotTold());
        assertTrue(text.contains("node=azc001 vm=rg/azc001: Slurm was not told azure: capacity: why"), text);
        assertTrue(text.contains("node=azc002 vm=rg/azc002: Slurm was not told azure: capacity: why"), text);
    }

    @Test
    void suspendDrainsWhatFailedForGoodAndMarksDownWhatMayStillRun() throws Exception {
        SlurmReporter reporter = new SlurmReporter(slurm, PowerMode.SUSPEND, 60_000,
                System.nanoTime() + Duration.ofSeconds(30).toNanos());
        reporter.accept(ok("azc001"));
        reporter.accept(failed("azc002", FailureClass.NOT_FOUND));
        reporter.accept(failed("azc003", FailureClass.AZURE_ERROR));

        reporter.close();

        assertEquals(List.of(
                List.of("update", "nodename=azc003", "state=down", "reason=azure: azure-error: why"),
                List.of("update", "nodename=azc002", "state=drain", "reason=azure: not-found: why")),
                scontrol.calls());
    }

    @Test
    void resumeFailReturnsDeallocatedNodesAndDrainsPermanentFailures() throws Exception {
        SlurmReporter reporter = new SlurmReporter(slurm, PowerMode.RESUME_FAIL, 60_000,
                System.nanoTime() + Duration.ofSeconds(30).toNanos());
        reporter.accept(ok("azc001"));
        reporter.accept(failed("azc002", FailureClass.NO_GROUP));
        reporter.accept(ok("azc003"));

        reporter.close();

        assertEquals(List.of(
                List.of("update", "nodename=azc002", "state=drain", "reason=azure: no-group: why"),
                List.of("update", "nodename=azc001,azc003", "state=resume")), scontrol.calls());
    }

    @Test
    void resumeMarksEveryFailureDownSoItsJobsRequeue() throws Exception {
        SlurmReporter reporter = new SlurmReporter(slurm, PowerMode.RESUME, 60_000,
                System.nanoTime() + Duration.ofSeconds(30).toNanos());
        reporter.accept(failed("azc001", FailureClass.NOT_FOUND));
        reporter.accept(failed("azc002", FailureClass.NOT_FOUND));

        reporter.close();

        assertEquals(List.of(List.of("update", "nodename=azc001,azc002", "state=down",
                "reason=azure: not-found: why")), scontrol.calls());
    }
}
