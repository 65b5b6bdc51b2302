package org.slurmazure.power.cloud;

/**
 * The small slice of Azure the power programs need. One implementation talks to Azure Resource Manager
 * ({@code cloud.azure}); tests use fakes and the ARM emulator. Every method is one round trip (plus the
 * transport's own retries of transient failures) and may block.
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

    /** Requests sent so far and how many Azure throttled (429), for the summary line; null when not counted. */
    default String requestCounts() {
        return null;
    }

    /**
     * Reads many VMs in a few paged list calls instead of one GET each (ARM's read budget is 25 per second): the
     * result holds the VMs it could read fully; the caller reads the others one by one. The default reads none.
     */
    default java.util.Map<VmRef, VmState> readMany(java.util.Collection<VmRef> vms) throws CloudException {
        return java.util.Map.of();
    }

    /**
     * The private IPs of many network interfaces (keys: the interface ids as given), from list calls. The default
     * reads none.
     */
    default java.util.Map<String, String> privateIps(java.util.Collection<String> networkInterfaceIds)
            throws CloudException {
        return java.util.Map.of();
    }
}
