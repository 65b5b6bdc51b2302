package org.slurmazure.power.reconcile;

import java.util.Locale;

/** What a comparison of a node's Slurm state with its VM's power state found. */
public enum Verdict {
    /** Slurm and Azure agree (or a change is under way that Slurm's own timers cover). */
    OK,
    /** The VM runs (or starts) while Slurm counts the node as powered down: it bills unseen. */
    ORPHAN,
    /** The VM is deallocated or stopped under a node Slurm counts as up (eviction, host failure, the portal). */
    LOST,
    /** The VM is stopped, not deallocated, while Slurm counts the node as powered down: it still bills. */
    STOPPED,
    /** The node is stuck: powering down with its VM running, or held down by an earlier failure. */
    STUCK,
    /** The node's NodeAddr is not its VM's private IP (23.11+ sets it from the registration: behind NAT it differs). */
    ADDR_MISMATCH,
    /** The VM lacks the cluster's tag: never touched. */
    UNTAGGED,
    /** The node's VM does not exist. */
    MISSING,
    /** A node of the node groups that slurmctld does not know. */
    NOT_IN_SLURM,
    /** A VM with the cluster's tag that is no node's VM: never touched. */
    STRAY,
    /** The VM could not be read this time. */
    UNKNOWN;

    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
