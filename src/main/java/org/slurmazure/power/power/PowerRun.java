package org.slurmazure.power.power;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slurmazure.power.cloud.CloudException;
import org.slurmazure.power.cloud.CloudVms;
import org.slurmazure.power.cloud.VmRef;
import org.slurmazure.power.cloud.VmState;
import org.slurmazure.power.config.Config;
import org.slurmazure.power.core.FailureClass;
import org.slurmazure.power.core.NodeOutcome;
import org.slurmazure.power.core.Planner;
import org.slurmazure.power.core.PowerMode;
import org.slurmazure.power.resolve.NodeResolver;
import org.slurmazure.power.resolve.Resolution;
import org.slurmazure.power.resolve.VmTarget;
import org.slurmazure.power.slurm.SlurmControl;

/**
 * One invocation of resume, suspend or resume-fail, from the expanded node list to the summary line: resolve the
 * nodes, run the {@link PowerEngine}, tell Slurm through the {@link SlurmReporter}, write one log line per node.
 * The command layer gives it everything it needs; it never exits the process.
 */
public final class PowerRun {
    private static final Logger LOG = LoggerFactory.getLogger(PowerRun.class);

    /** How the cloud is reached; called at most once, and not at all for an offline dry run. */
    public interface CloudFactory {
        CloudVms create() throws CloudSetupException;
    }

    /** The cloud client could not be built (credential, certificate, CA file): a configuration error. */
    public static final class CloudSetupException extends Exception {
        private static final long serialVersionUID = 1L;

        public CloudSetupException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * What the run ended with. {@code setupFailed}: the state directory or the Azure client could not be set up
     * (a configuration or credential error); every node was failed and reported.
     */
    public record Result(List<NodeOutcome> outcomes, boolean slurmFailed, boolean setupFailed) {
        public long failed() {
            return outcomes.stream().filter(o -> !o.ok()).count();
        }
    }

    private final PowerMode mode;
    private final Config config;
    private final CloudFactory cloudFactory;
    private final SlurmControl slurm;
    private final PrintWriter out;

    public PowerRun(PowerMode mode, Config config, CloudFactory cloudFactory, SlurmControl slurm, PrintWriter out) {
        this.mode = mode;
        this.config = config;
        this.cloudFactory = cloudFactory;
        this.slurm = slurm;
        this.out = out;
    }

    /** Acts on {@code nodes}; {@code jobIds} names the jobs waiting for each node (resume). */
    public Result execute(List<String> nodes, Map<String, List<Long>> jobIds) throws InterruptedException {
        long start = System.nanoTime();
        Resolution resolution = new NodeResolver(config).resolve(nodes);
        List<NodeOutcome> outcomes = new ArrayList<>();
        Map<String, NodeOutcome> byNode = new HashMap<>();
        boolean setupFailed = false;
        CloudVms cloud = null;
        SlurmReporter reporter = new SlurmReporter(slurm, mode, 1000);
        try {
            for (String node : resolution.unmatched()) {
                NodeOutcome o = new NodeOutcome(node, null, null, "none", FailureClass.NO_GROUP,
                        "node " + node + " is in no node group of " + config.source(), null, Duration.ZERO,
                        jobIds.get(node));
                record(o, reporter);
                byNode.put(node, o);
            }
            List<PowerEngine.Target> targets = new ArrayList<>();
            for (VmTarget t : resolution.targets()) {
                targets.add(new PowerEngine.Target(t.node(), vmRef(t), jobIds.getOrDefault(t.node(), List.of())));
            }
            NodeLocks locks = null;
            if (!targets.isEmpty()) {
                try {
                    locks = new NodeLocks(config.stateDir());
                } catch (java.io.IOException e) {
                    setupFailed = true;
                    String why = "cannot use the state directory " + config.stateDir() + " (stateDir): "
                            + e.getMessage();
                    LOG.error("{}; nothing done", why);
                    failAll(targets, FailureClass.LOCKED, why, reporter, byNode);
                }
            }
            if (locks != null) {
                try {
                    cloud = cloudFactory.create();
                } catch (CloudSetupException e) {
                    setupFailed = true;
                    LOG.error("cannot reach Azure: {}", e.getMessage());
                    failAll(targets, FailureClass.AUTH, e.getMessage(), reporter, byNode);
                }
            }
            if (cloud != null) {
                PowerEngine engine = new PowerEngine(cloud, locks, engineSettings(),
                        new PowerEngine.Listener() {
                            @Override
                            public void outcome(NodeOutcome o) {
                                record(o, reporter);
                            }

                            @Override
                            public void address(String node, String privateIp) {
                                reporter.address(node, privateIp);
                            }
                        });
                for (NodeOutcome o : engine.run(targets)) {
                    byNode.put(o.node(), o);
                }
            }
        } finally {
            reporter.close();
        }
        for (String node : new java.util.LinkedHashSet<>(nodes)) {
            NodeOutcome o = byNode.get(node);
            if (o != null) {
                outcomes.add(o);
            }
        }
        Result result = new Result(outcomes, reporter.slurmFailed(), setupFailed);
        summary(result, Duration.ofNanos(System.nanoTime() - start), cloud == null ? null : cloud.requestCounts());
        return result;
    }

