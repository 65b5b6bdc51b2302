package org.slurmazure.power.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.slurmazure.power.cloud.CloudException;
import org.slurmazure.power.cloud.CloudVms;
import org.slurmazure.power.cloud.Operation;
import org.slurmazure.power.domain.PowerState;
import org.slurmazure.power.domain.VmRef;
import org.slurmazure.power.cloud.VmState;
import org.slurmazure.power.domain.FailureClass;

/**
 * An in-memory {@link CloudVms} that behaves like Azure where the engine must cope with it: operations finish after
 * a number of polls; a failed start may leave the VM starting or running (the engine must deallocate it); failures
 * arrive already classified, as the real boundary classifies them. Failures are scripted per VM.
 */
final class FakeCloud implements CloudVms {
    static final class Vm {
        volatile PowerState state = PowerState.DEALLOCATED;
        volatile Map<String, String> tags = Map.of("slurm-cluster", "hpc1");
        volatile String ip = "10.0.0.1";
        volatile String startFailure;        // e.g. AllocationFailed
        /** What a failed start leaves (Azure: deallocated, or still starting or running). */
        volatile PowerState afterFailedStart = PowerState.DEALLOCATED;
        /** The next N operations of this VM fail with a failure that may pass (InternalExecutionError). */
        final AtomicInteger transientOperationFailures = new AtomicInteger();
        volatile boolean startHangs;
        volatile boolean missing;
        /** The next N requests answer 429 with this Retry-After. */
        final AtomicInteger throttleNextRequests = new AtomicInteger();
        volatile Duration throttleRetryAfter = Duration.ofMillis(50);
        /** The next N writes answer 409 "an operation is in progress". */
        final AtomicInteger conflictNextWrites = new AtomicInteger();
        /** The next N reads show the VM updating (the state shown is the old one). */
        final AtomicInteger updatingReads = new AtomicInteger();
        /** When set, beginStart waits for it before answering (a request in flight). */
        volatile CountDownLatch startAnswer;
        final AtomicInteger starts = new AtomicInteger();
        final AtomicInteger deallocations = new AtomicInteger();
    }

    final Map<String, Vm> vms = new ConcurrentHashMap<>();
    final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    /** When each call was made (ms since the fake was made), in call order. */
    final List<Long> callTimes = Collections.synchronizedList(new ArrayList<>());
    private final long born = System.nanoTime();
    volatile int pollsToFinish = 2;

    Vm add(String name) {
        Vm vm = new Vm();
        vms.put(name, vm);
        return vm;
    }

    private void call(String what) {
        calls.add(what);
        callTimes.add((System.nanoTime() - born) / 1_000_000);
    }

    private Vm vm(VmRef ref) throws CloudException {
        Vm vm = vms.get(ref.name());
        if (vm == null || vm.missing) {
            throw new CloudException(FailureClass.NOT_FOUND, false, 404, "ResourceNotFound",
                    "The Resource 'Microsoft.Compute/virtualMachines/" + ref.name() + "' was not found.", null, null);
        }
        if (vm.throttleNextRequests.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new CloudException(FailureClass.THROTTLED, true, 429, "TooManyRequests", "throttled",
                    vm.throttleRetryAfter, null);
        }
        return vm;
    }

    private static void conflict(Vm vm, VmRef ref) throws CloudException {
        if (vm.conflictNextWrites.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new CloudException(FailureClass.AZURE_ERROR, true, 409, "OperationNotAllowed",
                    "Operation is not allowed on VM '" + ref.name() + "' since an operation is in progress.", null,
                    null);
        }
    }

    @Override
    public VmState get(VmRef ref) throws CloudException {
        call("get " + ref.name());
        Vm vm = vm(ref);
        boolean updating = vm.updatingReads.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
        return new VmState(ref, "id-" + ref.name(), vm.state, updating, vm.tags, List.of("/nic/" + ref.name()),
                "Standard_D2s_v5");
    }

    @Override
    public Operation beginStart(VmRef ref) throws CloudException {
        call("start " + ref.name());
        Vm vm = vm(ref);
        CountDownLatch answer = vm.startAnswer;
        if (answer != null) {
            try {
                answer.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            call("start answered " + ref.name());
        }
        conflict(vm, ref);
        vm.starts.incrementAndGet();
        vm.state = PowerState.STARTING;
        return new Op(ref, true);
    }

    @Override
    public Operation beginDeallocate(VmRef ref) throws CloudException {
        call("deallocate " + ref.name());
        Vm vm = vm(ref);
        conflict(vm, ref);
        vm.deallocations.incrementAndGet();
        vm.state = PowerState.DEALLOCATED;
        return new Op(ref, false);
    }

    @Override
    public Operation.Status poll(Operation operation) throws CloudException {
        Op op = (Op) operation;
        call("poll " + op.ref.name());
        Vm vm = vm(op.ref);
        if (++op.polls < pollsToFinish || (op.start && vm.startHangs)) {
            return Operation.Status.inProgress(null);
        }
        if (vm.transientOperationFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            vm.state = op.start ? PowerState.DEALLOCATED : PowerState.RUNNING;
            return Operation.Status.failed(FailureClass.AZURE_ERROR, true, "InternalExecutionError",
                    "An internal execution error occurred. Please retry later.");
        }
        if (op.start && vm.startFailure != null) {
            vm.state = vm.afterFailedStart;
            return Operation.Status.failed(FailureClass.CAPACITY, false, vm.startFailure,
                    "Allocation failed. No capacity.");
        }
        vm.state = op.start ? PowerState.RUNNING : PowerState.DEALLOCATED;
        return Operation.Status.succeeded();
    }

    @Override
    public String privateIp(String nicId) {
        call("nic " + nicId);
        return vms.get(nicId.substring("/nic/".length())).ip;
    }

    @Override
    public Map<VmRef, VmState> readMany(Collection<VmRef> refs) {
        call("list");
        Map<VmRef, VmState> result = new HashMap<>();
        for (VmRef ref : refs) {
            Vm vm = vms.get(ref.name());
            if (vm != null && !vm.missing) {
                result.put(ref, new VmState(ref, "id-" + ref.name(), vm.state, false, vm.tags,
                        List.of("/nic/" + ref.name()), "Standard_D2s_v5"));
            }
        }
        return result;
    }

    @Override
    public List<VmState> listInGroupsOf(Collection<VmRef> refs) {
        call("list groups");
        List<VmState> result = new ArrayList<>();
        String sub = refs.isEmpty() ? "sub" : refs.iterator().next().subscriptionId();
        String rg = refs.isEmpty() ? "rg" : refs.iterator().next().resourceGroup();
        vms.forEach((name, vm) -> {
            if (!vm.missing) {
                result.add(new VmState(new VmRef(sub, rg, name), "id-" + name, vm.state, false, vm.tags,
                        List.of("/nic/" + name), "Standard_D2s_v5"));
            }
        });
        return result;
    }

    @Override
    public Map<String, String> privateIps(Collection<VmRef> refs) {
        call("list nics");
        Map<String, String> result = new HashMap<>();
        for (VmRef ref : refs) {
            Vm vm = vms.get(ref.name());
            if (vm != null) {
                result.put("/nic/" + ref.name(), vm.ip);
            }
        }
        return result;
    }

    @Override
    public RequestCounts requestCounts() {
        return new RequestCounts(calls.size(), 0);
    }

    private static final class Op implements Operation {
        final VmRef ref;
        final boolean start;
        int polls;

        Op(VmRef ref, boolean start) {
            this.ref = ref;
            this.start = start;
        }

        @Override
        public Duration suggestedPollDelay() {
            return null;
        }
    }
}
