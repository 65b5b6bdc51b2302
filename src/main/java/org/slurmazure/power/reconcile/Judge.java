package org.slurmazure.power.reconcile;

import org.slurmazure.power.cloud.VmState;
import org.slurmazure.power.domain.PowerState;
import org.slurmazure.power.slurm.SlurmNode;

/**
 * Compares one node's Slurm state with its VM's power state and says what a reconcile pass should do. Decides
 * nothing about time: the pass acts only once the same verdict has lasted the grace. Pure.
 */
public final class Judge {
    /** What the pass does about a node. */
    public enum Action {
        /** Nothing to do. */
        NONE,
        /** Nothing to do but to show it: never touched (not ours, or needs an admin). */
        REPORT,
        /** Deallocate the VM; Slurm is left as it is. */
        DEALLOCATE,
        /** Deallocate the VM, then return the node to service ({@code state=resume}). */
        DEALLOCATE_AND_RETURN,
        /** The VM is already deallocated: return the node to service. */
        RETURN,
        /** Mark the node down and power it down: its jobs requeue, it returns to the pool. */
        MARK_LOST
    }

    /** The verdict, the action and why, in words for the log. */
    public record Judgement(Verdict verdict, Action action, String why) {}

    /** Reasons of failures that need an admin (drained nodes): the pass never returns such a node. */
    private static final String[] PERMANENT = {"azure: not-found", "azure: not-tagged", "azure: no-group"};

    private Judge() {}

    public static Judgement judge(Observation o, String tagName, String tagValue, boolean setNodeAddr) {
        SlurmNode node = o.slurm();
        VmState vm = o.azure();
        if (node == null) {
            return new Judgement(Verdict.NOT_IN_SLURM, Action.REPORT, "slurmctld does not know this node");
        }
        if (o.missing()) {
            return new Judgement(Verdict.MISSING, Action.REPORT, "the VM does not exist");
        }
        if (vm == null) {
            return new Judgement(Verdict.UNKNOWN, Action.NONE, "the VM could not be read");
        }
        if (!vm.hasTag(tagName, tagValue)) {
            return new Judgement(
                    Verdict.UNTAGGED, Action.REPORT, "the VM lacks tag " + tagName + "=" + tagValue + ": not ours");
        }
        PowerState power = vm.powerState();
        boolean vmOn = power == PowerState.RUNNING || power == PowerState.STARTING || power == PowerState.STOPPING;
        boolean vmStopped = power == PowerState.STOPPED;
        boolean vmOff = power == PowerState.DEALLOCATED || power == PowerState.DEALLOCATING;
        if (power == PowerState.UNKNOWN) {
            return new Judgement(Verdict.UNKNOWN, Action.NONE, "the VM's power state is unknown");
        }
        if (node.poweringUp()) {
            return ok("powering up: ResumeTimeout covers it");
        }
        if (node.poweringDown()) {
            if (vmOn) {
                return new Judgement(Verdict.STUCK, Action.DEALLOCATE, "powering down with its VM " + power.label());
            }
            if (vmStopped) {
                return new Judgement(Verdict.STOPPED, Action.DEALLOCATE, "powering down, its VM stopped but billing");
            }
            return ok("powering down");
        }
        if (node.poweredDown()) {
            boolean heldDown = node.down() && node.azureReason() && !permanent(node.reason());
            if (vmOn || vmStopped) {
                if (heldDown) {
                    return new Judgement(
                            Verdict.STUCK,
                            Action.DEALLOCATE_AND_RETURN,
                            "down (" + node.reason() + ") with its VM " + power.label());
                }
                return new Judgement(
                        vmOn ? Verdict.ORPHAN : Verdict.STOPPED,
                        Action.DEALLOCATE,
                        "powered down in Slurm, VM " + power.label() + (vmOn ? "" : " (still billing)"));
            }
            if (heldDown && power == PowerState.DEALLOCATED) {
                return new Judgement(
                        Verdict.STUCK, Action.RETURN, "down (" + node.reason() + "), its VM deallocated by now");
            }
            return ok("powered down, VM " + power.label());
        }
        // Up in Slurm's eyes.
        if ((vmOff || vmStopped) && !node.down()) {
            return new Judgement(Verdict.LOST, Action.MARK_LOST, "up in Slurm, VM " + power.label());
        }
        if (vmOn
                && setNodeAddr
                && o.privateIp() != null
                && !node.addr().equals(o.privateIp())
                && !node.addr().equals(node.name())) {
            return new Judgement(
                    Verdict.ADDR_MISMATCH,
                    Action.REPORT,
                    "NodeAddr " + node.addr() + ", VM's private IP " + o.privateIp());
        }
        return ok(node.down() ? "down, VM " + power.label() : "up, VM " + power.label());
    }

    private static Judgement ok(String why) {
        return new Judgement(Verdict.OK, Action.NONE, why);
    }

    private static boolean permanent(String reason) {
        for (String p : PERMANENT) {
            if (reason.startsWith(p)) {
                return true;
            }
        }
        return false;
    }
}
