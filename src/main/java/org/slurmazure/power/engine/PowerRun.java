package org.slurmazure.power.engine;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.slurmazure.power.cloud.CloudVms;
import org.slurmazure.power.config.Config;
import org.slurmazure.power.domain.FailureClass;
import org.slurmazure.power.domain.NodeOutcome;
import org.slurmazure.power.domain.PowerMode;
import org.slurmazure.power.domain.TimeBudget;
import org.slurmazure.power.domain.VmRef;
import org.slurmazure.power.metrics.MetricsSink;
import org.slurmazure.power.metrics.RunFigures;
import org.slurmazure.power.resolve.NodeResolver;
import org.slurmazure.power.resolve.Resolution;
import org.slurmazure.power.resolve.VmTarget;
import org.slurmazure.power.slurm.NodeInstance;
import org.slurmazure.power.slurm.SlurmControl;
import org.slurmazure.power.slurm.SlurmException;
import org.slurmazure.power.slurm.SlurmLimits;
import org.slurmazure.power.slurm.SlurmReporter;

/**
 * One invocation of resume, suspend or resume-fail, from the expanded node list to the summary line: check that
 * Slurm can be told anything, learn Slurm's time limits, resolve the nodes, reach Azure, run the
 * {@link PowerEngine}, tell Slurm through the {@link SlurmReporter}, write one log line per node and the summary, then
 * add the run to the metrics. Everything happens within one {@link TimeBudget} counted from the process's start. The
 * command layer gives it everything it needs; it never exits the process.
 */
public final class PowerRun {
    private static final Logger LOG = LoggerFactory.getLogger(PowerRun.class);

    /** How the cloud is reached; not called at all for an offline dry run. */
    public interface CloudFactory {
        /** Builds the client and takes a token within {@code tokenLimit}. */
        CloudVms create(Duration tokenLimit) throws CloudSetupException;
    }

    /**
     * The cloud client could not be built or could get no token: a configuration or credential error, or (when
     * {@link #retryable}) one that may pass, such as the token endpoint not answering.
     */
    public static final class CloudSetupException extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient FailureClass failure;
        private final boolean retryable;

        public CloudSetupException(String message, FailureClass failure, boolean retryable, Throwable cause) {
            super(message, cause);
            this.failure = failure;
            this.retryable = retryable;
        }

        public FailureClass failure() {
            return failure;
        }

