package org.slurmazure.power.doctor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.slurmazure.power.config.Config;
import org.slurmazure.power.config.NodeGroup;
import org.slurmazure.power.slurm.SlurmLimits;

/**
 * One topic of the Slurm checks: what its rules read (azure-power.yaml, slurmctld's view, the nodes of the node
 * groups) and the checks they make, in order.
 */
abstract class SlurmTopic {
    final Config config;
    final SlurmView slurm;
    final SlurmLimits limits;
    /** The nodes of every node group, in the groups' order ({@link #groupNodes(Config)}, shared by the topics). */
    final Set<String> groupNodes;

    private final List<Check> checks = new ArrayList<>();

    SlurmTopic(Config config, SlurmView slurm, Set<String> groupNodes) {
        this.config = config;
        this.slurm = slurm;
        this.limits = slurm.limits();
        this.groupNodes = groupNodes;
    }

    /** The nodes of every node group, in the groups' order: what each topic's {@link #groupNodes} holds. */
    static Set<String> groupNodes(Config config) {
        Set<String> nodes = new LinkedHashSet<>();
        for (NodeGroup g : config.nodeGroups()) {
            nodes.addAll(g.nodeNames());
        }
        return Collections.unmodifiableSet(nodes);
    }

    /** Runs the topic's rules in the report's order; their checks. */
    abstract List<Check> check();

    final List<Check> checks() {
        return checks;
    }

    final void pass(String name, String message) {
        checks.add(Check.pass(Area.SLURM, name, message));
    }

    final void warn(String name, String message, String advice) {
        checks.add(Check.warn(Area.SLURM, name, message, advice));
    }

    final void fail(String name, String message, String advice) {
        checks.add(Check.fail(Area.SLURM, name, message, advice));
    }
}
