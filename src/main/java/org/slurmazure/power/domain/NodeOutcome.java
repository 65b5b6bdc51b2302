package org.slurmazure.power.domain;

import java.time.Duration;
import java.util.List;

/**
 * What happened to one node: one line in power_save.log and, for failures, the Slurm reason
 * {@code azure: <class>: <detail>}.
 *
 * @param node        the Slurm node name
 * @param vm          the VM, or null when the node matched no group
 * @param before      the power state first read, or null when not read
 * @param action      what was done: start, deallocate, none
 * @param failure     null on success
 * @param detail      a short detail (Azure's error code and message, or what was found)
 * @param privateIp   the VM's private IP (resume), or null
 * @param duration    time from the start of the run to this outcome
 * @param jobIds      the Slurm jobs waiting for this node (resume), possibly empty
 */
public record NodeOutcome(
        String node,
        VmRef vm,
        PowerState before,
        String action,
        FailureClass failure,
        String detail,
        String privateIp,
        Duration duration,
        List<Long> jobIds) {

    public NodeOutcome {
        jobIds = jobIds == null ? List.of() : List.copyOf(jobIds);
    }

    public boolean ok() {
        return failure == null;
    }

    /** The reason given to Slurm for a failed node, kept short and on one line. */
    public String slurmReason() {
        String d = detail == null ? "" : detail.replaceAll("\\s+", " ").strip();
        if (d.length() > 120) {
            d = d.substring(0, 117) + "...";
        }
        return "azure: " + failure.label() + ": " + d;
    }
}
