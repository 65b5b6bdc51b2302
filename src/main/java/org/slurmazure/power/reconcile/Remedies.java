package org.slurmazure.power.reconcile;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.slurmazure.power.cloud.CloudVms;
import org.slurmazure.power.config.Config;
import org.slurmazure.power.domain.NodeOutcome;
import org.slurmazure.power.domain.PowerMode;
import org.slurmazure.power.domain.TimeBudget;
import org.slurmazure.power.engine.NodeLocks;
import org.slurmazure.power.engine.PowerEngine;
import org.slurmazure.power.slurm.SlurmControl;
import org.slurmazure.power.slurm.SlurmException;

/**
 * What a reconcile pass does about the disagreements that have lasted their grace: takes each node's lock (or leaves
 * the node for the next pass), deallocates VMs through the engine, then tells Slurm (return to service, power down),
 * one log line per node and action.
 */
final class Remedies {
    private static final Logger LOG = LoggerFactory.getLogger(Remedies.class);

    private final Config config;
    private final CloudVms cloud;
    private final SlurmControl slurm;
    private final NodeLocks locks;
    private final TimeBudget budget;

    Remedies(Config config, CloudVms cloud, SlurmControl slurm, NodeLocks locks, TimeBudget budget) {
        this.config = config;
        this.cloud = cloud;
        this.slurm = slurm;
        this.locks = locks;
        this.budget = budget;
    }

    /** Takes each node's lock (or leaves it for the next pass), then acts; returns how many actions failed. */
    int apply(List<Row> due, Map<String, String> results) throws InterruptedException {
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
}
