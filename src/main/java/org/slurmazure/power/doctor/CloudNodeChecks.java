package org.slurmazure.power.doctor;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.slurmazure.power.config.Config;

/** The node groups against slurm.conf: every State=CLOUD node is in a group, every node of a group is a cloud node. */
final class CloudNodeChecks extends SlurmTopic {
    private final Map<String, SlurmView.Node> nodes = new HashMap<>();

    CloudNodeChecks(Config config, SlurmView slurm, Set<String> groupNodes) {
        super(config, slurm, groupNodes);
        slurm.nodes().forEach(n -> nodes.put(n.name(), n));
    }

    @Override
    List<Check> check() {
        cloudNodes();
        return checks();
    }

    /** Every State=CLOUD node is in a node group, and every node of a group is a cloud node Slurm knows. */
    private void cloudNodes() {
        List<String> orphans = new ArrayList<>();
        int cloud = 0;
        for (SlurmView.Node n : slurm.nodes()) {
            if (n.cloud()) {
                cloud++;
                if (!groupNodes.contains(n.name())) {
                    orphans.add(n.name());
                }
            }
        }
        List<String> unknown = new ArrayList<>();
        List<String> notCloud = new ArrayList<>();
        for (String node : groupNodes) {
            SlurmView.Node n = nodes.get(node);
            if (n == null) {
                unknown.add(node);
            } else if (!n.cloud()) {
                notCloud.add(node);
            }
        }
        boolean grouped = failUnlessEmpty(
                orphans,
                "cloud nodes",
                "State=CLOUD node",
                " in no node group: ",
                "; slurmctld hands them to the programs, which refuse them (no-group) and drain them",
                "add them to nodeGroups in azure-power.yaml, or remove State=CLOUD from their NodeName lines");
        boolean allCloud = failUnlessEmpty(
                notCloud,
                "group nodes",
                "node",
                " of the node groups not State=CLOUD: ",
                "; Slurm neither powers them up on demand nor resets their NodeAddr",
                "give their NodeName lines State=CLOUD in slurm.conf, or take them out of nodeGroups");
        if (!unknown.isEmpty()) {
            boolean hidden =
                    !limits.atLeast(23, 2) && !slurm.list("PrivateData").contains("cloud");
            warn(
                    "group nodes",
                    Wording.count(unknown.size(), "node") + " of the node groups unknown to slurmctld: "
                            + Wording.hostlist(unknown)
                            + (hidden ? " (powered-down cloud nodes are hidden without PrivateData=cloud)" : ""),
                    hidden
                            ? "set PrivateData=cloud in slurm.conf and run doctor again"
                            : "add them to slurm.conf (State=CLOUD), or take them out of nodeGroups");
        }
        if (grouped && allCloud && unknown.isEmpty()) {
            pass(
                    "cloud nodes",
                    Wording.count(cloud, "State=CLOUD node") + ", each in a node group; the "
                            + Wording.count(groupNodes.size(), "node") + " of the groups are all cloud nodes");
        }
    }

    /** A FAIL that counts and names {@code found} when there are any; whether there were none. */
    private boolean failUnlessEmpty(
            List<String> found, String name, String thing, String which, String consequence, String advice) {
        if (found.isEmpty()) {
            return true;
        }
        fail(name, Wording.count(found.size(), thing) + which + Wording.hostlist(found) + consequence, advice);
        return false;
    }
}
