package org.slurmazure.power.emulator;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * One emulated VM and its NIC: the state machine behind the ARM API, and the handle tests use to read and change
 * it. Thread-safe; pending operations complete when their time is up (checked on every access and by a timer).
 *
 * <p>State machine: start takes deallocated/stopped to starting, then running (or, when {@code startFailure} is set,
 * to provisioningState Failed and the emulator's {@code failedStartState}, deallocated by default); deallocate
 * takes running/stopped/starting/stopping to deallocating, then deallocated (a pending start or powerOff ends
 * {@code OperationPreempted}); powerOff takes running to stopping, then stopped. Start on a running VM,
 * deallocate on a deallocated one and powerOff on a stopped or deallocated one succeed at once. Any other write while
 * an operation is pending is refused with 409 OperationNotAllowed. With a {@code stateLag}, the instance view shows
 * the power state from before a write, with provisioning status updating, for that long after the write is accepted.
 */
public final class EmulatedVm {

    /** The provisioning states the emulator uses. */
    enum Provisioning {
        SUCCEEDED("Succeeded", "ProvisioningState/succeeded", "Provisioning succeeded"),
        UPDATING("Updating", "ProvisioningState/updating", "Updating"),
        FAILED("Failed", "ProvisioningState/failed", "Provisioning failed");

        final String json;
        final String code;
        final String display;

        Provisioning(String json, String code, String display) {
            this.json = json;
            this.code = code;
            this.display = display;
        }
    }

    /** Outcome of a write request: the operation it started, or the 409 reason. */
    record Begin(Operation operation, String conflict) {
    }

    /** A consistent copy of the VM for rendering. */
    record View(String name, String resourceGroup, String subscriptionId, String location, String vmSize, String vmId,
            String nicName, String privateIp, Map<String, String> tags, PowerState powerState,
            Provisioning provisioning, String failureCode, String failureMessage, Instant provisioningTime,
            Instant timeCreated, boolean missing, int startCount, int deallocateCount, int powerOffCount,
            String startFailure, boolean startHangs, String deallocateFailure, boolean deallocateHangs,
            Duration lroDuration, Operation.View pending, int startFailureTimes, int deallocateFailureTimes,
            PowerState reportedPowerState, Provisioning reportedProvisioning) {

        /** True while a state lag makes the instance view show an older state than the real one. */
        boolean lagging() {
            return reportedPowerState != powerState || reportedProvisioning != provisioning;
        }
    }

    private final Cloud cloud;
    private final String name;
    private final String resourceGroup;
    private final String subscriptionId;
    private final String location;
    private final String vmSize;
    private final String vmId;
    private final String privateIp;
    private final Instant timeCreated;
    private final Map<String, String> tags;

    private PowerState powerState;
    private Provisioning provisioning = Provisioning.SUCCEEDED;
    private String failureCode;
    private String failureMessage;
    private Instant provisioningTime;
    private Operation pending;
    private Duration lroDuration;
    private String startFailure;
    /** Failed starts left before {@code startFailure} clears itself; {@link FaultRule#ALWAYS} = never clears. */
    private int startFailureTimes = FaultRule.ALWAYS;
    private boolean startHangs;
    private String deallocateFailure;
    private int deallocateFailureTimes = FaultRule.ALWAYS;
    private boolean deallocateHangs;
    private boolean missing;
    /** While {@code nanoTime < lagUntilNanos} the instance view shows {@code lagState}, provisioning updating. */
    private PowerState lagState;
    private long lagUntilNanos;
    private int startCount;
    private int deallocateCount;
    private int powerOffCount;

    EmulatedVm(Cloud cloud, VmSpec spec) {
        this.cloud = cloud;
        this.name = spec.name();
        this.resourceGroup = spec.resourceGroup();
        this.subscriptionId = spec.subscriptionId();
        this.location = spec.location();
        this.vmSize = spec.vmSize();
        this.vmId = UUID.nameUUIDFromBytes((subscriptionId + "/" + resourceGroup + "/" + name)
                .toLowerCase(Locale.ROOT).getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString();
        this.privateIp = spec.privateIp();
        this.timeCreated = Instant.now().minus(Duration.ofDays(7));
        this.provisioningTime = Instant.now();
        this.tags = new LinkedHashMap<>(spec.tags());
        this.powerState = spec.powerState();
        this.lroDuration = spec.lroDuration();
        this.startFailure = spec.startFailure();
        this.startFailureTimes = spec.startFailure() == null ? FaultRule.ALWAYS : spec.startFailureTimes();
        this.startHangs = spec.startHangs();
        this.deallocateFailure = spec.deallocateFailure();
        this.deallocateFailureTimes = spec.deallocateFailure() == null ? FaultRule.ALWAYS
                : spec.deallocateFailureTimes();
        this.deallocateHangs = spec.deallocateHangs();
        this.missing = spec.missing();
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

    public String privateIp() {
        return privateIp;
    }

    /** The VM's one NIC: {@code <name>-nic}. */
    public String nicName() {
        return name + "-nic";
    }

    /** The ARM resource id: {@code /subscriptions/.../virtualMachines/<name>}. */
    public String resourceId() {
        return "/subscriptions/" + subscriptionId + "/resourceGroups/" + resourceGroup
                + "/providers/Microsoft.Compute/virtualMachines/" + name;
    }

    public String nicResourceId() {
        return "/subscriptions/" + subscriptionId + "/resourceGroups/" + resourceGroup
                + "/providers/Microsoft.Network/networkInterfaces/" + nicName();
    }

    /** The current power state (pending operations whose time is up are completed first). */
    public synchronized PowerState powerState() {
        advance();
        return powerState;
    }

    /** Succeeded, Updating (an operation is pending) or Failed (the last operation failed). */
    public synchronized String provisioningState() {
        advance();
        return provisioning.json;
    }

    /** Start requests accepted (202), including the ones that were no-ops. 409 refusals and 429s are not counted. */
    public synchronized int startCount() {
        return startCount;
    }

    public synchronized int deallocateCount() {
        return deallocateCount;
    }

    public synchronized int powerOffCount() {
        return powerOffCount;
    }

    public synchronized Map<String, String> tags() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(tags));
    }

    public synchronized EmulatedVm tag(String key, String value) {
        if (value == null) {
            tags.remove(key);
        } else {
            tags.put(key, value);
        }
        return this;
    }

    /** Sets (or, with null, clears) the code every start operation fails with from now on. */
    public synchronized EmulatedVm startFailure(String code) {
        return startFailure(code, FaultRule.ALWAYS);
    }

    /**
     * The next {@code times} start operations fail with {@code code} (e.g. {@code InternalExecutionError}), later
     * ones succeed again; {@link FaultRule#ALWAYS} = every one.
     */
    public synchronized EmulatedVm startFailure(String code, int times) {
        this.startFailure = code;
        this.startFailureTimes = checkTimes(times);
        return this;
    }

    /** Makes start operations hang; clearing it lets a hanging start finish (at once if its time is up). */
    public synchronized EmulatedVm startHangs(boolean hangs) {
        this.startHangs = hangs;
        rescheduleIfReleased();
        return this;
    }

    /** Sets (or, with null, clears) the code every deallocate operation fails with from now on. */
    public synchronized EmulatedVm deallocateFailure(String code) {
        return deallocateFailure(code, FaultRule.ALWAYS);
    }

    /** The next {@code times} deallocate operations fail with {@code code}; {@link FaultRule#ALWAYS} = every one. */
    public synchronized EmulatedVm deallocateFailure(String code, int times) {
        this.deallocateFailure = code;
        this.deallocateFailureTimes = checkTimes(times);
        return this;
    }

    static int checkTimes(int times) {
        if (times < 1 && times != FaultRule.ALWAYS) {
            throw new IllegalArgumentException("failure times must be >= 1 (or -1 for every time)");
        }
        return times;
    }

    public synchronized EmulatedVm deallocateHangs(boolean hangs) {
        this.deallocateHangs = hangs;
        rescheduleIfReleased();
        return this;
    }

    /** A missing VM answers 404 to everything (its NIC too) and is left out of lists. */
    public synchronized EmulatedVm missing(boolean isMissing) {
        this.missing = isMissing;
        return this;
    }

    public synchronized boolean isMissing() {
        return missing;
    }

    /** This VM's operation duration from now on; null = the emulator's default. */
    public synchronized EmulatedVm lroDuration(Duration d) {
        this.lroDuration = d;
        return this;
    }

    /**
     * Sets a stable power state at once, as if something outside ARM's view happened. A pending operation ends:
     * Succeeded if it was heading to this state, else Failed (OperationPreempted).
     */
    public synchronized EmulatedVm forcePowerState(PowerState state) {
        if (state.isTransitional()) {
            throw new IllegalArgumentException("cannot force the transitional state " + state);
        }
        advance();
        if (pending != null) {
            if (pending.action.target == state) {
                pending.finish(Operation.Status.SUCCEEDED, null, null);
            } else {
                pending.finish(Operation.Status.FAILED, "OperationPreempted",
                        "Operation execution has been preempted by a more recent operation.");
            }
            pending = null;
        }
        lagState = null;
        setProvisioning(Provisioning.SUCCEEDED, null, null);
        setPowerState(state);
        return this;
    }

    /** Waits until the VM is in this state; false on timeout. */
    public boolean awaitPowerState(PowerState expected, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (powerState() != expected) {
            if (System.nanoTime() > end) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

    @Override
    public String toString() {
        return "EmulatedVm[" + name + " " + powerState() + "]";
    }

    // ---- used by the ARM handlers ----

    synchronized View view() {
        advance();
        boolean lag = lagState != null && cloud.nanoTime() - lagUntilNanos < 0;
        if (!lag) {
            lagState = null;
        }
        return new View(name, resourceGroup, subscriptionId, location, vmSize, vmId, nicName(), privateIp,
                new LinkedHashMap<>(tags), powerState, provisioning, failureCode, failureMessage, provisioningTime,
                timeCreated, missing, startCount, deallocateCount, powerOffCount, startFailure, startHangs,
                deallocateFailure, deallocateHangs, lroDuration, pending == null ? null : viewOf(pending),
                startFailure == null ? FaultRule.ALWAYS : startFailureTimes,
                deallocateFailure == null ? FaultRule.ALWAYS : deallocateFailureTimes,
                lag ? lagState : powerState, lag ? Provisioning.UPDATING : provisioning);
    }

    synchronized Operation.View viewOf(Operation op) {
        advance();
        return new Operation.View(op.id, op.action, name, subscriptionId, location, op.status, op.startTime,
                op.endTime, op.errorCode, op.errorMessage);
    }

    /** Handles start/deallocate/powerOff: starts an operation, or says why it conflicts with the pending one. */
    synchronized Begin begin(Operation.Action action) {
        advance();
        if (pending != null) {
            boolean preempts = action == Operation.Action.DEALLOCATE && pending.action != Operation.Action.DEALLOCATE;
            if (!preempts) {
                return new Begin(null, "Operation '" + action.pathName + "' is not allowed on VM '" + name
                        + "' since the VM is " + powerState.id() + " (operation '" + pending.action.pathName
                        + "' is in progress). Retry after the ongoing operation has completed.");
            }
            pending.finish(Operation.Status.FAILED, "OperationPreempted",
                    "Operation execution has been preempted by a more recent operation.");
            pending = null;
        }
        switch (action) {
            case START -> startCount++;
            case DEALLOCATE -> deallocateCount++;
            default -> powerOffCount++;
        }
        PowerState from = powerState;
        boolean noop = switch (action) {
            case START -> from == PowerState.RUNNING;
            case DEALLOCATE -> from == PowerState.DEALLOCATED;
            case POWER_OFF -> from == PowerState.STOPPED || from == PowerState.DEALLOCATED;
        };
        Duration d = lroDuration != null ? lroDuration : cloud.defaultLroDuration();
        Operation op = new Operation(cloud.newOperationId(), action, this, Instant.now(),
                cloud.nanoTime() + d.toNanos(), from);
        cloud.register(op);
        if (noop) {
            op.finish(Operation.Status.SUCCEEDED, null, null);
            return new Begin(op, null);
        }
        pending = op;
        Duration lag = cloud.stateLag();
        if (lag.compareTo(Duration.ZERO) > 0) {
            long now = cloud.nanoTime();
            if (lagState == null || now - lagUntilNanos >= 0) {
                lagState = from;
            }
            lagUntilNanos = now + lag.toNanos();
        }
        setProvisioning(Provisioning.UPDATING, null, null);
        setPowerState(action.transitional);
        cloud.scheduleCheck(this, d.toNanos());
        return new Begin(op, null);
    }

    /** Completes the pending operation if its time is up and it is not held by a hang flag. */
    synchronized void advance() {
        Operation op = pending;
        if (op == null || hangs(op.action) || cloud.nanoTime() < op.deadlineNanos) {
            return;
        }
        pending = null;
        switch (op.action) {
            case START -> {
                if (startFailure != null) {
                    String code = startFailure;
                    String msg = FailureMessages.startFailure(code, this);
                    if (startFailureTimes > 0 && --startFailureTimes == 0) {
                        startFailure = null;
                        startFailureTimes = FaultRule.ALWAYS;
                    }
                    op.finish(Operation.Status.FAILED, code, msg);
                    setProvisioning(Provisioning.FAILED, code, msg);
                    setPowerState(cloud.failedStartState());
                } else {
                    op.finish(Operation.Status.SUCCEEDED, null, null);
                    setProvisioning(Provisioning.SUCCEEDED, null, null);
                    setPowerState(PowerState.RUNNING);
                }
            }
            case DEALLOCATE -> {
                if (deallocateFailure != null) {
                    String code = deallocateFailure;
                    String msg = FailureMessages.deallocateFailure(code);
                    if (deallocateFailureTimes > 0 && --deallocateFailureTimes == 0) {
                        deallocateFailure = null;
                        deallocateFailureTimes = FaultRule.ALWAYS;
                    }
                    op.finish(Operation.Status.FAILED, code, msg);
                    setProvisioning(Provisioning.FAILED, code, msg);
                    setPowerState(op.previousState == PowerState.STOPPED ? PowerState.STOPPED : PowerState.RUNNING);
                } else {
                    op.finish(Operation.Status.SUCCEEDED, null, null);
                    setProvisioning(Provisioning.SUCCEEDED, null, null);
                    setPowerState(PowerState.DEALLOCATED);
                }
            }
            case POWER_OFF -> {
                op.finish(Operation.Status.SUCCEEDED, null, null);
                setProvisioning(Provisioning.SUCCEEDED, null, null);
                setPowerState(PowerState.STOPPED);
            }
        }
    }

    private boolean hangs(Operation.Action a) {
        return a == Operation.Action.START && startHangs || a == Operation.Action.DEALLOCATE && deallocateHangs;
    }

    private void rescheduleIfReleased() {
        if (pending != null && !hangs(pending.action)) {
            cloud.scheduleCheck(this, Math.max(0, pending.deadlineNanos - cloud.nanoTime()));
        }
    }

    private void setProvisioning(Provisioning p, String code, String message) {
        provisioning = p;
        failureCode = code;
        failureMessage = message;
        provisioningTime = Instant.now();
    }

    private void setPowerState(PowerState s) {
        if (s != powerState) {
            powerState = s;
            cloud.powerStateChanged(this, s);
        }
    }

    /** The initial state, for the events file. */
    synchronized PowerState initialState() {
        return powerState;
    }
}
