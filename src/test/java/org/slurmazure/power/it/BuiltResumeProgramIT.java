package org.slurmazure.power.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.slurmazure.power.emulator.ArmEmulator;
import org.slurmazure.power.emulator.FaultRule;
import org.slurmazure.power.emulator.PowerState;
import org.slurmazure.power.emulator.VmSpec;
import org.slurmazure.power.testing.SecretScan;

/**
 * The built {@code bin/slurm-azure-resume} (and -suspend, -resume-fail) run the way slurmctld runs it: a separate
 * process, an empty environment but SLURM_CONF and SLURM_RESUME_FILE, stdin, stdout and stderr closed, one
 * argument. Its only outputs are Azure (the emulator, over HTTPS), scontrol (a recording script) and power_save.log.
 * Every test runs twice, with the same assertions: on the JVM and as the native executable ({@link ProgramRuntime};
 * skipped with one line when there is none).
 */
@ParameterizedClass(name = "{0}")
@EnumSource(ProgramRuntime.class)
class BuiltResumeProgramIT {
    static final Path CHECKOUT = Path.of("").toAbsolutePath();
    /** date, level, [pid], message: every line whole, never two interleaved. */
    static final java.util.regex.Pattern LOG_LINE = java.util.regex.Pattern.compile(
            "^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d) (INFO |WARN |ERROR|DEBUG) \\[\\d+\\] \\S.*$");

    @Parameter
    ProgramRuntime runtime;

    @TempDir
    Path dir;

    @BeforeParameterizedClassInvocation
    static void runtimeIsThere(ProgramRuntime runtime) throws Exception {
        String why = runtime.unavailable();
        assumeTrue(why == null, why);
    }

    @AfterEach
    void recordTheLogForTheSecretScan() {
        SecretScan.file("built-program-power_save.log", dir.resolve("power_save.log"));
    }

    /** Writes slurm.conf (only its directory matters), azure-power.yaml beside it, the secret and a fake scontrol. */
    private Path setUp(ArmEmulator emu, String secret, String nodes) throws Exception {
        return setUp(dir, emu, secret, nodes);
    }

    private static Path setUp(Path dir, ArmEmulator emu, String secret, String nodes) throws Exception {
        Path etc = Files.createDirectories(dir.resolve("etc"));
        Files.writeString(etc.resolve("slurm.conf"), "# only its directory matters here\n");
        Path secretFile = etc.resolve("azure-power.secret");
        Files.writeString(secretFile, secret + "\n");
        Files.setPosixFilePermissions(secretFile, PosixFilePermissions.fromString("rw-------"));
        Path scontrol = dir.resolve("scontrol");
        Files.writeString(scontrol, "#!/bin/bash\n[ \"$1\" = show ] && exit 0\nprintf '%s\\n' \"$*\" >> "
                + dir.resolve("scontrol.calls") + "\n");
        Files.setPosixFilePermissions(scontrol, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(etc.resolve("azure-power.yaml"), """
                azure:
                  cloud: custom
                  endpoints: { resourceManager: %s, authority: %s }
                  subscriptionId: %s
                  credential: { type: client-secret, tenantId: %s, clientId: %s, secretFile: %s }
                  caCertificates: %s
                cluster: { tag: { name: slurm-cluster, value: hpc1 } }
                nodeGroups: [ { nodes: "%s", resourceGroup: hpc1-burst } ]
                slurm: { scontrol: %s }
                limits: { resumeDeadline: 60s }
                log: { file: %s }
                stateDir: %s
                """.formatted(emu.baseUrl(), emu.baseUrl(), emu.subscriptionId(), emu.tenantId(), emu.clientId(),
                secretFile, emu.caCertificatePem(), nodes, scontrol, dir.resolve("power_save.log"),
                dir.resolve("state")));
        return etc.resolve("slurm.conf");
    }

    private Process start(Path slurmConf, String program, String hostlist) throws Exception {
        return start(slurmConf, program, hostlist, null);
    }

    /**
     * The program as slurmctld 22.05 starts it: bash closes fds 0-2, then execs it with one argument and an
     * environment of SLURM_CONF (and SLURM_RESUME_FILE) only.
     */
    private Process start(Path slurmConf, String program, String hostlist, Path resumeFile) throws Exception {
        return start(runtime, dir, slurmConf, program, hostlist, resumeFile);
    }

    private static Process start(ProgramRuntime runtime, Path dir, Path slurmConf, String program, String hostlist,
                                 Path resumeFile) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("/bin/bash", "-c", "exec 0<&- 1>&- 2>&-; exec \"$0\" \"$1\"",
                CHECKOUT.resolve("bin/" + program).toString(), hostlist);
        pb.environment().clear();
        pb.environment().putAll(runtime.environment());
        pb.environment().put("SLURM_CONF", slurmConf.toString());
        if (resumeFile != null) {
            pb.environment().put("SLURM_RESUME_FILE", resumeFile.toString());
        }
        pb.directory(dir.toFile());
        return pb.start();
    }

