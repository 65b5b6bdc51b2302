package org.slurmazure.power.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;
import org.slurmazure.power.emulator.FaultRule;
import org.slurmazure.power.emulator.PowerState;
import org.slurmazure.power.emulator.RequestRecord;
import org.slurmazure.power.emulator.VmSpec;

/**
 * End-to-end: a real slurmctld ({@code SlurmUser=slurm}) runs this project's bin/ programs as its ResumeProgram,
 * SuspendProgram and ResumeFailProgram, against the ARM emulator. The class runs once per Slurm version of the
 * matrix ({@link #versions}): Debian 12's 22.05 from the host's packages, 24.11 and 26.05 from their root file
 * systems ({@link SlurmInstall}). Eight cloud nodes, each with one role, so the five scenarios run at the same time
 * (they are started together in {@link #startLab} and each test waits for its own); a sixth test then checks that
 * every node ended powered down with its VM deallocated. The assertions are the same on every version, except where
 * a version does differ: those are keyed by version in the code (search for {@code atLeast}) and listed in
 * docs/e2e.md. About 80 s per version on a 2-core machine.
 *
 * <pre>
 * azc001 azc002  burst cycle: 2-node job, suspend after SuspendTime, second job
 * azc003         start fails with AllocationFailed (weight 1: the first choice of partition capfail)
 * azc004         where the requeued job of azc003 runs
 * azc005         VM starts, node never registers (ResumeTimeout, then ResumeFailProgram)
 * azc006         VM without the cluster tag
 * azc007 azc008  starts answered with 429 + Retry-After
 * </pre>
 *
 * Needs root (it installs the Debian packages if missing, builds the root file systems if missing, and starts the
 * daemons); fails with one message otherwise, unless {@code -De2e.skip=true}. A version is skipped (one loud line)
 * only when Debian's mirror serves no Slurm of that series. Logs: {@code <build dir>/e2e-logs/<version>/}. See
 * docs/e2e.md.
 */
