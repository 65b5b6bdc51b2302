package org.slurmazure.power.engine;

import java.io.PrintWriter;
import java.util.List;

import org.slurmazure.power.cloud.CloudException;
import org.slurmazure.power.cloud.CloudVms;
import org.slurmazure.power.cloud.VmState;
import org.slurmazure.power.config.Config;
import org.slurmazure.power.domain.Planner;
import org.slurmazure.power.domain.PowerMode;
import org.slurmazure.power.domain.VmRef;
import org.slurmazure.power.resolve.NodeResolver;
import org.slurmazure.power.resolve.Resolution;
import org.slurmazure.power.resolve.VmTarget;

/** {@code --dry-run}: what resume, suspend or resume-fail would do to each node, written to nowhere but stdout. */
public final class DryRun {
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
     * otherwise each VM's power state is read too.
     */
    public int print(List<String> nodes, boolean offline) throws PowerRun.CloudSetupException {
        Resolution resolution = new NodeResolver(config).resolve(nodes);
        CloudVms cloud = offline || resolution.targets().isEmpty()
                ? null
                : cloudFactory.create(config.limits().requestTimeout().multipliedBy(2));
        out.printf("%-16s %-24s %-24s %-14s %s%n", "NODE", "VM", "RESOURCE GROUP", "POWER STATE", "ACTION");
        boolean problems = false;
        for (VmTarget t : resolution.targets()) {
            String state = "-";
            String action;
            if (cloud == null) {
                action = mode == PowerMode.RESUME ? "start unless running" : "deallocate unless deallocated";
            } else {
                try {
                    VmState s = cloud.get(vmRef(t));
                    state = s.powerState().label() + (s.updating() ? " (updating)" : "");
                    if (!s.hasTag(
                            config.clusterTag().name(), config.clusterTag().value())) {
                        action = "refuse: not tagged " + config.clusterTag().name() + "="
                                + config.clusterTag().value();
                        problems = true;
                    } else {
                        action = describe(Planner.next(mode, s.powerState(), s.updating()));
                    }
                } catch (CloudException e) {
                    action = "fail: " + e.describe();
                    problems = true;
                }
            }
            out.printf("%-16s %-24s %-24s %-14s %s%n", t.node(), t.vmName(), t.resourceGroup(), state, action);
        }
        for (String node : resolution.unmatched()) {
            out.printf("%-16s %-24s %-24s %-14s %s%n", node, "-", "-", "-", "fail: in no node group");
            problems = true;
        }
        out.println("dry run: nothing was written to Azure or Slurm");
        return problems ? 1 : 0;
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
