package org.slurmazure.power.cloud;

import java.util.Collection;
import java.util.List;
import java.util.Map;

import org.slurmazure.power.domain.PowerState;
import org.slurmazure.power.domain.VmRef;

/**
 * The small slice of Azure the power programs need. One implementation talks to Azure Resource Manager
 * ({@code cloud.azure}); tests use fakes and the ARM emulator. Every method is one round trip (or, for the bulk
 * reads, a few paged list calls) plus the transport's own retries of transient failures, and may block. Every
 * failure is a {@link CloudException} already classified by the implementation.
 */
public interface CloudVms {

    /** Reads the VM with its instance view: power state, tags and NICs together. */
    VmState get(VmRef vm) throws CloudException;

    /** Asks Azure to start the VM; returns once the request was accepted. */
    Operation beginStart(VmRef vm) throws CloudException;

    /** Asks Azure to deallocate the VM (never just power it off: a stopped VM still bills). */
    Operation beginDeallocate(VmRef vm) throws CloudException;

    /** One poll of an accepted operation. */
    Operation.Status poll(Operation operation) throws CloudException;

    /** The primary private IPv4 address of a network interface, or null when it has none. */
    String privateIp(String networkInterfaceId) throws CloudException;

    /**
     * Reads many VMs in a few paged list calls instead of one GET each (ARM's read budget is 25 per second). The
     * result holds the VMs that could be read fully (power state included); the caller reads the others one by one.
     */
    Map<VmRef, VmState> readMany(Collection<VmRef> vms) throws CloudException;

    /**
     * Every VM in the resource groups of {@code vms}, tagged or not: tags, NICs and the power state when a
     * subscription-wide list is allowed ({@link PowerState#UNKNOWN} otherwise). For the reconcile pass, which reports
     * tagged VMs that belong to no node.
     */
    List<VmState> listInGroupsOf(Collection<VmRef> vms) throws CloudException;

    /**
     * The private IPs of every network interface in the resource groups of {@code vms}, from list calls: keys are
     * interface ids in lower case (Azure compares ids without regard to case).
     */
    Map<String, String> privateIps(Collection<VmRef> vms) throws CloudException;

    /** Requests sent so far and how Azure throttled them, for the summary line. */
    RequestCounts requestCounts();

    /** Counts of one run's requests to Azure. */
    record RequestCounts(long sent, long throttled) {
        public static final RequestCounts NONE = new RequestCounts(0, 0);
    }
}
