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
import org.slurmazure.power.domain.NodeOutcome;
import org.slurmazure.power.domain.PowerMode;
import org.slurmazure.power.domain.TimeBudget;
import org.slurmazure.power.engine.NodeLocks;
import org.slurmazure.power.engine.PowerEngine;
import org.slurmazure.power.slurm.SlurmControl;
import org.slurmazure.power.slurm.SlurmException;

/**
 * One reconcile pass: looks at both sides ({@link FleetView}), judges every node ({@link Judge}) and, for the
 * disagreements that have lasted the grace ({@link Memory}), acts: deallocates orphan, stopped and stuck VMs, marks
 * nodes whose VM is gone down and powers them down (their jobs requeue, they return to the pool), returns to service
 * nodes an earlier failure held down once their VM is deallocated. Only tagged VMs of the node groups are touched; a
 * node that a resume, suspend or resume-fail is working on (its lock is held) is left for the next pass. Idempotent:
 * a pass that finds nothing to do costs one scontrol call and a few list calls.
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

    /**
     * @param slurm  bounded by the pass's end by this class
     * @param budget the pass's time (from {@code reconcile.deadline})
     */
    public Reconciler(Config config, CloudVms cloud, SlurmControl slurm, NodeLocks locks, TimeBudget budget) {
        this.config = config;
        this.cloud = cloud;
        this.slurm = slurm.until(budget.endNanos());
        this.locks = locks;
        this.budget = budget;
    }

    /**
     * Runs one pass over {@code nodes}; with {@code dryRun} it only says what it would do (and records nothing).
     *
     * @param wholeFleet {@code nodes} are every node of the node groups: records of other nodes are forgotten
     */
    public Pass pass(List<String> nodes, boolean wholeFleet, boolean dryRun)
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
            failed = act(due, results);
        }
        Pass pass = new Pass(
                rows, fleet.strays(), results, failed, Duration.ofNanos(System.nanoTime() - budget.startNanos()));
        summary(pass, dryRun);
        return pass;
    }

    /** Takes each node's lock (or leaves it for the next pass), then acts; returns how many actions failed. */
    private int act(List<Row> due, Map<String, String> results) throws InterruptedException {
        Map<String, NodeLocks.Held> held = new LinkedHashMap<>();
        List<Row> mine = new ArrayList<>();
        for (Row r : due) {
            NodeLocks.@Nullable Held h;
            try {
                h = locks.tryLock(r.node());
            } catch (IOException e) {
                h = null;
            }
            if (h == null) {
                results.put(r.node(), "skipped: a power program holds the node");
                LOG.info(
                        "reconcile: node={} vm={} verdict={}: a power program is working on it; left for the next "
                                + "pass",
                        r.node(),
                        r.observation().vm(),
                        r.verdict().label());
            } else {
                held.put(r.node(), h);
                mine.add(r);
            }
        }
        try {
            return deallocate(mine, results) + tellSlurm(mine, results);
        } finally {
            held.values().forEach(NodeLocks.Held::close);
        }
    }

    /** Deallocates the VMs of the rows that need it, through the engine (retries, polls, throttling, deadline). */
    private int deallocate(List<Row> rows, Map<String, String> results) throws InterruptedException {
        List<PowerEngine.Target> targets = new ArrayList<>();
        for (Row r : rows) {
            Judge.Action a = r.judgement().action();
            if (a == Judge.Action.DEALLOCATE || a == Judge.Action.DEALLOCATE_AND_RETURN) {
                targets.add(new PowerEngine.Target(r.node(), r.observation().vm(), List.of()));
            }
        }
        if (targets.isEmpty()) {
            return 0;
        }
        PowerEngine.Settings settings = new PowerEngine.Settings(
                PowerMode.SUSPEND,
                config.clusterTag().name(),
                config.clusterTag().value(),
                false,
                config.limits().concurrency(),
                Duration.ofSeconds(1),
                Duration.ofSeconds(10));
        // The nodes' locks are held already: the engine takes none.
        List<NodeOutcome> outcomes = new PowerEngine(cloud, null, settings, budget, o -> {}).run(targets);
        int failed = 0;
        for (NodeOutcome o : outcomes) {
            Row r = rows.stream()
                    .filter(x -> x.node().equals(o.node()))
                    .findFirst()
                    .orElseThrow();
            if (o.ok()) {
                results.put(o.node(), "deallocated");
                LOG.warn(
                        "reconcile: node={} vm={} verdict={} why=\"{}\": deallocated",
                        o.node(),
                        o.vm(),
                        r.verdict().label(),
                        r.judgement().why());
            } else {
                failed++;
                results.put(o.node(), "deallocation failed: " + o.slurmReason());
                LOG.error(
                        "reconcile: node={} vm={} verdict={} why=\"{}\": deallocation FAILED: {}; the next pass "
                                + "tries again",
                        o.node(),
                        o.vm(),
                        r.verdict().label(),
                        r.judgement().why(),
                        o.detail());
            }
        }
        return failed;
    }

    /** Returns deallocated held-down nodes to service and powers down nodes whose VM is gone. */
    private int tellSlurm(List<Row> rows, Map<String, String> results) {
        List<String> back = new ArrayList<>();
        Map<String, String> lost = new LinkedHashMap<>();
        for (Row r : rows) {
            Judge.Action a = r.judgement().action();
            boolean deallocated = "deallocated".equals(results.get(r.node()));
            if (a == Judge.Action.RETURN || (a == Judge.Action.DEALLOCATE_AND_RETURN && deallocated)) {
                back.add(r.node());
            } else if (a == Judge.Action.MARK_LOST) {
                lost.put(
                        r.node(),
                        "azure: lost: VM " + r.powerState() + " under the node (evicted, or deallocated"
                                + " or stopped outside Slurm)");
            }
        }
        int failed = 0;
        if (!back.isEmpty()) {
            failed += slurmCall(back, results, "returned to service", () -> slurm.returnToService(back), rows);
        }
        if (!lost.isEmpty()) {
            failed += slurmCall(
                    List.copyOf(lost.keySet()),
                    results,
                    "marked down and powered down (jobs requeued)",
                    () -> slurm.powerDown(lost),
                    rows);
        }
        return failed;
    }

    private interface SlurmCall {
        void run() throws SlurmException;
    }

    private int slurmCall(
            List<String> nodes, Map<String, String> results, String done, SlurmCall call, List<Row> rows) {
        List<String> failedNodes;
        String error = null;
        try {
            call.run();
            failedNodes = List.of();
        } catch (SlurmException e) {
            failedNodes = e.failedNodes();
            error = e.getMessage();
        }
        for (String node : nodes) {
            Row r = rows.stream().filter(x -> x.node().equals(node)).findFirst().orElseThrow();
            if (failedNodes.contains(node)) {
                results.put(node, "Slurm not told: " + error);
                LOG.error(
                        "reconcile: node={} vm={} verdict={}: Slurm was not told ({}); the next pass tries again",
                        node,
                        r.observation().vm(),
                        r.verdict().label(),
                        error);
            } else {
                results.put(node, done);
                LOG.warn(
                        "reconcile: node={} vm={} verdict={} why=\"{}\": {}",
                        node,
                        r.observation().vm(),
                        r.verdict().label(),
                        r.judgement().why(),
                        done);
            }
        }
        return failedNodes.size();
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