    @Test
    void overlappingProgramsStartEachVmOnceAndWriteWholeLogLines() throws Exception {
        try (ArmEmulator emu = ArmEmulator.builder().resourceGroup("hpc1-burst").clientSecret("s")
                .generate("azc[001-006]", vm -> vm.resourceGroup("hpc1-burst").tag("slurm-cluster", "hpc1"))
                .lroDuration(Duration.ofMillis(800)).retryAfterSeconds(1).start()) {
            Path slurmConf = setUp(emu, "s", "azc[001-006]");

            // Three resumes of overlapping node sets and a suspend of other nodes, all at once.
            List<Process> runs = List.of(start(slurmConf, "slurm-azure-resume", "azc[001-004]"),
                    start(slurmConf, "slurm-azure-resume", "azc[003-006]"),
                    start(slurmConf, "slurm-azure-resume", "azc[001-006]"),
                    start(slurmConf, "slurm-azure-suspend", "azc[005-006]"));
            for (Process p : runs) {
                assertTrue(p.waitFor(120, TimeUnit.SECONDS), "a program did not finish");
            }

            String log = Files.readString(dir.resolve("power_save.log"), StandardCharsets.UTF_8);
            for (int i = 0; i < 3; i++) {
                assertEquals(0, runs.get(i).exitValue(), log);
            }
            for (String vm : List.of("azc001", "azc002", "azc003", "azc004")) {
                assertEquals(1, emu.vm(vm).startCount(), vm + " started once\n" + log);
                assertEquals(PowerState.RUNNING, emu.vm(vm).powerState(), vm);
            }
            List<String> lines = log.lines().toList();
            for (String line : lines) {
                assertTrue(LOG_LINE.matcher(line).matches(), "a torn or interleaved line: " + line);
            }
            assertEquals(3, lines.stream().filter(l -> l.contains(" invoked Resume ")).count(), log);
            assertEquals(1, lines.stream().filter(l -> l.contains(" invoked Suspend ")).count(), log);
            assertEquals(4, lines.stream().filter(l -> l.contains(" summary: ")).count(), log);
        }
    }

