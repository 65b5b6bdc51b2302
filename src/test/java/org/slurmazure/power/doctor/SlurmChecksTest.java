package org.slurmazure.power.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.slurmazure.power.doctor.DoctorFixtures.SHOW_CONFIG;
import static org.slurmazure.power.doctor.DoctorFixtures.SHOW_NODE;
import static org.slurmazure.power.doctor.DoctorFixtures.SHOW_PARTITION;
import static org.slurmazure.power.doctor.DoctorFixtures.only;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.slurmazure.power.config.Config;

/** The Slurm rules, each from a slurmctld set up as etc/slurm.conf.example says with one thing changed. */
class SlurmChecksTest {
    static ProgramFile program(String key) {
        String path = "/usr/libexec/slurm-azure-power/" + ProgramFile.programName(key);
        return new ProgramFile(key, path, path, null, List.of(path), true, ProgramFile.Access.YES, false, List.of());
    }

    static List<ProgramFile> programs() {
        List<ProgramFile> out = new ArrayList<>();
        ProgramFile.KEYS.forEach(k -> out.add(program(k)));
        return out;
    }

    private static List<Check> run(Config config, String showConfig, String partitions, String nodes) {
        return SlurmChecks.check(config, DoctorFixtures.slurm(showConfig, partitions, nodes), "slurm", programs());
    }

    private static List<Check> withConfig(String from, String to) {
        assertTrue(SHOW_CONFIG.contains(from), from);
        return run(DoctorFixtures.config(), SHOW_CONFIG.replace(from, to), SHOW_PARTITION, SHOW_NODE);
    }

    private static Check check(List<Check> checks, String name, Status status, String... fragments) {
        Check c = only(checks, name);
        assertEquals(status, c.status(), c::toString);
        for (String f : fragments) {
            assertTrue((c.message() + " -> " + c.advice()).contains(f), () -> "'" + f + "' not in " + c);
        }
        return c;
    }

    @Test
    void aClusterSetUpAsTheExampleSaysPassesEveryCheck() {
        List<Check> checks = run(DoctorFixtures.config(), SHOW_CONFIG, SHOW_PARTITION, SHOW_NODE);

        assertEquals(List.of("version", "user", "ResumeProgram", "SuspendProgram", "ResumeFailProgram", "cloud nodes",
                "SuspendTime", "on-prem nodes", "SuspendExcNodes", "SuspendExcStates", "ResumeTimeout",
                "SuspendTimeout", "kill timer", "ReconfigFlags", "PrivateData", "cloud_dns", "TreeWidth",
                "idle_on_node_suspend", "ReturnToService"), checks.stream().map(Check::name).toList());
        assertEquals(List.of(), checks.stream().filter(c -> c.status() != Status.PASS).toList());
        check(checks, "cloud nodes", Status.PASS, "4 State=CLOUD nodes, each in a node group");
        check(checks, "ResumeTimeout", Status.PASS, "600 s (global), 600 s (partition burst)", "540s");
        check(checks, "kill timer", Status.PASS, "600 s after a program starts");
        check(checks, "on-prem nodes", Status.PASS, "the 2 nodes outside the node groups are never powered down");
    }

    @Test
    void anotherUserIsAWarningThatSaysHowToRunItAsSlurmUser() {
        List<Check> checks = SlurmChecks.check(DoctorFixtures.config(), DoctorFixtures.slurm(), "root", programs());

        check(checks, "user", Status.WARN, "running as root, not as SlurmUser slurm",
                "sudo -u slurm slurm-azure-power doctor");
    }

