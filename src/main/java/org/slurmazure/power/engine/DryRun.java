package org.slurmazure.power.engine;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import org.slurmazure.power.cloud.CloudException;
import org.slurmazure.power.cloud.CloudVms;
import org.slurmazure.power.cloud.VmState;
import org.slurmazure.power.config.Config;
import org.slurmazure.power.domain.FailureClass;
import org.slurmazure.power.domain.NodeOutcome;
import org.slurmazure.power.domain.Planner;
import org.slurmazure.power.domain.PowerMode;
import org.slurmazure.power.domain.VmRef;
import org.slurmazure.power.resolve.NodeResolver;
import org.slurmazure.power.resolve.Resolution;
import org.slurmazure.power.resolve.VmTarget;
import org.slurmazure.power.slurm.NodeAddress;
import org.slurmazure.power.slurm.ScontrolSlurmControl;
import org.slurmazure.power.slurm.SlurmException;
import org.slurmazure.power.slurm.SlurmReporter;

/**
 * {@code --dry-run}: what resume, suspend or resume-fail would do to each node, written to nowhere but stdout: the
 * Azure side (node, VM, power state, action) and the Slurm side, the scontrol calls a run would make, built by the
 * same code as a run's ({@link SlurmReporter.Updates}, {@link ScontrolSlurmControl}) but only recorded.
 */
public final class DryRun {
    /** Stands for a VM's private IP in an offline dry run. */
    static final String OFFLINE_IP = "<IP>";

    /** Arguments a shell would take as they are; anything else is shown in single quotes. */
    private static final Pattern PLAIN_WORD = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

    private final PowerMode mode;
    private final Config config;
    private final PowerRun.CloudFactory cloudFactory;
    private final PrintWriter out;

    public DryRun(PowerMode mode, Config config, PowerRun.CloudFactory cloudFactory, PrintWriter out) {
        this.mode = mode;
        this.config = config;
        this.cloudFactory = cloudFactory;
        this.out = out;
    }

    /**
     * Prints what a run would do, writing nothing to Azure or Slurm. Offline: from the configuration alone;
     * otherwise each VM's power state (and, for a resume, its private IP) is read too.
     */
    public int print(List<String> nodes, boolean offline) throws PowerRun.CloudSetupException {
        Resolution resolution = new NodeResolver(config).resolve(nodes);
        CloudVms cloud = offline || resolution.targets().isEmpty()
                ? null
                : cloudFactory.create(config.limits().requestTimeout().multipliedBy(2));
        boolean readAddress = mode == PowerMode.RESUME && config.slurm().setNodeAddr();
        out.printf("%-16s %-24s %-24s %-14s %s%n", "NODE", "VM", "RESOURCE GROUP", "POWER STATE", "ACTION");
        boolean problems = false;
        // What a run would end with, for the Slurm side; nodes whose VM could not be read have no outcome.
        List<NodeOutcome> outcomes = new ArrayList<>();
        List<NodeAddress> addresses = new ArrayList<>();
        List<String> unread = new ArrayList<>();
        for (VmTarget t : resolution.targets()) {
            VmRef vm = vmRef(t);
            String state = "-";
            String action;
            if (cloud == null) {
                action = mode == PowerMode.RESUME ? "start unless running" : "deallocate unless deallocated";
                outcomes.add(succeeded(t.node(), vm));
                if (readAddress) {
                    addresses.add(new NodeAddress(t.node(), OFFLINE_IP, t.node()));
                }
            } else {
                try {
                    VmState s = cloud.get(vm);
                    state = s.powerState().label() + (s.updating() ? " (updating)" : "");
                    NodeOutcome failure = null;
                    if (!s.hasTag(
                            config.clusterTag().name(), config.clusterTag().value())) {
                        action = "refuse: not tagged " + config.clusterTag().name() + "="
                                + config.clusterTag().value();
                        failure = failed(
                                t.node(),
                                vm,
                                FailureClass.NOT_TAGGED,
                                NodeRun.notTagged(
                                        config.clusterTag().name(),
                                        config.clusterTag().value()));
                    } else {
                        action = describe(Planner.next(mode, s.powerState(), s.updating()));
                        if (readAddress) {
                            failure = address(cloud, t.node(), vm, s, addresses);
                            if (failure != null) {
                                action = "fail: " + failure.slurmReason();
                            }
                        }
                    }
                    if (failure != null) {
                        problems = true;
                        outcomes.add(failure);
                    } else {
                        outcomes.add(succeeded(t.node(), vm));
                    }
                } catch (CloudException e) {
                    action = "fail: " + e.describe();
                    problems = true;
                    if (e.retryable()) {
                        unread.add(t.node()); // a run would try again: its outcome is not known
                    } else {
                        outcomes.add(failed(t.node(), vm, e.failure(), e.describe()));
                    }
                }
            }
            out.printf("%-16s %-24s %-24s %-14s %s%n", t.node(), t.vmName(), t.resourceGroup(), state, action);
        }
        for (String node : resolution.unmatched()) {
            out.printf("%-16s %-24s %-24s %-14s %s%n", node, "-", "-", "-", "fail: in no node group");
            outcomes.add(failed(node, null, FailureClass.NO_GROUP, PowerRun.noGroup(config)));
            problems = true;
        }
        printSlurmCalls(SlurmReporter.Updates.of(mode, outcomes, addresses), offline, unread);
        out.println("dry run: nothing was written to Azure or Slurm");
        return problems ? 1 : 0;
    }

