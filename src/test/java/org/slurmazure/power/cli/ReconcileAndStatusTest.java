package org.slurmazure.power.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;
import org.slurmazure.power.emulator.PowerState;
import org.slurmazure.power.emulator.VmSpec;

/**
 * status and reconcile through the real command line, against the ARM emulator over HTTPS and a recording scontrol
 * that answers {@code show node} with the states a test sets.
 */
class ReconcileAndStatusTest {
    @TempDir
    Path dir;

    static String node(String name, String state) {
        return "NodeName=" + name + " Arch=x86_64 CoresPerSocket=1 State=" + state + " NodeAddr=" + name
                + " NodeHostName=" + name;
    }

    static String node(String name, String state, String reason) {
        return node(name, state) + " Reason=" + reason + " [slurm@2026-12-06T08:00:00]";
    }

    private PowerTestBed bed(String grace) throws Exception {
        return new PowerTestBed(dir, PowerTestBed.emulator(0)
                .vm(PowerTestBed.vm("azc001").powerState(PowerState.RUNNING))       // orphan
                .vm(PowerTestBed.vm("azc002"))                                      // lost
                .vm(PowerTestBed.vm("azc003").powerState(PowerState.RUNNING))       // ok, up
                .vm(PowerTestBed.vm("azc004").powerState(PowerState.RUNNING))       // held down, VM running
                .vm(PowerTestBed.vm("azc005").powerState(PowerState.STOPPED))       // stopped, billing
                .vm(VmSpec.of("extra1").resourceGroup("hpc1-burst").tag("slurm-cluster", "hpc1")
                        .powerState(PowerState.RUNNING)), // stray
                "reconcile: { grace: " + grace + " }\n");
    }

    private static void slurmSees(PowerTestBed bed) throws Exception {
        bed.scontrol.showNodes(
                node("azc001", "IDLE+CLOUD+POWERED_DOWN"),
                node("azc002", "ALLOCATED+CLOUD"),
                node("azc003", "IDLE+CLOUD"),
                node("azc004", "DOWN+CLOUD+POWERED_DOWN", "azure: azure-error: InternalExecutionError"),
                node("azc005", "IDLE+CLOUD+POWERED_DOWN"));
    }

    @Test
    void statusJoinsBothViewsWithAVerdictPerNodeAndNamesStrayVms() throws Exception {
        try (PowerTestBed bed = bed("3m")) {
            slurmSees(bed);

            PowerTestBed.Run table = bed.run("status", "azc[001-005]");
            PowerTestBed.Run json = bed.run("status", "azc[001-005]", "--json");

            assertEquals(ExitCode.PARTIAL_FAILURE, table.exit(), table.err());
            assertTrue(table.out().matches("(?s).*azc001\\s+IDLE\\+CLOUD\\+POWERED_DOWN\\s+azc001\\s+hpc1-burst/azc001"
                    + "\\s+running\\s+10\\.1\\.0\\.\\d+\\s+\\S+\\s+orphan.*"), table.out());
            JsonNode root = new ObjectMapper().readTree(json.out());
            assertEquals(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(root)
                    + System.lineSeparator(), json.out(), "the text ObjectMapper's pretty printer writes");
            assertEquals(List.of("orphan", "lost", "ok", "stuck", "stopped"), root.path("nodes").findValuesAsText(
                    "verdict"));
            assertEquals("stray", table.out().lines().filter(l -> l.contains("extra1")).findFirst().orElseThrow()
                    .split("\\s+")[7]);
            assertEquals(1, root.path("strays").size());
            assertEquals(0, bed.emulator.count("POST", "/virtualMachines/"), "status changes nothing");
            assertEquals(List.of(), bed.scontrolCalls(), "status tells Slurm nothing");
        }
    }

    @Test
    void aPassActsOnlyOnceTheGraceHasPassedThenBringsBothSidesTogether() throws Exception {
        try (PowerTestBed bed = bed("2s")) {
            slurmSees(bed);

            PowerTestBed.Run first = bed.run("reconcile", "azc[001-005]");
            assertEquals(ExitCode.OK, first.exit(), first.err() + bed.log());
            assertEquals(0, bed.emulator.count("POST", "/virtualMachines/"), "within the grace: nothing done");
            assertTrue(bed.log().contains("verdict=orphan why=\"powered down in Slurm, VM running\": waiting "),
                    bed.log());
            Thread.sleep(2100);

            PowerTestBed.Run second = bed.run("reconcile", "azc[001-005]");

            assertEquals(ExitCode.OK, second.exit(), second.err() + bed.log());
            assertEquals(PowerState.DEALLOCATED, bed.emulator.vm("azc001").powerState(), "orphan");
            assertEquals(PowerState.DEALLOCATED, bed.emulator.vm("azc004").powerState(), "stuck");
            assertEquals(PowerState.DEALLOCATED, bed.emulator.vm("azc005").powerState(), "stopped");
            assertEquals(PowerState.RUNNING, bed.emulator.vm("azc003").powerState(), "ok: untouched");
            assertEquals(PowerState.RUNNING, bed.emulator.vm("extra1").powerState(), "stray: untouched");
            List<List<String>> calls = bed.scontrolCalls();
            assertTrue(calls.contains(List.of("update", "nodename=azc004", "state=resume")), calls.toString());
            assertTrue(calls.contains(List.of("update", "nodename=azc002", "state=down",
                    "reason=azure: lost: VM deallocated under the node (evicted, or deallocated or stopped outside "
                            + "Slurm)")), calls.toString());
            assertTrue(calls.contains(List.of("update", "nodename=azc002", "state=power_down_force")),
                    calls.toString());
            String log = bed.log();
            assertTrue(log.contains("reconcile: node=azc001 vm=hpc1-burst/azc001 verdict=orphan why=\"powered down in "
                    + "Slurm, VM running\": deallocated"), log);
            assertTrue(log.contains("reconcile: vm=hpc1-burst/extra1 verdict=stray"), log);
            assertTrue(log.matches("(?s).*reconcile: 5 nodes \\(.*\\), 1 stray VM\\(s\\), 4 action\\(s\\) done, 0 "
                    + "failed.*"), log);
        }
    }

