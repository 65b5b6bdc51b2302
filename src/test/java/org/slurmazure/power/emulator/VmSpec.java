package org.slurmazure.power.emulator;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What one emulated VM looks like when the emulator starts: identity, tags, network and injected failures.
 * A fluent, mutable description; the emulator copies it at start. Fields left unset take the emulator's defaults
 * (subscription, resource group, location, LRO duration) or are allocated (private IP).
 *
 * <pre>{@code VmSpec.of("azc001").resourceGroup("hpc1-burst").tag("slurm-cluster", "hpc1").privateIp("10.1.0.4")}</pre>
 */
public final class VmSpec {
    /** The failure codes with a realistic message; any other code is accepted with a generic message. */
    public static final String ALLOCATION_FAILED = "AllocationFailed";
    public static final String OVERCONSTRAINED = "OverconstrainedAllocationRequest";
    public static final String QUOTA_EXCEEDED = "OperationNotAllowed";

    private final String name;
    private String resourceGroup;
    private String subscriptionId;
    private String location;
    private String vmSize = "Standard_D4s_v5";
    private final Map<String, String> tags = new LinkedHashMap<>();
    private String privateIp;
    private boolean noPrivateIp;
    private PowerState powerState = PowerState.DEALLOCATED;
    private Duration lroDuration;
    private String startFailure;
    private int startFailureTimes = FaultRule.ALWAYS;
    private boolean startHangs;
    private String deallocateFailure;
    private int deallocateFailureTimes = FaultRule.ALWAYS;
    private boolean deallocateHangs;
    private boolean missing;

    private VmSpec(String name) {
        if (name == null || name.isBlank() || name.contains("/")) {
            throw new IllegalArgumentException("invalid VM name '" + name + "'");
        }
        this.name = name;
    }

    /** A deallocated VM of the default size, in the emulator's default subscription, resource group and location. */
    public static VmSpec of(String name) {
        return new VmSpec(name);
    }

    /** A copy with another name (used when a spec with a name range is expanded). */
    public VmSpec copyNamed(String newName) {
        VmSpec c = new VmSpec(newName);
        c.resourceGroup = resourceGroup;
        c.subscriptionId = subscriptionId;
        c.location = location;
        c.vmSize = vmSize;
        c.tags.putAll(tags);
        c.privateIp = privateIp;
        c.noPrivateIp = noPrivateIp;
        c.powerState = powerState;
        c.lroDuration = lroDuration;
        c.startFailure = startFailure;
        c.startFailureTimes = startFailureTimes;
        c.startHangs = startHangs;
        c.deallocateFailure = deallocateFailure;
        c.deallocateFailureTimes = deallocateFailureTimes;
        c.deallocateHangs = deallocateHangs;
        c.missing = missing;
        return c;
    }

    public VmSpec resourceGroup(String rg) {
        this.resourceGroup = rg;
        return this;
    }

    public VmSpec subscriptionId(String subscription) {
        this.subscriptionId = subscription;
        return this;
    }

    public VmSpec location(String loc) {
        this.location = loc;
        return this;
    }

    public VmSpec vmSize(String size) {
        this.vmSize = Objects.requireNonNull(size, "vmSize");
        return this;
    }

    public VmSpec tag(String key, String value) {
        tags.put(Objects.requireNonNull(key, "tag key"), Objects.requireNonNull(value, "tag value"));
        return this;
    }

    public VmSpec tags(Map<String, String> more) {
        more.forEach(this::tag);
        return this;
    }

    /** The private IP of the VM's NIC; unset = the next free one of 10.1.0.4-10.1.255.254. */
    public VmSpec privateIp(String ip) {
        this.privateIp = ip;
        return this;
    }

    /**
     * The VM's NIC has no private IP: its IP configuration lists no {@code privateIPAddress} (a broken set-up that
     * {@code doctor} must find; Azure itself assigns one to every IPv4 configuration).
     */
    public VmSpec withoutPrivateIp() {
        this.noPrivateIp = true;
        this.privateIp = null;
        return this;
    }

    /** True when {@link #withoutPrivateIp()} was given. */
    public boolean noPrivateIp() {
        return noPrivateIp;
    }

    /** The power state at start: deallocated (default), running or stopped. */
    public VmSpec powerState(PowerState state) {
        if (state.isTransitional()) {
            throw new IllegalArgumentException("a VM cannot start in the transitional state " + state);
        }
        this.powerState = state;
        return this;
    }

    /** How long this VM's start/deallocate/powerOff operations take; unset = the emulator's default. */
    public VmSpec lroDuration(Duration d) {
        this.lroDuration = d;
        return this;
    }

    /** The code start operations fail with: AllocationFailed, OverconstrainedAllocationRequest, OperationNotAllowed. */
    public VmSpec startFailure(String code) {
        return startFailure(code, FaultRule.ALWAYS);
    }

    /**
     * Only the first {@code times} start operations fail with {@code code}, later ones succeed: e.g.
     * {@code startFailure("InternalExecutionError", 1)}, a failure that a retry gets past.
     */
    public VmSpec startFailure(String code, int times) {
        this.startFailure = code;
        this.startFailureTimes = EmulatedVm.checkTimes(times);
        return this;
    }

    /** Start operations stay InProgress (VM {@code starting}) until this is cleared or a deallocate preempts them. */
    public VmSpec startHangs(boolean hangs) {
        this.startHangs = hangs;
        return this;
    }

    public VmSpec deallocateFailure(String code) {
        return deallocateFailure(code, FaultRule.ALWAYS);
    }

    /** Only the first {@code times} deallocate operations fail with {@code code}. */
    public VmSpec deallocateFailure(String code, int times) {
        this.deallocateFailure = code;
        this.deallocateFailureTimes = EmulatedVm.checkTimes(times);
        return this;
    }

    public VmSpec deallocateHangs(boolean hangs) {
        this.deallocateHangs = hangs;
        return this;
    }

    /** The VM does not exist: every request for it (and its NIC) answers 404 ResourceNotFound. */
    public VmSpec missing(boolean isMissing) {
        this.missing = isMissing;
        return this;
    }

    public String name() {
        return name;
    }

    public String resourceGroup() {
        return resourceGroup;
    }

    public String subscriptionId() {
        return subscriptionId;
    }

    public String location() {
        return location;
    }

    public String vmSize() {
        return vmSize;
    }

    public Map<String, String> tags() {
        return Collections.unmodifiableMap(tags);
    }

    public String privateIp() {
        return privateIp;
    }

    public PowerState powerState() {
        return powerState;
    }

    public Duration lroDuration() {
        return lroDuration;
    }

    public String startFailure() {
        return startFailure;
    }

    /** How many starts fail with {@link #startFailure()}; {@link FaultRule#ALWAYS} = all. */
    public int startFailureTimes() {
        return startFailureTimes;
    }

    public boolean startHangs() {
        return startHangs;
    }

    public String deallocateFailure() {
        return deallocateFailure;
    }

    public int deallocateFailureTimes() {
        return deallocateFailureTimes;
    }

    public boolean deallocateHangs() {
        return deallocateHangs;
    }

    public boolean missing() {
        return missing;
    }

    @Override
    public String toString() {
        return "VmSpec[" + name + "]";
    }
}
