package org.slurmazure.power.domain;

/** Where a VM lives in Azure. */
public record VmRef(String subscriptionId, String resourceGroup, String name) {
    /** The ARM resource id, as Azure prints it. */
    public String resourceId() {
        return "/subscriptions/" + subscriptionId + "/resourceGroups/" + resourceGroup
                + "/providers/Microsoft.Compute/virtualMachines/" + name;
    }

    @Override
    public String toString() {
        return resourceGroup + "/" + name;
    }
}
