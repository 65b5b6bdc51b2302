package org.slurmazure.power.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slurmazure.power.cloud.VmState;
import org.slurmazure.power.domain.PowerState;
import org.slurmazure.power.domain.VmRef;
import org.slurmazure.power.slurm.SlurmNode;

/** Every pairing of a Slurm state with a VM power state that matters, and what a pass does about it. */
class JudgeTest {
    static final VmRef VM = new VmRef("sub", "rg", "azc001");

    static Observation seen(String slurmLine, PowerState power) {
        SlurmNode node = SlurmNode.parse(slurmLine, ZoneOffset.UTC);
        VmState vm = new VmState(VM, "id", power, false, Map.of("slurm-cluster", "hpc1"), List.of("/nic"), "D2");
        return new Observation("azc001", VM, node, vm, false, "10.1.0.4");
    }

    @ParameterizedTest(name = "{0} / {1} -> {2} {3}")
    @CsvSource(delimiter = '|', value = {
        // powered down in Slurm
        "IDLE+CLOUD+POWERED_DOWN|RUNNING|ORPHAN|DEALLOCATE",
        "IDLE+CLOUD+POWERED_DOWN|STARTING|ORPHAN|DEALLOCATE",
        "IDLE+CLOUD+POWERED_DOWN|STOPPED|STOPPED|DEALLOCATE",
        "IDLE+CLOUD+POWERED_DOWN|DEALLOCATED|OK|NONE",
        "IDLE+DRAIN+CLOUD+POWERED_DOWN|RUNNING|ORPHAN|DEALLOCATE",
        // held down by a failed suspend or resume-fail
        "DOWN+CLOUD+POWERED_DOWN|RUNNING|STUCK|DEALLOCATE_AND_RETURN",
        "DOWN+CLOUD+POWERED_DOWN|DEALLOCATED|STUCK|RETURN",
        // powering up: Slurm's ResumeTimeout covers it
        "ALLOCATED+CLOUD+POWERING_UP|DEALLOCATED|OK|NONE",
        "DOWN+CLOUD+NOT_RESPONDING+POWERING_UP|RUNNING|OK|NONE",
        // powering down
        "IDLE+CLOUD+POWERING_DOWN|RUNNING|STUCK|DEALLOCATE",
        "IDLE+CLOUD+POWERING_DOWN|STOPPED|STOPPED|DEALLOCATE",
        "IDLE+CLOUD+POWERING_DOWN|DEALLOCATING|OK|NONE",
        // up in Slurm
        "ALLOCATED+CLOUD|DEALLOCATED|LOST|MARK_LOST",
        "IDLE+CLOUD|STOPPED|LOST|MARK_LOST",
        "MIXED+CLOUD|RUNNING|OK|NONE",
        "IDLE+CLOUD|RUNNING|OK|NONE",
        "DOWN+CLOUD|DEALLOCATED|OK|NONE",
        "IDLE+CLOUD+POWERED_DOWN|UNKNOWN|UNKNOWN|NONE"})
    void verdictAndAction(String state, PowerState power, Verdict verdict, Judge.Action action) {
        String reason = state.startsWith("DOWN+CLOUD+POWERED_DOWN")
                ? " Reason=azure: azure-error: InternalExecutionError [slurm@2026-12-06T08:00:00]" : "";
        Observation o = seen("NodeName=azc001 Arch=x86_64 State=" + state + " NodeAddr=10.1.0.4" + reason, power);

        Judge.Judgement j = Judge.judge(o, "slurm-cluster", "hpc1", true);

        assertEquals(verdict, j.verdict(), j.why());
        assertEquals(action, j.action(), j.why());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "azure: not-found: VM does not exist", "azure: not-tagged: VM lacks tag", "azure: no-group: node is in no"})
    void aNodeDrainedForAFailureThatNeedsAnAdminIsNeverReturned(String reason) {
        Observation o = seen("NodeName=azc001 State=DOWN+DRAIN+CLOUD+POWERED_DOWN NodeAddr=azc001 Reason=" + reason
                + " [slurm@2026-12-06T08:00:00]", PowerState.DEALLOCATED);

        assertEquals(Verdict.OK, Judge.judge(o, "slurm-cluster", "hpc1", true).verdict());
    }

    @ParameterizedTest
    @CsvSource({"10.9.9.9, ADDR_MISMATCH", "10.1.0.4, OK", "azc001, OK"})
    void aNodeAddrOtherThanTheVmsIpIsReported(String addr, Verdict verdict) {
        Observation o = seen("NodeName=azc001 State=IDLE+CLOUD NodeAddr=" + addr, PowerState.RUNNING);

        Judge.Judgement j = Judge.judge(o, "slurm-cluster", "hpc1", true);

        assertEquals(verdict, j.verdict());
        assertEquals(verdict == Verdict.OK ? Judge.Action.NONE : Judge.Action.REPORT, j.action());
    }

    @org.junit.jupiter.api.Test
    void vmsThatAreNotOursOrMissingAndNodesSlurmDoesNotKnowAreOnlyReported() {
        Observation untagged = new Observation("azc001", VM,
                SlurmNode.parse("NodeName=azc001 State=IDLE+CLOUD+POWERED_DOWN", ZoneOffset.UTC),
                new VmState(VM, "id", PowerState.RUNNING, false, Map.of("slurm-cluster", "other"), List.of(), null),
                false, null);
        Observation missing = new Observation("azc001", VM,
                SlurmNode.parse("NodeName=azc001 State=IDLE+CLOUD+POWERED_DOWN", ZoneOffset.UTC), null, true, null);
        Observation unknownToSlurm = new Observation("azc001", VM, null, null, false, null);

        assertEquals(Verdict.UNTAGGED, Judge.judge(untagged, "slurm-cluster", "hpc1", true).verdict());
        assertEquals(Verdict.MISSING, Judge.judge(missing, "slurm-cluster", "hpc1", true).verdict());
        assertEquals(Verdict.NOT_IN_SLURM, Judge.judge(unknownToSlurm, "slurm-cluster", "hpc1", true).verdict());
        for (Observation o : List.of(untagged, missing, unknownToSlurm)) {
            assertEquals(Judge.Action.REPORT, Judge.judge(o, "slurm-cluster", "hpc1", true).action());
        }
    }
}
