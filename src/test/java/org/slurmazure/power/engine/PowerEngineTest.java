package org.slurmazure.power.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slurmazure.power.domain.PowerState;
import org.slurmazure.power.domain.VmRef;
import org.slurmazure.power.domain.FailureClass;
import org.slurmazure.power.domain.NodeOutcome;
import org.slurmazure.power.domain.PowerMode;
import org.slurmazure.power.domain.TimeBudget;

/** The engine against a fake cloud that misbehaves as Azure does: one behaviour per test. */
class PowerEngineTest {
    final FakeCloud cloud = new FakeCloud();
    final List<NodeOutcome> reported = Collections.synchronizedList(new ArrayList<>());

    List<NodeOutcome> run(PowerMode mode, Duration deadline, NodeLocks locks, String... nodes)
            throws InterruptedException {
        return engine(mode, deadline, locks).run(targets(nodes));
    }

    PowerEngine engine(PowerMode mode, Duration deadline, NodeLocks locks) {
        PowerEngine.Settings s = new PowerEngine.Settings(mode, "slurm-cluster", "hpc1", true, 8,
                Duration.ofMillis(10), Duration.ofMillis(50));
        return new PowerEngine(cloud, locks, s, TimeBudget.of(System.nanoTime(), deadline), reported::add);
    }

