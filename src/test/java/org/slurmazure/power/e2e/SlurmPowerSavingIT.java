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
import org.slurmazure.power.engine.NodeLocks;
import org.slurmazure.power.testing.Cmd;

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
    private static final int RESUME_TIMEOUT = 40;
    private static final int SUSPEND_TIME = 15;
    private static final int SUSPEND_TIMEOUT = 20;
    /** reconcile.grace of the lab: a disagreement must last this long before a pass acts on it. */
    private static final int RECONCILE_GRACE = 4;
    /** The resume deadline Slurm's ResumeTimeout cuts (40 s less a tenth, at least 5 s): 35 s from the start. */
    private static final int CUT_RESUME_DEADLINE = 35;
    /** How much later than slurmctld's request a program's own clock may start (launcher, JVM, a loaded machine). */
    private static final int START_SLACK = 10;
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
        for (int i = 1; i <= 13; i++) {
            String n = String.format("azc%03d", i);
            spec.slurm.node(n, n.equals("azc003") ? 1 : 10);
        }
        if (install.atLeast("23.11")) {
            // names with a suffix: valid from 23.11 (22.05's slurmctld rejects them in slurm.conf)
            spec.slurm.node("azx1-ib", 10).node("azx2-ib", 10);
        }
        spec.slurm.partition("capfail", "azc003", "azc004");
        spec.vmChanges.put("azc003", vm -> vm.startFailure(VmSpec.ALLOCATION_FAILED));
        spec.vmChanges.put("azc009", vm -> vm.startHangs(true));
        spec.untagged.add("azc006");
        spec.neverBoots.addAll(List.of("azc005", "azc010", "azc012", "azc013"));
        // beyond ResumeTimeout on purpose: every resume cuts it to 35 s from its process's start, and must end (report
        // and summary included) before Slurm's ResumeTimeout and, from 23.02, its kill timer (both 40 s)
        spec.resumeDeadline = "60s";
        spec.suspendDeadline = "16s";
        spec.reconcileGrace = RECONCILE_GRACE + "s";
        if (install.atLeast("26.05")) {
            // a PowerAction's fixed arguments come before the hostlist
            spec.slurm.resumeActionArguments = "--config @LAB@/etc/azure-power.yaml";
        }
        spec.logsTo = PowerLab.buildDir().resolve("e2e-logs").resolve(version);
        spec.keep = Boolean.getBoolean("e2e.keep");
        // -De2e.installedPrograms=/usr/libexec/slurm-azure-power: the same scenarios with an installed package
        spec.installedPrograms = installed.isBlank() ? null : Path.of(installed);
        lab = PowerLab.start(spec, timeline);
        slurm = lab.slurm();

        pool = Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "e2e-scenario");
            t.setDaemon(true);
            return t;
        });
        SCENARIOS.put("burst", CompletableFuture.runAsync(SlurmPowerSavingIT::burstCycle, pool));
        SCENARIOS.put("capacity", CompletableFuture.runAsync(SlurmPowerSavingIT::capacityFailure, pool));
        SCENARIOS.put("noboot", CompletableFuture.runAsync(SlurmPowerSavingIT::nodeNeverRegisters, pool));
        SCENARIOS.put("untagged", CompletableFuture.runAsync(SlurmPowerSavingIT::untaggedVm, pool));
        SCENARIOS.put("throttled", CompletableFuture.runAsync(SlurmPowerSavingIT::throttledStarts, pool));
        SCENARIOS.put("killtimer", CompletableFuture.runAsync(SlurmPowerSavingIT::deadlineBeforeTheKillTimer, pool));
        SCENARIOS.put("reconcile", CompletableFuture.runAsync(SlurmPowerSavingIT::reconcileBetweenCalls, pool));
        if (install.atLeast("23.11")) {
            SCENARIOS.put("suffixed", CompletableFuture.runAsync(SlurmPowerSavingIT::suffixedNames, pool));
        }
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
    void aRunThatNeedsItsWholeDeadlineReportsEverythingBeforeSlurmsTimeoutAndKillTimer() throws Throwable {
        await("killtimer");
    }

    @Test
    @Order(7)
    void reconcileDeallocatesOrphanAndStoppedVmsRequeuesALostNodeAndLeavesALockedNodeAlone() throws Throwable {
        await("reconcile");
    }

    @Test
    @Order(8)
    void suffixedNodeNamesArriveUncompressedAndWork() throws Throwable {
        Assumptions.assumeTrue(SCENARIOS.containsKey("suffixed"),
                "Slurm " + version + " rejects node names with a suffix (valid from 23.11)");
        await("suffixed");
    }

    @Test
    @Order(9)
    void inTheEndEveryNodeIsPoweredDownAndEveryVmDeallocated() throws Throwable {
        for (String s : SCENARIOS.keySet()) {
            SCENARIOS.get(s).exceptionally(e -> null).get(SCENARIO_LIMIT.toSeconds(), TimeUnit.SECONDS);
        }
        int cloudNodes = lab.spec().slurm.nodes.size();
        // given the scenarios are over, when the last nodes have been idle for SuspendTime, and the reconcile timer
        // runs as installed (every minute there, every 10 s here: it returns a node whose deallocation a loaded
        // machine made miss the suspend deadline; each of its actions is in the timeline)
        long[] nextPass = {System.nanoTime() + TimeUnit.SECONDS.toNanos(10)};
        List<NodeView> nodes = Waits.until("every cloud node idle~", Duration.ofSeconds(SUSPEND_TIME + SUSPEND_TIMEOUT
                + 30), Duration.ofMillis(500), () -> {
                    if (System.nanoTime() - nextPass[0] > 0) {
                        nextPass[0] = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                        Cmd.Result pass = lab.tool("reconcile");
                        pass.out().lines().filter(l -> !l.isBlank()).forEach(l -> timeline.log("end: reconcile: " + l));
                    }
                    return slurm.nodes().stream().filter(n -> n.name().startsWith("az")).toList();
                }, l -> l.size() == cloudNodes && l.stream().allMatch(NodeView::poweredDownIdle));
        timeline.log("end: " + nodes.stream().map(n -> n.name() + " " + n.state()).toList());
        // then no VM is left running (nothing keeps billing) and no node's slurmd runs
        for (NodeView n : nodes) {
            assertEquals(PowerState.DEALLOCATED, lab.emulator().vm(n.name()).powerState(), () -> storyOf(n.name()));
            assertFalse(slurm.nodeRunning(n.name()), n.name() + "'s slurmd still runs");
        }
        // and, from 23.02, slurmscriptd's kill timer never had to stop one of the programs
        if (install.atLeast("23.02")) {
            String ctld = Files.readString(slurm.logDir().resolve("slurmctld.log"));
            assertFalse(ctld.contains("poll timeout"), () -> "a program was killed by the kill timer: "
                    + ctld.lines().filter(l -> l.contains("poll timeout") || l.contains("killed")).toList());
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

        // and (23.11+) each node's InstanceId is its VM's resource id and InstanceType its size, for accounting: set
        // by the resume program, but a node's registration replaces them with what its slurmd was started with
        // (nothing here), so when the node registered after the update, the next reconcile pass sets them again
        if (install.atLeast("23.11")) {
            List<String> cleared = List.of("azc001", "azc002").stream()
                    .filter(n -> !slurm.node(n).raw().contains("InstanceId=/"))
                    .toList();
            timeline.log("burst: InstanceId cleared by the registration on " + cleared);
            if (!cleared.isEmpty()) {
                Cmd.Result pass = lab.tool("reconcile", "azc[001-002]");
                assertEquals(0, pass.exitCode(), pass::toString);
            }
        }
        for (String n : List.of("azc001", "azc002")) {
            String raw = slurm.node(n).raw() + " ";
            if (install.atLeast("23.11")) {
                assertTrue(raw.contains("InstanceId=" + lab.emulator().vm(n).resourceId() + " "), raw);
                assertTrue(raw.contains("InstanceType=" + lab.emulator().vm(n).vmSize() + " "), raw);
            } else {
                assertFalse(raw.contains("InstanceId=/"), raw);
            }
        }

        // and after SuspendTime idle, SuspendProgram deallocates both and the nodes end powered down
        for (String n : List.of("azc001", "azc002")) {
            NodeView v = awaitNode(n, NodeView::poweredDownIdle,
                    Duration.ofSeconds(SUSPEND_TIME + SUSPEND_TIMEOUT + 20), "idle~ after SuspendTime");
            timeline.log("burst: " + n + " " + v.summary());
            // (Slurm counts the node powered down at SuspendTimeout, whether or not the program has finished)
            awaitNodeLine("Suspend", n, Duration.ofSeconds(30));
        }
        log = lab.powerLog();
        for (String n : List.of("azc001", "azc002")) {
            PowerSaveLog.Run suspend = firstRun(log, "Suspend", n);
            PowerSaveLog.NodeLine line = suspend.node(n).orElseThrow();
            assertTrue(line.ok(), line::text);
            assertEquals("deallocate", line.get("action"), line::text);
            assertEquals("running->deallocated", line.get("state"), line::text);
            double idle = Duration.between(finished, suspend.started()).toMillis() / 1000.0;
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
        double after = Duration.between(resume.started(), seen).toMillis() / 1000.0;
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
        double timeout = Duration.between(resume.started(), resumeFail.started()).toMillis() / 1000.0;
        // (process starts: slurmctld counts ResumeTimeout from its power-up request, before the program runs: by up
        // to 7 s on a loaded machine, the launcher and the JVM starting while slurmctld starts other programs)
        assertTrue(timeout >= RESUME_TIMEOUT - START_SLACK, "ResumeFailProgram " + timeout + " s after ResumeProgram");
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
        double timeout = Duration.between(resume.started(), resumeFail.started()).toMillis() / 1000.0;
        assertTrue(timeout >= RESUME_TIMEOUT - START_SLACK && timeout <= RESUME_TIMEOUT + 10,
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

        // and after ResumeTimeout, ResumeFailProgram refuses it too and drains it: a failure that will not pass by
        // itself keeps the node out of scheduling, with its reason, instead of looping through resume and timeout
        PowerSaveLog.NodeLine failLine = awaitNodeLine("ResumeFail", "azc006",
                Duration.ofSeconds(RESUME_TIMEOUT + 20));
        assertEquals("not-tagged", failLine.get("class"), failLine::text);
        NodeView drained = awaitNode("azc006", v -> v.has("DRAIN"), Duration.ofSeconds(10), "drained");
        timeline.log("untagged: azc006 " + drained.summary());
        assertTrue(drained.reason().contains("azure: not-tagged: "), drained::raw);
        Waits.sleep(Duration.ofSeconds(SUSPEND_TIME / 2));
        NodeView still = slurm.node("azc006");
        assertTrue(still.has("DRAIN") && !still.poweredDownIdle(), still::raw);
        assertTrue(lab.powerLog().nodeLines("Suspend", "azc006").isEmpty(), () -> storyOf("azc006"));

        // when the admin fixes the cause (the tag) and resumes the node, it is back in the pool (idle~)
        lab.emulator().vm("azc006").tag(PowerLab.TAG_NAME, PowerLab.TAG_VALUE);
        slurm.scontrol("update", "nodename=azc006", "state=resume").check();
        NodeView back = awaitNode("azc006", NodeView::poweredDownIdle, Duration.ofSeconds(15), "idle~");
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

    // ------------------------------------------------------------------ 6. the whole deadline: azc009

    private static void deadlineBeforeTheKillTimer() {
        // given azc009, whose VM's start Azure accepts but never finishes, and a resumeDeadline (60 s) beyond
        // ResumeTimeout (40 s, also the kill timer of 23.02+)
        long job = slurm.sbatch("--partition=cloud", "--nodes=1", "--nodelist=azc009", "--no-requeue",
                "--job-name=killtimer", "--wrap=true");
        timeline.log("killtimer: submitted job " + job + " to azc009");

        // then the run cuts its deadline to 35 s from its process's start, and says so
        PowerSaveLog.NodeLine line = awaitNodeLine("Resume", "azc009", Duration.ofSeconds(RESUME_TIMEOUT + 20));
        timeline.log("killtimer: " + line.text());
        PowerSaveLog.Run run = firstRun(lab.powerLog(), "Resume", "azc009");
        assertTrue(run.find("limits.resumeDeadline (60 s) does not fit in Slurm's limits").isPresent()
                && run.find("this run ends within " + CUT_RESUME_DEADLINE + " s").isPresent(), run.entries()::toString);
        // and fails the node as a timeout, having asked Azure to deallocate the VM it may have started
        assertEquals("failed", line.get("result"), line::text);
        assertEquals("timeout", line.get("class"), line::text);
        assertTrue(lab.emulator().count("POST", "/virtualMachines/azc009/deallocate$") >= 1, () -> storyOf("azc009"));
        // and tells Slurm, and writes its summary, before ResumeTimeout and the kill timer (counted from its start)
        PowerSaveLog.Entry summary = Waits.until("the summary of the run that resumed azc009", Duration.ofSeconds(10),
                () -> firstRun(lab.powerLog(), "Resume", "azc009").summary(), java.util.Optional::isPresent).get();
        PowerSaveLog.Run done = firstRun(lab.powerLog(), "Resume", "azc009");
        double end = Duration.between(done.started(), summary.time()).toMillis() / 1000.0;
        timeline.log("killtimer: summary " + end + " s after the program started: " + summary.message());
        assertTrue(end < RESUME_TIMEOUT - 1, "summary " + end + " s after the start; ResumeTimeout and kill timer "
                + RESUME_TIMEOUT + " s");
        Instant toldBy = done.find("slurm: mark down [").map(PowerSaveLog.Entry::time).orElseThrow(
                () -> new AssertionError("no mark-down line in " + done.entries()));
        assertTrue(Duration.between(done.started(), toldBy).toSeconds() < RESUME_TIMEOUT - 1, done.entries()::toString);
        NodeView down = slurm.node("azc009");
        assertTrue(down.reason().contains("azure: timeout: "), down::raw);

        // and after ResumeTimeout, ResumeFailProgram leaves the VM deallocated and the node idle~
        NodeView back = awaitNode("azc009", NodeView::poweredDownIdle, Duration.ofSeconds(RESUME_TIMEOUT + 30),
                "idle~ after ResumeTimeout");
        timeline.log("killtimer: azc009 " + back.summary());
        Waits.until("azc009's VM deallocated", Duration.ofSeconds(20), () -> lab.emulator().vm("azc009").powerState(),
                p -> p == PowerState.DEALLOCATED);
    }

    // ------------------------------------------------------------------ 7. reconcile: azc010-azc013

    private static void reconcileBetweenCalls() {
        // given azc011 runs a job that needs it for long (once requeued, the job ends at once)
        long job = slurm.sbatch("--partition=cloud", "--nodes=1", "--nodelist=azc011", "--requeue",
                "--job-name=lost", "--wrap=echo started; if [ \"${SLURM_RESTART_COUNT:-0}\" = 0 ]; then sleep 600; fi");
        timeline.log("reconcile: submitted job " + job + " to azc011");
        JobView running = awaitJob(job, j -> j.state().equals("RUNNING"), Duration.ofSeconds(60));
        // RUNNING comes before slurmd has launched the script: an eviction in between is a launch failure instead
        Path out = Path.of(running.raw().replaceAll("(?s).*\\bStdOut=(\\S+).*", "$1"));
        Waits.until("job " + job + "'s script started (" + out + ")", Duration.ofSeconds(30), Duration.ofMillis(200),
                () -> Files.exists(out) && SlurmLab.read(out).contains("started"), b -> b);
        String nodes = "azc[010-013]";
        try {
            // and a power program holds azc013 (the lock a resume, suspend or resume-fail takes for a node)
            NodeLocks.Held held = new NodeLocks(lab.stateDir()).tryLock("azc013");
            assertTrue(held != null, "the lock of azc013");
            try (held) {
                // when, behind Slurm's back, azc010's VM is started (the portal), azc012's is stopped but not
                // deallocated (still billing), azc011's is deallocated under its job (an eviction), azc013's started
                lab.emulator().vm("azc010").forcePowerState(PowerState.RUNNING);
                lab.emulator().vm("azc012").forcePowerState(PowerState.STOPPED);
                lab.emulator().vm("azc011").forcePowerState(PowerState.DEALLOCATED);
                lab.emulator().vm("azc013").forcePowerState(PowerState.RUNNING);

                // then status shows each disagreement, and the first pass only takes note of them
                Cmd.Result status = lab.tool("status", nodes);
                timeline.log("reconcile: status\n" + status.out());
                assertEquals(1, status.exitCode(), status::toString);
                for (String v : List.of("azc010 .* orphan", "azc011 .* lost", "azc012 .* stopped", "azc013 .* orphan")) {
                    assertTrue(status.out().lines().anyMatch(l -> l.matches(".*" + v + ".*")), v + " in " + status);
                }
                Cmd.Result first = lab.tool("reconcile", nodes);
                assertEquals(0, first.exitCode(), first::toString);
                assertEquals(PowerState.RUNNING, lab.emulator().vm("azc010").powerState());
                assertEquals(PowerState.STOPPED, lab.emulator().vm("azc012").powerState());

                // and the next pass after the grace acts, except on the node whose lock is held
                Waits.sleep(Duration.ofSeconds(RECONCILE_GRACE + 1));
                Cmd.Result second = lab.tool("reconcile", nodes);
                timeline.log("reconcile: second pass exit " + second.exitCode());
                assertEquals(0, second.exitCode(), second::toString);
            }
            assertEquals(PowerState.DEALLOCATED, lab.emulator().vm("azc010").powerState(), () -> storyOf("azc010"));
            assertEquals(PowerState.DEALLOCATED, lab.emulator().vm("azc012").powerState(), () -> storyOf("azc012"));
            assertEquals(PowerState.RUNNING, lab.emulator().vm("azc013").powerState(), "azc013 was locked");
            assertEquals(0, lab.emulator().count("POST", "/virtualMachines/azc013/"), "POSTs to azc013");
            String log = Files.readString(lab.powerLogFile());
            for (String expected : List.of("node=azc010 vm=" + PowerLab.RESOURCE_GROUP + "/azc010 verdict=orphan",
                    "node=azc012 vm=" + PowerLab.RESOURCE_GROUP + "/azc012 verdict=stopped")) {
                assertTrue(log.lines().anyMatch(l -> l.contains(expected) && l.endsWith(": deallocated")),
                        expected + " deallocated in " + lab.powerLogFile());
            }
            assertTrue(log.contains("reconcile: node=azc013 vm=" + PowerLab.RESOURCE_GROUP
                    + "/azc013 verdict=orphan: a power program is working on it"), log);
            // and the lost node is marked down and powered down: its job is requeued at once
            NodeView lost = awaitNode("azc011", v -> v.reason().contains("azure: lost"), Duration.ofSeconds(10),
                    "marked lost");
            timeline.log("reconcile: azc011 " + lost.summary());
            JobView requeued = awaitJob(job, j -> j.restarts() >= 1, Duration.ofSeconds(30));
            timeline.log("reconcile: " + requeued.summary());

            // when the lock is free, the next pass deallocates azc013 too
            Cmd.Result third = lab.tool("reconcile", nodes);
            assertEquals(0, third.exitCode(), third::toString);
            assertEquals(PowerState.DEALLOCATED, lab.emulator().vm("azc013").powerState(), () -> storyOf("azc013"));

            // and azc011 returns to the pool (Slurm's idle_on_node_suspend, or the pass that returns a node held
            // down once its VM is deallocated): the requeued job runs there again and completes
            JobView done = Waits.until("job " + job + " done after its requeue", Duration.ofSeconds(120),
                    Duration.ofSeconds(3), () -> {
                        lab.tool("reconcile", nodes);
                        return slurm.job(job);
                    }, JobView::finished);
            timeline.log("reconcile: " + done.summary());
            assertEquals("COMPLETED", done.state(), () -> done.raw() + storyOf("azc011"));
            assertTrue(done.restarts() >= 1, done::raw);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    // ------------------------------------------------------------------ 8. suffixed names (23.11+): azx1-ib azx2-ib

    private static void suffixedNames() {
        // given two nodes whose names have a suffix, in the node group "azc[001-013],azx1-ib,azx2-ib"
        long job = slurm.sbatch("--partition=cloud", "--nodes=2", "--nodelist=azx1-ib,azx2-ib",
                "--job-name=suffixed", "--wrap=srun --nodes=2 printenv SLURMD_NODENAME");
        timeline.log("suffixed: submitted job " + job + " to azx1-ib,azx2-ib");

        // then the job completes on both
        JobView done = awaitJob(job, JobView::finished, Duration.ofSeconds(60));
        timeline.log("suffixed: " + done.summary());
        assertEquals("COMPLETED", done.state(), () -> done.raw() + storyOf("azx1-ib") + storyOf("azx2-ib"));
        // and the resume program got them uncompressed (Slurm does not compress names with a suffix)
        PowerSaveLog.Run resume = firstRun(lab.powerLog(), "Resume", "azx1-ib");
        List<String> names = List.of(resume.hostlist().split(","));
        assertTrue(names.contains("azx1-ib") && names.contains("azx2-ib"), resume.hostlist());
        for (String n : List.of("azx1-ib", "azx2-ib")) {
            PowerSaveLog.NodeLine line = resume.node(n).orElseThrow();
            assertTrue(line.ok(), line::text);
            assertEquals(1, lab.emulator().vm(n).startCount(), n + " starts");
        }
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
