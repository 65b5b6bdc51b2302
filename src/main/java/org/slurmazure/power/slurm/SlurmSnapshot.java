package org.slurmazure.power.slurm;

import java.util.Objects;

/**
 * What slurmctld shows of itself, as scontrol prints it: {@code scontrol show config}, {@code scontrol show partition
 * --oneliner} and {@code scontrol show node --oneliner} (every node it knows). Unparsed: {@code doctor} reads more of
 * it than the programs do.
 *
 * @param config     {@code show config}: one {@code Key = value} per line
 * @param partitions {@code show partition --oneliner}: one partition per line
 * @param nodes      {@code show node --oneliner}: one node per line
 */
public record SlurmSnapshot(String config, String partitions, String nodes) {
    public SlurmSnapshot {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(partitions, "partitions");
        Objects.requireNonNull(nodes, "nodes");
    }
}
