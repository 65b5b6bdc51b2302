package org.slurmazure.power.reconcile;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.jspecify.annotations.Nullable;

import org.slurmazure.power.cloud.CloudException;
import org.slurmazure.power.cloud.CloudVms;
import org.slurmazure.power.cloud.VmState;
import org.slurmazure.power.config.Config;
import org.slurmazure.power.domain.FailureClass;
import org.slurmazure.power.domain.PowerState;
import org.slurmazure.power.domain.VmRef;
import org.slurmazure.power.resolve.NodeResolver;
import org.slurmazure.power.resolve.Resolution;
import org.slurmazure.power.resolve.VmTarget;
import org.slurmazure.power.slurm.SlurmControl;
import org.slurmazure.power.slurm.SlurmException;
import org.slurmazure.power.slurm.SlurmNode;

/**
 * Both views of the node groups at one moment: slurmctld's ({@code scontrol show node}, one call) and Azure's (the
 * list calls the engine uses, a GET per VM only where the role cannot list power states), and the tagged VMs that
 * belong to no node. Read only: it changes nothing.
 */
public final class FleetView {
    /** What was seen. {@code strays}: VMs with the cluster's tag in the groups' resource groups that are no node's. */
    public record Fleet(List<Observation> nodes, List<VmState> strays) {}

    private static final int READERS = 8;

    private final Config config;
    private final CloudVms cloud;
    private final SlurmControl slurm;

    public FleetView(Config config, CloudVms cloud, SlurmControl slurm) {
        this.config = config;
        this.cloud = cloud;
        this.slurm = slurm;
    }

    /** Looks at {@code nodes} (those in no node group are left out). */
    public Fleet observe(List<String> nodes) throws SlurmException, CloudException, InterruptedException {
        Resolution resolution = new NodeResolver(config).resolve(nodes);
        List<VmTarget> targets = resolution.targets();
        Map<String, SlurmNode> slurmNodes = new HashMap<>();
        for (SlurmNode n : slurm.showNodes(targets.stream().map(VmTarget::node).toList())) {
            slurmNodes.put(n.name(), n);
        }
        List<VmRef> refs = targets.stream().map(FleetView::ref).toList();
        Map<String, VmState> listed = new HashMap<>();
        for (VmState vm : cloud.listInGroupsOf(refs)) {
            listed.put(lower(vm.ref().resourceId()), vm);
        }
        Map<VmRef, VmState> states = new HashMap<>();
        Set<VmRef> missing = new HashSet<>();
        List<VmRef> toRead = new ArrayList<>();
        for (VmRef r : refs) {
            VmState vm = listed.get(lower(r.resourceId()));
            if (vm == null) {
                missing.add(r);
            } else if (vm.powerState() == PowerState.UNKNOWN) {
                toRead.add(r); // a role scoped to resource groups: no subscription-wide status list
            } else {
                states.put(r, vm);
            }
        }
        readOneByOne(toRead, states, missing);
        Map<String, String> ips = config.slurm().setNodeAddr() ? cloud.privateIps(refs) : Map.of();

        List<Observation> observations = new ArrayList<>();
        for (int i = 0; i < targets.size(); i++) {
            VmTarget t = targets.get(i);
            VmRef r = refs.get(i);
            VmState vm = states.get(r);
            observations.add(
                    new Observation(t.node(), r, slurmNodes.get(t.node()), vm, missing.contains(r), ipOf(vm, ips)));
        }
        // Strays are tagged VMs that are no node's VM at all: compared with every node of every group.
        Set<String> ours = new HashSet<>();
        NodeResolver all = new NodeResolver(config);
        for (org.slurmazure.power.config.NodeGroup g : config.nodeGroups()) {
            for (String n : g.nodeNames()) {
                all.target(n).ifPresent(t -> ours.add(lower(ref(t).resourceId())));
            }
        }
        List<VmState> strays = new ArrayList<>();
        for (VmState vm : listed.values()) {
            if (!ours.contains(lower(vm.ref().resourceId()))
                    && vm.hasTag(config.clusterTag().name(), config.clusterTag().value())) {
                strays.add(vm);
            }
        }
        strays.sort((a, b) -> a.ref().toString().compareTo(b.ref().toString()));
        return new Fleet(observations, strays);
    }

    private void readOneByOne(List<VmRef> refs, Map<VmRef, VmState> states, Set<VmRef> missing)
            throws InterruptedException, CloudException {
        if (refs.isEmpty()) {
            return;
        }
        ExecutorService readers = Executors.newFixedThreadPool(Math.min(READERS, refs.size()), r -> {
            Thread t = new Thread(r, "fleet-reader");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<VmState>> reads = new ArrayList<>();
            for (VmRef r : refs) {
                reads.add(readers.submit(() -> cloud.get(r)));
            }
            for (int i = 0; i < refs.size(); i++) {
                try {
                    states.put(refs.get(i), reads.get(i).get());
                } catch (java.util.concurrent.ExecutionException e) {
                    if (e.getCause() instanceof CloudException c) {
                        if (c.failure() == FailureClass.NOT_FOUND) {
                            missing.add(refs.get(i));
                        } else if (!c.retryable()) {
                            throw c;
                        }
                        // a read that may pass: this VM stays unknown until the next pass
                    } else {
                        throw new IllegalStateException(e.getCause());
                    }
                }
            }
        } finally {
            readers.shutdownNow();
        }
    }

    private static @Nullable String ipOf(@Nullable VmState vm, Map<String, String> ips) {
        if (vm == null || vm.networkInterfaceIds().isEmpty()) {
            return null;
        }
        return ips.get(lower(vm.networkInterfaceIds().get(0)));
    }

    static VmRef ref(VmTarget t) {
        return new VmRef(t.subscriptionId(), t.resourceGroup(), t.vmName());
    }

    private static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
