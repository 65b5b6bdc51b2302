package org.slurmazure.power.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The {@code slurm} section.
 *
 * @param scontrol    the absolute path of scontrol (slurmctld passes no PATH)
 * @param setNodeAddr on resume, set each node's NodeAddr to its VM's private IP
 */
public record SlurmSettings(Path scontrol, boolean setNodeAddr) {
    public static final Path DEFAULT_SCONTROL = Path.of("/usr/bin/scontrol");
    public static final boolean DEFAULT_SET_NODE_ADDR = true;

    public SlurmSettings {
        Objects.requireNonNull(scontrol, "scontrol");
    }
}