    /**
     * Prints what a run would do, writing nothing to Azure or Slurm. Offline: from the configuration alone;
     * otherwise each VM's power state is read too.
     */
    public int dryRun(List<String> nodes, boolean offline) throws CloudSetupException {
        Resolution resolution = new NodeResolver(config).resolve(nodes);
        CloudVms cloud = offline || resolution.targets().isEmpty() ? null : cloudFactory.create();
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
                    state = s.powerState().label();
                    if (!s.hasTag(config.clusterTag().name(), config.clusterTag().value())) {
                        action = "refuse: not tagged " + config.clusterTag().name() + "=" + config.clusterTag().value();
                        problems = true;
                    } else {
                        action = describe(Planner.next(mode, s.powerState()));
                    }
                } catch (CloudException e) {
                    action = "fail: " + PowerEngine.describe(e);
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

    private PowerEngine.Settings engineSettings() {
        Duration deadline = mode == PowerMode.RESUME ? config.limits().resumeDeadline()
                : config.limits().suspendDeadline();
        return new PowerEngine.Settings(mode, config.clusterTag().name(), config.clusterTag().value(),
                mode == PowerMode.RESUME && config.slurm().setNodeAddr(), deadline, config.limits().concurrency(),
                Duration.ofSeconds(1), Duration.ofSeconds(10));
    }

    /** Fails every target for one reason that concerns them all, and reports each. */
    private void failAll(List<PowerEngine.Target> targets, FailureClass cls, String why, SlurmReporter reporter,
                         Map<String, NodeOutcome> byNode) {
        for (PowerEngine.Target t : targets) {
            NodeOutcome o = new NodeOutcome(t.node(), t.vm(), null, "none", cls, why, null, Duration.ZERO,
                    t.jobIds());
            record(o, reporter);
            byNode.put(t.node(), o);
        }
    }

    private static VmRef vmRef(VmTarget t) {
        return new VmRef(t.subscriptionId(), t.resourceGroup(), t.vmName());
    }

    private void record(NodeOutcome o, SlurmReporter reporter) {
        String vm = o.vm() == null ? "-" : o.vm().toString();
        String jobs = o.jobIds().isEmpty() ? "-" : String.join(",", o.jobIds().stream().map(String::valueOf).toList());
        String seconds = String.format(Locale.ROOT, "%.1fs", o.duration().toMillis() / 1000.0);
        if (o.ok()) {
            LOG.info("node={} vm={} action={} result=ok state={}->{} ip={} duration={} jobs={}", o.node(), vm,
                    o.action(), o.before() == null ? "-" : o.before().label(), Planner.goal(mode).label(),
                    o.privateIp() == null ? "-" : o.privateIp(), seconds, jobs);
        } else {
            LOG.error("node={} vm={} action={} result=failed class={} duration={} jobs={} detail=\"{}\"", o.node(), vm,
                    o.action(), o.failure().label(), seconds, jobs, o.detail());
            if (mode != PowerMode.RESUME && o.vm() != null && o.failure() != FailureClass.NOT_TAGGED) {
                LOG.error("node={}: VM {} may still be running (and billing): not deallocated", o.node(),
                        o.vm().resourceId());
            }
        }
        out.printf("%-16s %-8s %s%n", o.node(), o.ok() ? "ok" : "FAILED",
                o.ok() ? o.detail() + (o.privateIp() == null ? "" : " " + o.privateIp()) : o.slurmReason());
        out.flush();
        reporter.accept(o);
    }

    private void summary(Result r, Duration wall, String requestCounts) {
        String line = String.format(Locale.ROOT, "summary: %s %d nodes: %d ok, %d failed, wall %.1fs%s%s",
                mode.command(), r.outcomes().size(), r.outcomes().size() - r.failed(), r.failed(),
                wall.toMillis() / 1000.0, requestCounts == null ? "" : ", " + requestCounts,
                r.slurmFailed() ? ", scontrol FAILED (see above)" : "");
        if (r.failed() > 0 || r.slurmFailed()) {
            LOG.warn(line);
        } else {
            LOG.info(line);
        }
        out.println(line);
    }
}
