package org.slurmazure.power.power;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.slurmazure.power.cloud.CloudException;
import org.slurmazure.power.cloud.CloudVms;
import org.slurmazure.power.cloud.Operation;
import org.slurmazure.power.cloud.PowerState;
import org.slurmazure.power.cloud.VmRef;
import org.slurmazure.power.cloud.VmState;

/** An in-memory {@link CloudVms}: operations finish after a number of polls; failures are scripted per VM. */
final class FakeCloud implements CloudVms {
    static final class Vm {
        volatile PowerState state = PowerState.DEALLOCATED;
        volatile Map<String, String> tags = Map.of("slurm-cluster", "hpc1");
        volatile String ip = "10.0.0.1";
        volatile String startFailure;        // e.g. AllocationFailed
        volatile boolean startHangs;
        volatile boolean missing;
        final AtomicInteger throttleNextRequests = new AtomicInteger();
        final AtomicInteger starts = new AtomicInteger();
        final AtomicInteger deallocations = new AtomicInteger();
    }

    final Map<String, Vm> vms = new ConcurrentHashMap<>();
    final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    volatile int pollsToFinish = 2;

    Vm add(String name) {
        Vm vm = new Vm();
        vms.put(name, vm);
        return vm;
    }

    private Vm vm(VmRef ref) throws CloudException {
        Vm vm = vms.get(ref.name());
        if (vm == null || vm.missing) {
            throw new CloudException(404, "ResourceNotFound", "The Resource 'Microsoft.Compute/virtualMachines/"
                    + ref.name() + "' was not found.", null, null);
        }
        if (vm.throttleNextRequests.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new CloudException(429, "TooManyRequests", "throttled", Duration.ofMillis(50), null);
        }
        return vm;
    }

    @Override
    public VmState get(VmRef ref) throws CloudException {
        calls.add("get " + ref.name());
        Vm vm = vm(ref);
        return new VmState(ref, "id-" + ref.name(), vm.state, vm.tags, List.of("/nic/" + ref.name()), null);
    }

    @Override
    public Operation beginStart(VmRef ref) throws CloudException {
        calls.add("start " + ref.name());
        Vm vm = vm(ref);
        vm.starts.incrementAndGet();
        vm.state = PowerState.STARTING;
        return new Op(ref, true);
    }

    @Override
    public Operation beginDeallocate(VmRef ref) throws CloudException {
        calls.add("deallocate " + ref.name());
        Vm vm = vm(ref);
        vm.deallocations.incrementAndGet();
        vm.state = PowerState.DEALLOCATING;
        return new Op(ref, false);
    }

    @Override
    public Operation.Status poll(Operation operation) throws CloudException {
        Op op = (Op) operation;
        calls.add("poll " + op.ref.name());
        Vm vm = vm(op.ref);
        if (++op.polls < pollsToFinish || (op.start && vm.startHangs)) {
            return Operation.Status.inProgress(null);
        }
        if (op.start && vm.startFailure != null) {
            vm.state = PowerState.DEALLOCATED;
            return Operation.Status.failed(vm.startFailure, "Allocation failed. No capacity.");
        }
        vm.state = op.start ? PowerState.RUNNING : PowerState.DEALLOCATED;
        return Operation.Status.succeeded();
    }

    @Override
    public String privateIp(String nicId) {
        calls.add("nic " + nicId);
        return vms.get(nicId.substring("/nic/".length())).ip;
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