    @Test
    void aProgramThatIsNotThisToolsFails() {
        String ours = "/usr/libexec/slurm-azure-power/resume";
        List<ProgramFile> programs = programs();
        programs.set(0, new ProgramFile("ResumeProgram", "/opt/other/resume.sh", "/opt/other/resume.sh", null,
                List.of(ours), true, ProgramFile.Access.YES, false, List.of()));
        programs.set(1, new ProgramFile("SuspendProgram", "/etc/slurm/suspend", "/opt/x/suspend", null,
                List.of("/usr/libexec/slurm-azure-power/suspend"), true, ProgramFile.Access.YES, false, List.of()));

        List<Check> checks = SlurmChecks.check(DoctorFixtures.config(), DoctorFixtures.slurm(), "slurm", programs);

        check(checks, "ResumeProgram", Status.FAIL, "/opt/other/resume.sh is not this tool's resume program (" + ours,
                "set ResumeProgram=" + ours + " in slurm.conf");
        check(checks, "SuspendProgram", Status.FAIL, "/etc/slurm/suspend (-> /opt/x/suspend) is not this tool's");
        check(checks, "ResumeFailProgram", Status.PASS);
    }

    @Test
    void aLinkToThisToolsProgramPassesAndShowsWhereItLeads() {
        String real = "/srv/slurm-azure-power/bin/slurm-azure-resume";
        ProgramFile p = new ProgramFile("ResumeProgram", "/etc/slurm/resume", real, null, List.of(real), true,
                ProgramFile.Access.YES, false, List.of());

        Check c = ProgramChecks.check(p, "slurm");

        assertEquals(Status.PASS, c.status());
        assertEquals("/etc/slurm/resume (-> " + real + ")", c.message());
    }

    @Test
    void programsThatSlurmctldCannotOrWillNotRunFail() {
        String path = "/usr/libexec/slurm-azure-power/resume";
        List<String> ours = List.of(path);

        Check unset = ProgramChecks.check(new ProgramFile("ResumeFailProgram", "", null, null,
                List.of("/usr/libexec/slurm-azure-power/resume-fail"), false, ProgramFile.Access.NO, false,
                List.of()), "slurm");
        Check missing = ProgramChecks.check(new ProgramFile("ResumeProgram", path, null, "no such file", ours, false,
                ProgramFile.Access.NO, false, List.of()), "slurm");
        Check writable = ProgramChecks.check(new ProgramFile("ResumeProgram", path, path, null, ours, true,
                ProgramFile.Access.YES, true, List.of()), "slurm");
        Check notRunnable = ProgramChecks.check(new ProgramFile("ResumeProgram", path, path, null, ours, true,
                ProgramFile.Access.NO, false, List.of()), "slurm");
        Check groupOnly = ProgramChecks.check(new ProgramFile("ResumeProgram", path, path, null, ours, true,
                ProgramFile.Access.UNKNOWN, false, List.of()), "slurm");
        Check openDir = ProgramChecks.check(new ProgramFile("ResumeProgram", path, path, null, ours, true,
                ProgramFile.Access.YES, false, List.of("/usr/libexec/slurm-azure-power")), "slurm");

        assertEquals(Status.FAIL, unset.status());
        assertTrue(unset.message().contains("not set: nodes that miss ResumeTimeout stay DOWN"), unset::toString);
        assertEquals("set ResumeFailProgram=/usr/libexec/slurm-azure-power/resume-fail in slurm.conf, then scontrol "
                + "reconfigure", unset.advice());
        assertEquals(Status.FAIL, missing.status());
        assertEquals(path + ": no such file", missing.message());
        assertEquals(Status.FAIL, writable.status());
        assertEquals("chmod go-w " + path, writable.advice());
        assertEquals(Status.FAIL, notRunnable.status());
        assertTrue(notRunnable.message().endsWith("cannot be run by slurm"), notRunnable::toString);
        assertEquals(Status.WARN, groupOnly.status());
        assertEquals(Status.WARN, openDir.status());
        assertEquals("chmod go-w /usr/libexec/slurm-azure-power", openDir.advice());
    }

