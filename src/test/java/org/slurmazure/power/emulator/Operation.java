package org.slurmazure.power.emulator;

import java.time.Instant;

/** One long-running operation (start, deallocate, powerOff) of one VM. Its mutable fields are guarded by the VM. */
final class Operation {

    /** The VM actions that start an operation. */
    enum Action {
        START("start", PowerState.STARTING, PowerState.RUNNING),
        DEALLOCATE("deallocate", PowerState.DEALLOCATING, PowerState.DEALLOCATED),
        POWER_OFF("powerOff", PowerState.STOPPING, PowerState.STOPPED);

        final String pathName;
        final PowerState transitional;
        final PowerState target;

        Action(String pathName, PowerState transitional, PowerState target) {
            this.pathName = pathName;
            this.transitional = transitional;
            this.target = target;
        }

        /** The action named by the last path segment ({@code start}, {@code deallocate}, {@code powerOff}), or null. */
        static Action byPathName(String segment) {
            for (Action a : values()) {
                if (a.pathName.equalsIgnoreCase(segment)) {
                    return a;
                }
            }
            return null;
        }
    }

    /** ARM's operation status values. */
    enum Status {
        IN_PROGRESS("InProgress"), SUCCEEDED("Succeeded"), FAILED("Failed"), CANCELED("Canceled");

        final String json;

        Status(String json) {
            this.json = json;
        }
    }

    /** A consistent copy for rendering outside the VM's lock. */
    record View(String id, Action action, String vmName, String subscriptionId, String location, Status status,
            Instant startTime, Instant endTime, String errorCode, String errorMessage) {
    }

    final String id;
    final Action action;
    final EmulatedVm vm;
    final Instant startTime;
    final long deadlineNanos;
    /** The power state before the operation began (a failed deallocate returns to it). */
    final PowerState previousState;
    Status status = Status.IN_PROGRESS;
    Instant endTime;
    String errorCode;
    String errorMessage;

    Operation(String id, Action action, EmulatedVm vm, Instant startTime, long deadlineNanos,
            PowerState previousState) {
        this.id = id;
        this.action = action;
        this.vm = vm;
        this.startTime = startTime;
        this.deadlineNanos = deadlineNanos;
        this.previousState = previousState;
    }

    /** Called with the VM's lock held. */
    void finish(Status s, String code, String message) {
        this.status = s;
        this.endTime = Instant.now();
        this.errorCode = code;
        this.errorMessage = message;
    }

    View view() {
        return vm.viewOf(this);
    }
}
