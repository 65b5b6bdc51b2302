package org.slurmazure.power.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slurmazure.power.config.ConfigFixtures;

class ConfigCheckCommandTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return SlurmAzurePower.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
    }

    private String secretConfig(String secretMode) throws Exception {
        ConfigFixtures.file(dir, "azure-power.secret", "TopSecretValue-123\n", secretMode);
        return ConfigFixtures.MINIMAL.replace("  credential: { type: managed-identity }\n", """
                  credential:
                    type: client-secret
                    tenantId: aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee
                    clientId: 99999999-8888-7777-6666-555555555555
                    secretFile: DIR/azure-power.secret
                """.replace("DIR", dir.toString()));
    }

    @Test
    void givenValidConfig_whenChecked_thenSummaryOnStdoutAndExitZero() throws Exception {
        Path file = ConfigFixtures.full(dir);

        int exit = run("config", "check", "--config", file.toString());

        assertEquals(ExitCode.OK, exit, err.toString());
        assertEquals("", err.toString());
        List<String> lines = out.toString().lines().toList();
        assertEquals(file + ": valid", lines.get(0));
        assertTrue(lines.contains("  cloud                 AzureCloud"), out.toString());
        assertTrue(lines.contains("  resourceManager       https://management.azure.com/"), out.toString());
        assertTrue(lines.contains("    certificateFile     " + dir.resolve("azure-power.pem") + ": present, mode 0600"
                + " (safe), owner " + System.getProperty("user.name")), out.toString());
        assertTrue(lines.contains("nodeGroups (2 groups, 108 nodes)"), out.toString());
        assertTrue(lines.contains("  group1                azc[001-100] (100 nodes)"), out.toString());
        assertTrue(lines.contains("    vmName              hpc1-{node} (gpu01 -> hpc1-gpu01)"), out.toString());
        assertTrue(lines.contains("  resumeDeadline        540s (keep ResumeTimeout in slurm.conf well above it,"
                + " e.g. 600)"), out.toString());
        assertTrue(lines.contains("  requestTimeout        1500ms"), out.toString());
        assertTrue(lines.contains("stateDir                " + dir.resolve("state")), out.toString());
    }

    @Test
    void givenBrokenConfig_whenChecked_thenOneLinePerProblemOnStderrAndExit3() throws Exception {
        Path file = ConfigFixtures.write(dir, ConfigFixtures.MINIMAL
                .replace(ConfigFixtures.SUBSCRIPTION, "abc").replace("resourceGroup:", "resourcegroup:"));

        int exit = run("config", "check", "--config", file.toString());

        assertEquals(ExitCode.CONFIG_ERROR, exit);
        assertEquals("", out.toString());
        assertEquals(List.of(
                file + ":2:19: azure.subscriptionId: found \"abc\", expected a subscription GUID like"
                        + " 11111111-2222-3333-4444-555555555555",
                file + ":7:5: nodeGroups[0].resourceGroup: missing; expected a resource group name (1-90 letters,"
                        + " digits, '.', '_', '-', '(' or ')', not ending with '.')",
                file + ":8:5: nodeGroups[0].resourcegroup: unknown key; did you mean \"resourceGroup\"?"),
                err.toString().lines().filter(l -> !l.contains(": warning: ")).toList());
    }

    @Test
    void givenMissingConfigFile_whenChecked_thenOneLineAndExit3() {
        Path file = dir.resolve("nope.yaml");

        int exit = run("config", "check", "--config", file.toString());

        assertEquals(ExitCode.CONFIG_ERROR, exit);
        assertEquals(file + ": cannot read the configuration: no such file (start from etc/azure-power.example.yaml,"
                + " or pass --config FILE)" + System.lineSeparator(), err.toString());
        assertEquals("", out.toString());
    }

    @Test
    void givenSyntaxError_whenChecked_thenLineAndColumnAndExit3() throws Exception {
        Path file = ConfigFixtures.write(dir, "azure: [\n");

        int exit = run("config", "check", "-c", file.toString());

        assertEquals(ExitCode.CONFIG_ERROR, exit);
        assertEquals(1, err.toString().lines().count(), err.toString());
        assertTrue(err.toString().startsWith(file + ":2:1: YAML syntax error: "), err.toString());
    }

    @Test
    void givenSecretFileWithMode0600_whenChecked_thenItIsReportedSafeAndItsContentNeverPrinted() throws Exception {
        Path file = ConfigFixtures.write(dir, secretConfig("rw-------"));

        int exit = run("config", "check", "--config", file.toString());

        assertEquals(ExitCode.OK, exit, err.toString());
        assertTrue(out.toString().contains("    secretFile          " + dir.resolve("azure-power.secret")
                + ": present, mode 0600 (safe)"), out.toString());
        assertFalse(out.toString().contains("TopSecretValue"), out.toString());
        assertFalse(err.toString().contains("TopSecretValue"), err.toString());
    }

    @Test
    void givenSecretFileWithMode0644_whenChecked_thenExit3AndItsContentNeverPrinted() throws Exception {
        Path file = ConfigFixtures.write(dir, secretConfig("rw-r--r--"));

        int exit = run("config", "check", "--config", file.toString());

        assertEquals(ExitCode.CONFIG_ERROR, exit);
        Path secret = dir.resolve("azure-power.secret");
        assertTrue(err.toString().contains(file + ":7:17: azure.credential.secretFile: found mode 0644 on " + secret
                + " (group or others can access it), expected mode 0600 or 0400 (chmod 600 " + secret + ")"),
                err.toString());
        assertFalse(out.toString().contains("TopSecretValue"), out.toString());
        assertFalse(err.toString().contains("TopSecretValue"), err.toString());
    }

    @Test
    void givenValidConfigWithWarnings_whenChecked_thenWarningsOnStderrAndExitZero() throws Exception {
        Path file = ConfigFixtures.write(dir, ConfigFixtures.MINIMAL + "limits: { resumeDeadline: 60s }\n");

        int exit = run("config", "check", "--config", file.toString());

        assertEquals(ExitCode.OK, exit, err.toString());
        assertTrue(err.toString().lines().anyMatch(l -> l.startsWith(file + ":9:27: warning: limits.resumeDeadline:"
                + " 60s is short")), err.toString());
        assertTrue(out.toString().lines().findFirst().orElse("").startsWith(file + ": valid ("), out.toString());
    }

    @Test
    void givenConfigWithoutSubcommand_whenRun_thenUsageErrorExit2() {
        int exit = run("config");

        assertEquals(ExitCode.INVALID_INPUT, exit);
        assertTrue(err.toString().startsWith("config: a subcommand is required"), err.toString());
    }

    @Test
    void givenSlurmTimeoutsBelowTheDeadlines_whenChecked_thenEachIsAWarningWithTheLimitTheProgramsUse()
            throws Exception {
        Path file = ConfigFixtures.full(dir);
        java.nio.file.Files.delete(dir.resolve("scontrol"));
        org.slurmazure.power.slurm.FakeScontrol.install(dir).showConfig(
                "SLURM_VERSION = 24.11.5\nResumeTimeout = 300 sec\nSuspendTimeout = 60 sec\n");

        int exit = run("config", "check", "--config", file.toString());

        assertEquals(ExitCode.OK, exit, err.toString());
        List<String> lines = out.toString().lines().toList();
        assertTrue(lines.contains("slurm.conf (scontrol show config)"), out.toString());
        assertTrue(lines.contains("  ResumeTimeout         300 s"), out.toString());
        assertTrue(lines.contains("  kill timer            300 s after a program starts (Slurm 23.02+ kills it then)"),
                out.toString());
        assertTrue(err.toString().contains(file + ": warning: limits.resumeDeadline: 540s does not fit in Slurm's "
                + "limits (ResumeTimeout=300): every resume ends within 270 s"), err.toString());
        assertFalse(err.toString().contains("limits.suspendDeadline"), err.toString());
    }

    @Test
    void givenNoAnswerFromScontrol_whenChecked_thenTheSummarySaysSoAndTheExitIsStillZero() throws Exception {
        Path file = ConfigFixtures.full(dir);
        java.nio.file.Files.writeString(dir.resolve("scontrol"), "#!/bin/sh\necho 'slurm_load_ctl_conf error: "
                + "Unable to contact slurm controller' >&2\nexit 1\n");

        int exit = run("config", "check", "--config", file.toString());

        assertEquals(ExitCode.OK, exit, err.toString());
        assertTrue(out.toString().contains("  not read              scontrol show config failed with exit code 1: "
                + "slurm_load_ctl_conf error: Unable to contact slurm controller"), out.toString());
    }

    @Test
    void givenResumeTimeoutInfinite_whenChecked_thenAWarningSaysWhatItCostsAndNoDeadlineIsCut() throws Exception {
        Path file = ConfigFixtures.full(dir);
        java.nio.file.Files.delete(dir.resolve("scontrol"));
        org.slurmazure.power.slurm.FakeScontrol.install(dir).showConfig(
                "SLURM_VERSION = 25.05.3\nResumeTimeout = INFINITE\nSuspendTimeout = 180 sec\n");

        int exit = run("config", "check", "--config", file.toString());

        assertEquals(ExitCode.OK, exit, err.toString());
        List<String> lines = out.toString().lines().toList();
        assertTrue(lines.contains("  ResumeTimeout         INFINITE"), out.toString());
        assertTrue(lines.contains("  kill timer            none in practice (ResumeTimeout=INFINITE)"), out.toString());
        assertTrue(err.toString().contains("warning: slurm.conf: ResumeTimeout=INFINITE: Slurm never gives up"),
                err.toString());
        assertFalse(err.toString().contains("does not fit"), err.toString());
    }
}