    @Test
    void aCloudNodeInNoGroupFailsAndNamesIt() {
        List<Check> checks = run(DoctorFixtures.config(), SHOW_CONFIG, SHOW_PARTITION, SHOW_NODE
                + "NodeName=azc005 State=IDLE+CLOUD+POWERED_DOWN Partitions=burst\n"
                + "NodeName=azc006 State=IDLE+CLOUD+POWERED_DOWN Partitions=burst\n");

        check(checks, "cloud nodes", Status.FAIL, "2 State=CLOUD nodes in no node group: azc[005-006]",
                "add them to nodeGroups");
    }

    @Test
    void groupNodesThatAreNotCloudNodesFailAndUnknownOnesWarn() {
        Config config = DoctorFixtures.config(DoctorFixtures.CONFIG.replace("azc[001-004]", "azc[001-004],on1,x9"));

        List<Check> checks = run(config, SHOW_CONFIG, SHOW_PARTITION, SHOW_NODE);

        List<Check> group = DoctorFixtures.named(checks, "group nodes");
        assertEquals(2, group.size(), checks::toString);
        assertEquals(Status.FAIL, group.get(0).status());
        assertTrue(group.get(0).message().startsWith("1 node of the node groups not State=CLOUD: on1"), group::toString);
        assertEquals(Status.WARN, group.get(1).status());
        assertTrue(group.get(1).message().contains("unknown to slurmctld: x9"), group::toString);
        assertTrue(DoctorFixtures.named(checks, "cloud nodes").isEmpty());
    }

    @Test
    void onSlurm2205WithoutPrivateDataCloudUnknownGroupNodesMayBeHidden() {
        List<Check> checks = run(DoctorFixtures.config(), SHOW_CONFIG.replace("23.11.4", "22.05.8")
                .replace("PrivateData             = cloud", "PrivateData             = none"), SHOW_PARTITION,
                SHOW_NODE.lines().filter(l -> !l.contains("POWERED_DOWN")).map(l -> l + "\n")
                        .reduce("", String::concat));

        check(checks, "group nodes", Status.WARN, "azc[001-002,004]", "hidden without PrivateData=cloud",
                "set PrivateData=cloud");
        check(checks, "PrivateData", Status.WARN, "hide powered-down cloud nodes");
        assertTrue(DoctorFixtures.named(checks, "ReconfigFlags").isEmpty(), "ReconfigFlags: 23.02+");
        assertTrue(DoctorFixtures.named(checks, "SuspendExcStates").isEmpty(), "SuspendExcStates: 23.02+");
        check(checks, "kill timer", Status.PASS, "none before Slurm 23.02");
    }

    @Test
    void cloudNodesThatAreNeverPoweredDownFail() {
        List<Check> checks = run(DoctorFixtures.config(), SHOW_CONFIG,
                SHOW_PARTITION.replace("SuspendTime=600", "SuspendTime=GLOBAL"), SHOW_NODE);

        check(checks, "SuspendTime", Status.FAIL, "no SuspendTime applies to the cloud nodes (global none)",
                "their VMs bill");
    }

    @Test
    void aGlobalSuspendTimeReachingOnPremNodesFailsUnlessTheyAreExcluded() {
        String global = SHOW_CONFIG.replace("SuspendTime             = NONE", "SuspendTime             = 300 sec");

        List<Check> exposed = run(DoctorFixtures.config(), global.replace("SuspendExcParts         = onprem",
                "SuspendExcParts         = (null)"), SHOW_PARTITION, SHOW_NODE);
        List<Check> counted = run(DoctorFixtures.config(), global.replace("SuspendExcParts         = onprem",
                "SuspendExcParts         = (null)").replace("SuspendExcNodes         = (null)",
                "SuspendExcNodes         = on[1-2]:1"), SHOW_PARTITION, SHOW_NODE);
        List<Check> byNodes = run(DoctorFixtures.config(), global.replace("SuspendExcParts         = onprem",
                "SuspendExcParts         = (null)").replace("SuspendExcNodes         = (null)",
                "SuspendExcNodes         = azc[001-004]:1,on[1-2]"), SHOW_PARTITION, SHOW_NODE);
        List<Check> byPartition = run(DoctorFixtures.config(), global, SHOW_PARTITION, SHOW_NODE);

        check(exposed, "on-prem nodes", Status.FAIL, "2 nodes outside the node groups would be powered down when "
                + "idle: on[1-2]", "drains them", "SuspendExcParts");
        check(counted, "on-prem nodes", Status.FAIL, "on[1-2]");
        check(byNodes, "on-prem nodes", Status.PASS);
        check(byNodes, "SuspendExcNodes", Status.PASS, "no cloud node kept up for good");
        check(byPartition, "on-prem nodes", Status.PASS);
    }

