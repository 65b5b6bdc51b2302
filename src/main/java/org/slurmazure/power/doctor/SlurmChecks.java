package org.slurmazure.power.doctor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import org.slurmazure.power.config.Config;
import org.slurmazure.power.config.Durations;
import org.slurmazure.power.config.NodeGroup;
import org.slurmazure.power.domain.DeadlinePolicy;
import org.slurmazure.power.domain.PowerMode;
import org.slurmazure.power.hostlist.Hostlist;
import org.slurmazure.power.hostlist.InvalidHostlistException;
import org.slurmazure.power.slurm.SlurmLimits;

/**
 * The Slurm side: who runs the check, the three programs slurm.conf names, the cloud nodes and the node groups, when
 * nodes are powered down and which are kept up, the timeouts against the programs' deadlines, and the settings the
 * power-saving block of {@code etc/slurm.conf.example} explains (ReconfigFlags, PrivateData, cloud_dns, TreeWidth,
 * idle_on_node_suspend, ReturnToService). Pure.
 */
public final class SlurmChecks {
    /** The largest TreeWidth Slurm accepts: every node is then reached directly by slurmctld. */
    static final long MAX_TREE_WIDTH = 65533;

    private static final Pattern COUNTED = Pattern.compile("^(.*):(\\d+)$");
    private static final int SHOWN = 8;

    private final Config config;
    private final SlurmView slurm;
    private final SlurmLimits limits;
    private final Map<String, SlurmView.Node> nodes = new HashMap<>();
    private final Map<String, SlurmView.Partition> partitions = new HashMap<>();
    private final Set<String> groupNodes = new LinkedHashSet<>();
    private final List<Check> checks = new ArrayList<>();

    private SlurmChecks(Config config, SlurmView slurm) {
        this.config = config;
        this.slurm = slurm;
        this.limits = slurm.limits();
        slurm.nodes().forEach(n -> nodes.put(n.name(), n));
        slurm.partitions().forEach(p -> partitions.put(p.name(), p));
        for (NodeGroup g : config.nodeGroups()) {
            groupNodes.addAll(g.nodeNames());
        }
    }

    /**
     * Every Slurm check.
     *
     * @param user     the user running the check
     * @param programs what is at the three programs' paths, in {@link ProgramFile#KEYS} order
     */
    public static List<Check> check(Config config, SlurmView slurm, String user, List<ProgramFile> programs) {
        SlurmChecks c = new SlurmChecks(config, slurm);
        c.version();
        c.user(user);
        programs.forEach(
                p -> c.checks.add(ProgramChecks.check(p, c.slurm.slurmUser().orElse("SlurmUser"))));
        c.cloudNodes();
        c.suspendTime();
        c.onPremNodes();
        c.suspendExcNodes();
        c.suspendExcStates();
        c.resumeTimeout();
        c.suspendTimeout();
        c.killTimer();
        c.reconfigFlags();
        c.privateData();
        c.addressing();
        c.treeWidth();
        c.idleOnNodeSuspend();
        c.returnToService();
        return c.checks;
    }

    /** The one check made when slurmctld's configuration cannot be read. */
    public static Check unreadable(String error) {
        return Check.fail(
                Area.SLURM,
                "scontrol",
                "cannot read slurmctld's configuration: " + error + "; the Slurm checks were not made",
                "check slurm.scontrol in azure-power.yaml and that slurmctld answers (scontrol ping)");
    }

    private void version() {
        if (limits.version() == null) {
            checks.add(Check.warn(
                    Area.SLURM,
                    "version",
                    "scontrol show config names no SLURM_VERSION: the checks of Slurm 23.02+ assume an older Slurm",
                    "run doctor with the scontrol of the slurmctld host"));
        } else {
            checks.add(Check.pass(Area.SLURM, "version", "slurmctld " + limits.version()));
        }
    }

