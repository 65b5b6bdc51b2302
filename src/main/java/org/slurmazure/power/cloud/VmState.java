package org.slurmazure.power.cloud;

import java.util.List;
import java.util.Map;

import org.slurmazure.power.domain.PowerState;
import org.slurmazure.power.domain.VmRef;

/**
 * What one read of a VM with its instance view tells: power state, whether an operation is still changing it,
 * tags, network interfaces and size.
 *
 * @param updating true while Azure reports {@code ProvisioningState/updating} (or creating, deleting): a write was
 *                 accepted and the power state shown may still be the old one
 * @param vmSize   the VM size ({@code Standard_HB176rs_v4}), or null when not known
 */
public record VmState(
        VmRef ref,
        String vmId,
        PowerState powerState,
        boolean updating,
        Map<String, String> tags,
        List<String> networkInterfaceIds,
        String vmSize) {

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
