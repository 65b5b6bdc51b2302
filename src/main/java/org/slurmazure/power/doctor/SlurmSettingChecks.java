package org.slurmazure.power.doctor;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.slurmazure.power.config.Config;

/**
 * The other settings the power-saving block of {@code etc/slurm.conf.example} explains: ReconfigFlags, PrivateData,
 * cloud_dns against slurm.setNodeAddr, TreeWidth, idle_on_node_suspend and ReturnToService.
 */
final class SlurmSettingChecks extends SlurmTopic {
    /** The largest TreeWidth Slurm accepts: every node is then reached directly by slurmctld. */
    static final long MAX_TREE_WIDTH = 65533;

    SlurmSettingChecks(Config config, SlurmView slurm, Set<String> groupNodes) {
        super(config, slurm, groupNodes);
    }

    @Override
    List<Check> check() {
        reconfigFlags();
        privateData();
        addressing();
        treeWidth();
        idleOnNodeSuspend();
        returnToService();
        return checks();
    }

    private void reconfigFlags() {
        if (!limits.atLeast(23, 2)) {
            return;
        }
        if (slurm.list("ReconfigFlags").contains("keeppowersavesettings")) {
            pass("ReconfigFlags", "KeepPowerSaveSettings");
        } else {
            warn(
                    "ReconfigFlags",
                    "no KeepPowerSaveSettings: scontrol reconfigure resets SuspendExcNodes/Parts/States changed with "
                            + "scontrol update (nodes kept up by hand are powered down)",
                    "add ReconfigFlags=KeepPowerSaveSettings to slurm.conf");
        }
    }

    private void privateData() {
        if (limits.atLeast(23, 2)) {
            pass("PrivateData", "not needed from Slurm 23.02: powered-down cloud nodes are shown");
        } else if (slurm.list("PrivateData").contains("cloud")) {
            pass("PrivateData", "cloud: powered-down cloud nodes are shown");
        } else {
            warn(
                    "PrivateData",
                    "no PrivateData=cloud: sinfo, squeue and scontrol hide powered-down cloud nodes from everyone"
                            + " (doctor too)",
                    "add cloud to PrivateData in slurm.conf");
        }
    }

    /** cloud_dns and slurm.setNodeAddr: exactly one of them tells slurmctld where the nodes are. */
    private void addressing() {
        boolean cloudDns = slurm.list("SlurmctldParameters").contains("cloud_dns");
        boolean setAddr = config.slurm().setNodeAddr();
        if (cloudDns && setAddr) {
            warn(
                    "cloud_dns",
                    "SlurmctldParameters=cloud_dns and slurm.setNodeAddr: true: with cloud_dns Slurm reaches the "
                            + "nodes by their DNS names, and the NodeAddr the resume program sets only hides a stale "
                            + "or missing DNS record",
                    "choose one: drop cloud_dns, or set slurm.setNodeAddr: false in azure-power.yaml");
        } else if (!cloudDns && !setAddr) {
            warn(
                    "cloud_dns",
                    "slurm.setNodeAddr: false without SlurmctldParameters=cloud_dns: nothing tells Slurm where a "
                            + "cloud node is but name resolution, and slurmds cannot forward to each other",
                    "add cloud_dns to SlurmctldParameters (node names resolve to the VMs), or set "
                            + "slurm.setNodeAddr: true");
        } else {
            pass(
                    "cloud_dns",
                    cloudDns
                            ? "cloud_dns, and the resume program leaves NodeAddr to DNS (setNodeAddr: false)"
                            : "no cloud_dns: the resume program sets each NodeAddr to its VM's private IP");
        }
    }

    /** Without cloud_dns a slurmd cannot resolve other cloud nodes: slurmctld must reach every node directly. */
    private void treeWidth() {
        boolean cloudDns = slurm.list("SlurmctldParameters").contains("cloud_dns");
        Optional<Long> width = SlurmView.number(slurm.get("TreeWidth"));
        long cloud = slurm.nodes().stream().filter(SlurmView.Node::cloud).count();
        if (cloudDns) {
            pass(
                    "TreeWidth",
                    width.map(String::valueOf).orElse("default") + " (with cloud_dns slurmds forward to each other)");
        } else if (width.isPresent() && (width.get() >= cloud || width.get() >= MAX_TREE_WIDTH)) {
            pass(
                    "TreeWidth",
                    width.get() + ": slurmctld reaches the " + Wording.count((int) cloud, "cloud node") + " directly");
        } else {
            warn(
                    "TreeWidth",
                    "TreeWidth=" + width.map(String::valueOf).orElse("(unknown)") + " is below the "
                            + Wording.count((int) cloud, "cloud node")
                            + ": without cloud_dns a slurmd cannot resolve the "
                            + "other cloud nodes to forward messages to them, and launches fail",
                    "set TreeWidth=" + MAX_TREE_WIDTH + " in slurm.conf");
        }
    }

    private void idleOnNodeSuspend() {
        if (slurm.list("SlurmctldParameters").contains("idle_on_node_suspend")) {
            pass(
                    "idle_on_node_suspend",
                    "a node Slurm made DOWN returns to service once powered down (its VM deallocated)");
        } else {
            warn(
                    "idle_on_node_suspend",
                    "not in SlurmctldParameters: a cloud node Slurm made DOWN (not responding, rebooted) stays DOWN "
                            + "after its VM is deallocated, until an admin resumes it",
                    "add idle_on_node_suspend to SlurmctldParameters (see etc/slurm.conf.example)");
        }
    }

    private void returnToService() {
        Optional<Long> rts = SlurmView.number(slurm.get("ReturnToService"));
        if (rts.isPresent() && rts.get() == 2) {
            pass("ReturnToService", "2: a DOWN node returns to service when its slurmd registers");
        } else {
            warn(
                    "ReturnToService",
                    "ReturnToService=" + rts.map(String::valueOf).orElse("(unknown)")
                            + ": a cloud node made DOWN for any other reason than not responding needs an admin",
                    "set ReturnToService=2 in slurm.conf");
        }
    }
}
