package org.slurmazure.power.domain;

/** Decides what to do with a VM given what the program is for and the VM's power state. Pure. */
public final class Planner {

    /** The next step for one VM. */
    public enum Step {
        /** Ask Azure to start it. */
        START,
        /** Ask Azure to deallocate it. */
        DEALLOCATE,
        /** Already where it should be: nothing to write. */
        NOTHING,
        /** In transition (starting, deallocating...): read again later, then decide. */
        WAIT
    }

    private Planner() {}

    /**
     * The next step for a VM in {@code state}.
     *
     * @param updating Azure reports an operation still changing the VM ({@code ProvisioningState/updating}): the
     *                 power state shown may be the one before it, so wait for it to settle before deciding
     */
    public static Step next(PowerMode mode, PowerState state, boolean updating) {
        if (updating && state != goal(mode)) {
            return Step.WAIT;
        }
        return next(mode, state);
    }

    public static Step next(PowerMode mode, PowerState state) {
        if (mode == PowerMode.RESUME) {
            return switch (state) {
                case RUNNING -> Step.NOTHING;
                case STARTING, DEALLOCATING, STOPPING -> Step.WAIT;
                case DEALLOCATED, STOPPED, UNKNOWN -> Step.START;
            };
        }
        // Suspend and resume-fail deallocate: a stopped VM still bills.
        return switch (state) {
            case DEALLOCATED -> Step.NOTHING;
            case DEALLOCATING -> Step.WAIT;
            case STARTING, RUNNING, STOPPING, STOPPED, UNKNOWN -> Step.DEALLOCATE;
        };
    }

    /** The state the program wants the VM in. */
    public static PowerState goal(PowerMode mode) {
        return mode == PowerMode.RESUME ? PowerState.RUNNING : PowerState.DEALLOCATED;
    }
}
