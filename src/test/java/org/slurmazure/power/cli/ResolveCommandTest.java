package org.slurmazure.power.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slurmazure.power.config.ConfigFixtures;

class ResolveCommandTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return SlurmAzurePower.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
    }

    private Path config() throws Exception {
        return ConfigFixtures.write(dir, ConfigFixtures.MINIMAL + """
                  - name: gpu
                    nodes: "gpu[01-08]"
                    resourceGroup: hpc1-gpu
                    vmName: "hpc1-{node}"
                    subscriptionId: 22222222-3333-4444-5555-666666666666
                """);
    }

    @Test
    void givenMatchedNodes_whenResolved_thenTableInInputOrderAndExitZero() throws Exception {
        Path file = config();

        int exit = run("resolve", "--config", file.toString(), "gpu01,azc[009-010]");

        assertEquals(ExitCode.OK, exit, err.toString());
        assertEquals(List.of(
                "NODE    GROUP   SUBSCRIPTION                          RESOURCE GROUP  VM NAME",
                "gpu01   gpu     22222222-3333-4444-5555-666666666666  hpc1-gpu        hpc1-gpu01",
                "azc009  group1  11111111-2222-3333-4444-555555555555  hpc1-burst      azc009",
                "azc010  group1  11111111-2222-3333-4444-555555555555  hpc1-burst      azc010"),
                out.toString().lines().toList());
        assertEquals("", err.toString());
    }

    @Test
    void givenUnmatchedNodes_whenResolved_thenTheyAreErrorsOnStderrAndExit1() throws Exception {
        Path file = config();

        int exit = run("resolve", "--config", file.toString(), "azc[100-102],onprem1");

        assertEquals(ExitCode.PARTIAL_FAILURE, exit);
        assertEquals(2, out.toString().lines().count(), out.toString());
        assertTrue(out.toString().lines().toList().get(1).startsWith("azc100  "), out.toString());
        assertEquals("resolve: 3 nodes match no node group of " + file + ": " + "azc[101-102],onprem1"
                + System.lineSeparator(), err.toString());
    }

    @Test
    void givenInvalidHostlist_whenResolved_thenExit2WithTheReason() throws Exception {
        Path file = config();

        int exit = run("resolve", "--config", file.toString(), "azc[3-1]");

        assertEquals(ExitCode.INVALID_INPUT, exit);
        assertEquals("", out.toString());
        assertEquals(1, err.toString().lines().count(), err.toString());
        assertTrue(err.toString().startsWith("resolve: invalid hostlist \"azc[3-1]\": "), err.toString());
    }

    @Test
    void givenBrokenConfig_whenResolved_thenExit3WithEveryProblem() throws Exception {
        Path file = ConfigFixtures.write(dir, ConfigFixtures.MINIMAL.replace(ConfigFixtures.SUBSCRIPTION, "abc")
                .replace("hpc1-burst", "rg/x"));

        int exit = run("resolve", "--config", file.toString(), "azc001");

        assertEquals(ExitCode.CONFIG_ERROR, exit);
        assertEquals("", out.toString());
        assertEquals(List.of(
                "resolve: " + file + ":2:19: azure.subscriptionId: found \"abc\", expected a subscription GUID like"
                        + " 11111111-2222-3333-4444-555555555555",
                file + ":8:20: nodeGroups[0].resourceGroup: found \"rg/x\", expected a resource group name (1-90"
                        + " letters, digits, '.', '_', '-', '(' or ')', not ending with '.')"),
                err.toString().lines().toList());
    }

    @Test
    void givenMissingConfig_whenResolved_thenExit3() {
        Path file = dir.resolve("absent.yaml");

        int exit = run("resolve", "--config", file.toString(), "azc001");

        assertEquals(ExitCode.CONFIG_ERROR, exit);
        assertEquals("resolve: " + file + ": cannot read the configuration: no such file (start from"
                + " etc/azure-power.example.yaml, or pass --config FILE)" + System.lineSeparator(), err.toString());
    }
}
