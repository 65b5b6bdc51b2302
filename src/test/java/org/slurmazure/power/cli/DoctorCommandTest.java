package org.slurmazure.power.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slurmazure.power.emulator.AccessScope;
import org.slurmazure.power.emulator.ArmEmulator;
import org.slurmazure.power.emulator.PowerState;
import org.slurmazure.power.emulator.VmSpec;

/**
 * doctor rehearsed whole, through the real command line: the ARM emulator over HTTPS, a fake scontrol answering
 * show config/partition/node as a slurmctld set up per etc/slurm.conf.example, this checkout's programs, and slurmd
 * played by listening sockets on loopback addresses (127.0.1.x) that the VMs' private IPs point at. First a set-up
 * that passes, then each broken set-up the issue names, seeded one at a time: doctor must find exactly it.
 */
class DoctorCommandTest {
    static final String LIMITS = "limits: { resumeDeadline: 540s, suspendDeadline: 100s, requestTimeout: 5s }\n";
    /** The VMs of azc001..azc003 run; their slurmd listens. */
    static final int RUNNING = 3;

    @TempDir
    Path dir;

    final List<ServerSocket> slurmds = new ArrayList<>();
    int slurmdPort;

    @BeforeEach
    void slurmdsListen() throws IOException {
        ServerSocket first = new ServerSocket(0, 50, InetAddress.getByName(ip(1)));
        slurmds.add(first);
        slurmdPort = first.getLocalPort();
        for (int i = 2; i <= RUNNING; i++) {
            slurmds.add(new ServerSocket(slurmdPort, 50, InetAddress.getByName(ip(i))));
        }
    }

    @AfterEach
    void slurmdsStop() throws IOException {
        for (ServerSocket s : slurmds) {
            s.close();
        }
    }

    /** The private IP of azc0NN: a loopback address of its own. */
    static String ip(int n) {
        return "127.0.1." + n;
    }

    static String node(int n) {
        return String.format("azc%03d", n);
    }

    /** 20 tagged VMs in hpc1-burst, each at its own loopback IP; the first three running. */
    static ArmEmulator.Builder world(Consumer<VmSpec> customize) {
        ArmEmulator.Builder b = PowerTestBed.emulator(0);
        for (int n = 1; n <= 20; n++) {
            VmSpec vm = PowerTestBed.vm(node(n)).privateIp(ip(n));
            if (n <= RUNNING) {
                vm.powerState(PowerState.RUNNING);
            }
            customize.accept(vm);
            b.vm(vm);
        }
        return b;
    }

    static ArmEmulator.Builder world() {
        return world(vm -> {});
    }

    /** scontrol show config of a slurmctld set up as etc/slurm.conf.example says, with this checkout's programs. */
    String showConfig(String user, Path resumeProgram) {
        Path bin = Path.of("bin").toAbsolutePath();
        return """
                Configuration data as of 2026-12-06T10:00:00
                PrivateData             = cloud
                ReconfigFlags           = KeepPowerSaveSettings
                ResumeFailProgram       = %s/slurm-azure-resume-fail
                ResumeProgram           = %s
                ResumeTimeout           = 600 sec
                ReturnToService         = 2
                SlurmUser               = %s(0)
                SlurmctldParameters     = idle_on_node_suspend
                SlurmdPort              = %d
                SLURM_VERSION           = 24.11.5
                SuspendExcNodes         = (null)
                SuspendExcParts         = onprem
                SuspendExcStates        = (null)
                SuspendProgram          = %s/slurm-azure-suspend
                SuspendTime             = NONE
                SuspendTimeout          = 180 sec
                TreeWidth               = 65533
                """.formatted(bin, resumeProgram, user, slurmdPort, bin);
    }

    /** The fake slurmctld: the example's settings, azc001..azc020 as cloud nodes (the first three up), one on-prem. */
    PowerTestBed bed(ArmEmulator.Builder emulator) throws IOException {
        return bed(dir, emulator);
    }

