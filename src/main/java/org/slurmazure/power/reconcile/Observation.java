package org.slurmazure.power.reconcile;

import org.jspecify.annotations.Nullable;

import org.slurmazure.power.cloud.VmState;
import org.slurmazure.power.domain.VmRef;
import org.slurmazure.power.slurm.SlurmNode;

/**
 * One node seen from both sides.
 *
 * @param node      the node name
 * @param vm        its VM
 * @param slurm     how slurmctld sees the node, or null when it does not know it
 * @param azure     the VM as Azure shows it, or null when it does not exist or could not be read
 * @param missing   Azure said the VM does not exist
 * @param privateIp the VM's private IP, when read
 */
public record Observation(
        String node,
        VmRef vm,
        @Nullable SlurmNode slurm,
        @Nullable VmState azure,
        boolean missing,
        @Nullable String privateIp) {}
