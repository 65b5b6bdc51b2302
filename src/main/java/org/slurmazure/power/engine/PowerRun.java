package org.slurmazure.power.engine;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.slurmazure.power.cloud.CloudVms;
import org.slurmazure.power.config.Config;
import org.slurmazure.power.domain.DeadlinePolicy;
import org.slurmazure.power.domain.FailureClass;
import org.slurmazure.power.domain.NodeOutcome;
import org.slurmazure.power.domain.Planner;
import org.slurmazure.power.domain.PowerMode;
import org.slurmazure.power.domain.TimeBudget;
import org.slurmazure.power.domain.VmRef;
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
 * {@link PowerEngine}, tell Slurm through the {@link SlurmReporter}, write one log line per node and the summary.
 * Everything happens within one {@link TimeBudget} counted from the process's start. The command layer gives it
 * everything it needs; it never exits the process.
 */
public final class PowerRun {
    private static final Logger LOG = LoggerFactory.getLogger(PowerRun.class);
    /** How long the run waits for Slurm's limits once Azure is reached (they are read in parallel). */
    private static final Duration LIMITS_GRACE = Duration.ofSeconds(2);

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
    private final CloudFactory cloudFactory;
    private final SlurmControl slurm;
    private final PrintWriter out;
    private final long startNanos;
    private volatile @Nullable PowerEngine engine;
    private volatile List<String> nodesOfRun = List.of();
    private volatile boolean over;
    /** Slurm's version and limits, once read ({@code scontrol show config}); null when they could not be. */
    private @Nullable SlurmLimits slurmLimits;

    /**
     * @param startNanos when the process started ({@link System#nanoTime()} scale): the deadline counts from there
     */
    public PowerRun(
            PowerMode mode,
            Config config,
            CloudFactory cloudFactory,
            SlurmControl slurm,
            PrintWriter out,
            long startNanos) {
        this.mode = mode;
        this.config = config;
        this.cloudFactory = cloudFactory;
        this.slurm = slurm;
        this.out = out;
        this.startNanos = startNanos;
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

        long limitsEnd = budget.workEnd();
        CompletableFuture<SlurmLimits> limits = CompletableFuture.supplyAsync(
                () -> {
                    try {
                        return slurm.until(limitsEnd).limits();
                    } catch (SlurmException e) {
                        throw new IllegalStateException(e.getMessage(), e);
                    }
                },
                PowerRun::daemon);

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
            TimeBudget provisional = budget;
            pendingCloud = CompletableFuture.supplyAsync(
                    () -> {
                        try {
                            return cloudFactory.create(tokenLimit(provisional));
                        } catch (CloudSetupException e) {
                            throw new CompletionException(e);
                        }
                    },
                    PowerRun::daemon);
        }
        budget = withSlurmLimits(budget, limits);
        if (pendingCloud != null) {
            try {
                cloud = awaitCloud(pendingCloud, budget);
            } catch (CloudSetupException e) {
                cloudProblem = e;
            }
        }
        if (cloudProblem != null) {
            cloud = retryCloudSetup(cloudProblem, budget);
            if (cloud == null) {
                setupProblem = "cannot reach Azure: " + cloudProblem.getMessage();
                setupClass = cloudProblem.failure();
            }
        }

