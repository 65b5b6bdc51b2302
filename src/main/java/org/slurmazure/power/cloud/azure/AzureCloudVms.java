package org.slurmazure.power.cloud.azure;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.azure.core.http.HttpPipeline;
import com.azure.core.management.AzureEnvironment;
import com.azure.core.util.Context;
import com.azure.resourcemanager.compute.fluent.VirtualMachinesClient;
import com.azure.resourcemanager.compute.fluent.models.VirtualMachineInner;
import com.azure.resourcemanager.compute.implementation.ComputeManagementClientBuilder;
import com.azure.resourcemanager.compute.models.InstanceViewStatus;
import com.azure.resourcemanager.compute.models.InstanceViewTypes;
import com.azure.resourcemanager.compute.models.NetworkInterfaceReference;

import org.slurmazure.power.cloud.CloudException;
import org.slurmazure.power.cloud.CloudVms;
import org.slurmazure.power.cloud.Operation;
import org.slurmazure.power.cloud.VmState;
import org.slurmazure.power.domain.PowerState;
import org.slurmazure.power.domain.VmRef;
import org.slurmazure.power.json.JsonValue;

/**
 * {@link CloudVms} on Azure Resource Manager through the compute service client of azure-resourcemanager-compute
 * (the lean client: a full ComputeManager would also build the network, storage and authorization managers on
 * every run). Polling is {@link LongRunningOperations}', list calls {@link BulkReads}'; every failure is translated
 * by {@link AzureFailures}, here and nowhere else.
 */
public final class AzureCloudVms implements CloudVms {
    /** api-version for the NIC reads, sent through the same pipeline. */
    static final String NETWORK_API_VERSION = "2024-05-01";

    private final HttpPipeline pipeline;
    private final String resourceManager;
    private final AzureEnvironment environment;
    private final ThrottleGate gate;
    private final Map<String, VirtualMachinesClient> clients = new ConcurrentHashMap<>();
    private final LongRunningOperations operations;
    private final BulkReads bulk;

    AzureCloudVms(HttpPipeline pipeline, URI resourceManager, AzureEnvironment environment, ThrottleGate gate) {
        this.pipeline = pipeline;
        this.resourceManager = resourceManager.toString();
        this.environment = environment;
        this.gate = gate;
        this.operations = new LongRunningOperations(pipeline);
        this.bulk = new BulkReads(pipeline, this.resourceManager, this::vms);
    }

    @Override
    public VmState get(VmRef vm) throws CloudException {
        VirtualMachineInner inner = AzureCalls.call(() -> vms(vm.subscriptionId())
                .getByResourceGroupWithResponse(
                        vm.resourceGroup(), vm.name(), InstanceViewTypes.INSTANCE_VIEW, Context.NONE)
                .getValue());
        return state(
                vm,
                inner,
                inner.instanceView() == null ? null : inner.instanceView().statuses());
    }

    @Override
    public Operation beginStart(VmRef vm) throws CloudException {
        return AzureCalls.call(() -> LongRunningOperations.accepted(vms(vm.subscriptionId())
                .startWithResponseAsync(vm.resourceGroup(), vm.name())
                .block()));
    }

    @Override
    public Operation beginDeallocate(VmRef vm) throws CloudException {
        return AzureCalls.call(() -> LongRunningOperations.accepted(vms(vm.subscriptionId())
                .deallocateWithResponseAsync(vm.resourceGroup(), vm.name(), null)
                .block()));
    }

    @Override
    public Operation.Status poll(Operation operation) throws CloudException {
        return operations.poll(operation);
    }

    @Override
    public String privateIp(String networkInterfaceId) throws CloudException {
        return primaryIp(AzureCalls.getJson(
                pipeline,
                resourceManager.replaceAll("/+$", "") + networkInterfaceId + "?api-version=" + NETWORK_API_VERSION));
    }

    @Override
    public Map<VmRef, VmState> readMany(Collection<VmRef> vms) throws CloudException {
        return bulk.readMany(vms);
    }

    @Override
    public List<VmState> listInGroupsOf(Collection<VmRef> vms) throws CloudException {
        return bulk.listGroups(vms, true);
    }

    @Override
    public Map<String, String> privateIps(Collection<VmRef> vms) throws CloudException {
        return bulk.privateIps(vms);
    }

    /**
     * Requests sent to ARM (each retry counts), the 429 answers among them, and how long their Retry-After paused
     * the reads and the writes ({@link ThrottleGate}).
     */
    @Override
    public RequestCounts requestCounts() {
        return new RequestCounts(gate.sent(), gate.throttled(), gate.retryAfterWait());
    }

    static VmState state(VmRef vm, VirtualMachineInner inner, List<InstanceViewStatus> statuses) {
        PowerState power = PowerState.UNKNOWN;
        boolean updating = false;
        if (statuses != null) {
            for (InstanceViewStatus status : statuses) {
                String code = status.code() == null ? "" : status.code().toLowerCase(java.util.Locale.ROOT);
                if (code.startsWith("powerstate/")) {
                    power = PowerState.fromStatusCode(status.code());
                } else if (code.equals("provisioningstate/updating")
                        || code.equals("provisioningstate/creating")
                        || code.equals("provisioningstate/deleting")) {
                    updating = true;
                }
            }
        }
        List<String> nics = new ArrayList<>();
        if (inner.networkProfile() != null && inner.networkProfile().networkInterfaces() != null) {
            for (NetworkInterfaceReference nic : inner.networkProfile().networkInterfaces()) {
                if (Boolean.TRUE.equals(nic.primary())) {
                    nics.add(0, nic.id());
                } else {
                    nics.add(nic.id());
                }
            }
        }
        Map<String, String> tags = inner.tags() == null ? Map.of() : inner.tags();
        String size = inner.hardwareProfile() == null || inner.hardwareProfile().vmSize() == null
                ? null
                : inner.hardwareProfile().vmSize().toString();
        return new VmState(vm, inner.vmId(), power, updating, tags, nics, size);
    }

    /** The primary IP configuration's private address of a NIC resource, else the first one, else null. */
    static String primaryIp(JsonValue nic) {
        String first = null;
        for (JsonValue ipConfig :
                nic.path("properties").path("ipConfigurations").elements()) {
            JsonValue props = ipConfig.path("properties");
            String ip = props.path("privateIPAddress").asTextOrNull();
            if (ip != null && props.path("primary").asBoolean(false)) {
                return ip;
            }
            if (first == null) {
                first = ip;
            }
        }
        return first;
    }

    private VirtualMachinesClient vms(String subscriptionId) {
        return clients.computeIfAbsent(
                subscriptionId,
                sub -> new ComputeManagementClientBuilder()
                        .pipeline(pipeline)
                        .endpoint(resourceManager)
                        .environment(environment)
                        .subscriptionId(sub)
                        .defaultPollInterval(Duration.ofSeconds(5))
                        .buildClient()
                        .getVirtualMachines());
    }
}