    PowerTestBed bed(Path dir, ArmEmulator.Builder emulator) throws IOException {
        Files.createDirectories(dir);
        PowerTestBed bed = new PowerTestBed(dir, emulator, LIMITS);
        Files.createDirectories(dir.resolve("state"));
        // ResumeProgram through a symbolic link, as sites often name it
        Path link = Files.createSymbolicLink(dir.resolve("resume"), Path.of("bin/slurm-azure-resume").toAbsolutePath());
        bed.scontrol.showConfig(showConfig(System.getProperty("user.name"), link));
        bed.scontrol.showPartitions(
                "PartitionName=burst AllowGroups=ALL Nodes=azc[001-020] ResumeTimeout=600 SuspendTimeout=180 "
                        + "SuspendTime=600 State=UP",
                "PartitionName=onprem AllowGroups=ALL Default=YES Nodes=on1 ResumeTimeout=GLOBAL SuspendTime=GLOBAL");
        List<String> nodes = new ArrayList<>();
        for (int n = 1; n <= 20; n++) {
            nodes.add("NodeName=" + node(n) + " Arch=x86_64 State=IDLE+CLOUD" + (n <= RUNNING ? "" : "+POWERED_DOWN")
                    + " NodeAddr=" + (n <= RUNNING ? ip(n) : node(n)) + " Partitions=burst");
        }
        nodes.add("NodeName=on1 Arch=x86_64 State=IDLE NodeAddr=on1 Partitions=onprem");
        bed.scontrol.showNodes(nodes.toArray(String[]::new));
        return bed;
    }

    /** The lines of the report that are not PASS (the summary aside). */
    static List<String> findings(PowerTestBed.Run run) {
        return run.out().lines().filter(l -> l.startsWith("WARN") || l.startsWith("FAIL")).toList();
    }

