package org.slurmazure.power.config;

import java.util.List;
import java.util.Objects;

/**
 * One entry of {@code nodeGroups}: Slurm nodes and where their VMs are.
 *
 * @param name           the display name ({@code group1}, {@code group2}, ... by position when not given)
 * @param nodes          the hostlist as configured, e.g. {@code azc[001-100]}
 * @param nodeNames      the expanded node names, in hostlist order, without duplicates
 * @param resourceGroup  the resource group of the VMs
 * @param vmNameTemplate the VM name template, {@code {node}} by default
 * @param subscriptionId the subscription of the VMs: the group's own, else {@code azure.subscriptionId}
 */
public record NodeGroup(
        String name,
        String nodes,
        List<String> nodeNames,
        String resourceGroup,
        String vmNameTemplate,
        String subscriptionId) {

    /** The placeholder a VM name template may contain. */
    public static final String NODE_PLACEHOLDER = "{node}";
    /** The template used when {@code vmName} is not given. */
    public static final String DEFAULT_VM_NAME_TEMPLATE = NODE_PLACEHOLDER;

    public NodeGroup {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(nodes, "nodes");
        nodeNames = List.copyOf(nodeNames);
        Objects.requireNonNull(resourceGroup, "resourceGroup");
        Objects.requireNonNull(vmNameTemplate, "vmNameTemplate");
        Objects.requireNonNull(subscriptionId, "subscriptionId");
    }

    /** The VM name of a node of this group: the template with {@code {node}} replaced by the node name. */
    public String vmName(String node) {
        return vmNameTemplate.replace(NODE_PLACEHOLDER, node);
    }
}
