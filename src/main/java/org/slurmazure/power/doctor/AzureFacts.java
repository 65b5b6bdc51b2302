package org.slurmazure.power.doctor;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.slurmazure.power.cloud.AccessProbe;
import org.slurmazure.power.domain.FailureClass;
import org.slurmazure.power.domain.PowerState;
import org.slurmazure.power.domain.VmRef;

/**
 * What was seen of Azure: the token, the principal's permissions on each resource group, each node's VM, and the
 * quotas of the VMs' regions.
 */
public record AzureFacts(Token token, List<GroupAccess> access, List<NodeVm> vms, List<Region> regions) {
    public AzureFacts {
        access = List.copyOf(access);
        vms = List.copyOf(vms);
        regions = List.copyOf(regions);
    }

    /** Only the token, which failed: nothing else could be read. */
    public static AzureFacts noToken(Token token) {
        return new AzureFacts(token, List.of(), List.of(), List.of());
    }

    /**
     * The token request.
     *
     * @param credential the credential type ({@code client-certificate}, ...)
     * @param time       how long it took
     * @param detail     why it failed ("" when it did not)
     * @param failure    the class of the failure, or null when it did not fail
     */
    public record Token(
            String credential,
            Duration time,
            String detail,
            @Nullable FailureClass failure) {
        public boolean ok() {
            return failure == null;
        }
    }

    /**
     * The principal's permissions on one resource group.
     *
     * @param permissions one entry per role assignment covering the group, or null when they could not be read
     * @param error       why not ("" when read)
     */
    public record GroupAccess(
            String subscriptionId,
            String resourceGroup,
            @Nullable List<AccessProbe.Permission> permissions,
            String error) {}

    /** Whether a node's VM was found. */
    public enum Found {
        FOUND,
        /** Azure says there is no such VM. */
        MISSING,
        /** It could not be read (the list of its resource group failed). */
        UNREADABLE
    }

    /** The private address of a VM's primary NIC. */
    public enum Nic {
        ADDRESS,
        /** The NIC has no private IP. */
        NO_ADDRESS,
        /** The VM has no NIC. */
        NO_NIC,
        /** The NICs could not be read. */
        UNKNOWN
    }

    /**
     * One node's VM.
     *
     * @param detail   why it could not be read, or about its NIC ("" when there is nothing to say)
     * @param tagged   it carries the cluster's tag
     * @param ip       its private IP, when {@link Nic#ADDRESS}
     * @param size     its VM size, when known
     * @param location its region, when known
     * @param power    its power state ({@link PowerState#UNKNOWN} when not read)
     */
    public record NodeVm(
            String node,
            VmRef vm,
            Found found,
            String detail,
            boolean tagged,
            Nic nic,
            @Nullable String ip,
            @Nullable String size,
            @Nullable String location,
            PowerState power) {}

    /**
     * The quotas and sizes of one region of one subscription.
     *
     * @param usages      its compute quotas, or null when they could not be read
     * @param usagesError why not ("" when read)
     * @param sizes       its VM sizes by lower-case name, or null when they could not be read
     * @param sizesError  why not ("" when read)
     */
    public record Region(
            String subscriptionId,
            String location,
            @Nullable List<AccessProbe.Usage> usages,
            String usagesError,
            @Nullable Map<String, AccessProbe.VmSize> sizes,
            String sizesError) {}
}
