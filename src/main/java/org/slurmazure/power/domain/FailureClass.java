package org.slurmazure.power.domain;

/**
 * Why a node's operation failed. The label is what admins see: in {@code power_save.log} and in the Slurm reason
 * {@code azure: <label>: <detail>}.
 */
public enum FailureClass {
    /** No capacity for the VM size in the region or zone (AllocationFailed, OverconstrainedAllocationRequest). */
    CAPACITY("capacity"),
    /** A subscription quota would be exceeded. */
    QUOTA("quota"),
    /** The VM (or its resource group) does not exist. */
    NOT_FOUND("not-found"),
    /** The VM does not carry this cluster's tag: refused, never touched. */
    NOT_TAGGED("not-tagged"),
    /** The principal is not allowed to do this (HTTP 403). */
    FORBIDDEN("forbidden"),
    /** No token: the credential or the token endpoint failed (HTTP 401, identity errors). */
    AUTH("auth"),
    /** Azure kept answering 429 until the deadline. */
    THROTTLED("throttled"),
    /** The deadline passed before the operation finished. */
    TIMEOUT("timeout"),
    /** The node belongs to no node group of the configuration. */
    NO_GROUP("no-group"),
    /** The VM started but its network interface has no private IP to give Slurm. */
    NO_ADDRESS("no-address"),
    /** No answer from Azure: connection refused, reset or timed out. */
    NETWORK("network"),
    /** Another node-level operation held this node until the deadline. */
    LOCKED("locked"),
    /** Any other error Azure reported, or an answer that could not be read. */
    AZURE_ERROR("azure-error"),
    /** The configuration cannot be used (or names a scontrol that cannot run): nothing was done. */
    CONFIG("config"),
    /** A bug in this program (run with --verbose for the stack trace). */
    INTERNAL("internal");

    private final String label;

    FailureClass(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /**
     * True for failures that will not pass by themselves: the configuration names a VM that does not exist, one
     * without the cluster's tag, or a node in no group. Such a node is kept out of scheduling (drained, with its
     * reason) until an admin acts; every other failure (capacity, quota, throttling, timeouts, the network, ...)
     * returns the node to the pool after ResumeTimeout (docs/slurm-states.md).
     */
    public boolean permanent() {
        return this == NOT_FOUND || this == NOT_TAGGED || this == NO_GROUP;
    }
}