    static String line(PowerTestBed.Run run, String status, String check) {
        return run.out().lines()
                .filter(l -> l.startsWith(status) && l.substring(14).startsWith(check + " "))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + status + " " + check + " in\n" + run.out() + run.err()));
    }

    @Test
    void aCleanSetUpPassesEveryCheckAndExitsZero() throws Exception {
        try (PowerTestBed bed = bed(world())) {
            PowerTestBed.Run run = bed.run("doctor");

            assertEquals(List.of(), findings(run), run.out() + run.err());
            assertEquals(ExitCode.OK, run.exit(), run.out() + run.err());
            assertTrue(line(run, "PASS", "ResumeProgram").contains(dir.resolve("resume") + " (-> "
                    + Path.of("bin/slurm-azure-resume").toAbsolutePath().toRealPath()), run.out());
            assertTrue(line(run, "PASS", "token").matches(".*obtained with the client-secret credential in \\d+\\.\\d\\d s"),
                    run.out());
            line(run, "PASS", "role hpc1-burst");
            assertTrue(line(run, "PASS", "VMs").endsWith("the 20 VMs of the node groups exist, carry slurm-cluster=hpc1"
                    + " and have a private IP"), run.out());
            assertTrue(line(run, "PASS", "VM sizes").endsWith("Standard_D4s_v5 x20"), run.out());
            assertTrue(line(run, "PASS", "quota westeurope").contains("Total Regional vCPUs 12 of 1000 used; the 17 "
                    + "deallocated VMs need 68 more: room for all"), run.out());
            assertTrue(line(run, "PASS", "slurmd port").contains("slurmd's port " + slurmdPort + " answers on 3 running"
                    + " VMs (azc[001-003])"), run.out());
            assertTrue(run.out().strip().endsWith("0 warnings, 0 failures"), run.out());
            assertEquals(0, bed.emulator.count("POST", "/subscriptions/.*"), "doctor changes nothing in Azure");
            assertTrue(bed.emulator.count("GET", "/providers/Microsoft.Authorization/permissions") > 0);
            assertEquals(List.of(), bed.scontrolCalls(), "doctor changes nothing in Slurm");
            assertEquals("", bed.log(), "doctor writes no power_save.log");
        }
    }

    @Test
    void jsonHasEveryCheckAndTheSummary() throws Exception {
        try (PowerTestBed bed = bed(world())) {
            PowerTestBed.Run text = bed.run("doctor");
            PowerTestBed.Run json = bed.run("doctor", "--json");

            assertEquals(ExitCode.OK, json.exit(), json.out() + json.err());
            JsonNode root = new ObjectMapper().readTree(json.out());
            assertEquals(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(root)
                    + System.lineSeparator(), json.out(), "the text ObjectMapper's pretty printer writes");
            long lines = text.out().lines().filter(l -> l.startsWith("PASS")).count();
            assertEquals(lines, root.path("checks").size());
            assertEquals(lines, root.path("summary").path("pass").asLong());
            assertEquals(0, root.path("summary").path("fail").asLong());
            assertEquals("PASS", root.path("status").asText());
            JsonNode first = root.path("checks").get(0);
            assertEquals("config", first.path("area").asText());
            assertEquals("configuration", first.path("check").asText());
            assertTrue(root.path("checks").findValuesAsText("check").contains("slurmd port"), json.out());
        }
    }

    @Test
    void aProgramThatIsNotThisToolsFails() throws Exception {
        try (PowerTestBed bed = bed(world())) {
            Path other = dir.resolve("other-resume");
            Files.writeString(other, "#!/bin/sh\nexit 0\n");
            Files.setPosixFilePermissions(other, PosixFilePermissions.fromString("rwxr-xr-x"));
            bed.scontrol.showConfig(showConfig(System.getProperty("user.name"), other));

            PowerTestBed.Run run = bed.run("doctor");

            assertEquals(1, findings(run).size(), run.out());
            assertTrue(line(run, "FAIL", "ResumeProgram").contains(other + " is not this tool's resume program"),
                    run.out());
            assertEquals(ExitCode.CONFIG_ERROR, run.exit());
        }
    }

    @Test
    void aResumeTimeoutBelowTheDeadlineWarns() throws Exception {
        try (PowerTestBed bed = bed(world())) {
            bed.scontrol.showConfig(showConfig(System.getProperty("user.name"), dir.resolve("resume"))
                    .replace("ResumeTimeout           = 600 sec", "ResumeTimeout           = 300 sec"));

            PowerTestBed.Run run = bed.run("doctor");

            assertEquals(1, findings(run).size(), run.out());
            assertTrue(line(run, "WARN", "ResumeTimeout").contains("ResumeTimeout 300 s (global) leaves no room above "
                    + "limits.resumeDeadline 540s"), run.out());
            assertEquals(ExitCode.PARTIAL_FAILURE, run.exit());
        }
    }

    @Test
    void aCloudNodeInNoGroupFails() throws Exception {
        try (PowerTestBed bed = bed(world())) {
            List<String> nodes = new ArrayList<>(Files.readAllLines(dir.resolve("slurm/show-node")));
            nodes.add("NodeName=azc021 Arch=x86_64 State=IDLE+CLOUD+POWERED_DOWN NodeAddr=azc021 Partitions=burst");
            bed.scontrol.showNodes(nodes.toArray(String[]::new));

            PowerTestBed.Run run = bed.run("doctor");

            assertEquals(1, findings(run).size(), run.out());
            assertTrue(line(run, "FAIL", "cloud nodes").contains("1 State=CLOUD node in no node group: azc021"),
                    run.out());
            assertEquals(ExitCode.CONFIG_ERROR, run.exit());
        }
    }

    @Test
    void aRoleWithoutDeallocateFails() throws Exception {
        String lacks = "the role lacks " + AccessScope.VM_DEALLOCATE + " on hpc1-burst: suspends fail and VMs keep "
                + "billing";
        // the least-privilege role on the group, lacking deallocate there (the role lists it as a notAction)
        try (PowerTestBed bed = bed(dir.resolve("scoped"), world().access(AccessScope.resourceGroups("hpc1-burst")
                .deny("hpc1-burst", AccessScope.VM_DEALLOCATE)))) {
            PowerTestBed.Run run = bed.run("doctor");

            assertEquals(2, findings(run).size(), run.out());
            assertTrue(line(run, "FAIL", "role hpc1-burst").contains(lacks), run.out());
            line(run, "WARN", "quota westeurope"); // a scoped role cannot read the subscription's quotas
            assertEquals(ExitCode.CONFIG_ERROR, run.exit());
        }
        // a role over the subscription with wildcards (virtualMachines/*/action) less deallocate
        try (PowerTestBed bed = bed(dir.resolve("wide"), world().access(AccessScope.subscription()
                .deny("hpc1-burst", AccessScope.VM_DEALLOCATE)))) {
            PowerTestBed.Run run = bed.run("doctor");

            assertEquals(1, findings(run).size(), run.out());
            assertTrue(line(run, "FAIL", "role hpc1-burst").contains(lacks), run.out());
            assertEquals(ExitCode.CONFIG_ERROR, run.exit());
        }
    }

    @Test
    void anUntaggedVmFails() throws Exception {
        try (PowerTestBed bed = bed(world(vm -> {
            if (vm.name().equals("azc007")) {
                vm.tag("slurm-cluster", "another-cluster");
            }
        }))) {
            PowerTestBed.Run run = bed.run("doctor");

            assertEquals(1, findings(run).size(), run.out());
            assertTrue(line(run, "FAIL", "VMs").contains("1 VM without the tag slurm-cluster=hpc1: azc007"), run.out());
            assertEquals(ExitCode.CONFIG_ERROR, run.exit());
        }
    }

    @Test
    void aVmWithoutAPrivateIpFails() throws Exception {
        try (PowerTestBed bed = bed(world(vm -> {
            if (vm.name().equals("azc012")) {
                vm.withoutPrivateIp();
            }
        }))) {
            PowerTestBed.Run run = bed.run("doctor");

            assertEquals(1, findings(run).size(), run.out());
            assertTrue(line(run, "FAIL", "VMs").contains("1 VM whose primary NIC has no private IP: azc012"),
                    run.out());
            assertEquals(ExitCode.CONFIG_ERROR, run.exit());
        }
    }

    @Test
    void aRunningVmWhoseSlurmdCannotBeReachedFails() throws Exception {
        try (PowerTestBed bed = bed(world(vm -> {
            if (vm.name().equals("azc004")) {
                vm.powerState(PowerState.RUNNING); // at 127.0.1.4, where nothing listens
            }
        }))) {
            PowerTestBed.Run run = bed.run("doctor", "--all");

            assertEquals(1, findings(run).size(), run.out());
            assertTrue(line(run, "FAIL", "slurmd port").contains("no TCP connection to slurmd's port " + slurmdPort
                    + " within 3 s on 1 of 4 running VMs: azc004 (" + ip(4) + ": Connection refused)"), run.out());
            assertEquals(ExitCode.CONFIG_ERROR, run.exit());
        }
    }

    @Test
    void withoutAllOnlyASampleOfTheRunningVmsIsTried() throws Exception {
        try (PowerTestBed bed = bed(world(vm -> {
            if (vm.name().equals("azc004")) {
                vm.powerState(PowerState.RUNNING);
            }
        }))) {
            PowerTestBed.Run run = bed.run("doctor", "--sample", "2");

            assertTrue(line(run, "PASS", "slurmd port").contains("answers on 2 of 4 running VMs (--all for all) "
                    + "(azc[001-002])"), run.out());
        }
    }

    @Test
    void aRoleScopedToTheResourceGroupChecksEverythingButTheQuotas() throws Exception {
        try (PowerTestBed bed = bed(world(vm -> {
            if (vm.name().equals("azc004")) {
                vm.powerState(PowerState.RUNNING); // its node is powered down: an orphan, where nothing listens
            }
        }).access(AccessScope.resourceGroups("hpc1-burst")))) {
            PowerTestBed.Run run = bed.run("doctor");
            PowerTestBed.Run all = bed.run("doctor", "--all");

            assertEquals(1, findings(run).size(), run.out());
            assertTrue(line(run, "WARN", "quota westeurope").contains("cannot read the compute quotas of westeurope "
                    + "(forbidden: AuthorizationFailed (HTTP 403))"), run.out());
            assertTrue(line(run, "PASS", "slurmd port").contains("answers on 3 running VMs (azc[001-003]), within"),
                    "power states read one by one for the nodes Slurm counts as up:\n" + run.out());
            assertTrue(line(run, "PASS", "slurmd port").endsWith("(the power states of 17 VMs were not read: the role "
                    + "cannot list them; --all reads each)"), run.out());
            assertEquals(ExitCode.PARTIAL_FAILURE, run.exit());
            assertTrue(line(all, "FAIL", "slurmd port").contains("on 1 of 4 running VMs: azc004"), all.out());
        }
    }

    @Test
    void aWrongSecretIsOneTokenFailureAndNothingElseInAzureIsChecked() throws Exception {
        try (PowerTestBed bed = bed(world())) {
            Files.writeString(dir.resolve("secret"), "not-the-secret\n");

            PowerTestBed.Run run = bed.run("doctor");

            assertEquals(2, findings(run).size(), run.out());
            line(run, "WARN", "slurmd port");
            assertTrue(line(run, "FAIL", "token").contains("no token with the client-secret credential"), run.out());
            assertEquals(ExitCode.CONFIG_ERROR, run.exit());
            assertTrue(!run.out().contains("not-the-secret"), run.out());
        }
    }

    @Test
    void runningAsAnotherUserThanSlurmUserWarns() throws Exception {
        try (PowerTestBed bed = bed(world())) {
            bed.scontrol.showConfig(showConfig("slurm", dir.resolve("resume")));

            PowerTestBed.Run run = bed.run("doctor");

            assertTrue(line(run, "WARN", "user").contains("not as SlurmUser slurm"), run.out());
            assertTrue(line(run, "WARN", "user").contains("sudo -u slurm slurm-azure-power doctor"), run.out());
            assertEquals(ExitCode.PARTIAL_FAILURE, run.exit());
        }
    }

    @Test
    void withoutSetNodeAddrTheNodeNamesMustResolveToTheVms() throws Exception {
        try (PowerTestBed bed = bed(world().vm(PowerTestBed.vm("localhost").privateIp("127.0.0.1")))) {
            String yaml = Files.readString(bed.config, StandardCharsets.UTF_8)
                    .replace("\"azc[001-020]\"", "\"localhost,azc[001-020]\"")
                    .replace("  scontrol: ", "  setNodeAddr: false\n  scontrol: ");
            Files.writeString(bed.config, yaml, StandardCharsets.UTF_8);

            PowerTestBed.Run run = bed.run("doctor", "--sample", "2");

            String names = line(run, "FAIL", "node names");
            assertTrue(names.contains("1 of 2 node names do not resolve to their VM's private IP: azc001 -> nothing"),
                    run.out());
            assertTrue(!names.contains("localhost ->"), "localhost resolves to its VM's 127.0.0.1: " + names);
            line(run, "WARN", "cloud_dns");
            assertEquals(ExitCode.CONFIG_ERROR, run.exit());
        }
    }

    @Test
    void anInvalidConfigurationIsReportedAndNothingElseIsChecked() throws Exception {
        try (PowerTestBed bed = bed(world())) {
            Files.writeString(bed.config, Files.readString(bed.config).replace("resourceGroup:", "resourcegroup:"));

            PowerTestBed.Run run = bed.run("doctor", "--json");

            assertEquals(ExitCode.CONFIG_ERROR, run.exit());
            JsonNode root = new ObjectMapper().readTree(run.out());
            assertEquals("FAIL", root.path("status").asText());
            assertTrue(root.path("checks").findValuesAsText("message").stream()
                    .anyMatch(m -> m.contains("unknown key; did you mean \"resourceGroup\"?")), run.out());
            assertEquals(List.of("config"), root.path("checks").findValuesAsText("area").stream().distinct().toList());
            assertEquals(List.of(), bed.scontrol.reads(), "slurmctld not asked");
        }
    }

    @Test
    void helpDescribesTheChecksAndTheExitCodes() throws Exception {
        try (PowerTestBed bed = bed(world())) {
            PowerTestBed.Run run = bed.run("doctor", "--help");

            assertEquals(ExitCode.OK, run.exit());
            assertTrue(run.out().contains("--all"), run.out());
            assertTrue(run.out().contains("Exit code 0 when every check passes, 1 when some warn, 3 when some fail."),
                    run.out());
        }
    }
}