        SlurmReporter reporter = new SlurmReporter(slurm, mode, 1000, budget.endNanos());
        if (mode == PowerMode.RESUME && slurmLimits != null) {
            reporter.recordInstances(NodeInstance.Support.of(slurmLimits));
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
                        "node is in no node group of " + config.source(),
                        null,
                        Duration.ZERO,
                        jobIds.get(node));
                record(o, reporter);
                byNode.put(node, o);
            }
            if (setupProblem != null) {
                setupFailed = true;
                LOG.error("{}; nothing done", setupProblem);
                for (PowerEngine.Target t : targets) {
                    NodeOutcome o = new NodeOutcome(
                            t.node(), t.vm(), null, "none", setupClass, setupProblem, null, Duration.ZERO, t.jobIds());
                    record(o, reporter);
                    byNode.put(t.node(), o);
                }
            } else if (cloud != null) {
                engine = new PowerEngine(cloud, locks, engineSettings(), budget, new PowerEngine.Listener() {
                    @Override
                    public void outcome(NodeOutcome o) {
                        record(o, reporter);
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

    private Duration configuredDeadline() {
        return mode == PowerMode.RESUME
                ? config.limits().resumeDeadline()
                : config.limits().suspendDeadline();
    }

    /** The token request's limit: twice the request timeout, but never past the work end. */
    private Duration tokenLimit(TimeBudget budget) {
        Duration left = TimeBudget.until(budget.workEnd());
        Duration limit = config.limits().requestTimeout().multipliedBy(2);
        return left.compareTo(limit) < 0 ? left : limit;
    }

    /** Cuts the budget where Slurm would give up on the nodes or kill the program, and says so. */
    private TimeBudget withSlurmLimits(TimeBudget budget, CompletableFuture<SlurmLimits> pending)
            throws InterruptedException {
        SlurmLimits limits;
        try {
            limits = pending.get(LIMITS_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.warn(
                    "scontrol show config did not answer within {} s: going on with limits.{}Deadline = {} s",
                    LIMITS_GRACE.toSeconds(),
                    mode == PowerMode.RESUME ? "resume" : "suspend",
                    budget.total().toSeconds());
            return budget;
        } catch (ExecutionException e) {
            LOG.warn(
                    "cannot read Slurm's time limits ({}): going on with the configured deadline of {} s",
                    String.valueOf(e.getCause() == null ? e : e.getCause().getMessage()),
                    budget.total().toSeconds());
            return budget;
        }
        slurmLimits = limits;
        Optional<Duration> kill = limits.killTimer();
        DeadlinePolicy.Decision d = DeadlinePolicy.decide(mode, budget.total(), kill, limits.shortestResumeTimeout());
        LOG.debug(
                "Slurm {}: ResumeTimeout {}, SuspendTimeout {}, kill timer {}",
                limits.version(),
                limits.resumeTimeout(),
                limits.suspendTimeout(),
                kill.map(Duration::toSeconds).orElse(null));
        if (d.why() == null) {
            return budget;
        }
        LOG.warn(
                "limits.{}Deadline ({} s) does not fit in Slurm's limits ({}): this run ends within {} s "
                        + "(run 'slurm-azure-power config check')",
                mode == PowerMode.RESUME ? "resume" : "suspend",
                budget.total().toSeconds(),
                d.why(),
                d.limit().toSeconds());
        return budget.cappedAt(d.limit());
    }

    /** The cloud being set up, waited for until the work end at most. */
    private CloudVms awaitCloud(CompletableFuture<CloudVms> pending, TimeBudget budget)
            throws CloudSetupException, InterruptedException {
        try {
            return pending.get(Math.max(0, TimeBudget.until(budget.workEnd()).toNanos()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            pending.cancel(true);
            throw new CloudSetupException(
                    "no token from the identity endpoint before the run's work end", FailureClass.TIMEOUT, false, e);
        } catch (ExecutionException e) {
            Throwable cause = e;
            Throwable inner = e.getCause();
            if (inner instanceof CompletionException c && c.getCause() != null) {
                inner = c.getCause();
            }
            if (inner != null) {
                cause = inner;
            }
            if (cause instanceof CloudSetupException setup) {
                throw setup;
            }
            throw new CloudSetupException(
                    "setting up the Azure client failed: " + cause, FailureClass.INTERNAL, false, cause);
        }
    }

    /** Tries again to reach Azure while the failure may pass (the token endpoint not answering), until the work end. */
    private @Nullable CloudVms retryCloudSetup(CloudSetupException first, TimeBudget budget)
            throws InterruptedException {
        CloudSetupException last = first;
        long wait = 1000;
        while (last.retryable()) {
            if (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(wait) - budget.workEnd() >= 0) {
                break;
            }
            LOG.warn("cannot reach Azure yet ({}); trying again in {} s", last.getMessage(), wait / 1000);
            Thread.sleep(wait);
            wait = Math.min(wait * 2, 15_000);
            try {
                return cloudFactory.create(tokenLimit(budget));
            } catch (CloudSetupException e) {
                last = e;
            }
        }
        return null;
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
        summary(
                result,
                Duration.ofNanos(System.nanoTime() - budget.startNanos()),
                cloud == null ? null : cloud.requestCounts());
        over = true;
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
            record(o, null);
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

    private void record(NodeOutcome o, @Nullable SlurmReporter reporter) {
        String vm = o.vm() == null ? "-" : o.vm().toString();
        String jobs = o.jobIds().isEmpty()
                ? "-"
                : String.join(",", o.jobIds().stream().map(String::valueOf).toList());
        String seconds = String.format(Locale.ROOT, "%.1fs", o.duration().toMillis() / 1000.0);
        FailureClass failure = o.failure();
        if (failure == null) {
            LOG.info(
                    "node={} vm={} action={} result=ok state={}->{} ip={} duration={} jobs={}",
                    o.node(),
                    vm,
                    o.action(),
                    o.before() == null ? "-" : o.before().label(),
                    Planner.goal(mode).label(),
                    o.privateIp() == null ? "-" : o.privateIp(),
                    seconds,
                    jobs);
        } else {
            LOG.error(
                    "node={} vm={} action={} result=failed class={} duration={} jobs={} detail=\"{}\"",
                    o.node(),
                    vm,
                    o.action(),
                    failure.label(),
                    seconds,
                    jobs,
                    o.detail());
            if (mode != PowerMode.RESUME && o.vm() != null && !failure.permanent()) {
                LOG.error(
                        "node={}: VM {} may still be running (and billing): not deallocated",
                        o.node(),
                        o.vm().resourceId());
            }
        }
        out.printf(
                "%-16s %-8s %s%n",
                o.node(),
                o.ok() ? "ok" : "FAILED",
                o.ok() ? o.detail() + (o.privateIp() == null ? "" : " " + o.privateIp()) : o.slurmReason());
        out.flush();
        if (reporter != null) {
            reporter.accept(o);
        }
    }

    private void summary(Result r, Duration wall, CloudVms.@Nullable RequestCounts requests) {
        String line = String.format(
                Locale.ROOT,
                "summary: %s %d nodes: %d ok, %d failed, wall %.1fs%s%s",
                mode.command(),
                r.outcomes().size(),
                r.outcomes().size() - r.failed(),
                r.failed(),
                wall.toMillis() / 1000.0,
                requests == null
                        ? ""
                        : ", " + requests.sent() + " Azure requests, " + requests.throttled() + " throttled",
                r.slurmFailed() ? ", Slurm not told about " + r.slurmNotTold() + " node(s) (see above)" : "");
        if (r.failed() > 0 || r.slurmFailed()) {
            LOG.warn(line);
        } else {
            LOG.info(line);
        }
        out.println(line);
    }

    private static void daemon(Runnable r) {
        Thread t = new Thread(r, "slurm-limits");
        t.setDaemon(true);
        t.start();
    }
}
