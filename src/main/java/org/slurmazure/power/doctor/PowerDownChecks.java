package org.slurmazure.power.doctor;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import org.slurmazure.power.config.Config;
import org.slurmazure.power.hostlist.Hostlist;
import org.slurmazure.power.hostlist.InvalidHostlistException;

/**
 * When nodes are powered down and which are kept up: SuspendTime reaches the cloud nodes and spares the on-prem ones,
 * and SuspendExcNodes and SuspendExcStates keep no cloud node's VM running for good.
 */
final class PowerDownChecks extends SlurmTopic {
    private static final Pattern COUNTED = Pattern.compile("^(.*):(\\d+)$");

    private final Map<String, SlurmView.Partition> partitions = new HashMap<>();

    PowerDownChecks(Config config, SlurmView slurm, Set<String> groupNodes) {
        super(config, slurm, groupNodes);
        slurm.partitions().forEach(p -> partitions.put(p.name(), p));
    }

    @Override
    List<Check> check() {
        suspendTime();
        onPremNodes();
        suspendExcNodes();
        suspendExcStates();
        return checks();
    }

    /** The cloud nodes are powered down when idle: SuspendTime set globally or on their partitions. */
    private void suspendTime() {
        List<String> never = new ArrayList<>();
        int cloud = 0;
        for (SlurmView.Node n : slurm.nodes()) {
            if (n.cloud() && groupNodes.contains(n.name())) {
                cloud++;
                if (!suspended(n)) {
                    never.add(n.name());
                }
            }
        }
        String advice = "set SuspendTime on the Azure partitions (e.g. PartitionName=burst ... SuspendTime=600)";
        if (cloud > 0 && never.size() == cloud) {
            fail(
                    "SuspendTime",
                    "no SuspendTime applies to the cloud nodes (global " + Wording.orNone(slurm.get("SuspendTime"))
                            + "): idle nodes are never powered down and their VMs bill until someone deallocates them",
                    advice);
        } else if (!never.isEmpty()) {
            warn(
                    "SuspendTime",
                    Wording.count(never.size(), "cloud node")
                            + " never powered down when idle (no SuspendTime on their " + "partitions): "
                            + Wording.hostlist(never) + "; their VMs bill while they are up",
                    advice);
        } else {
            pass(
                    "SuspendTime",
                    "idle cloud nodes are powered down (global " + Wording.orNone(slurm.get("SuspendTime"))
                            + suspendTimesOfPartitions() + ")");
        }
    }

    /**
     * Nodes that are not this tool's (on-prem nodes) are never powered down: a global SuspendTime reaches them unless
     * SuspendExcNodes or SuspendExcParts keep them up, and the suspend program would drain them (no-group).
     */
    private void onPremNodes() {
        Excluded excluded = excludedNodes();
        Set<String> excludedParts = new LinkedHashSet<>(slurm.list("SuspendExcParts"));
        List<String> exposed = new ArrayList<>();
        int others = 0;
        for (SlurmView.Node n : slurm.nodes()) {
            if (n.cloud() || groupNodes.contains(n.name())) {
                continue;
            }
            others++;
            boolean partExcluded = n.partitions().stream().anyMatch(p -> excludedParts.contains(lower(p)));
            if (suspended(n) && !excluded.full().contains(n.name()) && !partExcluded) {
                exposed.add(n.name());
            }
        }
        if (!exposed.isEmpty()) {
            fail(
                    "on-prem nodes",
                    Wording.count(exposed.size(), "node") + " outside the node groups would be powered down when idle: "
                            + Wording.hostlist(exposed)
                            + "; the suspend program refuses them (no-group) and drains them",
                    "set SuspendTime only on the Azure partitions (global SuspendTime=INFINITE), or list those nodes in "
                            + "SuspendExcNodes or their partitions in SuspendExcParts");
        } else {
            pass(
                    "on-prem nodes",
                    others == 0
                            ? "no nodes outside the node groups"
                            : others == 1
                                    ? "the one node outside the node groups is never powered down"
                                    : "the " + others + " nodes outside the node groups are never powered down");
        }
    }

