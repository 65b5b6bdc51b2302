package org.slurmazure.power.resolve;

import java.util.Objects;

/**
 * Where the VM of one Slurm node is.
 *
 * @param node           the Slurm node name
 * @param group          the name of the node group that holds the node
 * @param subscriptionId the subscription of the VM
 * @param resourceGroup  the resource group of the VM
 * @param vmName         the name of the VM
 */
public record VmTarget(String node, String group, String subscriptionId, String resourceGroup, String vmName) {
    public VmTarget {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(subscriptionId, "subscriptionId");
        Objects.requireNonNull(resourceGroup, "resourceGroup");
        Objects.requireNonNull(vmName, "vmName");
    }

    /** The ARM resource id of the VM. */
    public String resourceId() {
        return "/subscriptions/" + subscriptionId + "/resourceGroups/" + resourceGroup
                + "/providers/Microsoft.Compute/virtualMachines/" + vmName;
    }
}