    private void user(String user) {
        Optional<String> slurmUser = slurm.slurmUser();
        if (slurmUser.isEmpty()) {
            checks.add(Check.warn(
                    Area.SLURM,
                    "user",
                    "running as " + user + "; scontrol show config names no SlurmUser to compare with",
                    "run doctor as the user slurmctld runs the programs as"));
        } else if (!slurmUser.get().equals(user)) {
            checks.add(Check.warn(
                    Area.SLURM,
                    "user",
                    "running as " + user + ", not as SlurmUser " + slurmUser.get()
                            + ": files, the credential and scontrol were used as " + user
                            + ", and may behave differently for " + slurmUser.get(),
                    "run it as SlurmUser: sudo -u " + slurmUser.get() + " slurm-azure-power doctor"));
        } else {
            checks.add(Check.pass(Area.SLURM, "user", "running as " + user + ", the SlurmUser"));
        }
    }

    /** Every State=CLOUD node is in a node group, and every node of a group is a cloud node Slurm knows. */
    private void cloudNodes() {
        List<String> orphans = new ArrayList<>();
        int cloud = 0;
        for (SlurmView.Node n : slurm.nodes()) {
            if (n.cloud()) {
                cloud++;
                if (!groupNodes.contains(n.name())) {
                    orphans.add(n.name());
                }
            }
        }
        List<String> unknown = new ArrayList<>();
        List<String> notCloud = new ArrayList<>();
        for (String node : groupNodes) {
            SlurmView.Node n = nodes.get(node);
            if (n == null) {
                unknown.add(node);
            } else if (!n.cloud()) {
                notCloud.add(node);
            }
        }
        boolean ok = true;
        if (!orphans.isEmpty()) {
            ok = false;
            checks.add(Check.fail(
                    Area.SLURM,
                    "cloud nodes",
                    count(orphans.size(), "State=CLOUD node") + " in no node group: " + hostlist(orphans)
                            + "; slurmctld hands them to the programs, which refuse them (no-group) and drain them",
                    "add them to nodeGroups in azure-power.yaml, or remove State=CLOUD from their NodeName lines"));
        }
        if (!notCloud.isEmpty()) {
            ok = false;
            checks.add(Check.fail(
                    Area.SLURM,
                    "group nodes",
                    count(notCloud.size(), "node") + " of the node groups not State=CLOUD: " + hostlist(notCloud)
                            + "; Slurm neither powers them up on demand nor resets their NodeAddr",
                    "give their NodeName lines State=CLOUD in slurm.conf, or take them out of nodeGroups"));
        }
        if (!unknown.isEmpty()) {
            ok = false;
            boolean hidden =
                    !limits.atLeast(23, 2) && !slurm.list("PrivateData").contains("cloud");
            checks.add(Check.warn(
                    Area.SLURM,
                    "group nodes",
                    count(unknown.size(), "node") + " of the node groups unknown to slurmctld: " + hostlist(unknown)
                            + (hidden ? " (powered-down cloud nodes are hidden without PrivateData=cloud)" : ""),
                    hidden
                            ? "set PrivateData=cloud in slurm.conf and run doctor again"
                            : "add them to slurm.conf (State=CLOUD), or take them out of nodeGroups"));
        }
        if (ok) {
            checks.add(Check.pass(
                    Area.SLURM,
                    "cloud nodes",
                    count(cloud, "State=CLOUD node") + ", each in a node group; the " + count(groupNodes.size(), "node")
                            + " of the groups are all cloud nodes"));
        }
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
            checks.add(Check.fail(
                    Area.SLURM,
                    "SuspendTime",
                    "no SuspendTime applies to the cloud nodes (global " + orNone(slurm.get("SuspendTime"))
                            + "): idle nodes are never powered down and their VMs bill until someone deallocates them",
                    advice));
        } else if (!never.isEmpty()) {
            checks.add(Check.warn(
                    Area.SLURM,
                    "SuspendTime",
                    count(never.size(), "cloud node") + " never powered down when idle (no SuspendTime on their "
                            + "partitions): " + hostlist(never) + "; their VMs bill while they are up",
                    advice));
        } else {
            checks.add(Check.pass(
                    Area.SLURM,
                    "SuspendTime",
                    "idle cloud nodes are powered down (global " + orNone(slurm.get("SuspendTime"))
                            + suspendTimesOfPartitions() + ")"));
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
            checks.add(Check.fail(
                    Area.SLURM,
                    "on-prem nodes",
                    count(exposed.size(), "node") + " outside the node groups would be powered down when idle: "
                            + hostlist(exposed) + "; the suspend program refuses them (no-group) and drains them",
                    "set SuspendTime only on the Azure partitions (global SuspendTime=INFINITE), or list those nodes in "
                            + "SuspendExcNodes or their partitions in SuspendExcParts"));
        } else {
            checks.add(Check.pass(
                    Area.SLURM,
                    "on-prem nodes",
                    others == 0
                            ? "no nodes outside the node groups"
                            : others == 1
                                    ? "the one node outside the node groups is never powered down"
                                    : "the " + others + " nodes outside the node groups are never powered down"));
        }
    }

    /** SuspendExcNodes keeps no cloud node up for good (a count, {@code azc[001-100]:2}, keeps a few warm). */
    private void suspendExcNodes() {
        Excluded excluded = excludedNodes();
        if (excluded.error() != null) {
            checks.add(Check.warn(
                    Area.SLURM,
                    "SuspendExcNodes",
                    "cannot read SuspendExcNodes=" + slurm.get("SuspendExcNodes") + ": " + excluded.error(),
                    "check SuspendExcNodes in slurm.conf"));
            return;
        }
        List<String> keptUp = new ArrayList<>();
        for (String n : excluded.full()) {
            if (groupNodes.contains(n)) {
                keptUp.add(n);
            }
        }
        if (!keptUp.isEmpty()) {
            checks.add(Check.warn(
                    Area.SLURM,
                    "SuspendExcNodes",
                    count(keptUp.size(), "cloud node") + " never powered down (SuspendExcNodes): " + hostlist(keptUp)
                            + "; their VMs bill all the time once started",
                    "keep a few nodes warm with a count instead (SuspendExcNodes="
                            + config.nodeGroups().get(0).nodes() + ":2), or remove them from SuspendExcNodes"));
        } else {
            String v = slurm.get("SuspendExcNodes");
            checks.add(Check.pass(
                    Area.SLURM,
                    "SuspendExcNodes",
                    v == null
                            ? "none: every idle cloud node may be powered down"
                            : v + ": no cloud node kept up for good"));
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
            checks.add(Check.warn(
                    Area.SLURM,
                    "SuspendExcStates",
                    "SuspendExcStates=" + slurm.get("SuspendExcStates") + ": cloud nodes that are "
                            + String.join(" or ", costly) + " are never powered down, so the VM of a failed node "
                            + "keeps running (and billing)",
                    "remove " + String.join(", ", costly) + " from SuspendExcStates (keep on-prem nodes up with "
                            + "SuspendExcNodes/SuspendExcParts instead)"));
        } else {
            String v = slurm.get("SuspendExcStates");
            checks.add(Check.pass(
                    Area.SLURM,
                    "SuspendExcStates",
                    (v == null ? "none" : v) + ": failed cloud nodes are powered down and their VMs deallocated"));
        }
    }

    /** ResumeTimeout, global and of each partition with cloud nodes, leaves room above limits.resumeDeadline. */
    private void resumeTimeout() {
        Duration deadline = config.limits().resumeDeadline();
        List<Scoped> timeouts = timeouts("ResumeTimeout");
        List<String> infinite = infinite("ResumeTimeout");
        if (!infinite.isEmpty()) {
            checks.add(Check.warn(
                    Area.SLURM,
                    "ResumeTimeout",
                    "ResumeTimeout=INFINITE (" + String.join(", ", infinite) + "): Slurm never gives up on a node "
                            + "that does not come up and never calls ResumeFailProgram, so a VM that starts but whose "
                            + "node never registers keeps billing, and its jobs wait",
                    "set a finite ResumeTimeout (e.g. " + DeadlinePolicy.suggestedTimeoutSeconds(deadline)
                            + ") for the Azure partitions"));
            return;
        }
        if (timeouts.isEmpty()) {
            checks.add(Check.warn(
                    Area.SLURM,
                    "ResumeTimeout",
                    "ResumeTimeout not readable from scontrol show config ("
                            + orNone(slurm.config().get("ResumeTimeout")) + ")",
                    "set ResumeTimeout=" + DeadlinePolicy.suggestedTimeoutSeconds(deadline) + " in slurm.conf"));
            return;
        }
        List<String> short_ = new ArrayList<>();
        Duration fits = deadline;
        for (Scoped t : timeouts) {
            Duration room = DeadlinePolicy.fittingDeadline(t.value());
            if (room.compareTo(deadline) < 0) {
                short_.add(t.describe());
                fits = room.compareTo(fits) < 0 ? room : fits;
            }
        }
        if (!short_.isEmpty()) {
            checks.add(Check.warn(
                    Area.SLURM,
                    "ResumeTimeout",
                    "ResumeTimeout " + String.join(", ", short_) + " leaves no room above limits.resumeDeadline "
                            + Durations.format(deadline) + ": every resume ends within " + fits.toSeconds()
                            + " s instead, and a VM that starts slowly fails sooner",
                    "raise ResumeTimeout to " + DeadlinePolicy.suggestedTimeoutSeconds(deadline)
                            + " in slurm.conf, or lower limits.resumeDeadline to " + fits.toSeconds() + "s"));
        } else {
            checks.add(Check.pass(
                    Area.SLURM,
                    "ResumeTimeout",
                    "ResumeTimeout " + describe(timeouts) + ": room above limits.resumeDeadline "
                            + Durations.format(deadline)));
        }
    }

    /**
     * SuspendTimeout, global and of each partition with cloud nodes, leaves room above limits.suspendDeadline: else
     * Slurm counts a node as powered down (and may resume it) while the suspend program still deallocates its VM.
     */
    private void suspendTimeout() {
        Duration deadline = config.limits().suspendDeadline();
        List<Scoped> timeouts = timeouts("SuspendTimeout");
        if (timeouts.isEmpty()) {
            checks.add(Check.warn(
                    Area.SLURM,
                    "SuspendTimeout",
                    "SuspendTimeout not readable from scontrol show config",
                    "set SuspendTimeout=" + DeadlinePolicy.suggestedTimeoutSeconds(deadline) + " in slurm.conf"));
            return;
        }
        List<String> short_ = new ArrayList<>();
        for (Scoped t : timeouts) {
            if (DeadlinePolicy.fittingDeadline(t.value()).compareTo(deadline) < 0) {
                short_.add(t.describe());
            }
        }
        if (!short_.isEmpty()) {
            checks.add(Check.warn(
                    Area.SLURM,
                    "SuspendTimeout",
                    "SuspendTimeout " + String.join(", ", short_) + " leaves no room above limits.suspendDeadline "
                            + Durations.format(deadline) + ": Slurm counts a node as powered down, and may resume it, "
                            + "while its VM is still being deallocated (the resume then waits for it)",
                    "raise SuspendTimeout to " + DeadlinePolicy.suggestedTimeoutSeconds(deadline)
                            + " in slurm.conf, or lower limits.suspendDeadline"));
        } else {
            checks.add(Check.pass(
                    Area.SLURM,
                    "SuspendTimeout",
                    "SuspendTimeout " + describe(timeouts) + ": room above limits.suspendDeadline "
                            + Durations.format(deadline)));
        }
    }

    /** From 23.02 slurmscriptd kills every program at the largest ResumeTimeout/SuspendTimeout. */
    private void killTimer() {
        if (!limits.hasKillTimer()) {
            checks.add(Check.pass(
                    Area.SLURM,
                    "kill timer",
                    "none before Slurm 23.02: slurmctld does not kill the programs"
                            + (limits.version() == null ? " (version unknown)" : "")));
            return;
        }
        Optional<Duration> timer = limits.killTimer();
        if (timer.isEmpty()) {
            checks.add(Check.warn(
                    Area.SLURM,
                    "kill timer",
                    "the kill timer of Slurm 23.02+ cannot be told: no ResumeTimeout or SuspendTimeout readable",
                    "set ResumeTimeout and SuspendTimeout in slurm.conf"));
            return;
        }
        if (timer.get().equals(SlurmLimits.INFINITE)) {
            checks.add(Check.pass(Area.SLURM, "kill timer", "none in practice: a ResumeTimeout is INFINITE (65534 s)"));
            return;
        }
        List<String> cut = new ArrayList<>();
        for (PowerMode mode : List.of(PowerMode.RESUME, PowerMode.SUSPEND)) {
            Duration configured = mode == PowerMode.RESUME
                    ? config.limits().resumeDeadline()
                    : config.limits().suspendDeadline();
            DeadlinePolicy.Decision d = DeadlinePolicy.decide(mode, configured, timer, Optional.empty());
            if (d.why() != null) {
                cut.add("limits." + (mode == PowerMode.RESUME ? "resumeDeadline " : "suspendDeadline ")
                        + Durations.format(configured) + " is cut to "
                        + d.limit().toSeconds() + " s");
            }
        }
        if (!cut.isEmpty()) {
            checks.add(Check.warn(
                    Area.SLURM,
                    "kill timer",
                    "Slurm kills every program " + timer.get().toSeconds() + " s after its start (the largest "
                            + "ResumeTimeout/SuspendTimeout): " + String.join("; ", cut),
                    "raise SuspendTimeout or ResumeTimeout in slurm.conf, or lower the deadlines"));
        } else {
            checks.add(Check.pass(
                    Area.SLURM,
                    "kill timer",
                    timer.get().toSeconds() + " s after a program starts: the deadlines end before it"));
        }
    }

    private void reconfigFlags() {
        if (!limits.atLeast(23, 2)) {
            return;
        }
        if (slurm.list("ReconfigFlags").contains("keeppowersavesettings")) {
            checks.add(Check.pass(Area.SLURM, "ReconfigFlags", "KeepPowerSaveSettings"));
        } else {
            checks.add(Check.warn(
                    Area.SLURM,
                    "ReconfigFlags",
                    "no KeepPowerSaveSettings: scontrol reconfigure resets SuspendExcNodes/Parts/States changed with "
                            + "scontrol update (nodes kept up by hand are powered down)",
                    "add ReconfigFlags=KeepPowerSaveSettings to slurm.conf"));
        }
    }

    private void privateData() {
        if (limits.atLeast(23, 2)) {
            checks.add(Check.pass(
                    Area.SLURM, "PrivateData", "not needed from Slurm 23.02: powered-down cloud nodes are shown"));
        } else if (slurm.list("PrivateData").contains("cloud")) {
            checks.add(Check.pass(Area.SLURM, "PrivateData", "cloud: powered-down cloud nodes are shown"));
        } else {
            checks.add(Check.warn(
                    Area.SLURM,
                    "PrivateData",
                    "no PrivateData=cloud: sinfo, squeue and scontrol hide powered-down cloud nodes from everyone"
                            + " (doctor too)",
                    "add cloud to PrivateData in slurm.conf"));
        }
    }

    /** cloud_dns and slurm.setNodeAddr: exactly one of them tells slurmctld where the nodes are. */
    private void addressing() {
        boolean cloudDns = slurm.list("SlurmctldParameters").contains("cloud_dns");
        boolean setAddr = config.slurm().setNodeAddr();
        if (cloudDns && setAddr) {
            checks.add(Check.warn(
                    Area.SLURM,
                    "cloud_dns",
                    "SlurmctldParameters=cloud_dns and slurm.setNodeAddr: true: with cloud_dns Slurm reaches the "
                            + "nodes by their DNS names, and the NodeAddr the resume program sets only hides a stale "
                            + "or missing DNS record",
                    "choose one: drop cloud_dns, or set slurm.setNodeAddr: false in azure-power.yaml"));
        } else if (!cloudDns && !setAddr) {
            checks.add(Check.warn(
                    Area.SLURM,
                    "cloud_dns",
                    "slurm.setNodeAddr: false without SlurmctldParameters=cloud_dns: nothing tells Slurm where a "
                            + "cloud node is but name resolution, and slurmds cannot forward to each other",
                    "add cloud_dns to SlurmctldParameters (node names resolve to the VMs), or set "
                            + "slurm.setNodeAddr: true"));
        } else {
            checks.add(Check.pass(
                    Area.SLURM,
                    "cloud_dns",
                    cloudDns
                            ? "cloud_dns, and the resume program leaves NodeAddr to DNS (setNodeAddr: false)"
                            : "no cloud_dns: the resume program sets each NodeAddr to its VM's private IP"));
        }
    }

    /** Without cloud_dns a slurmd cannot resolve other cloud nodes: slurmctld must reach every node directly. */
    private void treeWidth() {
        boolean cloudDns = slurm.list("SlurmctldParameters").contains("cloud_dns");
        Optional<Long> width = SlurmView.number(slurm.get("TreeWidth"));
        long cloud = slurm.nodes().stream().filter(SlurmView.Node::cloud).count();
        if (cloudDns) {
            checks.add(Check.pass(
                    Area.SLURM,
                    "TreeWidth",
                    width.map(String::valueOf).orElse("default") + " (with cloud_dns slurmds forward to each other)"));
        } else if (width.isPresent() && (width.get() >= cloud || width.get() >= MAX_TREE_WIDTH)) {
            checks.add(Check.pass(
                    Area.SLURM,
                    "TreeWidth",
                    width.get() + ": slurmctld reaches the " + count((int) cloud, "cloud node") + " directly"));
        } else {
            checks.add(Check.warn(
                    Area.SLURM,
                    "TreeWidth",
                    "TreeWidth=" + width.map(String::valueOf).orElse("(unknown)") + " is below the "
                            + count((int) cloud, "cloud node") + ": without cloud_dns a slurmd cannot resolve the "
                            + "other cloud nodes to forward messages to them, and launches fail",
                    "set TreeWidth=" + MAX_TREE_WIDTH + " in slurm.conf"));
        }
    }

    private void idleOnNodeSuspend() {
        if (slurm.list("SlurmctldParameters").contains("idle_on_node_suspend")) {
            checks.add(Check.pass(
                    Area.SLURM,
                    "idle_on_node_suspend",
                    "a node Slurm made DOWN returns to service once powered down (its VM deallocated)"));
        } else {
            checks.add(Check.warn(
                    Area.SLURM,
                    "idle_on_node_suspend",
                    "not in SlurmctldParameters: a cloud node Slurm made DOWN (not responding, rebooted) stays DOWN "
                            + "after its VM is deallocated, until an admin resumes it",
                    "add idle_on_node_suspend to SlurmctldParameters (see etc/slurm.conf.example)"));
        }
    }

    private void returnToService() {
        Optional<Long> rts = SlurmView.number(slurm.get("ReturnToService"));
        if (rts.isPresent() && rts.get() == 2) {
            checks.add(Check.pass(
                    Area.SLURM, "ReturnToService", "2: a DOWN node returns to service when its slurmd registers"));
        } else {
            checks.add(Check.warn(
                    Area.SLURM,
                    "ReturnToService",
                    "ReturnToService=" + rts.map(String::valueOf).orElse("(unknown)")
                            + ": a cloud node made DOWN for any other reason than not responding needs an admin",
                    "set ReturnToService=2 in slurm.conf"));
        }
    }

    // ------------------------------------------------------------------------------------------------ helpers

    /** A timeout and where it is set. */
    private record Scoped(@Nullable String partition, Duration value) {
        String describe() {
            return value.toSeconds() + " s" + (partition == null ? " (global)" : " (partition " + partition + ")");
        }
    }

    /** The global value of {@code key} and the values of the partitions with cloud nodes of the groups. */
    private List<Scoped> timeouts(String key) {
        List<Scoped> out = new ArrayList<>();
        SlurmView.seconds(slurm.get(key)).ifPresent(d -> out.add(new Scoped(null, d)));
        for (SlurmView.Partition p : relevantPartitions()) {
            SlurmView.seconds(p.field(key)).ifPresent(d -> out.add(new Scoped(p.name(), d)));
        }
        return out;
    }

    /**
     * Where {@code key} is INFINITE (or UNLIMITED) for nodes of the groups: on their partitions, or globally when one
     * of their partitions (or a node in none) takes the global value.
     */
    private List<String> infinite(String key) {
        List<String> out = new ArrayList<>();
        boolean inherits = slurm.nodes().stream()
                        .anyMatch(n ->
                                groupNodes.contains(n.name()) && n.partitions().isEmpty())
                || relevantPartitions().stream().anyMatch(p -> {
                    String v = p.field(key);
                    return v == null || v.equalsIgnoreCase("GLOBAL");
                });
        if (inherits && isInfinite(slurm.config().get(key))) {
            out.add("global");
        }
        for (SlurmView.Partition p : relevantPartitions()) {
            if (isInfinite(p.field(key))) {
                out.add("partition " + p.name());
            }
        }
        return out;
    }

    private static boolean isInfinite(@Nullable String value) {
        return value != null
                && (value.strip().equalsIgnoreCase("INFINITE") || value.strip().equalsIgnoreCase("UNLIMITED"));
    }

    /** The partitions holding nodes of the node groups. */
    private List<SlurmView.Partition> relevantPartitions() {
        Set<String> relevant = new LinkedHashSet<>();
        for (SlurmView.Node n : slurm.nodes()) {
            if (groupNodes.contains(n.name())) {
                relevant.addAll(n.partitions());
            }
        }
        List<SlurmView.Partition> out = new ArrayList<>();
        for (SlurmView.Partition p : slurm.partitions()) {
            if (relevant.contains(p.name())) {
                out.add(p);
            }
        }
        return out;
    }

    private static String describe(List<Scoped> timeouts) {
        List<String> parts = new ArrayList<>();
        timeouts.forEach(t -> parts.add(t.describe()));
        return String.join(", ", parts);
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
            for (String item : topLevelItems(v)) {
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

    /** The comma-separated items of a list whose items may hold commas inside brackets. */
    static List<String> topLevelItems(String list) {
        List<String> items = new ArrayList<>();
        int depth = 0;
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < list.length(); i++) {
            char ch = list.charAt(i);
            if (ch == '[') {
                depth++;
            } else if (ch == ']') {
                depth = Math.max(0, depth - 1);
            }
            if (ch == ',' && depth == 0) {
                if (!sb.toString().isBlank()) {
                    items.add(sb.toString().strip());
                }
                sb.setLength(0);
            } else {
                sb.append(ch);
            }
        }
        if (!sb.toString().isBlank()) {
            items.add(sb.toString().strip());
        }
        return items;
    }

    /** Node names as a hostlist, at most a few groups shown. */
    static String hostlist(List<String> names) {
        String compressed = Hostlist.compress(names);
        List<String> parts = topLevelItems(compressed);
        if (parts.size() <= SHOWN) {
            return compressed;
        }
        return String.join(",", parts.subList(0, SHOWN)) + ",... (" + names.size() + " in all)";
    }

    static String count(int n, String thing) {
        return n + " " + thing + (n == 1 ? "" : "s");
    }

    private static String orNone(@Nullable String value) {
        return value == null || value.isBlank() ? "none" : value;
    }

    private static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
