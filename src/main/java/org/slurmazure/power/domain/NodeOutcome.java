package org.slurmazure.power.domain;

import java.time.Duration;
import java.util.List;

import org.jspecify.annotations.Nullable;

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
        @Nullable VmRef vm,
        @Nullable PowerState before,
        String action,
        @Nullable FailureClass failure,
        @Nullable String detail,
        @Nullable String privateIp,
        Duration duration,
        @Nullable List<Long> jobIds) {

    public NodeOutcome {
        jobIds = jobIds == null ? List.of() : List.copyOf(jobIds);
    }

    public boolean ok() {
        return failure == null;
    }

    /** The jobs waiting for this node, never null. */
    @Override
    public List<Long> jobIds() {
        return jobIds == null ? List.of() : jobIds;
    }

    /** The reason given to Slurm for a failed node, kept short and on one line. */
    public String slurmReason() {
        String d = detail == null ? "" : detail.replaceAll("\\s+", " ").strip();
        if (d.length() > 120) {
            d = d.substring(0, 117) + "...";
        }
        return "azure: " + (failure == null ? "ok" : failure.label()) + ": " + d;
    }
}