    /**
     * Reads the VM's address as a resume does (its first network interface's private IP) and adds it to
     * {@code addresses}; returns the failure when there is none.
     */
    private @Nullable NodeOutcome address(
            CloudVms cloud, String node, VmRef vm, VmState state, List<NodeAddress> addresses) throws CloudException {
        if (state.networkInterfaceIds().isEmpty()) {
            return failed(node, vm, FailureClass.NO_ADDRESS, NodeRun.NO_NIC);
        }
        String nic = state.networkInterfaceIds().get(0);
        String ip = cloud.privateIp(nic);
        if (ip == null) {
            return failed(node, vm, FailureClass.NO_ADDRESS, NodeRun.noPrivateIp(nic));
        }
        addresses.add(new NodeAddress(node, ip, node));
        return null;
    }

    /** The scontrol calls of the updates, as a recording scontrol got them, one per line. */
    private void printSlurmCalls(SlurmReporter.Updates updates, boolean offline, List<String> unread) {
        List<List<String>> calls = new ArrayList<>();
        try {
            updates.sendTo(ScontrolSlurmControl.recording(config.slurm().scontrol(), calls::add));
        } catch (SlurmException e) {
            throw new IllegalStateException("a recording scontrol failed: " + e.getMessage(), e);
        }
        out.println();
        if (calls.isEmpty()) {
            out.println("Slurm: no scontrol call"
                    + (mode == PowerMode.SUSPEND
                            ? " (suspend tells Slurm only about nodes it cannot power down)"
                            : ""));
        } else if (offline) {
            out.println("Slurm: the scontrol calls a run would make if every VM reaches its goal (offline: no VM was"
                    + " read" + (updates.addresses().isEmpty() ? "" : "; " + OFFLINE_IP + " is each VM's private IP")
                    + "):");
        } else {
            out.println("Slurm: the scontrol calls a run would make, as scontrol would get them (batched as if every"
                    + " outcome came at once):");
        }
        for (List<String> call : calls) {
            out.println("  " + words(call));
        }
        if (!unread.isEmpty()) {
            out.println("  (not shown: " + String.join(",", unread) + ", whose VM could not be read now)");
        }
    }

    /** An argument list as one line: each argument that a shell would split or expand is single-quoted. */
    static String words(List<String> argv) {
        StringJoiner line = new StringJoiner(" ");
        for (String a : argv) {
            line.add(PLAIN_WORD.matcher(a).matches() ? a : "'" + a.replace("'", "'\\''") + "'");
        }
        return line.toString();
    }

    private NodeOutcome succeeded(String node, VmRef vm) {
        return new NodeOutcome(
                node, vm, null, "none", null, Planner.goal(mode).label(), null, Duration.ZERO, List.of());
    }

    private static NodeOutcome failed(String node, @Nullable VmRef vm, FailureClass cls, String detail) {
        return new NodeOutcome(node, vm, null, "none", cls, detail, null, Duration.ZERO, List.of());
    }

    private String describe(Planner.Step step) {
        return switch (step) {
            case START -> "start";
            case DEALLOCATE -> "deallocate";
            case NOTHING -> "none (already " + Planner.goal(mode).label() + ")";
            case WAIT -> "wait for the transition, then " + (mode == PowerMode.RESUME ? "start" : "deallocate");
        };
    }

    private static VmRef vmRef(VmTarget t) {
        return new VmRef(t.subscriptionId(), t.resourceGroup(), t.vmName());
    }
}
