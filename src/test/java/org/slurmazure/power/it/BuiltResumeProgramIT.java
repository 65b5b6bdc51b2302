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

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slurmazure.power.emulator.ArmEmulator;
import org.slurmazure.power.emulator.PowerState;

/**
 * The built {@code bin/slurm-azure-resume} run the way slurmctld runs it: a separate process, an empty
 * environment but SLURM_CONF and SLURM_RESUME_FILE, stdin, stdout and stderr closed, one argument. Its only
 * outputs are Azure (the emulator), scontrol (a recording script) and power_save.log.
 */
class BuiltResumeProgramIT {
    static final Path CHECKOUT = Path.of("").toAbsolutePath();

    @TempDir
    Path dir;

    @Test
    void resumeProgramWorksWithAnEmptyEnvironmentAndClosedStdio() throws Exception {
        String secret = "it-secret";
        try (ArmEmulator emu = ArmEmulator.builder().resourceGroup("hpc1-burst").clientSecret(secret)
                .generate("azc[001-002]", vm -> vm.resourceGroup("hpc1-burst").tag("slurm-cluster", "hpc1"))
                .lroDuration(Duration.ofMillis(500)).retryAfterSeconds(1).start()) {
            Path etc = Files.createDirectories(dir.resolve("etc"));
            Files.writeString(etc.resolve("slurm.conf"), "# only its directory matters here\n");
            Path secretFile = etc.resolve("azure-power.secret");
            Files.writeString(secretFile, secret + "\n");
            Files.setPosixFilePermissions(secretFile, PosixFilePermissions.fromString("rw-------"));
            Path calls = dir.resolve("scontrol.calls");
            Path scontrol = dir.resolve("scontrol");
            Files.writeString(scontrol, "#!/bin/bash\nprintf '%s\\n' \"$*\" >> " + calls + "\n");
            Files.setPosixFilePermissions(scontrol, PosixFilePermissions.fromString("rwxr-xr-x"));
            Path log = dir.resolve("power_save.log");
            Files.writeString(etc.resolve("azure-power.yaml"), """
                    azure:
                      cloud: custom
                      endpoints: { resourceManager: %s, authority: %s }
                      subscriptionId: %s
                      credential: { type: client-secret, tenantId: %s, clientId: %s, secretFile: %s }
                      caCertificates: %s
                    cluster: { tag: { name: slurm-cluster, value: hpc1 } }
                    nodeGroups: [ { nodes: "azc[001-002]", resourceGroup: hpc1-burst } ]
                    slurm: { scontrol: %s }
                    limits: { resumeDeadline: 60s }
                    log: { file: %s }
                    stateDir: %s
                    """.formatted(emu.baseUrl(), emu.baseUrl(), emu.subscriptionId(), emu.tenantId(), emu.clientId(),
                    secretFile, emu.caCertificatePem(), scontrol, log, dir.resolve("state")));
            Path resumeFile = dir.resolve("resume.json");
            Files.writeString(resumeFile,
                    "{\"jobs\":[{\"job_id\":41,\"nodes\":\"azc[001-002]\"}],\"all_nodes\":\"azc[001-002]\"}");

            // bash closes fds 0-2, then execs the program, as slurmctld 22.05 does (closeall before exec).
            ProcessBuilder pb = new ProcessBuilder("/bin/bash", "-c", "exec 0<&- 1>&- 2>&-; exec \"$0\" \"$1\"",
                    CHECKOUT.resolve("bin/slurm-azure-resume").toString(), "azc[001-002]");
            pb.environment().clear();
            pb.environment().put("SLURM_CONF", etc.resolve("slurm.conf").toString());
            pb.environment().put("SLURM_RESUME_FILE", resumeFile.toString());
            pb.directory(dir.toFile());
            Process p = pb.start();
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
}