        public boolean retryable() {
            return retryable;
        }
    }

    /**
     * What the run ended with. {@code setupFailed}: scontrol, the state directory or the Azure client could not be
     * used (a configuration or credential error); {@code slurmNotTold}: node updates Slurm did not get.
     */
    public record Result(List<NodeOutcome> outcomes, int slurmNotTold, boolean setupFailed) {
        public long failed() {
            return outcomes.stream().filter(o -> !o.ok()).count();
        }

        public boolean slurmFailed() {
            return slurmNotTold > 0;
        }
    }

    private final PowerMode mode;
    private final Config config;
    private final SlurmControl slurm;
    private final RunSetup setup;
    private final RunOutput output;
    private final long startNanos;
    private final MetricsSink metrics;
    private volatile @Nullable PowerEngine engine;
    private volatile List<String> nodesOfRun = List.of();
    private volatile boolean over;

    /**
     * @param startNanos when the process started ({@link System#nanoTime()} scale): the deadline counts from there
     * @param metrics    told of the run once its summary is written
     */
    public PowerRun(
            PowerMode mode,
            Config config,
            CloudFactory cloudFactory,
            SlurmControl slurm,
            PrintWriter out,
            long startNanos,
            MetricsSink metrics) {
        this.mode = mode;
        this.config = config;
        this.slurm = slurm;
        this.setup = new RunSetup(mode, config, cloudFactory, slurm);
        this.output = new RunOutput(mode, out);
        this.startNanos = startNanos;
        this.metrics = metrics;
    }

    /** Acts on {@code nodes}; {@code jobIds} names the jobs waiting for each node (resume). */
    public Result execute(List<String> nodes, Map<String, List<Long>> jobIds) throws InterruptedException {
        nodesOfRun = List.copyOf(new LinkedHashSet<>(nodes));
        TimeBudget budget = TimeBudget.of(startNanos, configuredDeadline());
        Resolution resolution = new NodeResolver(config).resolve(nodes);
        List<PowerEngine.Target> targets = new ArrayList<>();
        for (VmTarget t : resolution.targets()) {
            targets.add(new PowerEngine.Target(t.node(), vmRef(t), jobIds.getOrDefault(t.node(), List.of())));
        }
        Map<String, NodeOutcome> byNode = new HashMap<>();
        CloudVms cloud = null;
        boolean setupFailed = false;

        try {
            slurm.checkUsable();
        } catch (SlurmException e) {
            setupFailed = true;
            if (mode == PowerMode.RESUME) {
                // A VM started now would run while Slurm cannot be told its address, nor that it failed.
                LOG.error("{}: cannot tell Slurm anything: {}; nothing started", mode.command(), e.getMessage());
                return finish(
                        failEach(nodes, jobIds, FailureClass.CONFIG, e.getMessage() + "; nothing started", byNode),
                        0,
                        true,
                        null,
                        budget);
            }
            LOG.error(
                    "{}: cannot tell Slurm anything: {}; deallocating all the same (a deallocated VM costs "
                            + "nothing), but failures cannot be reported to Slurm",
                    mode.command(),
                    e.getMessage());
        }

        CompletableFuture<SlurmLimits> limits = setup.readLimits(budget);

        NodeLocks locks = null;
        String setupProblem = null;
        FailureClass setupClass = null;
        if (!targets.isEmpty()) {
            try {
                locks = new NodeLocks(config.stateDir());
            } catch (IOException e) {
                setupProblem = "cannot use the state directory " + config.stateDir() + " (stateDir): " + e.getMessage();
                setupClass = FailureClass.LOCKED;
            }
        }
        CloudSetupException cloudProblem = null;
        // The token request runs while Slurm's limits are read; once they are known, it is waited for only until
        // the (possibly cut) work end: a slow token endpoint must not carry the run past Slurm's limits.
        CompletableFuture<CloudVms> pendingCloud = null;
        if (locks != null) {
            pendingCloud = setup.startCloud(budget);
        }
        budget = setup.withSlurmLimits(budget, limits);
        if (pendingCloud != null) {
            try {
                cloud = setup.awaitCloud(pendingCloud, budget);
            } catch (CloudSetupException e) {
                cloudProblem = e;
            }
        }
        if (cloudProblem != null) {
            cloud = setup.retryCloudSetup(cloudProblem, budget);
            if (cloud == null) {
                setupProblem = "cannot reach Azure: " + cloudProblem.getMessage();
                setupClass = cloudProblem.failure();
            }
        }

        SlurmReporter reporter = new SlurmReporter(slurm, mode, 1000, budget.endNanos());
        SlurmLimits known = setup.slurmLimits();
        if (mode == PowerMode.RESUME && known != null) {
            reporter.recordInstances(NodeInstance.Support.of(known));
        }
        Map<String, VmRef> vmByNode = new HashMap<>();
        targets.forEach(t -> vmByNode.put(t.node(), t.vm()));
        reporter.knowVms(vmByNode);
        try {
            for (String node : resolution.unmatched()) {
                NodeOutcome o = new NodeOutcome(
                        node,
                        null,
                        null,
                        "none",
                        FailureClass.NO_GROUP,
                        noGroup(config),
                        null,
                        Duration.ZERO,
                        jobIds.get(node));
                output.record(o, reporter);
                byNode.put(node, o);
            }
            if (setupProblem != null) {
                setupFailed = true;
                LOG.error("{}; nothing done", setupProblem);
                for (PowerEngine.Target t : targets) {
                    NodeOutcome o = new NodeOutcome(
                            t.node(), t.vm(), null, "none", setupClass, setupProblem, null, Duration.ZERO, t.jobIds());
                    output.record(o, reporter);
                    byNode.put(t.node(), o);
                }
            } else if (cloud != null) {
                engine = new PowerEngine(cloud, locks, engineSettings(), budget, new PowerEngine.Listener() {
                    @Override
                    public void outcome(NodeOutcome o) {
                        output.record(o, reporter);
                    }

                    @Override
                    public void address(String node, String privateIp) {
                        reporter.address(node, privateIp);
                    }

                    @Override
                    public void started(String node, VmRef vm, @Nullable String vmSize) {
                        if (vmSize != null) {
                            reporter.instance(node, vm.resourceId(), vmSize);
                        }
                    }
                });
                for (NodeOutcome o : engine.run(targets)) {
                    byNode.put(o.node(), o);
                }
            }
        } finally {
            reporter.close();
        }
        return finish(byNode, reporter.nodesNotTold(), setupFailed, cloud, budget);
    }

    /**
     * The nodes still without an outcome, with their VMs and what was under way: for the log line written when the
     * process is killed. Empty once the run is over.
     */
    public List<PowerEngine.Unfinished> unfinished() {
        if (over) {
            return List.of();
        }
        PowerEngine e = engine;
        if (e != null) {
            return e.unfinished();
        }
        List<PowerEngine.Unfinished> all = new ArrayList<>();
        NodeResolver resolver = new NodeResolver(config);
        for (String node : nodesOfRun) {
            all.add(new PowerEngine.Unfinished(
                    node,
                    resolver.target(node).map(PowerRun::vmRef).orElse(null),
                    "setting up (Azure not reached yet)"));
        }
        return all;
    }

    /** The detail of a node in no node group (a dry run says the same). */
    static String noGroup(Config config) {
        return "node is in no node group of " + config.source();
    }

    private Duration configuredDeadline() {
        return mode == PowerMode.RESUME
                ? config.limits().resumeDeadline()
                : config.limits().suspendDeadline();
    }

    private Result finish(
            Map<String, NodeOutcome> byNode,
            int notTold,
            boolean setupFailed,
            @Nullable CloudVms cloud,
            TimeBudget budget) {
        List<NodeOutcome> outcomes = new ArrayList<>();
        for (String node : nodesOfRun) {
            NodeOutcome o = byNode.get(node);
            if (o != null) {
                outcomes.add(o);
            }
        }
        Result result = new Result(outcomes, notTold, setupFailed);
        Duration wall = Duration.ofNanos(System.nanoTime() - budget.startNanos());
        CloudVms.RequestCounts requests = cloud == null ? CloudVms.RequestCounts.NONE : cloud.requestCounts();
        output.summary(result, wall, cloud == null ? null : requests);
        over = true;
        // Last: Slurm has been told and the summary written; bounded by the run's end.
        metrics.record(
                new RunFigures(
                        mode.command(),
                        setupFailed
                                ? RunFigures.Result.ERROR
                                : result.failed() > 0 || result.slurmFailed()
                                        ? RunFigures.Result.FAILED
                                        : RunFigures.Result.OK,
                        Instant.now(),
                        wall,
                        outcomes,
                        notTold,
                        requests.sent(),
                        requests.throttled(),
                        requests.retryAfterWait()),
                null,
                budget.endNanos());
        return result;
    }

    /** Fails every node for one reason that concerns them all, without telling Slurm (it cannot be told). */
    private Map<String, NodeOutcome> failEach(
            List<String> nodes,
            Map<String, List<Long>> jobIds,
            FailureClass cls,
            String why,
            Map<String, NodeOutcome> byNode) {
        NodeResolver resolver = new NodeResolver(config);
        for (String node : new LinkedHashSet<>(nodes)) {
            VmRef vm = resolver.target(node).map(PowerRun::vmRef).orElse(null);
            NodeOutcome o = new NodeOutcome(node, vm, null, "none", cls, why, null, Duration.ZERO, jobIds.get(node));
            output.record(o, null);
            byNode.put(node, o);
        }
        return byNode;
    }

    private PowerEngine.Settings engineSettings() {
        return new PowerEngine.Settings(
                mode,
                config.clusterTag().name(),
                config.clusterTag().value(),
                mode == PowerMode.RESUME && config.slurm().setNodeAddr(),
                config.limits().concurrency(),
                Duration.ofSeconds(1),
                Duration.ofSeconds(10));
    }

    private static VmRef vmRef(VmTarget t) {
        return new VmRef(t.subscriptionId(), t.resourceGroup(), t.vmName());
    }
}
