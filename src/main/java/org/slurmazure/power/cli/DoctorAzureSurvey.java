package org.slurmazure.power.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.slurmazure.power.cloud.AccessProbe;
import org.slurmazure.power.cloud.CloudException;
import org.slurmazure.power.cloud.CloudVms;
import org.slurmazure.power.cloud.VmState;
import org.slurmazure.power.config.Config;
import org.slurmazure.power.config.NodeGroup;
import org.slurmazure.power.doctor.AzureFacts;
import org.slurmazure.power.doctor.SlurmView;
import org.slurmazure.power.domain.FailureClass;
import org.slurmazure.power.domain.PowerState;
import org.slurmazure.power.domain.VmRef;
import org.slurmazure.power.slurm.SlurmNode;

/**
 * Azure as doctor sees it, through the project's own boundary ({@link CloudVms}, {@link AccessProbe}): each node's
 * VM and NIC, the role on each resource group, and the quotas and VM sizes of the VMs' regions. Read only.
 */
final class DoctorAzureSurvey {
    /** NICs read one by one (those not in their resource group's list) at most. */
    private static final int MAX_NIC_READS = 50;

    private final Config config;
    private final boolean all;
    private final int sample;

    /**
     * @param all    read the power state of every VM the lists leave unknown, not of a sample of the up nodes
     * @param sample how many VMs the network check tries without {@code all}
     */
    DoctorAzureSurvey(Config config, boolean all, int sample) {
        this.config = config;
        this.all = all;
        this.sample = sample;
    }

    /** Every node's VM, the role on each resource group and the quotas of the VMs' regions. */
    AzureFacts read(AzureFacts.Token token, CloudVms cloud, AccessProbe probe, SlurmView slurm)
            throws InterruptedException {
        Map<String, List<Target>> byGroup = new LinkedHashMap<>();
        for (NodeGroup g : config.nodeGroups()) {
            for (String node : g.nodeNames()) {
                VmRef ref = new VmRef(g.subscriptionId(), g.resourceGroup(), g.vmName(node));
                byGroup.computeIfAbsent(g.subscriptionId() + "/" + lower(g.resourceGroup()), k -> new ArrayList<>())
                        .add(new Target(node, ref));
            }
        }
        List<AzureFacts.GroupAccess> access = new ArrayList<>();
        Map<String, AzureFacts.NodeVm> vms = new HashMap<>();
        for (List<Target> targets : byGroup.values()) {
            VmRef any = targets.get(0).ref();
            access.add(permissions(probe, any));
            vms.putAll(readGroup(cloud, probe, targets));
        }
        List<AzureFacts.NodeVm> ordered = new ArrayList<>();
        for (List<Target> targets : byGroup.values()) {
            for (Target t : targets) {
                ordered.add(vms.get(t.node()));
            }
        }
        List<AzureFacts.NodeVm> withPower = readPowerOfUpNodes(cloud, ordered, slurm);
        return new AzureFacts(token, access, withPower, regions(probe, withPower));
    }

    private record Target(String node, VmRef ref) {}

    private static AzureFacts.GroupAccess permissions(AccessProbe probe, VmRef any) {
        try {
            return new AzureFacts.GroupAccess(
                    any.subscriptionId(),
                    any.resourceGroup(),
                    probe.permissions(any.subscriptionId(), any.resourceGroup()),
                    "");
        } catch (CloudException e) {
            return new AzureFacts.GroupAccess(any.subscriptionId(), any.resourceGroup(), null, e.describe());
        }
    }

    /** The VMs of one resource group from its lists (VMs, NICs, regions), a NIC GET where the list has none. */
    private Map<String, AzureFacts.NodeVm> readGroup(CloudVms cloud, AccessProbe probe, List<Target> targets) {
        List<VmRef> refs = targets.stream().map(Target::ref).toList();
        Map<String, AzureFacts.NodeVm> out = new HashMap<>();
        Map<String, VmState> listed = new HashMap<>();
        try {
            for (VmState vm : cloud.listInGroupsOf(refs)) {
                listed.put(lower(vm.ref().resourceId()), vm);
            }
        } catch (CloudException e) {
            for (Target t : targets) {
                out.put(
                        t.node(),
                        AzureFacts.NodeVm.unread(t.node(), t.ref(), AzureFacts.Found.UNREADABLE, e.describe()));
            }
            return out;
        }
        Map<String, String> ips = new HashMap<>();
        String nicError = null;
        try {
            ips.putAll(cloud.privateIps(refs));
        } catch (CloudException e) {
            nicError = e.describe();
        }
        Map<String, String> locations = new HashMap<>();
        try {
            VmRef any = refs.get(0);
            locations.putAll(probe.vmLocations(any.subscriptionId(), any.resourceGroup()));
        } catch (CloudException e) {
            // no region: no quota line for these VMs
        }
        int nicReads = 0;
        for (Target t : targets) {
            VmState vm = listed.get(lower(t.ref().resourceId()));
            if (vm == null) {
                out.put(t.node(), AzureFacts.NodeVm.unread(t.node(), t.ref(), AzureFacts.Found.MISSING, ""));
                continue;
            }
            AzureFacts.Nic nic;
            String ip = null;
            String detail = "";
            if (vm.networkInterfaceIds().isEmpty()) {
                nic = AzureFacts.Nic.NO_NIC;
            } else if (nicError != null) {
                nic = AzureFacts.Nic.UNKNOWN;
                detail = nicError;
            } else {
                String nicId = vm.networkInterfaceIds().get(0);
                ip = ips.get(lower(nicId));
                if (ip != null) {
                    nic = AzureFacts.Nic.ADDRESS;
                } else if (nicReads++ < MAX_NIC_READS) {
                    // not in its resource group's list: a NIC without an address, or one in another group
                    try {
                        ip = cloud.privateIp(nicId);
                        nic = ip == null ? AzureFacts.Nic.NO_ADDRESS : AzureFacts.Nic.ADDRESS;
                    } catch (CloudException e) {
                        nic = e.failure() == FailureClass.NOT_FOUND ? AzureFacts.Nic.NO_NIC : AzureFacts.Nic.UNKNOWN;
                        detail = e.describe();
                    }
                } else {
                    nic = AzureFacts.Nic.UNKNOWN;
                    detail = "not read (more than " + MAX_NIC_READS + " NICs outside their VMs' lists)";
                }
            }
            out.put(
                    t.node(),
                    new AzureFacts.NodeVm(
                            t.node(),
                            t.ref(),
                            AzureFacts.Found.FOUND,
                            detail,
                            vm.hasTag(
                                    config.clusterTag().name(),
                                    config.clusterTag().value()),
                            nic,
                            ip,
                            vm.vmSize(),
                            locations.get(lower(vm.ref().name())),
                            vm.powerState()));
        }
        return out;
    }

