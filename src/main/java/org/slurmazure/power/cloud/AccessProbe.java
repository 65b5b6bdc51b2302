package org.slurmazure.power.cloud;

import java.util.List;
import java.util.Map;

/**
 * What {@code doctor} asks of the cloud besides the VMs themselves: what the principal may do on a resource group,
 * where the VMs are, and the compute quotas and VM sizes of their regions. Read only; every method is one paged read
 * and may block. Every failure is a {@link CloudException} already classified by the implementation (a role that may
 * not read something gives {@link org.slurmazure.power.domain.FailureClass#FORBIDDEN}).
 */
public interface AccessProbe {

    /**
     * One role assignment's permissions as Azure lists them: an action may hold wildcards, {@code *} standing for
     * any text ({@code *}, {@code Microsoft.Compute/*}, {@code Microsoft.Compute/virtualMachines/*}{@code /action});
     * {@code notActions} are taken out of this entry's actions only.
     */
    record Permission(List<String> actions, List<String> notActions) {
        public Permission {
            actions = List.copyOf(actions);
            notActions = List.copyOf(notActions);
        }
    }

    /**
     * One compute quota of a region.
     *
     * @param name        Azure's name of it: {@code cores} (all vCPUs of the region), {@code virtualMachines}, or a
     *                    VM family such as {@code standardDSv5Family}
     * @param displayName its display name ({@code Total Regional vCPUs})
     * @param current     what is in use
     * @param limit       the limit
     */
    record Usage(String name, String displayName, long current, long limit) {}

    /**
     * A VM size of a region.
     *
     * @param family its quota family ({@code standardDSv5Family}), "" when not known
     * @param vCpus  its vCPUs, 0 when not known
     */
    record VmSize(String name, String family, int vCpus) {}

    /** The caller's permissions on a resource group: one entry per role assignment that covers it. */
    List<Permission> permissions(String subscriptionId, String resourceGroup) throws CloudException;

    /** The region of each VM of a resource group, by VM name in lower case. */
    Map<String, String> vmLocations(String subscriptionId, String resourceGroup) throws CloudException;

    /** The compute quotas of a region and their use. */
    List<Usage> usages(String subscriptionId, String location) throws CloudException;

    /** The VM sizes offered in a region, by size name in lower case. */
    Map<String, VmSize> vmSizes(String subscriptionId, String location) throws CloudException;
}
