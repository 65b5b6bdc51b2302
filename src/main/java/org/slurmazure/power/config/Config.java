package org.slurmazure.power.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A validated configuration (see README, "Configuration reference"). Immutable; built only by {@link ConfigLoader}
 * (or by tests).
 *
 * @param source     the file it was loaded from
 * @param azure      the {@code azure} section
 * @param clusterTag {@code cluster.tag}
 * @param nodeGroups the node groups, in file order; no node is in two groups
 * @param slurm      the {@code slurm} section
 * @param limits     the {@code limits} section
 * @param log        the {@code log} section
 * @param reconcile  the {@code reconcile} section
 * @param stateDir   the directory for locks and small state
 */
public record Config(
        Path source,
        AzureSettings azure,
        ClusterTag clusterTag,
        List<NodeGroup> nodeGroups,
        SlurmSettings slurm,
        Limits limits,
        LogSettings log,
        ReconcileSettings reconcile,
        Path stateDir) {

    public static final Path DEFAULT_STATE_DIR = Path.of("/var/lib/slurm-azure-power");

    public Config {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(azure, "azure");
        Objects.requireNonNull(clusterTag, "clusterTag");
        nodeGroups = List.copyOf(nodeGroups);
        Objects.requireNonNull(slurm, "slurm");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(log, "log");
        Objects.requireNonNull(reconcile, "reconcile");
        Objects.requireNonNull(stateDir, "stateDir");
    }

    /** The number of nodes over all groups. */
    public int nodeCount() {
        int n = 0;
        for (NodeGroup g : nodeGroups) {
            n += g.nodeNames().size();
        }
        return n;
    }
}
