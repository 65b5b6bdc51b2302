package org.slurmazure.power.cloud.azure;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import com.azure.core.http.HttpPipeline;
import com.azure.core.util.Context;
import com.azure.resourcemanager.compute.fluent.VirtualMachinesClient;
import com.azure.resourcemanager.compute.fluent.models.VirtualMachineInner;
import com.azure.resourcemanager.compute.models.InstanceViewStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.slurmazure.power.cloud.CloudException;
import org.slurmazure.power.cloud.VmState;
import org.slurmazure.power.domain.FailureClass;
import org.slurmazure.power.domain.PowerState;
import org.slurmazure.power.domain.VmRef;
import org.slurmazure.power.json.JsonValue;

/**
 * Many VMs and NICs in a few paged list calls instead of one GET each: each resource group's VM list (tags, NICs),
 * each subscription's run-time status ({@code statusOnly=true}: power states of every VM), each resource group's NIC
 * list. A principal whose role is scoped to resource groups (docs/azure-setup.md) may not list the subscription:
 * then the power states are left to one GET per VM and the rest still comes from the lists.
 */
final class BulkReads {
    private static final Logger LOG = LoggerFactory.getLogger(BulkReads.class);

    private final HttpPipeline pipeline;
    private final String resourceManager;
    private final Function<String, VirtualMachinesClient> vmsOfSubscription;

    BulkReads(
            HttpPipeline pipeline, String resourceManager, Function<String, VirtualMachinesClient> vmsOfSubscription) {
        this.pipeline = pipeline;
        this.resourceManager = resourceManager.replaceAll("/+$", "");
        this.vmsOfSubscription = vmsOfSubscription;
    }

    Map<VmRef, VmState> readMany(Collection<VmRef> refs) throws CloudException {
        // Azure compares names without regard to case: match the listed VMs to the refs asked for by lower-case id.
        Map<String, VmState> byLowerId = new HashMap<>();
        for (VmState vm : listGroups(refs, true)) {
            byLowerId.put(lower(vm.ref().resourceId()), vm);
        }
        Map<VmRef, VmState> result = new HashMap<>();
        for (VmRef r : refs) {
            VmState vm = byLowerId.get(lower(r.resourceId()));
            if (vm != null && vm.powerState() != PowerState.UNKNOWN) {
                result.put(r, vm.ref().equals(r) ? vm : withRef(vm, r));
            }
        }
        return result;
    }

    /**
     * Every VM of the resource groups of {@code refs}: tags, NICs and, when the subscription-wide status list is
     * allowed, the power state (else {@link PowerState#UNKNOWN}).
     */
    List<VmState> listGroups(Collection<VmRef> refs, boolean withPowerStates) throws CloudException {
        Map<String, VmRef> groups = new LinkedHashMap<>();
        Set<String> subscriptions = new LinkedHashSet<>();
        for (VmRef r : refs) {
            groups.putIfAbsent(r.subscriptionId() + "/" + lower(r.resourceGroup()), r);
            subscriptions.add(r.subscriptionId());
        }
        Map<String, List<InstanceViewStatus>> statuses = withPowerStates ? statuses(subscriptions) : new HashMap<>();
        List<VmState> result = new ArrayList<>();
        for (VmRef any : groups.values()) {
            AzureCalls.call(() -> {
                for (VirtualMachineInner vm : vmsOfSubscription
                        .apply(any.subscriptionId())
                        .listByResourceGroup(any.resourceGroup(), null, null, Context.NONE)) {
                    VmRef ref = new VmRef(any.subscriptionId(), any.resourceGroup(), vm.name());
                    List<InstanceViewStatus> st = vm.id() == null ? null : statuses.get(lower(vm.id()));
                    result.add(AzureCloudVms.state(ref, vm, st));
                }
                return null;
            });
        }
        return result;
    }

    /** The run-time status of every VM of the subscriptions ({@code statusOnly=true}), by lower-case VM id. */
    private Map<String, List<InstanceViewStatus>> statuses(Set<String> subscriptions) throws CloudException {
        Map<String, List<InstanceViewStatus>> statuses = new HashMap<>();
        for (String subscription : subscriptions) {
            try {
                AzureCalls.call(() -> {
                    for (VirtualMachineInner vm :
                            vmsOfSubscription.apply(subscription).list("true", null, null, Context.NONE)) {
                        if (vm.id() != null
                                && vm.instanceView() != null
                                && vm.instanceView().statuses() != null) {
                            statuses.put(lower(vm.id()), vm.instanceView().statuses());
                        }
                    }
                    return null;
                });
            } catch (CloudException e) {
                if (e.failure() != FailureClass.FORBIDDEN) {
                    throw e;
                }
                LOG.info(
                        "cannot list the power states of subscription {} ({}): the role is scoped to resource "
                                + "groups; reading each VM's power state with a GET",
                        subscription,
                        e.describe());
            }
        }
        return statuses;
    }

    private static VmState withRef(VmState vm, VmRef ref) {
        return new VmState(
                ref, vm.vmId(), vm.powerState(), vm.updating(), vm.tags(), vm.networkInterfaceIds(), vm.vmSize());
    }

    /** Lists the NICs of each resource group of {@code vms} (paged); keys are NIC ids in lower case. */
    Map<String, String> privateIps(Collection<VmRef> vms) throws CloudException {
        Map<String, String> groups = new LinkedHashMap<>();
        for (VmRef vm : vms) {
            String id = "/subscriptions/" + vm.subscriptionId() + "/resourceGroups/" + vm.resourceGroup();
            groups.putIfAbsent(lower(id), id);
        }
        Map<String, String> ipById = new HashMap<>();
        for (String groupId : groups.values()) {
            for (JsonValue nic : AzureCalls.listItems(
                    pipeline,
                    resourceManager + groupId + "/providers/Microsoft.Network/networkInterfaces?api-version="
                            + AzureCloudVms.NETWORK_API_VERSION)) {
                String ip = AzureCloudVms.primaryIp(nic);
                if (ip != null && nic.hasNonNull("id")) {
                    ipById.put(lower(nic.path("id").asText()), ip);
                }
            }
        }
        return ipById;
    }

    private static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