    /**
     * A role scoped to resource groups cannot list the power states: read them one by one, for every VM with
     * {@code all}, else for a few of those whose nodes Slurm counts as up (the ones the network check tries).
     */
    private List<AzureFacts.NodeVm> readPowerOfUpNodes(CloudVms cloud, List<AzureFacts.NodeVm> vms, SlurmView slurm)
            throws InterruptedException {
        Map<String, SlurmView.Node> nodes = new HashMap<>();
        if (slurm != null) {
            slurm.nodes().forEach(n -> nodes.put(n.name(), n));
        }
        List<Integer> toRead = new ArrayList<>();
        for (int i = 0; i < vms.size(); i++) {
            AzureFacts.NodeVm v = vms.get(i);
            SlurmView.Node n = nodes.get(v.node());
            if (v.found() == AzureFacts.Found.FOUND
                    && v.power() == PowerState.UNKNOWN
                    && (all || (n != null && up(n) && toRead.size() < sample * 2))) {
                toRead.add(i);
            }
        }
        List<AzureFacts.NodeVm> out = new ArrayList<>(vms);
        if (toRead.isEmpty()) {
            return out;
        }
        ExecutorService pool =
                Executors.newFixedThreadPool(Math.min(8, toRead.size()), DoctorSurvey.daemonThreads("doctor-reader"));
        try {
            List<Future<VmState>> reads = new ArrayList<>();
            for (int i : toRead) {
                reads.add(pool.submit(() -> cloud.get(vms.get(i).vm())));
            }
            for (int k = 0; k < toRead.size(); k++) {
                AzureFacts.NodeVm v = vms.get(toRead.get(k));
                try {
                    PowerState power = reads.get(k).get().powerState();
                    out.set(toRead.get(k), v.withPower(power));
                } catch (ExecutionException e) {
                    // stays unknown: not tried
                }
            }
        } finally {
            pool.shutdownNow();
        }
        return out;
    }

    private static boolean up(SlurmView.Node n) {
        return new SlurmNode(n.name(), n.state(), "", "", null, "").up();
    }

    /** The quotas and sizes of each subscription's regions holding VMs of the groups. */
    private static List<AzureFacts.Region> regions(AccessProbe probe, List<AzureFacts.NodeVm> vms) {
        Map<String, String[]> keys = new LinkedHashMap<>();
        for (AzureFacts.NodeVm v : vms) {
            if (v.found() == AzureFacts.Found.FOUND && v.location() != null) {
                keys.putIfAbsent(
                        v.vm().subscriptionId() + "/" + lower(v.location()),
                        new String[] {v.vm().subscriptionId(), v.location()});
            }
        }
        List<AzureFacts.Region> out = new ArrayList<>();
        for (String[] k : keys.values()) {
            List<AccessProbe.Usage> usages = null;
            String usagesError = "";
            Map<String, AccessProbe.VmSize> sizes = null;
            String sizesError = "";
            try {
                usages = probe.usages(k[0], k[1]);
            } catch (CloudException e) {
                usagesError = brief(e);
            }
            try {
                sizes = probe.vmSizes(k[0], k[1]);
            } catch (CloudException e) {
                sizesError = brief(e);
            }
            out.add(new AzureFacts.Region(k[0], k[1], usages, usagesError, sizes, sizesError));
        }
        return out;
    }

    /** {@code forbidden: AuthorizationFailed (HTTP 403)}: the class and Azure's code, without its long message. */
    static String brief(CloudException e) {
        return e.errorCode() == null
                ? e.describe()
                : e.failure().label() + ": " + e.errorCode()
                        + (e.httpStatus() == 0 ? "" : " (HTTP " + e.httpStatus() + ")");
    }

    private static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