    /** SuspendExcNodes keeps no cloud node up for good (a count, {@code azc[001-100]:2}, keeps a few warm). */
    private void suspendExcNodes() {
        Excluded excluded = excludedNodes();
        if (excluded.error() != null) {
            warn(
                    "SuspendExcNodes",
                    "cannot read SuspendExcNodes=" + slurm.get("SuspendExcNodes") + ": " + excluded.error(),
                    "check SuspendExcNodes in slurm.conf");
            return;
        }
        List<String> keptUp = new ArrayList<>();
        for (String n : excluded.full()) {
            if (groupNodes.contains(n)) {
                keptUp.add(n);
            }
        }
        if (!keptUp.isEmpty()) {
            warn(
                    "SuspendExcNodes",
                    Wording.count(keptUp.size(), "cloud node") + " never powered down (SuspendExcNodes): "
                            + Wording.hostlist(keptUp) + "; their VMs bill all the time once started",
                    "keep a few nodes warm with a count instead (SuspendExcNodes="
                            + config.nodeGroups().get(0).nodes() + ":2), or remove them from SuspendExcNodes");
        } else {
            String v = slurm.get("SuspendExcNodes");
            pass(
                    "SuspendExcNodes",
                    v == null
                            ? "none: every idle cloud node may be powered down"
                            : v + ": no cloud node kept up for good");
        }
    }

    /**
     * SuspendExcStates (23.02+): states that are never powered down. DOWN, FAIL or NOT_RESPONDING there keep running
     * the VMs of failed cloud nodes (powering such a node down is what deallocates a VM that booted after its node was
     * failed). On-prem nodes are kept up by SuspendTime and SuspendExc*, which the check above looks at.
     */
    private void suspendExcStates() {
        if (!limits.atLeast(23, 2)) {
            return;
        }
        List<String> states = slurm.list("SuspendExcStates");
        List<String> costly = new ArrayList<>();
        for (String s : List.of("down", "fail", "not_responding")) {
            if (states.contains(s)) {
                costly.add(s.toUpperCase(Locale.ROOT));
            }
        }
        if (!costly.isEmpty()) {
            warn(
                    "SuspendExcStates",
                    "SuspendExcStates=" + slurm.get("SuspendExcStates") + ": cloud nodes that are "
                            + String.join(" or ", costly) + " are never powered down, so the VM of a failed node "
                            + "keeps running (and billing)",
                    "remove " + String.join(", ", costly) + " from SuspendExcStates (keep on-prem nodes up with "
                            + "SuspendExcNodes/SuspendExcParts instead)");
        } else {
            String v = slurm.get("SuspendExcStates");
            pass(
                    "SuspendExcStates",
                    (v == null ? "none" : v) + ": failed cloud nodes are powered down and their VMs deallocated");
        }
    }

    /** Whether Slurm powers the node down when idle: a SuspendTime of one of its partitions, or the global one. */
    private boolean suspended(SlurmView.Node n) {
        boolean global = SlurmView.seconds(slurm.get("SuspendTime"))
                .map(d -> d.toSeconds() > 0)
                .orElse(false);
        if (n.partitions().isEmpty()) {
            return global;
        }
        for (String name : n.partitions()) {
            SlurmView.Partition p = partitions.get(name);
            String v = p == null ? null : p.field("SuspendTime");
            if (v == null || v.equalsIgnoreCase("GLOBAL")) {
                if (global) {
                    return true;
                }
            } else if (SlurmView.seconds(v).map(d -> d.toSeconds() > 0).orElse(false)) {
                return true;
            }
        }
        return false;
    }

    private String suspendTimesOfPartitions() {
        List<String> parts = new ArrayList<>();
        for (SlurmView.Partition p : slurm.partitions()) {
            String v = p.field("SuspendTime");
            if (v != null && SlurmView.seconds(v).isPresent()) {
                parts.add(p.name() + " " + SlurmView.seconds(v).get().toSeconds() + " s");
            }
        }
        return parts.isEmpty() ? "" : "; partitions: " + String.join(", ", parts);
    }

    /**
     * The nodes SuspendExcNodes keeps up for good: every item without a count ({@code onprem[01-32]}); items with one
     * ({@code azc[001-100]:2}) keep only that many of their nodes up.
     */
    private record Excluded(Set<String> full, @Nullable String error) {}

    private Excluded excludedNodes() {
        String v = slurm.get("SuspendExcNodes");
        Set<String> full = new LinkedHashSet<>();
        if (v == null) {
            return new Excluded(full, null);
        }
        try {
            for (String item : Wording.topLevelItems(v)) {
                Matcher m = COUNTED.matcher(item);
                if (!m.matches()) {
                    full.addAll(Hostlist.expand(item));
                }
            }
        } catch (InvalidHostlistException e) {
            return new Excluded(full, String.valueOf(e.getMessage()));
        }
        return new Excluded(full, null);
    }

    private static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
