package org.slurmazure.power.core;

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
    /** Any other error Azure reported. */
    AZURE_ERROR("azure-error");

    private final String label;

    FailureClass(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