    @Test
    void resumeProgramWorksWithAnEmptyEnvironmentAndClosedStdio() throws Exception {
        String secret = "it-secret";
        try (ArmEmulator emu = ArmEmulator.builder().resourceGroup("hpc1-burst").clientSecret(secret)
                .generate("azc[001-002]", vm -> vm.resourceGroup("hpc1-burst").tag("slurm-cluster", "hpc1"))
                .lroDuration(Duration.ofMillis(500)).retryAfterSeconds(1).start()) {
            Path slurmConf = setUp(emu, secret, "azc[001-002]");
            Path calls = dir.resolve("scontrol.calls");
            Path log = dir.resolve("power_save.log");
            Path resumeFile = dir.resolve("resume.json");
            Files.writeString(resumeFile,
                    "{\"jobs\":[{\"job_id\":41,\"nodes\":\"azc[001-002]\"}],\"all_nodes\":\"azc[001-002]\"}");

            Process p = start(slurmConf, "slurm-azure-resume", "azc[001-002]", resumeFile);
            assertTrue(p.waitFor(90, TimeUnit.SECONDS), "the resume program did not finish");

            String logText = Files.readString(log, StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), logText);
            assertEquals(PowerState.RUNNING, emu.vm("azc001").powerState());
            assertEquals(PowerState.RUNNING, emu.vm("azc002").powerState());
            assertTrue(logText.contains("invoked Resume " + CHECKOUT.resolve("bin/slurm-azure-resume") + " azc[001-002]"),
                    logText);
            assertTrue(logText.contains("node=azc001 vm=hpc1-burst/azc001 action=start result=ok"), logText);
            assertTrue(logText.contains("jobs=41"), logText);
            assertTrue(!logText.contains(secret), "the secret reached the log");
            // NodeAddr of both nodes, in one batch or one per flush.
            List<String> scontrolCalls = Files.readAllLines(calls);
            String all = String.join("\n", scontrolCalls);
            for (String call : scontrolCalls) {
                assertTrue(call.matches("update nodename=\\S+ nodeaddr=\\S+ nodehostname=\\S+"), call);
            }
            assertTrue(all.contains("azc001") && all.contains("azc002")
                    && all.contains(emu.vm("azc001").privateIp()) && all.contains(emu.vm("azc002").privateIp()), all);
        }
    }

    @Test
    void suspendDeallocatesAndResumeFailDeallocatesAndReturnsTheNodesToService() throws Exception {
        try (ArmEmulator emu = ArmEmulator.builder().resourceGroup("hpc1-burst").clientSecret("s")
                .generate("azc[001-003]", vm -> vm.resourceGroup("hpc1-burst").tag("slurm-cluster", "hpc1")
                        .powerState(PowerState.RUNNING))
                .lroDuration(Duration.ofMillis(300)).retryAfterSeconds(1).start()) {
            Path slurmConf = setUp(emu, "s", "azc[001-003]");

            Process suspend = start(slurmConf, "slurm-azure-suspend", "azc[001-002]");
            assertTrue(suspend.waitFor(90, TimeUnit.SECONDS), "the suspend program did not finish");
            Process resumeFail = start(slurmConf, "slurm-azure-resume-fail", "azc003");
            assertTrue(resumeFail.waitFor(90, TimeUnit.SECONDS), "the resume-fail program did not finish");

            String log = Files.readString(dir.resolve("power_save.log"), StandardCharsets.UTF_8);
            assertEquals(0, suspend.exitValue(), log);
            assertEquals(0, resumeFail.exitValue(), log);
            for (String vm : List.of("azc001", "azc002", "azc003")) {
                assertEquals(PowerState.DEALLOCATED, emu.vm(vm).powerState(), vm);
                assertEquals(1, emu.vm(vm).deallocateCount(), vm);
                assertTrue(log.contains("node=" + vm + " vm=hpc1-burst/" + vm
                        + " action=deallocate result=ok state=running->deallocated ip=- "), log);
            }
            assertTrue(log.contains("User root invoked Suspend " + CHECKOUT.resolve("bin/slurm-azure-suspend")
                    + " azc[001-002]") || log.contains(" invoked Suspend " + CHECKOUT.resolve("bin/slurm-azure-suspend")
                    + " azc[001-002]"), log);
            assertTrue(log.contains(" invoked ResumeFail " + CHECKOUT.resolve("bin/slurm-azure-resume-fail")
                    + " azc003"), log);
            assertTrue(log.contains("slurm: return to service [azc003]: done"), log);
            assertTrue(log.contains("summary: suspend 2 nodes: 2 ok, 0 failed, wall "), log);
            assertTrue(log.contains("summary: resume-fail 1 nodes: 1 ok, 0 failed, wall "), log);
            assertEquals(List.of("update nodename=azc003 state=resume"),
                    Files.readAllLines(dir.resolve("scontrol.calls")));
            for (String line : log.lines().toList()) {
                assertTrue(LOG_LINE.matcher(line).matches(), "a torn or interleaved line: " + line);
            }
        }
    }

    /**
     * ARM's error bodies as the Azure SDK reads them (with azure-json: the native executable has no Jackson data
     * binding, docs/native-image.md): a VM read on its own answers 404 ResourceNotFound, a start 409 QuotaExceeded.
     * The failure classes and Slurm's reasons come from those codes, so a body the SDK could not read would show.
     */
    @Test
    void armErrorBodiesReadByTheSdkGiveTheirCodes() throws Exception {
        try (ArmEmulator emu = ArmEmulator.builder().resourceGroup("hpc1-burst").clientSecret("s")
                .generate("azc[001-002]", vm -> vm.resourceGroup("hpc1-burst").tag("slurm-cluster", "hpc1"))
                .vm(VmSpec.of("azc003").resourceGroup("hpc1-burst").tag("slurm-cluster", "hpc1").missing(true))
                .lroDuration(Duration.ofMillis(300)).retryAfterSeconds(1).start()) {
            emu.addFault(FaultRule.on("POST", "/azc002/start$").status(409, "QuotaExceeded"));
            Path slurmConf = setUp(emu, "s", "azc[001-003]");

            Process p = start(slurmConf, "slurm-azure-resume", "azc[001-003]", null);
            assertTrue(p.waitFor(90, TimeUnit.SECONDS), "the resume program did not finish");

            String log = Files.readString(dir.resolve("power_save.log"), StandardCharsets.UTF_8);
            assertEquals(1, p.exitValue(), log);
            assertEquals(PowerState.RUNNING, emu.vm("azc001").powerState());
            assertEquals(PowerState.DEALLOCATED, emu.vm("azc002").powerState());
            assertTrue(log.contains("node=azc002 vm=hpc1-burst/azc002 action=start result=failed class=quota "), log);
            assertTrue(log.contains("node=azc003 vm=hpc1-burst/azc003 action=none result=failed class=not-found "),
                    log);
            String calls = String.join("\n", Files.readAllLines(dir.resolve("scontrol.calls")));
            assertTrue(calls.contains("nodename=azc002 state=down reason=azure: quota: QuotaExceeded"), calls);
            assertTrue(calls.contains("nodename=azc003 state=down reason=azure: not-found: ResourceNotFound"), calls);
        }
    }

    /**
     * Twenty nodes, so the VMs and their NICs are read with list calls; one start fails for capacity, one VM is gone
     * (404), ARM answers 429 to starts (four times). Not to a list call: the pipeline retries nothing itself, and a
     * throttled list call makes the program read the VMs one by one instead, which the smaller tests cover.
     */
    @Test
    void twentyNodesWithListCallsFailuresAndThrottling() throws Exception {
        try (ArmEmulator emu = twentyNodeEmulator()) {
            Outcome o = resumeTwentyNodes(runtime, dir, emu);

            assertEquals(1, o.exit, o.log);
            for (int i = 1; i <= 18; i++) {
                String vm = String.format("azc%03d", i);
                assertEquals(PowerState.RUNNING, emu.vm(vm).powerState(), vm);
                assertEquals(1, emu.vm(vm).startCount(), vm);
                assertTrue(o.log.contains("node=" + vm + " vm=hpc1-burst/" + vm + " action=start result=ok "
                        + "state=deallocated->running ip=" + emu.vm(vm).privateIp() + " "), o.log);
            }
            assertEquals(PowerState.DEALLOCATED, emu.vm("azc019").powerState());
            assertEquals(4, emu.statusCount(429), "the injected 429s");
            assertTrue(o.log.contains("read 19 of 20 VMs and 19 addresses with list calls in "), o.log);
            assertTrue(o.log.contains("node=azc019 vm=hpc1-burst/azc019 action=start result=failed class=capacity "),
                    o.log);
            assertTrue(o.log.contains("node=azc020 vm=hpc1-burst/azc020 action=none result=failed class=not-found "),
                    o.log);
            assertTrue(o.log.contains("summary: resume 20 nodes: 18 ok, 2 failed, wall "), o.log);
            assertTrue(o.log.contains(" Azure requests, 4 throttled"), o.log);
            assertEquals(0, emu.count("GET", "/networkInterfaces/."), "NICs are listed, not read one by one");
            String calls = String.join("\n", o.scontrolCalls);
            assertTrue(calls.contains("nodename=azc019 state=down reason=azure: capacity: AllocationFailed: "), calls);
            assertTrue(calls.contains("nodename=azc020 state=down reason=azure: not-found: "), calls);
            for (String line : o.log.lines().toList()) {
                assertTrue(LOG_LINE.matcher(line).matches(), "a torn or interleaved line: " + line);
            }
        }
    }

    /**
     * The native executable's power_save.log says what the JVM's says: the twenty-node run of
     * {@link #twentyNodesWithListCallsFailuresAndThrottling} on both, each against its own emulator; every line but
     * the batched scontrol ones (grouped as outcomes arrive) is compared with times, pids and counts of polls masked.
     */
    @Test
    void nativeLogLinesAreTheJvms() throws Exception {
        assumeTrue(runtime == ProgramRuntime.NATIVE, "compares a native run with a JVM run");
        Map<String, Integer> jvm;
        Map<String, Integer> image;
        try (ArmEmulator emu = twentyNodeEmulator()) {
            jvm = comparable(resumeTwentyNodes(ProgramRuntime.JVM, Files.createDirectories(dir.resolve("jvm")), emu));
        }
        try (ArmEmulator emu = twentyNodeEmulator()) {
            image = comparable(resumeTwentyNodes(ProgramRuntime.NATIVE, Files.createDirectories(dir.resolve("native")),
                    emu));
        }
        assertTrue(jvm.size() > 20, jvm.toString());
        assertEquals(jvm, image);
    }

    record Outcome(int exit, String log, List<String> scontrolCalls) {
    }

    private static ArmEmulator twentyNodeEmulator() throws Exception {
        return ArmEmulator.builder().resourceGroup("hpc1-burst").clientSecret("s")
                .generate("azc[001-018]", vm -> vm.resourceGroup("hpc1-burst").tag("slurm-cluster", "hpc1"))
                .vm(VmSpec.of("azc019").resourceGroup("hpc1-burst").tag("slurm-cluster", "hpc1")
                        .startFailure(VmSpec.ALLOCATION_FAILED))
                .vm(VmSpec.of("azc020").resourceGroup("hpc1-burst").tag("slurm-cluster", "hpc1").missing(true))
                .lroDuration(Duration.ofMillis(300)).retryAfterSeconds(1).start();
    }

    private static Outcome resumeTwentyNodes(ProgramRuntime runtime, Path dir, ArmEmulator emu) throws Exception {
        emu.addFault(FaultRule.on("POST", "/azc004/start$").status(429).retryAfter(1).times(1));
        emu.addFault(FaultRule.on("POST", "/azc00[12]/start$").status(429).retryAfter(1).times(2));
        emu.addFault(FaultRule.on("POST", "/azc003/start$").status(429).retryAfter(1).times(1));
        Path slurmConf = setUp(dir, emu, "s", "azc[001-020]");
        Process p = start(runtime, dir, slurmConf, "slurm-azure-resume", "azc[001-020]", null);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), runtime + ": the resume program did not finish");
        Path calls = dir.resolve("scontrol.calls");
        return new Outcome(p.exitValue(), Files.readString(dir.resolve("power_save.log"), StandardCharsets.UTF_8),
                Files.exists(calls) ? Files.readAllLines(calls) : List.of());
    }

    /** Masks what differs between any two runs: the time, the pid, durations, request counts. */
    private static final Pattern DURATION = Pattern.compile("\\b\\d+(\\.\\d+)? ?(s|ms)\\b");

    private static Map<String, Integer> comparable(Outcome o) {
        Map<String, Integer> lines = new TreeMap<>();
        for (String line : o.log.lines().toList()) {
            String body = line.replaceFirst("^\\S+ (\\S+) +\\[\\d+\\] ", "$1 ");
            if (body.contains(" slurm: ")) {
                continue; // batched as outcomes arrive
            }
            body = DURATION.matcher(body).replaceAll("<t>").replaceAll("\\d+ Azure requests", "<n> Azure requests")
                    .replaceAll("vmId=[0-9a-f-]+", "vmId=<id>");
            lines.merge(body, 1, Integer::sum);
        }
        lines.put("exit " + o.exit, 1);
        return lines;
    }

    @Test
    void aProgramStoppedBySigtermNamesEveryUnfinishedNodeAndItsVm() throws Exception {
        try (ArmEmulator emu = ArmEmulator.builder().resourceGroup("hpc1-burst").clientSecret("s")
                .vm(VmSpec.of("azc001").resourceGroup("hpc1-burst").tag("slurm-cluster", "hpc1").startHangs(true))
                .vm(VmSpec.of("azc002").resourceGroup("hpc1-burst").tag("slurm-cluster", "hpc1").startHangs(true))
                .lroDuration(Duration.ofMillis(500)).retryAfterSeconds(1).start()) {
            Path slurmConf = setUp(emu, "s", "azc[001-002]");
            Process p = start(slurmConf, "slurm-azure-resume", "azc[001-002]");
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (emu.count("POST", "/start$") < 2 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            Thread.sleep(300);

            p.toHandle().destroy(); // SIGTERM, as slurmscriptd's kill timer sends it (23.02+)
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));

            String log = Files.readString(dir.resolve("power_save.log"), StandardCharsets.UTF_8);
            assertTrue(log.contains("resume: stopped by a signal before 2 node(s) had an outcome"), log);
            for (String node : List.of("azc001", "azc002")) {
                assertTrue(log.contains("node=" + node + " vm=hpc1-burst/" + node + ": stopped while start accepted, "
                        + "waiting for it to finish: no outcome reported to Slurm; if the VM starts, ResumeFailProgram "
                        + "deallocates it after ResumeTimeout"), log);
            }
            for (String line : log.lines().toList()) {
                assertTrue(LOG_LINE.matcher(line).matches(), "a torn line: " + line);
            }
        }
    }
}