    @Test
    void cloudNodesKeptUpForGoodByExcNodesWarnButACountDoesNot() {
        check(withConfig("SuspendExcNodes         = (null)", "SuspendExcNodes         = azc[001-002]"),
                "SuspendExcNodes", Status.WARN, "2 cloud nodes never powered down (SuspendExcNodes): azc[001-002]",
                "SuspendExcNodes=azc[001-004]:2");
        check(withConfig("SuspendExcNodes         = (null)", "SuspendExcNodes         = azc[001-004]:2"),
                "SuspendExcNodes", Status.PASS);
        check(withConfig("SuspendExcNodes         = (null)", "SuspendExcNodes         = azc[3-1]"),
                "SuspendExcNodes", Status.WARN, "cannot read SuspendExcNodes=azc[3-1]");
    }

    @Test
    void excludingFailedStatesFromPowerDownWarnsThatTheirVmsKeepBilling() {
        check(withConfig("SuspendExcStates        = (null)", "SuspendExcStates        = DOWN,DRAIN,NOT_RESPONDING"),
                "SuspendExcStates", Status.WARN, "cloud nodes that are DOWN or NOT_RESPONDING are never powered down",
                "remove DOWN, NOT_RESPONDING from SuspendExcStates");
        check(withConfig("SuspendExcStates        = (null)", "SuspendExcStates        = DRAIN,RESERVED"),
                "SuspendExcStates", Status.PASS, "DRAIN,RESERVED");
    }

    @Test
    void aResumeTimeoutBelowTheDeadlineWarnsWithTheValuesToUse() {
        List<Check> global = withConfig("ResumeTimeout           = 600 sec", "ResumeTimeout           = 300 sec");
        List<Check> partition = run(DoctorFixtures.config(), SHOW_CONFIG,
                SHOW_PARTITION.replace("ResumeTimeout=600", "ResumeTimeout=240"), SHOW_NODE);
        List<Check> infinite = run(DoctorFixtures.config(), SHOW_CONFIG.replace("ResumeTimeout           = 600 sec",
                "ResumeTimeout           = INFINITE"), SHOW_PARTITION.replace("ResumeTimeout=600",
                "ResumeTimeout=GLOBAL"), SHOW_NODE);
        List<Check> partitionWins = withConfig("ResumeTimeout           = 600 sec", "ResumeTimeout           = INFINITE");

        check(global, "ResumeTimeout", Status.WARN, "ResumeTimeout 300 s (global) leaves no room above "
                + "limits.resumeDeadline 540s: every resume ends within 270 s instead",
                "raise ResumeTimeout to 600 in slurm.conf, or lower limits.resumeDeadline to 270s");
        check(partition, "ResumeTimeout", Status.WARN, "240 s (partition burst)", "lower limits.resumeDeadline to 216s");
        List<Check> infinitePartition = run(DoctorFixtures.config(), SHOW_CONFIG,
                SHOW_PARTITION.replace("ResumeTimeout=600", "ResumeTimeout=INFINITE"), SHOW_NODE);

        check(infinite, "ResumeTimeout", Status.WARN, "ResumeTimeout=INFINITE (global): Slurm never gives up",
                "never calls ResumeFailProgram", "set a finite ResumeTimeout (e.g. 600)");
        check(infinite, "kill timer", Status.PASS, "none in practice");
        check(infinitePartition, "ResumeTimeout", Status.WARN, "ResumeTimeout=INFINITE (partition burst)");
        check(partitionWins, "ResumeTimeout", Status.PASS, "600 s (partition burst)");
    }

