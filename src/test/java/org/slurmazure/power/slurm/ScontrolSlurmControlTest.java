package org.slurmazure.power.slurm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The exact argument lists sent to scontrol, checked with a recording fake scontrol. */
class ScontrolSlurmControlTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** What slurmctld 22.05 answers for an unknown node (and for lists of different lengths). */
    private static final String UNKNOWN_NODE = "slurm_update error: Invalid node name specified";
    /** What slurmctld 22.05 answers for state=resume on a node that is not down. */
    private static final String NOT_DOWN = "slurm_update error: Invalid node state specified";
    /** What scontrol says when slurmctld is not running. */
    private static final String NO_CONTROLLER = "slurm_update error: Unable to contact slurm controller (connect failure)";

    @TempDir
    Path dir;

    FakeScontrol scontrol;
    SlurmControl slurm;

    @BeforeEach
    void install() throws IOException {
        scontrol = FakeScontrol.install(dir);
        slurm = new ScontrolSlurmControl(scontrol.path(), TIMEOUT, new CommandRunner());
    }

    private SlurmControl withBatchesOf(int n) {
        return new ScontrolSlurmControl(scontrol.path(), TIMEOUT, new CommandRunner(), n);
    }

    private static Map<String, String> reasons(String... nodeReasonPairs) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < nodeReasonPairs.length; i += 2) {
            map.put(nodeReasonPairs[i], nodeReasonPairs[i + 1]);
        }
        return map;
    }

    @Nested
    class Snapshot {
        @Test
        void readsTheConfigurationPartitionsAndEveryNodeInThreeReadOnlyCalls() throws Exception {
            scontrol.showConfig("SLURM_VERSION = 23.11.4\nSlurmUser = slurm(64030)\n");
            Files.writeString(dir.resolve("show-partition"), "PartitionName=burst Nodes=azc[001-002]\n");
            scontrol.showNodes("NodeName=azc001 State=IDLE+CLOUD+POWERED_DOWN", "NodeName=on1 State=IDLE");

            SlurmSnapshot s = slurm.snapshot();

            assertEquals("SLURM_VERSION = 23.11.4\nSlurmUser = slurm(64030)\n", s.config());
            assertEquals("PartitionName=burst Nodes=azc[001-002]\n", s.partitions());
            assertEquals("NodeName=azc001 State=IDLE+CLOUD+POWERED_DOWN\nNodeName=on1 State=IDLE\n", s.nodes());
            assertEquals(List.of(List.of("show", "config"), List.of("show", "partition", "--oneliner"),
                    List.of("show", "node", "--oneliner")), scontrol.reads());
            assertEquals(List.of(), scontrol.calls(), "nothing written");
        }

        @Test
        void aFailedReadIsASlurmException() throws Exception {
            Path script = dir.resolve("down");
            Files.writeString(script, "#!/bin/bash\necho 'slurm_load_ctl_conf error: Unable to contact slurm "
                    + "controller (connect failure)' >&2\nexit 1\n");
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));

            SlurmException e = assertThrows(SlurmException.class,
                    () -> new ScontrolSlurmControl(script, TIMEOUT, new CommandRunner()).snapshot());

            assertEquals("scontrol show config failed with exit code 1: slurm_load_ctl_conf error: Unable to contact"
                    + " slurm controller (connect failure); 0 nodes not done", e.getMessage());
        }
    }

    @Nested
    class SetNodeAddresses {
        @Test
        void sendsTheThreeListsInTheSameOrderInOneCall() throws Exception {
            slurm.setNodeAddresses(List.of(new NodeAddress("azc003", "10.1.0.13", "azc003"),
                    new NodeAddress("azc001", "10.1.0.11", "azc001"),
                    new NodeAddress("azc002", "10.1.0.12", "vm-azc002")));

            assertEquals(List.of(List.of("update", "nodename=azc003,azc001,azc002",
                    "nodeaddr=10.1.0.13,10.1.0.11,10.1.0.12", "nodehostname=azc003,azc001,vm-azc002")),
                    scontrol.calls());
        }

        @Test
        void sendsAtMostTwoHundredNodesPerCallByDefault() throws Exception {
            List<NodeAddress> addresses = new ArrayList<>();
            for (int i = 1; i <= 450; i++) {
                addresses.add(new NodeAddress(String.format("azc%04d", i), "10.2.0." + i, "h" + i));
            }

            slurm.setNodeAddresses(addresses);

            List<List<String>> calls = scontrol.calls();
            assertEquals(3, calls.size());
            assertEquals(List.of(200, 200, 50), calls.stream().map(c -> c.get(1).split(",").length).toList());
            assertEquals("nodename=azc0401", calls.get(2).get(1).substring(0, "nodename=azc0401".length()));
            assertTrue(calls.get(2).get(2).endsWith(",10.2.0.450"), calls.get(2).get(2));
        }

        @Test
        void splitsIntoBatchesOfTheConfiguredSize() throws Exception {
            withBatchesOf(2).setNodeAddresses(List.of(new NodeAddress("a1", "10.0.0.1", "a1"),
                    new NodeAddress("a2", "10.0.0.2", "a2"), new NodeAddress("a3", "10.0.0.3", "a3")));

            assertEquals(List.of(
                    List.of("update", "nodename=a1,a2", "nodeaddr=10.0.0.1,10.0.0.2", "nodehostname=a1,a2"),
                    List.of("update", "nodename=a3", "nodeaddr=10.0.0.3", "nodehostname=a3")), scontrol.calls());
        }

        @Test
        void makesNoCallForNoNodes() throws Exception {
            slurm.setNodeAddresses(List.of());

            assertEquals(List.of(), scontrol.calls());
        }

        @Test
        void retriesARefusedBatchOneNodePerCallAndReportsOnlyTheBadNode() throws Exception {
            scontrol.failWhen("nosuch", 1, UNKNOWN_NODE);

            SlurmException e = assertThrows(SlurmException.class, () -> slurm.setNodeAddresses(List.of(
                    new NodeAddress("a1", "10.0.0.1", "a1"), new NodeAddress("nosuch", "10.0.0.9", "nosuch"),
                    new NodeAddress("a2", "10.0.0.2", "a2"))));

            assertEquals(List.of(
                    List.of("update", "nodename=a1,nosuch,a2", "nodeaddr=10.0.0.1,10.0.0.9,10.0.0.2",
                            "nodehostname=a1,nosuch,a2"),
                    List.of("update", "nodename=a1", "nodeaddr=10.0.0.1", "nodehostname=a1"),
                    List.of("update", "nodename=nosuch", "nodeaddr=10.0.0.9", "nodehostname=nosuch"),
                    List.of("update", "nodename=a2", "nodeaddr=10.0.0.2", "nodehostname=a2")), scontrol.calls());
            assertEquals(List.of("nosuch"), e.failedNodes());
            assertEquals(1, e.exitCode());
            assertEquals(UNKNOWN_NODE, e.stderrLine());
            assertEquals("scontrol could not set address of 1 node: nosuch (exit 1: " + UNKNOWN_NODE + ")",
                    e.getMessage());
        }

        @Test
        void rejectsNamesThatWouldChangeTheLists() {
            assertThrows(IllegalArgumentException.class, () -> new NodeAddress("a,b", "10.0.0.1", "a"));
            assertThrows(IllegalArgumentException.class, () -> new NodeAddress("a[1-2]", "10.0.0.1", "a"));
            assertThrows(IllegalArgumentException.class, () -> new NodeAddress("a", "10.0.0.1 ", "a"));
            assertThrows(IllegalArgumentException.class, () -> new NodeAddress("a", "", "a"));
            assertThrows(IllegalArgumentException.class, () -> new NodeAddress("a", "10.0.0.1", null));
        }
    }

    @Nested
    class FailNodes {
        @Test
        void marksNodesDownWithTheirReasonInOneCallPerReason() throws Exception {
            slurm.failNodes(reasons(
                    "azc001", "azure: capacity: AllocationFailed",
                    "azc002", "azure: quota: OperationNotAllowed",
                    "azc003", "azure: capacity: AllocationFailed"));

            assertEquals(List.of(
                    List.of("update", "nodename=azc001,azc003", "state=down",
                            "reason=azure: capacity: AllocationFailed"),
                    List.of("update", "nodename=azc002", "state=down", "reason=azure: quota: OperationNotAllowed")),
                    scontrol.calls());
        }

        @Test
        void passesQuotesColonsAndSemicolonsInTheReasonAsOneArgument() throws Exception {
            String reason = "azure: capacity: AllocationFailed \"Standard_D2s_v5\" in 'westeurope'; a=b $(x) `y`";

            slurm.failNodes(reasons("azc001", reason));

            assertEquals(List.of(List.of("update", "nodename=azc001", "state=down", "reason=" + reason)),
                    scontrol.calls());
        }

        @Test
        void cleansReasonsAndGroupsByTheCleanedText() throws Exception {
            slurm.failNodes(reasons(
                    "azc001", "azure: network:\nconnection\treset  ",
                    "azc002", "azure: network: connection reset",
                    "azc003", "  "));

            assertEquals(List.of(
                    List.of("update", "nodename=azc001,azc002", "state=down",
                            "reason=azure: network: connection reset"),
                    List.of("update", "nodename=azc003", "state=down", "reason=" + NodeReason.UNSPECIFIED)),
                    scontrol.calls());
        }

        @Test
        void sendsTheBatchAgainOneNodePerCallWhenOneNodeIsUnknown() throws Exception {
            scontrol.failWhen("nosuch", 1, UNKNOWN_NODE);

            SlurmException e = assertThrows(SlurmException.class,
                    () -> slurm.failNodes(reasons("a1", "azure: timeout", "nosuch", "azure: timeout",
                            "a2", "azure: timeout", "a3", "azure: quota")));

            assertEquals(List.of(
                    List.of("update", "nodename=a1,nosuch,a2", "state=down", "reason=azure: timeout"),
                    List.of("update", "nodename=a1", "state=down", "reason=azure: timeout"),
                    List.of("update", "nodename=nosuch", "state=down", "reason=azure: timeout"),
                    List.of("update", "nodename=a2", "state=down", "reason=azure: timeout"),
                    List.of("update", "nodename=a3", "state=down", "reason=azure: quota")), scontrol.calls());
            assertEquals(List.of("nosuch"), e.failedNodes());
        }

        @Test
        void stopsAtAFailureThatIsNotAboutOneNodeAndReportsEveryNodeNotDone() throws Exception {
            scontrol.failWhen("update", 1, NO_CONTROLLER);

            SlurmException e = assertThrows(SlurmException.class, () -> withBatchesOf(2).failNodes(reasons(
                    "a1", "azure: capacity", "a2", "azure: capacity", "a3", "azure: capacity",
                    "b1", "azure: quota")));

            assertEquals(List.of(List.of("update", "nodename=a1,a2", "state=down", "reason=azure: capacity")),
                    scontrol.calls());
            assertEquals(List.of("a1", "a2", "a3", "b1"), e.failedNodes());
            assertEquals(1, e.exitCode());
            assertEquals(NO_CONTROLLER, e.stderrLine());
            assertEquals("scontrol update nodename=a1,a2 state=down 'reason=azure: capacity' failed with exit code 1: "
                    + NO_CONTROLLER + "; 4 nodes not done", e.getMessage());
        }

        @Test
        void reportsEarlierRefusedNodesTooWhenALaterCallFailsForAll() throws Exception {
            scontrol.failWhen("nosuch", 1, UNKNOWN_NODE).failWhen("quota", 1, NO_CONTROLLER);

            SlurmException e = assertThrows(SlurmException.class, () -> slurm.failNodes(reasons(
                    "nosuch", "azure: capacity", "b1", "azure: quota", "b2", "azure: quota")));

            assertEquals(List.of("nosuch", "b1", "b2"), e.failedNodes());
        }

        @Test
        void makesNoCallForNoNodes() throws Exception {
            slurm.failNodes(Map.of());

            assertEquals(List.of(), scontrol.calls());
        }

        @Test
        void rejectsAHostlistAsANodeName() {
            assertThrows(IllegalArgumentException.class,
                    () -> slurm.failNodes(reasons("azc[001-002]", "azure: capacity")));
        }
    }

    @Nested
    class DrainNodes {
        @Test
        void drainsNodesThatShareAReasonInOneCall() throws Exception {
            slurm.drainNodes(reasons("a1", "azure: not-found: VM does not exist", "a2",
                    "azure: not-found: VM does not exist", "a3", "azure: no-group: node is in no node group"));

            assertEquals(List.of(
                    List.of("update", "nodename=a1,a2", "state=drain", "reason=azure: not-found: VM does not exist"),
                    List.of("update", "nodename=a3", "state=drain", "reason=azure: no-group: node is in no node group")),
                    scontrol.calls());
        }

        @Test
        void aRefusedNodeCostsOnlyItself() throws Exception {
            scontrol.failWhen("nosuch", 1, UNKNOWN_NODE);

            SlurmException e = assertThrows(SlurmException.class,
                    () -> slurm.drainNodes(reasons("a1", "azure: x", "nosuch", "azure: x")));

            assertEquals(List.of(
                    List.of("update", "nodename=a1,nosuch", "state=drain", "reason=azure: x"),
                    List.of("update", "nodename=a1", "state=drain", "reason=azure: x"),
                    List.of("update", "nodename=nosuch", "state=drain", "reason=azure: x")), scontrol.calls());
            assertEquals(List.of("nosuch"), e.failedNodes());
        }
    }

    @Nested
    class ReturnToService {
        @Test
        void resumesTheNodesInOneCall() throws Exception {
            slurm.returnToService(List.of("azc004", "azc001", "azc004"));

            assertEquals(List.of(List.of("update", "nodename=azc004,azc001", "state=resume")), scontrol.calls());
        }

        @Test
        void leavesNodesThatAreNotDownAsTheyAreWithoutFailing() throws Exception {
            scontrol.failWhen("idle01", 1, NOT_DOWN);

            slurm.returnToService(List.of("down01", "idle01", "down02"));

            assertEquals(List.of(
                    List.of("update", "nodename=down01,idle01,down02", "state=resume"),
                    List.of("update", "nodename=down01", "state=resume"),
                    List.of("update", "nodename=idle01", "state=resume"),
                    List.of("update", "nodename=down02", "state=resume")), scontrol.calls());
        }

        @Test
        void reportsAnUnknownNode() throws Exception {
            scontrol.failWhen("nosuch", 1, UNKNOWN_NODE);

            SlurmException e = assertThrows(SlurmException.class,
                    () -> slurm.returnToService(List.of("down01", "nosuch")));

            assertEquals(List.of("nosuch"), e.failedNodes());
            assertEquals(3, scontrol.calls().size());
        }
    }

    @Nested
    class WhenScontrolCannotRun {
        @Test
        void namesTheMissingProgramAndTheSettingToChange() throws IOException {
            Path missing = dir.resolve("bin/scontrol");
            SlurmControl broken = new ScontrolSlurmControl(missing, TIMEOUT, new CommandRunner());

            ScontrolNotFoundException e = assertThrows(ScontrolNotFoundException.class,
                    () -> broken.failNodes(reasons("a1", "azure: x", "a2", "azure: y")));

            assertEquals("scontrol not found at " + missing + " (set slurm.scontrol in the configuration)",
                    e.getMessage());
            assertEquals(List.of("a1", "a2"), e.failedNodes());
        }

        @Test
        void saysWhenTheProgramIsNotExecutable() throws IOException {
            Files.setPosixFilePermissions(scontrol.path(), PosixFilePermissions.fromString("rw-r--r--"));

            ScontrolNotFoundException e = assertThrows(ScontrolNotFoundException.class,
                    () -> slurm.returnToService(List.of("a1")));

            assertEquals("scontrol at " + scontrol.path() + " is not executable"
                    + " (set slurm.scontrol in the configuration)", e.getMessage());
        }

        @Test
        void killsAHangingScontrolAndReportsEveryNode() throws Exception {
            scontrol.hang();
            SlurmControl impatient = new ScontrolSlurmControl(scontrol.path(), Duration.ofMillis(500),
                    new CommandRunner(), 1);

            SlurmException e = assertThrows(SlurmException.class,
                    () -> impatient.setNodeAddresses(List.of(new NodeAddress("a1", "10.0.0.1", "a1"),
                            new NodeAddress("a2", "10.0.0.2", "a2"))));

            assertEquals("scontrol update nodename=a1 nodeaddr=10.0.0.1 nodehostname=a1 did not finish within 500ms"
                    + " and was killed (is slurmctld answering?); 2 nodes not done", e.getMessage());
            assertEquals(SlurmException.NO_EXIT_CODE, e.exitCode());
            assertEquals(List.of("a1", "a2"), e.failedNodes());
            assertEquals(1, scontrol.calls().size());
            assertTrue(CommandRunnerTest.waitUntilGone(scontrol.hangingChildPid()), "the hanging child survived");
        }

        @Test
        void showsTheFirstAndLastLineOfAMultiLineError() throws Exception {
            Path script = dir.resolve("multi");
            Files.writeString(script, "#!/bin/bash\necho 'scontrol: error: resolve_ctls_from_dns_srv: res_nsearch"
                    + " error: Unknown host' >&2\necho 'scontrol: fatal: Could not establish a configuration source'"
                    + " >&2\nexit 1\n");
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
            SlurmControl noConf = new ScontrolSlurmControl(script, TIMEOUT, new CommandRunner());

            SlurmException e = assertThrows(SlurmException.class, () -> noConf.returnToService(List.of("a1")));

            assertEquals("scontrol update nodename=a1 state=resume failed with exit code 1: scontrol: error:"
                    + " resolve_ctls_from_dns_srv: res_nsearch error: Unknown host ... scontrol: fatal: Could not"
                    + " establish a configuration source; 1 node not done", e.getMessage());
            assertEquals("scontrol: error: resolve_ctls_from_dns_srv: res_nsearch error: Unknown host",
                    e.stderrLine());
        }
    }
}