    @Test
    void aNodeAPowerProgramHoldsIsLeftForTheNextPass() throws Exception {
        try (PowerTestBed bed = bed("1ms")) {
            slurmSees(bed);
            org.slurmazure.power.engine.NodeLocks locks = new org.slurmazure.power.engine.NodeLocks(dir.resolve(
                    "state"));
            bed.run("reconcile", "azc001"); // a first sighting is only recorded
            Thread.sleep(10);
            try (org.slurmazure.power.engine.NodeLocks.Held held = locks.tryLock("azc001")) {
                assertTrue(held != null);

                PowerTestBed.Run run = bed.run("reconcile", "azc001");

                assertEquals(ExitCode.OK, run.exit(), run.err());
                assertEquals(PowerState.RUNNING, bed.emulator.vm("azc001").powerState());
                assertTrue(bed.log().contains("node=azc001 vm=hpc1-burst/azc001 verdict=orphan: a power program is "
                        + "working on it; left for the next pass"), bed.log());
            }
        }
    }

    @Test
    void aDryRunChangesAndRecordsNothing() throws Exception {
        try (PowerTestBed bed = bed("1ms")) {
            slurmSees(bed);
            bed.run("reconcile", "azc[001-005]"); // a first sighting is only recorded
            String recorded = java.nio.file.Files.readString(dir.resolve("state/reconcile-seen.tsv"));
            Thread.sleep(10);

            PowerTestBed.Run run = bed.run("reconcile", "--dry-run", "azc[001-005]");

            assertEquals(ExitCode.OK, run.exit(), run.err());
            assertEquals(0, bed.emulator.count("POST", "/virtualMachines/"));
            assertEquals(List.of(), bed.scontrolCalls());
            assertEquals(recorded, java.nio.file.Files.readString(dir.resolve("state/reconcile-seen.tsv")));
            assertTrue(run.err().contains("verdict=orphan why=\"powered down in Slurm, VM running\": would deallocate"
                    + " the VM"), run.err());
        }
    }

    /**
     * From 23.11 slurmd's registration replaces InstanceId/InstanceType with what it was started with (nothing, in the
     * e2e lab): a pass sets them again on up nodes whose VM runs; 22.05 has no such fields and gets no call.
     */
    @ParameterizedTest
    @CsvSource({"22.05.8, 0", "24.11.5, 2", "26.05.5, 1"})
    void aPassSetsTheInstanceFieldsThatARegistrationCleared(String version, int calls) throws Exception {
        try (PowerTestBed bed = bed("3m")) {
            bed.scontrol.showConfig("SLURM_VERSION = " + version + "\nResumeTimeout = 600 sec\n");
            String mismatched = node("azc004", "ALLOCATED+CLOUD").replace("NodeAddr=azc004", "NodeAddr=10.9.9.9");
            bed.scontrol.showNodes(
                    node("azc003", "IDLE+CLOUD"), // up, VM running, no InstanceId: cleared by its registration
                    node("azc001", "IDLE+CLOUD+POWERED_DOWN"), // VM running behind it: an orphan, not an instance
                    mismatched); // up, its NodeAddr replaced by the registration (addr-mismatch): up all the same

            PowerTestBed.Run run = bed.run("reconcile", "azc[001,003-004]");

            assertEquals(ExitCode.OK, run.exit(), run.err() + bed.log());
            // one call per node from 23.11 (one value goes to every node of an update), paired lists from 26.05
            List<List<String>> updates = instanceUpdates(bed);
            assertEquals(calls, updates.size(), updates::toString);
            if (calls > 0) {
                String nodes = String.join(",", updates.stream().map(c -> c.get(1).substring(9)).toList());
                String ids = String.join(",", updates.stream().map(c -> c.get(2).substring(11)).toList());
                String types = String.join(",", updates.stream().map(c -> c.get(3).substring(13)).toList());
                assertEquals("azc003,azc004", nodes, updates::toString);
                assertEquals(bed.emulator.vm("azc003").resourceId() + "," + bed.emulator.vm("azc004").resourceId(), ids);
                assertEquals(bed.emulator.vm("azc003").vmSize() + "," + bed.emulator.vm("azc004").vmSize(), types);
                assertTrue(bed.log().contains("reconcile: set InstanceId/InstanceType of [azc003, azc004]"), bed.log());
            }

            // and once Slurm has them, the next pass leaves them alone
            int before = instanceUpdates(bed).size();
            bed.scontrol.showNodes(
                    node("azc003", "IDLE+CLOUD") + " InstanceId=" + bed.emulator.vm("azc003").resourceId(),
                    mismatched + " InstanceId=" + bed.emulator.vm("azc004").resourceId());
            assertEquals(ExitCode.OK, bed.run("reconcile", "azc[003-004]").exit());
            assertEquals(before, instanceUpdates(bed).size());
        }
    }

    private static List<List<String>> instanceUpdates(PowerTestBed bed) throws Exception {
        return bed.scontrolCalls().stream()
                .filter(c -> c.stream().anyMatch(a -> a.startsWith("instanceid=")))
                .toList();
    }
}
