package org.slurmazure.power.cloud;

import java.util.List;
import java.util.Map;

/**
 * What one GET of a VM with its instance view tells: power state, tags, network interfaces, and the code of a
 * failed provisioning (e.g. {@code AllocationFailed}) when Azure reports one.
 */
public record VmState(VmRef ref, String vmId, PowerState powerState, Map<String, String> tags,
                      List<String> networkInterfaceIds, String failedProvisioningCode) {

    public VmState {
        tags = Map.copyOf(tags);
        networkInterfaceIds = List.copyOf(networkInterfaceIds);
    }

    /** True when the VM carries the tag {@code name=value} (names compare case-insensitively, as in Azure). */
    public boolean hasTag(String name, String value) {
        for (Map.Entry<String, String> tag : tags.entrySet()) {
            if (tag.getKey().equalsIgnoreCase(name)) {
                return value.equals(tag.getValue());
            }
        }
        return false;
    }
}