    static List<PowerEngine.Target> targets(String... nodes) {
        List<PowerEngine.Target> targets = new ArrayList<>();
        for (String n : nodes) {
            targets.add(new PowerEngine.Target(n, new VmRef("sub", "rg", n), List.of(7L)));
        }
        return targets;
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
    void aStartedVmsOutcomeHasItsStartToRunningTimeAndAVmAlreadyRunningNone() throws Exception {
        cloud.add("azc001").ip = "10.1.0.1";
        cloud.add("azc002").state = PowerState.RUNNING;

        List<NodeOutcome> out = run(PowerMode.RESUME, Duration.ofSeconds(10), null, "azc001", "azc002");

        Duration started = out.get(0).operationTime();
        assertNotNull(started);
        assertTrue(!started.isNegative() && started.compareTo(out.get(0).duration()) <= 0,
                started + " within " + out.get(0).duration());
        assertNull(out.get(1).operationTime());
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
    void aFailedStartThatLeftTheVmRunningIsDeallocatedByTheEngine() throws Exception {
        FakeCloud.Vm failing = cloud.add("azc001");
        failing.startFailure = "AllocationFailed";
        failing.afterFailedStart = PowerState.RUNNING; // Azure may leave it so: the fake does not clean up
        cloud.add("azc002");

        List<NodeOutcome> out = run(PowerMode.RESUME, Duration.ofSeconds(10), null, "azc001", "azc002");

        assertEquals(FailureClass.CAPACITY, out.get(0).failure());
        assertTrue(out.get(0).slurmReason().startsWith("azure: capacity: AllocationFailed: "), out.get(0).slurmReason());
        assertTrue(cloud.calls.contains("deallocate azc001"), cloud.calls.toString());
        assertEquals(PowerState.DEALLOCATED, cloud.vms.get("azc001").state);
        assertTrue(out.get(1).ok());
    }

    @Test
    void aFailedStartThatLeftTheVmStartingIsDeallocatedToo() throws Exception {
        FakeCloud.Vm failing = cloud.add("azc001");
        failing.startFailure = "OverconstrainedAllocationRequest";
        failing.afterFailedStart = PowerState.STARTING;

        NodeOutcome out = run(PowerMode.RESUME, Duration.ofSeconds(10), null, "azc001").get(0);

        assertEquals(FailureClass.CAPACITY, out.failure());
        assertEquals(PowerState.DEALLOCATED, cloud.vms.get("azc001").state, cloud.calls.toString());
    }

    @Test
    void missingVmIsNotFoundAndNothingIsWritten() throws Exception {
        NodeOutcome out = run(PowerMode.RESUME, Duration.ofSeconds(10), null, "azc404").get(0);

        assertEquals(FailureClass.NOT_FOUND, out.failure());
        assertTrue(out.failure().permanent());
        assertEquals(List.of("get azc404"), cloud.calls);
    }

    @Test
    void throttledRequestsAreRetriedNoSoonerThanRetryAfter() throws Exception {
        FakeCloud.Vm vm = cloud.add("azc001");
        vm.throttleNextRequests.set(1);
        vm.throttleRetryAfter = Duration.ofMillis(1500); // longer than the engine's first back-off (1 s)

        NodeOutcome out = run(PowerMode.RESUME, Duration.ofSeconds(20), null, "azc001").get(0);

        assertTrue(out.ok(), out.toString());
        assertEquals("get azc001", cloud.calls.get(0));
        assertEquals("get azc001", cloud.calls.get(1));
        long gap = cloud.callTimes.get(1) - cloud.callTimes.get(0);
        assertTrue(gap >= 1500, "retried after " + gap + " ms, Retry-After was 1500 ms");
    }

    @Test
    void aWriteRefusedWithAConflictIsPlannedAgainFromAFreshRead() throws Exception {
        cloud.add("azc001").conflictNextWrites.set(1);

        NodeOutcome out = run(PowerMode.RESUME, Duration.ofSeconds(20), null, "azc001").get(0);

        assertTrue(out.ok(), out.toString());
        assertEquals(List.of("get azc001", "start azc001", "get azc001", "start azc001"),
                cloud.calls.subList(0, 4));
    }

    @Test
    void aVmStillUpdatingIsWaitedForBeforeAnythingIsDecided() throws Exception {
        cloud.add("azc001").updatingReads.set(1); // shows deallocated, but a write is still settling

        NodeOutcome out = run(PowerMode.RESUME, Duration.ofSeconds(20), null, "azc001").get(0);

        assertTrue(out.ok(), out.toString());
        assertEquals(List.of("get azc001", "get azc001", "start azc001"), cloud.calls.subList(0, 3));
    }

    @Test
    void suspendRetriesADeallocationThatFailedWithAnErrorThatMayPass() throws Exception {
        FakeCloud.Vm vm = cloud.add("azc001");
        vm.state = PowerState.RUNNING;
        vm.transientOperationFailures.set(2);

        NodeOutcome out = run(PowerMode.SUSPEND, Duration.ofSeconds(30), null, "azc001").get(0);

        assertTrue(out.ok(), out.toString());
        assertEquals(3, vm.deallocations.get());
        assertEquals(PowerState.DEALLOCATED, vm.state);
    }

    @Test
    void suspendThatCannotDeallocateBeforeTheDeadlineSaysTheVmMayRun() throws Exception {
        FakeCloud.Vm vm = cloud.add("azc001");
        vm.state = PowerState.RUNNING;
        vm.transientOperationFailures.set(1000);

        NodeOutcome out = run(PowerMode.SUSPEND, Duration.ofSeconds(4), null, "azc001").get(0);

        assertFalse(out.ok());
        assertFalse(out.failure().permanent(), "the node must not be drained for a failure that may pass");
        assertTrue(out.detail().contains("InternalExecutionError"), out.detail());
        assertTrue(vm.deallocations.get() >= 2, "retried: " + cloud.calls);
    }

    @Test
    void anOperationWhoseNextPollWouldPassTheWorkEndGetsALastPollJustBeforeIt() throws Exception {
        // Polls at 1 s and 2.5 s find it in progress; the next, 2.25 s later, would pass the work end (4 s of a 6 s
        // budget): instead one last poll just before the work end sees it done (a loaded CI machine failed a
        // deallocation that had finished as "did not finish before the deadline").
        FakeCloud.Vm vm = cloud.add("azc001");
        vm.state = PowerState.RUNNING;
        cloud.pollsToFinish = 3;
        PowerEngine.Settings s = new PowerEngine.Settings(
                PowerMode.SUSPEND, "slurm-cluster", "hpc1", false, 8, Duration.ofSeconds(1), Duration.ofSeconds(10));
        TimeBudget budget = TimeBudget.of(System.nanoTime(), Duration.ofSeconds(6));

        NodeOutcome out = new PowerEngine(cloud, null, s, budget, reported::add).run(targets("azc001")).get(0);

        assertTrue(out.ok(), out.detail());
        assertEquals(PowerState.DEALLOCATED, vm.state);
        int lastPoll = cloud.calls.lastIndexOf("poll azc001");
        assertEquals(3, cloud.calls.stream().filter("poll azc001"::equals).count(), cloud.calls.toString());
        long workEndMs = TimeUnit.NANOSECONDS.toMillis(budget.workEnd() - budget.startNanos());
        assertTrue(
                cloud.callTimes.get(lastPoll) < workEndMs,
                "last poll at " + cloud.callTimes.get(lastPoll) + " ms, work end at " + workEndMs + " ms");
    }

    @Test
    void startThatNeverFinishesTimesOutAndIsDeallocated() throws Exception {
        cloud.add("azc001").startHangs = true;

        NodeOutcome out = run(PowerMode.RESUME, Duration.ofMillis(2500), null, "azc001").get(0);

        assertEquals(FailureClass.TIMEOUT, out.failure());
        assertTrue(cloud.calls.contains("deallocate azc001"), cloud.calls.toString());
    }

    @Test
    void aStartStillUnansweredAtTheDeadlineIsDeallocatedAndKeepsItsLockUntilTheAnswer(@TempDir Path state)
            throws Exception {
        FakeCloud.Vm vm = cloud.add("azc001");
        vm.startAnswer = new CountDownLatch(1);
        NodeLocks locks = new NodeLocks(state);
        PowerEngine engine = engine(PowerMode.RESUME, Duration.ofMillis(3000), locks);
        Thread answerLate = new Thread(() -> {
            try {
                Thread.sleep(4000); // after the work end (1 s before the deadline) and the run's clean-up end
            } catch (InterruptedException ignored) {
                // answer now
            }
            NodeLocks.Held probe;
            try {
                probe = new NodeLocks(state).tryLock("azc001");
                if (probe != null) {
                    probe.close();
                    cloud.calls.add("lock free while the start was unanswered");
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            vm.startAnswer.countDown();
        });
        answerLate.start();

        NodeOutcome out = engine.run(targets("azc001")).get(0);
        answerLate.join();
        Thread.sleep(300); // the worker's answer arrives after the run

        assertEquals(FailureClass.TIMEOUT, out.failure());
        assertTrue(out.detail().contains("start requested, no answer"), out.detail());
        assertFalse(cloud.calls.contains("lock free while the start was unanswered"), cloud.calls.toString());
        // The engine's clean-up deallocated at the deadline; the late acceptance deallocates again.
        int answered = cloud.calls.indexOf("start answered azc001");
        assertTrue(answered > 0, cloud.calls.toString());
        assertTrue(cloud.calls.indexOf("deallocate azc001") < answered, cloud.calls.toString());
        assertTrue(cloud.calls.subList(answered, cloud.calls.size()).contains("deallocate azc001"),
                cloud.calls.toString());
        assertEquals(PowerState.DEALLOCATED, vm.state);
        NodeLocks.Held after = locks.tryLock("azc001");
        assertNotNull(after, "the lock is free once the worker is done");
        after.close();
    }

    @Test
    void unfinishedNodesAreListedWithWhatIsUnderWay() throws Exception {
        FakeCloud.Vm vm = cloud.add("azc001");
        vm.startAnswer = new CountDownLatch(1);
        PowerEngine engine = engine(PowerMode.RESUME, Duration.ofSeconds(10), null);
        Thread runner = new Thread(() -> {
            try {
                engine.run(targets("azc001"));
            } catch (InterruptedException ignored) {
                // ends the test thread
            }
        });
        runner.start();
        for (int i = 0; i < 100 && !cloud.calls.contains("start azc001"); i++) {
            Thread.sleep(20);
        }

        List<PowerEngine.Unfinished> unfinished = engine.unfinished();
        vm.startAnswer.countDown();
        runner.join();

        assertEquals(1, unfinished.size());
        assertEquals("azc001", unfinished.get(0).node());
        assertEquals("start requested, no answer yet", unfinished.get(0).doing());
        assertEquals(List.of(), engine.unfinished());
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

    @Test
    void manyNodesAreReadWithListCallsFirst() throws Exception {
        String[] nodes = new String[PowerEngine.BULK_READ_THRESHOLD];
        for (int i = 0; i < nodes.length; i++) {
            nodes[i] = String.format("azc%03d", i + 1);
            cloud.add(nodes[i]).ip = "10.1.0." + (i + 1);
        }

        List<NodeOutcome> out = run(PowerMode.RESUME, Duration.ofSeconds(20), null, nodes);

        assertTrue(out.stream().allMatch(NodeOutcome::ok), out.toString());
        assertEquals("10.1.0.3", out.get(2).privateIp());
        assertTrue(cloud.calls.stream().noneMatch(c -> c.startsWith("get ") || c.startsWith("nic ")),
                cloud.calls.toString());
    }

    @Test
    void atMostHalfTheWorkersWaitOnWritesSoTheOthersStayFreeForPolls() throws Exception {
        // given starts that Azure answers only much later (a write gate holding them back), and 8 workers
        CountDownLatch answer = new CountDownLatch(1);
        String[] nodes = new String[10];
        for (int i = 0; i < nodes.length; i++) {
            nodes[i] = String.format("azc%03d", i + 1);
            cloud.add(nodes[i]).startAnswer = answer;
        }
        PowerEngine engine = engine(PowerMode.RESUME, Duration.ofSeconds(20), null);
        java.util.concurrent.FutureTask<List<NodeOutcome>> run = new java.util.concurrent.FutureTask<>(
                () -> engine.run(targets(nodes)));
        new Thread(run).start();

        // when they wait, then only 4 of them hold a worker; the others wait in line, holding none
        Thread.sleep(500);
        long sent = cloud.calls.stream().filter(c -> c.startsWith("start ")).count();
        answer.countDown();
        List<NodeOutcome> out = run.get(20, java.util.concurrent.TimeUnit.SECONDS);

        assertEquals(4, sent, cloud.calls.toString());
        // and every node still gets its start, once
        assertTrue(out.stream().allMatch(NodeOutcome::ok), out.toString());
        for (String n : nodes) {
            assertEquals(1, cloud.vms.get(n).starts.get(), n);
        }
    }

    @Test
    void theFirstPollOfAnOperationComesWhenTheShortestOperationOfTheRunHadFinished() {
        PowerEngine engine = engine(PowerMode.RESUME, Duration.ofMinutes(10), null);
        // before any operation has finished: Azure's suggestion, else firstPollDelay
        assertEquals(Duration.ofMillis(10), engine.firstPoll(null));
        assertEquals(Duration.ofSeconds(2), engine.firstPoll(Duration.ofSeconds(2)));

        engine.operationTook(Duration.ofSeconds(30).toNanos());
        engine.operationTook(Duration.ofSeconds(20).toNanos());
        engine.operationTook(Duration.ofSeconds(40).toNanos());

        // after: just after the shortest so far, unless Azure asks for more
        assertEquals(Duration.ofMillis(20_250), engine.firstPoll(Duration.ofSeconds(2)));
        assertEquals(Duration.ofSeconds(60), engine.firstPoll(Duration.ofSeconds(60)));
        // and never so late that no poll fits before the work end
        PowerEngine soon = engine(PowerMode.RESUME, Duration.ofSeconds(12), null);
        soon.operationTook(Duration.ofSeconds(20).toNanos());
        assertTrue(soon.firstPoll(null).compareTo(Duration.ofSeconds(11)) < 0, soon.firstPoll(null).toString());
    }
}
