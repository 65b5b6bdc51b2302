package org.slurmazure.power.reconcile;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.slurmazure.power.cloud.CloudException;
import org.slurmazure.power.cloud.CloudVms;
import org.slurmazure.power.cloud.VmState;
import org.slurmazure.power.config.Config;
import org.slurmazure.power.domain.PowerState;
import org.slurmazure.power.domain.TimeBudget;
import org.slurmazure.power.engine.NodeLocks;
import org.slurmazure.power.metrics.FleetFigures;
import org.slurmazure.power.metrics.MetricsSink;
import org.slurmazure.power.metrics.MetricsState;
import org.slurmazure.power.metrics.RunFigures;
import org.slurmazure.power.slurm.NodeInstance;
import org.slurmazure.power.slurm.SlurmControl;
import org.slurmazure.power.slurm.SlurmException;
import org.slurmazure.power.slurm.SlurmNode;

/**
 * One reconcile pass: looks at both sides ({@link FleetView}), judges every node ({@link Judge}) and, for the
 * disagreements that have lasted the grace ({@link Memory}), acts ({@link Remedies}): deallocates orphan, stopped and
 * stuck VMs, marks nodes whose VM is gone down and powers them down (their jobs requeue, they return to the pool),
 * returns to service nodes an earlier failure held down once their VM is deallocated. Only tagged VMs of the node
 * groups are touched; a node that a resume, suspend or resume-fail is working on (its lock is held) is left for the
 * next pass. Idempotent: a pass that finds nothing to do costs one scontrol call and a few list calls. Every pass but a
 * dry run is added to the metrics, with what it saw of the fleet.
 */