@ParameterizedClass(name = "Slurm {0}")
@MethodSource("versions")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SlurmPowerSavingIT {
    private static final int RESUME_TIMEOUT = 25;
    private static final int SUSPEND_TIME = 15;
    private static final int SUSPEND_TIMEOUT = 10;
    private static final Duration SCENARIO_LIMIT = Duration.ofMinutes(4);
    /** What a slurmd of the lab reports as its hostname: this machine's, without a domain. */
    private static final String HOSTNAME = hostname();

    private static PowerLab lab;
    private static SlurmLab slurm;
    private static SlurmInstall install;
    private static long started;
    private static Timeline timeline;
    private static ExecutorService pool;
    private static final Map<String, CompletableFuture<Void>> SCENARIOS = new LinkedHashMap<>();

    /**
     * The Slurm versions to run, oldest first: {@code -De2e.slurm=22.05,24.11,26.05} (the default: all of
     * {@link SlurmInstall#SERIES}; 22.05 is the host's, the others run from their root file systems). With
     * {@code -De2e.installedPrograms}, only the host's.
     */
    static List<String> versions() {
        String dflt = System.getProperty("e2e.installedPrograms", "").isBlank()
                ? String.join(",", SlurmInstall.SERIES) : SlurmInstall.SERIES.get(0);
        String p = System.getProperty("e2e.slurm", "");
        return List.of((p.isBlank() ? dflt : p).split("[,\\s]+")).stream().filter(v -> !v.isBlank()).toList();
    }

    private final String version;

    SlurmPowerSavingIT(String version) {
        this.version = version;
    }

    @BeforeAll
    static void clearLogs() throws IOException {
        SlurmLab.deleteTree(PowerLab.buildDir().resolve("e2e-logs"));
    }

    @BeforeParameterizedClassInvocation
    static void startLab(String version) throws Exception {
        started = System.nanoTime();
        SCENARIOS.clear();
        lab = null;
        slurm = null;
        pool = null;
        if (Boolean.getBoolean("e2e.skip")) {
            System.out.println("[e2e] skipped: -De2e.skip=true");
            Assumptions.abort("end-to-end test skipped (-De2e.skip=true)");
        }
        timeline = new Timeline("e2e " + version, System.out);
        String installed = System.getProperty("e2e.installedPrograms", "");
        Prerequisites.Choice choice = Prerequisites.slurm(version, timeline::log);
        if (choice.skip() != null) {
            // the one case where a version may be skipped: Debian's mirror serves none
            timeline.log("!!!!! SKIPPED Slurm " + version + ": " + choice.skip() + " !!!!!");
            Assumptions.abort("Slurm " + version + " skipped: " + choice.skip());
        }
        if (choice.problem() != null) {
            fail("The end-to-end test needs a real Slurm " + version + " and cannot run here: " + choice.problem()
                    + ". Run 'mvn verify' as root on Debian 12 (or a derivative with apt-get), or skip this test "
                    + "with -De2e.skip=true (or choose versions with -De2e.slurm=22.05,...).");
        }
        install = choice.install();
        install.note().ifPresent(n -> timeline.log("!!!!! Slurm " + version + ": " + n + " !!!!!"));
        if (!installed.isBlank() && install.inRoot()) {
            fail("-De2e.installedPrograms runs the installed package's programs, which exist on the host only: "
                    + "not with Slurm " + version + " (use -De2e.slurm=" + SlurmInstall.SERIES.get(0) + ")");
        }
        PowerLab.Spec spec = new PowerLab.Spec();
        spec.slurm.install = install;
        spec.slurm.cluster = "e2e";
        spec.slurm.resumeTimeout = RESUME_TIMEOUT;
        spec.slurm.suspendTime = SUSPEND_TIME;
        spec.slurm.suspendTimeout = SUSPEND_TIMEOUT;
        for (int i = 1; i <= 8; i++) {
            String n = String.format("azc%03d", i);
            spec.slurm.node(n, n.equals("azc003") ? 1 : 10);
        }
        spec.slurm.partition("capfail", "azc003", "azc004");
        spec.vmChanges.put("azc003", vm -> vm.startFailure(VmSpec.ALLOCATION_FAILED));
        spec.untagged.add("azc006");
        spec.neverBoots.add("azc005");
        spec.resumeDeadline = "15s";
        spec.suspendDeadline = "8s";
        spec.logsTo = PowerLab.buildDir().resolve("e2e-logs").resolve(version);
        spec.keep = Boolean.getBoolean("e2e.keep");
        // -De2e.installedPrograms=/usr/libexec/slurm-azure-power: the same scenarios with an installed package
        spec.installedPrograms = installed.isBlank() ? null : Path.of(installed);
        lab = PowerLab.start(spec, timeline);
        slurm = lab.slurm();

        pool = Executors.newFixedThreadPool(5, r -> {
            Thread t = new Thread(r, "e2e-scenario");
            t.setDaemon(true);
            return t;
        });
        SCENARIOS.put("burst", CompletableFuture.runAsync(SlurmPowerSavingIT::burstCycle, pool));
        SCENARIOS.put("capacity", CompletableFuture.runAsync(SlurmPowerSavingIT::capacityFailure, pool));
        SCENARIOS.put("noboot", CompletableFuture.runAsync(SlurmPowerSavingIT::nodeNeverRegisters, pool));
        SCENARIOS.put("untagged", CompletableFuture.runAsync(SlurmPowerSavingIT::untaggedVm, pool));
        SCENARIOS.put("throttled", CompletableFuture.runAsync(SlurmPowerSavingIT::throttledStarts, pool));
    }

    @AfterParameterizedClassInvocation
    static void stopLab() {
        if (pool != null) {
            pool.shutdownNow();
        }
        if (lab != null) {
            lab.close();
        }
        if (timeline != null && install != null) {
            double waited = slurm == null ? 0 : slurm.lockWait().toMillis() / 1000.0;
            timeline.log(String.format("Slurm %s (%s): the end-to-end class took %.1f s%s", install.series(),
                    install.packageVersion(), (System.nanoTime() - started) / 1e9 - waited,
                    waited < 1 ? "" : String.format(" (and %.1f s more waiting for another lab)", waited)));
        }
    }

    @Test
    @Order(1)
    void twoNodeJobResumesBothVmsRunsAndIsSuspendedAfterSuspendTimeThenResumesAgain() throws Throwable {
        await("burst");
    }

    @Test
    @Order(2)
    void startFailingWithAllocationFailedMarksTheNodeDownWithinSecondsAndTheJobRunsElsewhere() throws Throwable {
        await("capacity");
    }

    @Test
    @Order(3)
    void nodeThatNeverRegistersIsDeallocatedByResumeFailAfterResumeTimeout() throws Throwable {
        await("noboot");
    }

    @Test
    @Order(4)
    void untaggedVmIsNeverTouchedAndItsNodeFailsWithAReason() throws Throwable {
        await("untagged");
    }

    @Test
    @Order(5)
    void startsThrottledWith429AndRetryAfterStillBringEveryNodeUp() throws Throwable {
        await("throttled");
    }

    @Test
    @Order(6)
    void inTheEndEveryNodeIsPoweredDownAndEveryVmDeallocated() throws Throwable {
        for (String s : SCENARIOS.keySet()) {
            SCENARIOS.get(s).exceptionally(e -> null).get(SCENARIO_LIMIT.toSeconds(), TimeUnit.SECONDS);
        }
        // given the scenarios are over, when the last nodes have been idle for SuspendTime
        List<NodeView> nodes = Waits.until("every cloud node idle~", Duration.ofSeconds(SUSPEND_TIME + SUSPEND_TIMEOUT
                + 30), Duration.ofMillis(500), () -> slurm.nodes().stream().filter(n -> n.name().startsWith("azc"))
                .toList(), l -> l.size() == 8 && l.stream().allMatch(NodeView::poweredDownIdle));
        timeline.log("end: " + nodes.stream().map(n -> n.name() + " " + n.state()).toList());
        // then no VM is left running (nothing keeps billing) and no node's slurmd runs
        for (NodeView n : nodes) {
            assertEquals(PowerState.DEALLOCATED, lab.emulator().vm(n.name()).powerState(), () -> storyOf(n.name()));
            assertFalse(slurm.nodeRunning(n.name()), n.name() + "'s slurmd still runs");
        }
    }

    private void await(String scenario) throws Throwable {
        try {
            SCENARIOS.get(scenario).get(SCENARIO_LIMIT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof java.util.concurrent.CompletionException c ? c.getCause() : e.getCause();
        } catch (TimeoutException e) {
            fail("scenario " + scenario + " on Slurm " + version + " did not finish within "
                    + SCENARIO_LIMIT.toMinutes() + " min");
        }
    }

    // ------------------------------------------------------------------ 1. burst cycle: azc001 azc002

    private static void burstCycle() {
        // given two powered-down cloud nodes
        // when a 2-node job is submitted to the cloud partition
        long job = slurm.sbatch("--partition=cloud", "--nodes=2", "--nodelist=azc[001-002]", "--job-name=burst",
                "--wrap=srun --nodes=2 printenv SLURMD_NODENAME");
        timeline.log("burst: submitted job " + job + " to azc[001-002]");

        // then it completes on both nodes
        JobView done = awaitJob(job, JobView::finished, Duration.ofSeconds(60));
        Instant finished = Instant.now();
        timeline.log("burst: " + done.summary());
        assertEquals("COMPLETED", done.state(), () -> done.raw() + storyOf("azc001") + storyOf("azc002"));
        assertEquals("0:0", done.exitCode(), done::raw);
        String out = slurm.jobOutput(job);
        assertTrue(out.contains("azc001") && out.contains("azc002"), "job output: " + out);

        // and ResumeProgram ran as slurm, with a SLURM_RESUME_FILE naming the job, and started both VMs
        PowerSaveLog log = lab.powerLog();
        PowerSaveLog.Run resume = firstRun(log, "Resume", "azc001");
        assertEquals("slurm", resume.user(), () -> "invoked by " + resume.entries().get(0));
        assertTrue(resume.program().endsWith(lab.spec().installedPrograms == null ? "/bin/slurm-azure-resume"
                : "/slurm-azure-power/resume"), resume.program());
        assertTrue(resume.find("resume file /proc/").isPresent(), () -> "no resume file line in " + resume.entries());
        for (String n : List.of("azc001", "azc002")) {
            PowerSaveLog.NodeLine line = resume.node(n).orElseThrow(() -> new AssertionError("no line for " + n
                    + " in " + resume.entries()));
            String ip = ip(n);
            assertTrue(line.ok(), line::text);
            assertEquals("start", line.get("action"), line::text);
            assertEquals("deallocated->running", line.get("state"), line::text);
            assertEquals(ip, line.get("ip"), line::text);
            assertEquals(List.of(Long.toString(job)), line.jobs(), line::text);
            // NodeAddr set by our program (the emulator's private IP of the VM) before the node's slurmd started
            assertEquals(ip, lab.agent().addressAtBoot(n), "NodeAddr of " + n + " when its slurmd started");
            NodeView v = slurm.node(n);
            if (install.atLeast("23.11")) {
                // cloud_reg_addrs is the default from 23.11: the registration replaced NodeAddr and NodeHostName
                // with the slurmd's peer address and hostname. Every slurmd of the lab runs on this host and
                // reaches slurmctld (localhost) from 127.0.0.1; a VM's slurmd would come from its private IP.
                assertEquals("127.0.0.1", v.addr(), v::raw);
                assertEquals(HOSTNAME, v.hostname(), v::raw);
            } else {
                // 22.05: what our program set stays while the node is up
                assertEquals(ip, v.addr(), v::raw);
                assertEquals(n, v.hostname(), v::raw);
            }
            assertEquals(1, lab.emulator().vm(n).startCount(), n + " starts");
        }

        // and after SuspendTime idle, SuspendProgram deallocates both and the nodes end powered down
        for (String n : List.of("azc001", "azc002")) {
            NodeView v = awaitNode(n, NodeView::poweredDownIdle,
                    Duration.ofSeconds(SUSPEND_TIME + SUSPEND_TIMEOUT + 20), "idle~ after SuspendTime");
            timeline.log("burst: " + n + " " + v.summary());
        }
        log = lab.powerLog();
        for (String n : List.of("azc001", "azc002")) {
            PowerSaveLog.Run suspend = firstRun(log, "Suspend", n);
            PowerSaveLog.NodeLine line = suspend.node(n).orElseThrow();
            assertTrue(line.ok(), line::text);
            assertEquals("deallocate", line.get("action"), line::text);
            assertEquals("running->deallocated", line.get("state"), line::text);
            double idle = Duration.between(finished, suspend.invoked()).toMillis() / 1000.0;
            assertTrue(idle >= SUSPEND_TIME - 2 && idle <= SUSPEND_TIME + 8,
                    "suspend of " + n + " " + idle + " s after the job ended, SuspendTime=" + SUSPEND_TIME);
            assertEquals(PowerState.DEALLOCATED, lab.emulator().vm(n).powerState(), n);
            assertEquals(1, lab.emulator().vm(n).deallocateCount(), n + " deallocations");
            assertFalse(slurm.nodeRunning(n), n + "'s slurmd still runs after its VM was deallocated");
        }

        // when a second job comes, then the same nodes are resumed again
        long job2 = slurm.sbatch("--partition=cloud", "--nodes=2", "--nodelist=azc[001-002]", "--job-name=burst2",
                "--wrap=srun --nodes=2 printenv SLURMD_NODENAME");
        timeline.log("burst: submitted job " + job2);
        JobView done2 = awaitJob(job2, JobView::finished, Duration.ofSeconds(60));
        timeline.log("burst: " + done2.summary());
        assertEquals("COMPLETED", done2.state(), () -> done2.raw() + storyOf("azc001") + storyOf("azc002"));
        log = lab.powerLog();
        for (String n : List.of("azc001", "azc002")) {
            List<PowerSaveLog.NodeLine> resumes = log.nodeLines("Resume", n);
            assertEquals(2, resumes.size(), () -> storyOf(n));
            assertEquals(List.of(Long.toString(job2)), resumes.get(1).jobs(), resumes.get(1)::text);
            assertTrue(resumes.get(1).ok(), resumes.get(1)::text);
            assertEquals(2, lab.emulator().vm(n).startCount(), n + " starts");
        }
    }

    // ------------------------------------------------------------------ 2. AllocationFailed: azc003 (azc004)

    private static void capacityFailure() {
        // given partition capfail = azc003 (preferred, weight 1, no capacity in the region) + azc004
        // when a 1-node job is submitted there
        long job = slurm.sbatch("--partition=capfail", "--nodes=1", "--job-name=capacity",
                "--wrap=printenv SLURMD_NODENAME");
        timeline.log("capacity: submitted job " + job + " to partition capfail");

        // then azc003 is DOWN with an "azure: capacity:" reason within seconds, not after ResumeTimeout
        NodeView down = awaitNode("azc003", v -> v.base().equals("DOWN") && v.reason().startsWith("azure: "),
                Duration.ofSeconds(30), "DOWN with an azure: reason");
        Instant seen = Instant.now();
        timeline.log("capacity: azc003 " + down.summary());
        assertTrue(down.reason().startsWith("azure: capacity: "), down::raw);
        PowerSaveLog.Run resume = firstRun(lab.powerLog(), "Resume", "azc003");
        PowerSaveLog.NodeLine line = resume.node("azc003").orElseThrow();
        assertEquals("failed", line.get("result"), line::text);
        assertEquals("capacity", line.get("class"), line::text);
        assertEquals("start", line.get("action"), line::text);
        assertEquals(List.of(Long.toString(job)), line.jobs(), line::text);
        assertTrue(line.get("detail").contains("AllocationFailed"), line::text);
        double after = Duration.between(resume.invoked(), seen).toMillis() / 1000.0;
        // still POWERING_UP: Slurm's ResumeTimeout has not fired (it would say "ResumeTimeout reached")
        assertTrue(down.has("POWERING_UP"), down::raw);
        assertTrue(after < RESUME_TIMEOUT - 5, "azc003 DOWN " + after + " s after ResumeProgram started (ResumeTimeout="
                + RESUME_TIMEOUT + ")");

        // and the job is requeued and runs on azc004
        JobView done = awaitJob(job, JobView::finished, Duration.ofSeconds(60));
        timeline.log("capacity: " + done.summary());
        assertEquals("COMPLETED", done.state(), () -> done.raw() + storyOf("azc003") + storyOf("azc004"));
        assertEquals("azc004", done.nodes(), done::raw);
        assertEquals(1, done.restarts(), done::raw);
        PowerSaveLog.NodeLine other = lab.powerLog().nodeLines("Resume", "azc004").get(0);
        assertTrue(other.ok(), other::text);
        assertEquals(List.of(Long.toString(job)), other.jobs(), other::text);

        // and after ResumeTimeout, ResumeFailProgram returns azc003 to service (idle~) without starting it again
        NodeView back = awaitNode("azc003", NodeView::poweredDownIdle, Duration.ofSeconds(RESUME_TIMEOUT + 20),
                "idle~ after ResumeTimeout");
        timeline.log("capacity: azc003 " + back.summary());
        PowerSaveLog.Run resumeFail = firstRun(lab.powerLog(), "ResumeFail", "azc003");
        double timeout = Duration.between(resume.invoked(), resumeFail.invoked()).toMillis() / 1000.0;
        assertTrue(timeout >= RESUME_TIMEOUT - 1, "ResumeFailProgram " + timeout + " s after ResumeProgram");
        assertTrue(resumeFail.node("azc003").orElseThrow().ok(), () -> storyOf("azc003"));
        assertEquals(1, lab.emulator().count("POST", "/virtualMachines/azc003/start$"), "start requests of azc003");
        assertEquals(PowerState.DEALLOCATED, lab.emulator().vm("azc003").powerState());
    }

    // ------------------------------------------------------------------ 3. never registers: azc005

    private static void nodeNeverRegisters() {
        // given azc005, whose VM starts but whose OS never boots (the agent never starts its slurmd)
        // when a job asks for it
        long job = slurm.sbatch("--partition=cloud", "--nodes=1", "--nodelist=azc005", "--no-requeue",
                "--job-name=noboot", "--wrap=true");
        timeline.log("noboot: submitted job " + job + " to azc005");

        // then the resume succeeds (the VM runs) and the node waits, powering up
        PowerSaveLog.NodeLine line = awaitNodeLine("Resume", "azc005", Duration.ofSeconds(30));
        assertTrue(line.ok(), line::text);
        assertEquals(ip("azc005"), line.get("ip"), line::text);
        assertEquals(PowerState.RUNNING, lab.emulator().vm("azc005").powerState());
        NodeView waiting = slurm.node("azc005");
        assertTrue(waiting.has("POWERING_UP") && !waiting.base().equals("DOWN"), waiting::raw);
        PowerSaveLog.Run resume = firstRun(lab.powerLog(), "Resume", "azc005");

        // and after ResumeTimeout, ResumeFailProgram deallocates the VM and the node returns to idle~
        PowerSaveLog.NodeLine failLine = awaitNodeLine("ResumeFail", "azc005",
                Duration.ofSeconds(RESUME_TIMEOUT + 20));
        PowerSaveLog.Run resumeFail = firstRun(lab.powerLog(), "ResumeFail", "azc005");
        timeline.log("noboot: " + failLine.text());
        double timeout = Duration.between(resume.invoked(), resumeFail.invoked()).toMillis() / 1000.0;
        assertTrue(timeout >= RESUME_TIMEOUT - 1 && timeout <= RESUME_TIMEOUT + 10,
                "ResumeFailProgram " + timeout + " s after ResumeProgram, ResumeTimeout=" + RESUME_TIMEOUT);
        assertTrue(failLine.ok(), failLine::text);
        assertEquals("deallocate", failLine.get("action"), failLine::text);
        assertEquals("running->deallocated", failLine.get("state"), failLine::text);
        assertEquals(PowerState.DEALLOCATED, lab.emulator().vm("azc005").powerState());
        assertEquals(1, lab.emulator().count("POST", "/virtualMachines/azc005/deallocate$"),
                "deallocate requests of azc005");
        NodeView back = awaitNode("azc005", NodeView::poweredDownIdle, Duration.ofSeconds(15), "idle~");
        timeline.log("noboot: azc005 " + back.summary());
        JobView j = slurm.job(job);
        timeline.log("noboot: " + j.summary());
        assertTrue(j.finished() && !j.state().equals("COMPLETED"), j::raw);
        assertFalse(slurm.nodeRunning("azc005"));
    }

    // ------------------------------------------------------------------ 4. untagged VM: azc006

    private static void untaggedVm() {
        // given azc006, whose VM lacks the cluster tag
        // when a job asks for it
        long job = slurm.sbatch("--partition=cloud", "--nodes=1", "--nodelist=azc006", "--no-requeue",
                "--job-name=untagged", "--wrap=true");
        timeline.log("untagged: submitted job " + job + " to azc006");

        // then the node fails with a not-tagged reason, and the VM was never written to
        NodeView down = awaitNode("azc006", v -> v.base().equals("DOWN") && v.reason().startsWith("azure: "),
                Duration.ofSeconds(30), "DOWN with an azure: reason");
        timeline.log("untagged: azc006 " + down.summary());
        assertTrue(down.reason().startsWith("azure: not-tagged: "), down::raw);
        PowerSaveLog.NodeLine line = awaitNodeLine("Resume", "azc006", Duration.ofSeconds(5));
        assertEquals("failed", line.get("result"), line::text);
        assertEquals("not-tagged", line.get("class"), line::text);
        assertEquals(List.of(Long.toString(job)), line.jobs(), line::text);
        JobView j = awaitJob(job, JobView::finished, Duration.ofSeconds(20));
        timeline.log("untagged: " + j.summary());

        // and after ResumeTimeout, ResumeFailProgram and then SuspendProgram refuse it too; the node ends idle~
        PowerSaveLog.NodeLine failLine = awaitNodeLine("ResumeFail", "azc006",
                Duration.ofSeconds(RESUME_TIMEOUT + 20));
        assertEquals("not-tagged", failLine.get("class"), failLine::text);
        PowerSaveLog.NodeLine suspendLine = awaitNodeLine("Suspend", "azc006", Duration.ofSeconds(20));
        assertEquals("not-tagged", suspendLine.get("class"), suspendLine::text);
        NodeView back = awaitNode("azc006", NodeView::poweredDownIdle, Duration.ofSeconds(SUSPEND_TIMEOUT + 15),
                "idle~");
        timeline.log("untagged: azc006 " + back.summary());
        assertEquals(0, lab.emulator().count("POST", "/virtualMachines/azc006/"), "POSTs to azc006");
        assertEquals(PowerState.DEALLOCATED, lab.emulator().vm("azc006").powerState());
        assertEquals(0, lab.emulator().vm("azc006").startCount());
        assertEquals(0, lab.emulator().vm("azc006").deallocateCount());
    }

    // ------------------------------------------------------------------ 5. throttled starts: azc007 azc008

    private static void throttledStarts() {
        // given the emulator answers the next three starts of azc007/azc008 with 429 and Retry-After: 1
        lab.emulator().addFault(FaultRule.on("POST", "/virtualMachines/azc00[78]/start$").times(3).status(429)
                .retryAfter(1));
        // when a 2-node job needs them
        long job = slurm.sbatch("--partition=cloud", "--nodes=2", "--nodelist=azc[007-008]", "--job-name=throttled",
                "--wrap=srun --nodes=2 printenv SLURMD_NODENAME");
        timeline.log("throttled: submitted job " + job + " to azc[007-008]");

        // then the job completes: every node came up
        JobView done = awaitJob(job, JobView::finished, Duration.ofSeconds(60));
        timeline.log("throttled: " + done.summary());
        assertEquals("COMPLETED", done.state(), () -> done.raw() + storyOf("azc007") + storyOf("azc008"));
        for (String n : List.of("azc007", "azc008")) {
            PowerSaveLog.NodeLine line = lab.powerLog().nodeLines("Resume", n).get(0);
            assertTrue(line.ok(), line::text);
            assertEquals(1, lab.emulator().vm(n).startCount(), n + " accepted starts");
        }
        // and the program got the three 429s and waited Retry-After before sending the next start
        List<RequestRecord> starts = lab.emulator().requests().stream()
                .filter(r -> r.method().equals("POST") && r.path().matches(".*/virtualMachines/azc00[78]/start"))
                .toList();
        long throttled = starts.stream().filter(r -> r.status() == 429).count();
        assertEquals(3, throttled, () -> "start requests: " + starts);
        for (int i = 0; i < starts.size(); i++) {
            if (starts.get(i).status() != 429) {
                continue;
            }
            RequestRecord refused = starts.get(i);
            starts.stream().filter(r -> r.path().equals(refused.path()) && r.time().isAfter(refused.time()))
                    .findFirst().ifPresent(retry -> assertTrue(
                            Duration.between(refused.time(), retry.time()).toMillis() >= 900,
                            () -> "retried " + retry + " less than Retry-After after " + refused));
        }
        timeline.log("throttled: " + starts.size() + " start requests, " + throttled + " answered 429");
    }

    // ------------------------------------------------------------------ helpers

    private static String hostname() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip().split("\\.")[0];
        } catch (IOException e) {
            return "";
        }
    }

    private static String ip(String node) {
        return lab.emulator().vm(node).privateIp();
    }

    private static JobView awaitJob(long id, Predicate<JobView> done, Duration limit) {
        return Waits.until("job " + id, limit, () -> slurm.job(id), done);
    }

    private static NodeView awaitNode(String node, Predicate<NodeView> done, Duration limit, String what) {
        try {
            return Waits.until(node + " " + what, limit, () -> slurm.node(node), done);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + storyOf(node), e);
        }
    }

    private static PowerSaveLog.NodeLine awaitNodeLine(String mode, String node, Duration limit) {
        return Waits.until("a " + mode + " line for " + node + " in power_save.log", limit,
                () -> lab.powerLog().nodeLines(mode, node), l -> !l.isEmpty()).get(0);
    }

    private static PowerSaveLog.Run firstRun(PowerSaveLog log, String mode, String node) {
        List<PowerSaveLog.Run> runs = log.runsFor(mode, node);
        if (runs.isEmpty()) {
            throw new AssertionError("no " + mode + " run for " + node + " in " + lab.powerLogFile()
                    + log.storyOf(node));
        }
        return runs.get(0);
    }

    private static String storyOf(String node) {
        return "\n  power_save.log for " + node + ":" + lab.powerLog().storyOf(node) + "\n  slurm: "
                + slurm.node(node).raw() + "\n  emulator: " + lab.emulator().vm(node).powerState()
                + "\n  all logs (after the run): " + lab.logsFolder();
    }
}
