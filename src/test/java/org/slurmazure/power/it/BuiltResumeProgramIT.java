package org.slurmazure.power.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slurmazure.power.emulator.ArmEmulator;
import org.slurmazure.power.emulator.PowerState;
import org.slurmazure.power.emulator.VmSpec;
import org.slurmazure.power.testing.SecretScan;

/**
 * The built {@code bin/slurm-azure-resume} run the way slurmctld runs it: a separate process, an empty
 * environment but SLURM_CONF and SLURM_RESUME_FILE, stdin, stdout and stderr closed, one argument. Its only
 * outputs are Azure (the emulator), scontrol (a recording script) and power_save.log.
 */
class BuiltResumeProgramIT {
    static final Path CHECKOUT = Path.of("").toAbsolutePath();
    /** date, level, [pid], message: every line whole, never two interleaved. */
    static final java.util.regex.Pattern LOG_LINE = java.util.regex.Pattern.compile(
            "^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d) (INFO |WARN |ERROR|DEBUG) \\[\\d+\\] \\S.*$");

    @TempDir
    Path dir;

    @AfterEach
    void recordTheLogForTheSecretScan() {
        SecretScan.file("built-program-power_save.log", dir.resolve("power_save.log"));
    }

    /** Writes slurm.conf (only its directory matters), azure-power.yaml beside it, the secret and a fake scontrol. */
    private Path setUp(ArmEmulator emu, String secret, String nodes) throws Exception {
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
        ProcessBuilder pb = new ProcessBuilder("/bin/bash", "-c", "exec 0<&- 1>&- 2>&-; exec \"$0\" \"$1\"",
                CHECKOUT.resolve("bin/" + program).toString(), hostlist);
        pb.environment().clear();
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