public final class Reconciler {
    private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);

    /** What a pass found and did. */
    public record Pass(
            List<Row> rows, List<VmState> strays, Map<String, String> results, int failedActions, Duration wall) {

        /** How many nodes had each verdict. */
        public Map<Verdict, Integer> counts() {
            Map<Verdict, Integer> counts = new EnumMap<>(Verdict.class);
            rows.forEach(r -> counts.merge(r.verdict(), 1, Integer::sum));
            return counts;
        }
    }

    private final Config config;
    private final CloudVms cloud;
    private final SlurmControl slurm;
    private final NodeLocks locks;
    private final TimeBudget budget;
    private final MetricsSink metrics;

    /**
     * @param slurm   bounded by the pass's end by this class
     * @param budget  the pass's time (from {@code reconcile.deadline})
     * @param metrics told of every pass but a dry run
     */
    public Reconciler(
            Config config,
            CloudVms cloud,
            SlurmControl slurm,
            NodeLocks locks,
            TimeBudget budget,
            MetricsSink metrics) {
        this.config = config;
        this.cloud = cloud;
        this.slurm = slurm.until(budget.endNanos());
        this.locks = locks;
        this.budget = budget;
        this.metrics = metrics;
    }

    /**
     * Runs one pass over {@code nodes}; with {@code dryRun} it only says what it would do (and records nothing, in
     * the metrics neither).
     *
     * @param wholeFleet {@code nodes} are every node of the node groups: records of other nodes are forgotten
     */
    public Pass pass(List<String> nodes, boolean wholeFleet, boolean dryRun)
            throws SlurmException, CloudException, InterruptedException, IOException {
        Pass pass;
        try {
            pass = passOnce(nodes, wholeFleet, dryRun);
        } catch (SlurmException | CloudException | IOException e) {
            if (!dryRun) {
                record(RunFigures.Result.ERROR, null);
            }
            throw e;
        }
        if (!dryRun) {
            record(pass.failedActions() > 0 ? RunFigures.Result.FAILED : RunFigures.Result.OK, pass);
        }
        return pass;
    }

    /** Adds the pass to the metrics: its result and requests, and (when it saw both sides) the fleet's gauges. */
    private void record(RunFigures.Result result, @Nullable Pass pass) {
        CloudVms.RequestCounts requests = cloud.requestCounts();
        Instant now = Instant.now();
        FleetFigures fleet = null;
        if (pass != null) {
            Map<String, Integer> vms = new LinkedHashMap<>();
            for (Row r : pass.rows()) {
                VmState vm = r.observation().azure();
                if (!r.observation().missing()) {
                    vms.merge((vm == null ? PowerState.UNKNOWN : vm.powerState()).label(), 1, Integer::sum);
                }
            }
            Map<String, Integer> verdicts = new LinkedHashMap<>();
            for (Verdict v : Verdict.values()) {
                verdicts.put(v.label(), 0);
            }
            pass.counts().forEach((v, n) -> verdicts.merge(v.label(), n, Integer::sum));
            verdicts.merge(Verdict.STRAY.label(), pass.strays().size(), Integer::sum);
            fleet = new FleetFigures(now, vms, verdicts);
        }
        metrics.record(
                new RunFigures(
                        MetricsState.RECONCILE,
                        result,
                        now,
                        Duration.ofNanos(System.nanoTime() - budget.startNanos()),
                        List.of(),
                        0,
                        requests.sent(),
                        requests.throttled(),
                        requests.retryAfterWait()),
                fleet,
                budget.endNanos());
    }

    private Pass passOnce(List<String> nodes, boolean wholeFleet, boolean dryRun)
            throws SlurmException, CloudException, InterruptedException, IOException {
        @Nullable Set<String> scope = wholeFleet ? null : Set.copyOf(nodes);
        Instant now = Instant.now();
        FleetView.Fleet fleet = new FleetView(config, cloud, slurm).observe(nodes);
        List<Row> rows;
        if (dryRun) {
            rows = Survey.rows(fleet, config, Memory.load(config.stateDir()), now, false);
        } else {
            rows = Memory.locked(config.stateDir(), () -> {
                Memory memory = Memory.load(config.stateDir());
                List<Row> surveyed = Survey.rows(fleet, config, memory, now, true);
                Set<String> seen = new HashSet<>();
                surveyed.forEach(r -> seen.add(r.node()));
                memory.forgetUnseen(seen, scope);
                memory.save();
                return surveyed;
            });
        }
        Map<String, String> results = new LinkedHashMap<>();
        int failed = 0;
        for (VmState stray : fleet.strays()) {
            LOG.warn(
                    "reconcile: vm={} verdict=stray: tagged {}={} but no node's VM: left alone",
                    stray.ref(),
                    config.clusterTag().name(),
                    config.clusterTag().value());
        }
        List<Row> due = new ArrayList<>();
        for (Row r : rows) {
            if (r.verdict() == Verdict.OK || r.verdict() == Verdict.UNKNOWN) {
                continue;
            }
            if (!r.due()) {
                String what = r.judgement().action() == Judge.Action.REPORT
                        ? "left alone"
                        : "waiting " + seconds(config.reconcile().grace().minus(r.age(now))) + " more (grace)";
                LOG.info(
                        "reconcile: node={} vm={} verdict={} why=\"{}\": {}",
                        r.node(),
                        r.observation().vm(),
                        r.verdict().label(),
                        r.judgement().why(),
                        what);
                results.put(r.node(), what);
            } else {
                due.add(r);
            }
        }
        if (dryRun) {
            due.forEach(
                    r -> results.put(r.node(), "would " + describe(r.judgement().action())));
            due.forEach(r -> LOG.info(
                    "reconcile: node={} vm={} verdict={} why=\"{}\": would {}",
                    r.node(),
                    r.observation().vm(),
                    r.verdict().label(),
                    r.judgement().why(),
                    describe(r.judgement().action())));
        } else {
            failed = new Remedies(config, cloud, slurm, locks, budget).apply(due, results);
        }
        restoreInstances(rows, dryRun);
        Pass pass = new Pass(
                rows, fleet.strays(), results, failed, Duration.ofNanos(System.nanoTime() - budget.startNanos()));
        summary(pass, dryRun);
        return pass;
    }

    /**
     * From 23.11 a node's registration replaces its InstanceId and InstanceType with what its slurmd was started with
     * ({@code slurmd --instance-id/--instance-type}; nothing unless the VM's boot passes them), so the values the
     * resume program sets are lost when the node registers after them. A pass sets them again on nodes that are up
     * with their VM running and whose InstanceId is not their VM's; a failure is a warning (accounting only).
     */
    private void restoreInstances(List<Row> rows, boolean dryRun) {
        List<NodeInstance> missing = new ArrayList<>();
        for (Row r : rows) {
            SlurmNode n = r.observation().slurm();
            VmState vm = r.observation().azure();
            // addr-mismatch: up all the same (a NodeAddr its registration replaced, behind NAT or in the e2e lab)
            if ((r.verdict() == Verdict.OK || r.verdict() == Verdict.ADDR_MISMATCH)
                    && n != null
                    && vm != null
                    && vm.powerState() == PowerState.RUNNING
                    && !n.poweringUp()
                    && !n.poweringDown()
                    && !n.poweredDown()
                    && !n.has("NOT_RESPONDING")
                    && !vm.vmSize().isEmpty()
                    && !n.instanceId().equalsIgnoreCase(vm.ref().resourceId())) {
                missing.add(new NodeInstance(r.node(), vm.ref().resourceId(), vm.vmSize()));
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        List<String> names = missing.stream().map(NodeInstance::node).toList();
        try {
            NodeInstance.Support support = NodeInstance.Support.of(slurm.limits());
            if (support == NodeInstance.Support.NONE) {
                return;
            }
            if (dryRun) {
                LOG.info("reconcile: would set InstanceId/InstanceType of {}", names);
                return;
            }
            slurm.setInstances(missing, support);
            LOG.info("reconcile: set InstanceId/InstanceType of {} (their registration had cleared them)", names);
        } catch (SlurmException e) {
            LOG.warn("reconcile: could not set InstanceId/InstanceType of {}: {}", names, e.getMessage());
        }
    }

    private void summary(Pass pass, boolean dryRun) {
        StringBuilder counts = new StringBuilder();
        pass.counts()
                .forEach((v, n) -> counts.append(counts.length() == 0 ? "" : ", ")
                        .append(n)
                        .append(' ')
                        .append(v.label()));
        long acted = pass.results().values().stream()
                .filter(r -> r.equals("deallocated") || r.startsWith("returned") || r.startsWith("marked"))
                .count();
        String line = String.format(
                Locale.ROOT,
                "reconcile%s: %d nodes (%s), %d stray VM(s), %d action(s) done, %d "
                        + "failed, wall %.1fs, %d Azure requests, %d throttled",
                dryRun ? " (dry run)" : "",
                pass.rows().size(),
                counts,
                pass.strays().size(),
                acted,
                pass.failedActions(),
                pass.wall().toMillis() / 1000.0,
                cloud.requestCounts().sent(),
                cloud.requestCounts().throttled());
        if (pass.failedActions() > 0) {
            LOG.warn(line);
        } else {
            LOG.info(line);
        }
    }

    private static String describe(Judge.Action a) {
        return switch (a) {
            case DEALLOCATE -> "deallocate the VM";
            case DEALLOCATE_AND_RETURN -> "deallocate the VM and return the node to service";
            case RETURN -> "return the node to service";
            case MARK_LOST -> "mark the node down and power it down";
            default -> "do nothing";
        };
    }

    private static String seconds(Duration d) {
        return Math.max(0, d.toSeconds()) + " s";
    }
}
