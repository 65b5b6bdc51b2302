package org.slurmazure.power.power;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slurmazure.power.cloud.PowerState;
import org.slurmazure.power.cloud.VmRef;
import org.slurmazure.power.core.FailureClass;
import org.slurmazure.power.core.NodeOutcome;
import org.slurmazure.power.core.PowerMode;

class PowerEngineTest {
    final FakeCloud cloud = new FakeCloud();
    final List<NodeOutcome> reported = Collections.synchronizedList(new ArrayList<>());

    List<NodeOutcome> run(PowerMode mode, Duration deadline, NodeLocks locks, String... nodes)
            throws InterruptedException {
        PowerEngine.Settings s = new PowerEngine.Settings(mode, "slurm-cluster", "hpc1", true, deadline, 8,
                Duration.ofMillis(10), Duration.ofMillis(50));
        List<PowerEngine.Target> targets = new ArrayList<>();
        for (String n : nodes) {
            targets.add(new PowerEngine.Target(n, new VmRef("sub", "rg", n), List.of(7L)));
        }
        return new PowerEngine(cloud, locks, s, reported::add).run(targets);
    }

    @Test
    void resumeStartsDeallocatedVmsAndReadsTheirAddress() throws Exception {
        cloud.add("azc001").ip = "10.1.0.1";
        cloud.add("azc002").ip = "10.1.0.2";

        List<NodeOutcome> out = run(PowerMode.RESUME, Duration.ofSeconds(10), null, "azc001", "azc002");

        assertTrue(out.stream().allMatch(NodeOutcome::ok), out.toString());
        assertEquals("10.1.0.1", out.get(0).privateIp());
        assertEquals("start", out.get(0).action());
        assertEquals(PowerState.DEALLOCATED, out.get(0).before());
        assertEquals(PowerState.RUNNING, cloud.vms.get("azc002").state);
        assertEquals(2, reported.size());
    }

    @Test
    void resumeOfARunningVmWritesNothing() throws Exception {
        cloud.add("azc001").state = PowerState.RUNNING;

        List<NodeOutcome> out = run(PowerMode.RESUME, Duration.ofSeconds(10), null, "azc001");

        assertTrue(out.get(0).ok());
        assertEquals("already running", out.get(0).detail());
        assertEquals(0, cloud.vms.get("azc001").starts.get());
    }

    @Test
    void untaggedVmIsRefusedAndNeverWritten() throws Exception {
        cloud.add("azc001").tags = java.util.Map.of("slurm-cluster", "other");

        NodeOutcome out = run(PowerMode.RESUME, Duration.ofSeconds(10), null, "azc001").get(0);

        assertEquals(FailureClass.NOT_TAGGED, out.failure());
        assertEquals(List.of("get azc001"), cloud.calls);
    }

    @Test
    void allocationFailureFailsTheNodeWithItsClassAndLeavesTheVmDeallocated() throws Exception {
        cloud.add("azc001").startFailure = "AllocationFailed";
        cloud.add("azc002");

        List<NodeOutcome> out = run(PowerMode.RESUME, Duration.ofSeconds(10), null, "azc001", "azc002");

        assertEquals(FailureClass.CAPACITY, out.get(0).failure());
        assertTrue(out.get(0).slurmReason().startsWith("azure: capacity: AllocationFailed: "), out.get(0).slurmReason());
        assertEquals(PowerState.DEALLOCATED, cloud.vms.get("azc001").state);
        assertTrue(out.get(1).ok());
    }

    @Test
    void missingVmIsNotFound() throws Exception {
        NodeOutcome out = run(PowerMode.RESUME, Duration.ofSeconds(10), null, "azc404").get(0);

        assertEquals(FailureClass.NOT_FOUND, out.failure());
    }

    @Test
    void throttledRequestsAreRetriedAfterRetryAfter() throws Exception {
        cloud.add("azc001").throttleNextRequests.set(2);

        NodeOutcome out = run(PowerMode.RESUME, Duration.ofSeconds(20), null, "azc001").get(0);

        assertTrue(out.ok(), out.toString());
    }

    @Test
    void startThatNeverFinishesTimesOutAndIsDeallocated() throws Exception {
        cloud.add("azc001").startHangs = true;

        NodeOutcome out = run(PowerMode.RESUME, Duration.ofMillis(1500), null, "azc001").get(0);

        assertEquals(FailureClass.TIMEOUT, out.failure());
        assertTrue(cloud.calls.contains("deallocate azc001"), cloud.calls.toString());
    }

    @Test
    void suspendDeallocatesAndIsIdempotent() throws Exception {
        cloud.add("azc001").state = PowerState.RUNNING;
        cloud.add("azc002");

        List<NodeOutcome> out = run(PowerMode.SUSPEND, Duration.ofSeconds(10), null, "azc001", "azc002");

        assertTrue(out.stream().allMatch(NodeOutcome::ok));
        assertEquals(PowerState.DEALLOCATED, cloud.vms.get("azc001").state);
        assertEquals("already deallocated", out.get(1).detail());
        assertEquals(0, cloud.vms.get("azc002").deallocations.get());
        assertNull(out.get(0).privateIp());
    }

    @Test
    void aNodeLockedByAnotherInvocationWaitsForIt(@TempDir Path state) throws Exception {
        cloud.add("azc001");
        NodeLocks locks = new NodeLocks(state);
        NodeLocks.Held other = locks.tryLock("azc001");
        Thread release = new Thread(() -> {
            try {
                Thread.sleep(600);
            } catch (InterruptedException ignored) {
                // released early
            }
            other.close();
        });
        release.start();

        NodeOutcome out = run(PowerMode.RESUME, Duration.ofSeconds(10), new NodeLocks(state), "azc001").get(0);

        assertTrue(out.ok(), out.toString());
        assertTrue(out.duration().toMillis() >= 500, "waited for the other holder: " + out.duration());
        assertFalse(release.isAlive() && out.duration().toMillis() < 500);
    }
}
