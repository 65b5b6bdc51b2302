package org.slurmazure.power.resolve;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.slurmazure.power.config.Config;
import org.slurmazure.power.config.NodeGroup;
import org.slurmazure.power.hostlist.Hostlist;
import org.slurmazure.power.hostlist.InvalidHostlistException;

/**
 * Maps Slurm node names to their VMs, offline and without I/O. Built once from a {@link Config}: every node of every
 * group is precomputed into a map, so resolving is one lookup per node.
 */
public final class NodeResolver {
    private final Map<String, VmTarget> targets;

    public NodeResolver(Config config) {
        this(config.nodeGroups());
    }

    /**
     * From node groups directly. Groups must not share nodes (the configuration loader rejects that); if they do
     * anyway, this throws {@link IllegalArgumentException}.
     */
    public NodeResolver(List<NodeGroup> groups) {
        int size = 0;
        for (NodeGroup g : groups) {
            size += g.nodeNames().size();
        }
        Map<String, VmTarget> map = new HashMap<>(Math.max(16, (int) (size / 0.75f) + 1));
        for (NodeGroup g : groups) {
            for (String node : g.nodeNames()) {
                VmTarget target = new VmTarget(node, g.name(), g.subscriptionId(), g.resourceGroup(), g.vmName(node));
                VmTarget previous = map.putIfAbsent(node, target);
                if (previous != null) {
                    throw new IllegalArgumentException(
                            "node " + node + " is in groups " + previous.group() + " and " + g.name());
                }
            }
        }
        this.targets = map;
    }

    /** The VM of one node, if a group matches it. */
    public Optional<VmTarget> target(String node) {
        return Optional.ofNullable(targets.get(node));
    }

    /**
     * Resolves nodes in input order. A node given more than once is resolved once, at its first position.
     */
    public Resolution resolve(List<String> nodes) {
        List<VmTarget> found = new ArrayList<>(nodes.size());
        List<String> unmatched = new ArrayList<>();
        Set<String> seen = new HashSet<>(Math.max(16, (int) (nodes.size() / 0.75f) + 1));
        for (String node : nodes) {
            if (!seen.add(node)) {
                continue;
            }
            VmTarget target = targets.get(node);
            if (target != null) {
                found.add(target);
            } else {
                unmatched.add(node);
            }
        }
        return new Resolution(found, unmatched);
    }

    /** Expands a Slurm hostlist (as slurmctld passes it) and resolves its nodes. */
    public Resolution resolve(String hostlist) throws InvalidHostlistException {
        return resolve(Hostlist.expand(hostlist));
    }

    /** How many nodes the configuration knows. */
    public int size() {
        return targets.size();
    }
}