    @Test
    void aSuspendTimeoutBelowTheDeadlineWarnsThatNodesMayBeResumedWhileTheirVmsDeallocate() {
        check(withConfig("SuspendTimeout          = 180 sec", "SuspendTimeout          = 60 sec"),
                "SuspendTimeout", Status.WARN, "60 s (global) leaves no room above limits.suspendDeadline 100s",
                "raise SuspendTimeout to 180");
    }

    @Test
    void deadlinesBeyondTheKillTimerOfSlurm2302Warn() {
        Config config = DoctorFixtures.config(DoctorFixtures.CONFIG
                + "limits: { resumeDeadline: 540s, suspendDeadline: 590s }\n");

        List<Check> checks = run(config, SHOW_CONFIG, SHOW_PARTITION, SHOW_NODE);

        check(checks, "kill timer", Status.WARN, "Slurm kills every program 600 s after its start",
                "limits.suspendDeadline 590s is cut to 540 s");
    }

    @Test
    void theSettingsOfTheExampleWarnWhenMissing() {
        check(withConfig("ReconfigFlags           = KeepPowerSaveSettings", "ReconfigFlags           = (null)"),
                "ReconfigFlags", Status.WARN, "ReconfigFlags=KeepPowerSaveSettings");
        check(withConfig("SlurmctldParameters     = idle_on_node_suspend", "SlurmctldParameters     = (null)"),
                "idle_on_node_suspend", Status.WARN, "stays DOWN");
        check(withConfig("ReturnToService         = 2", "ReturnToService         = 1"),
                "ReturnToService", Status.WARN, "ReturnToService=1", "ReturnToService=2");
        check(withConfig("TreeWidth               = 65533", "TreeWidth               = 2"),
                "TreeWidth", Status.WARN, "TreeWidth=2 is below the 4 cloud nodes", "TreeWidth=65533");
        check(withConfig("TreeWidth               = 65533", "TreeWidth               = 4"),
                "TreeWidth", Status.PASS);
    }

    @Test
    void cloudDnsAndSetNodeAddrMustNotBothBeOnOrBothOff() {
        String dns = "SlurmctldParameters     = idle_on_node_suspend,cloud_dns";
        Config noAddr = DoctorFixtures.config(DoctorFixtures.CONFIG + "slurm: { setNodeAddr: false }\n");

        List<Check> both = withConfig("SlurmctldParameters     = idle_on_node_suspend", dns);
        List<Check> neither = run(noAddr, SHOW_CONFIG, SHOW_PARTITION, SHOW_NODE);
        List<Check> dnsOnly = run(noAddr, SHOW_CONFIG.replace("SlurmctldParameters     = idle_on_node_suspend", dns)
                .replace("TreeWidth               = 65533", "TreeWidth               = 16"), SHOW_PARTITION,
                SHOW_NODE);

        check(both, "cloud_dns", Status.WARN, "cloud_dns and slurm.setNodeAddr: true", "choose one");
        check(neither, "cloud_dns", Status.WARN, "setNodeAddr: false without SlurmctldParameters=cloud_dns");
        check(dnsOnly, "cloud_dns", Status.PASS);
        check(dnsOnly, "TreeWidth", Status.PASS, "16 (with cloud_dns");
    }

    @Test
    void anUnreadableSlurmctldIsOneFailure() {
        Check c = SlurmChecks.unreadable("scontrol show config failed with exit code 1: Unable to contact slurm "
                + "controller (connect failure)");

        assertEquals(Status.FAIL, c.status());
        assertTrue(c.message().endsWith("the Slurm checks were not made"), c::toString);
    }
}
