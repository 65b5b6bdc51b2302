package org.slurmazure.power.doctor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;

import org.slurmazure.power.cloud.AccessProbe;
import org.slurmazure.power.config.Config;
import org.slurmazure.power.domain.FailureClass;
import org.slurmazure.power.domain.PowerState;

/**
 * The Azure side: a token, the role on each resource group, each node's VM (there, tagged, with a private IP), the
 * VM sizes, and the quota headroom of their regions. Pure.
 */
public final class AzureChecks {
    private AzureChecks() {}

    public static List<Check> check(Config config, AzureFacts azure) {
        List<Check> checks = new ArrayList<>();
        checks.add(token(azure.token()));
        if (!azure.token().ok()) {
            return checks;
        }
        azure.access().forEach(a -> checks.add(permissions(a)));
        checks.addAll(vms(config, azure.vms()));
        Check sizes = sizes(azure.vms());
        if (sizes != null) {
            checks.add(sizes);
        }
        for (AzureFacts.Region r : azure.regions()) {
            checks.addAll(quota(r, azure.vms()));
        }
        return checks;
    }

    static Check token(AzureFacts.Token t) {
        String took = String.format(Locale.ROOT, "%.2f s", t.time().toMillis() / 1000.0);
        if (t.ok()) {
            return Check.pass(Area.AZURE, "token", "obtained with the " + t.credential() + " credential in " + took);
        }
        String advice = t.failure() == FailureClass.NETWORK || t.failure() == FailureClass.TIMEOUT
                ? "check that the login endpoint is reachable from here: azure.proxy, azure.caCertificates, the"
                        + " firewall"
                : "check azure.credential (tenantId, clientId, the certificate or secret file: config check shows"
                        + " them) and that the application exists in that tenant";
        return Check.fail(
                Area.AZURE,
                "token",
                "no token with the " + t.credential() + " credential (" + took + "): " + t.detail()
                        + "; nothing else in Azure was checked",
                advice);
    }

    static Check permissions(AzureFacts.GroupAccess a) {
        String name = "role " + a.resourceGroup();
        List<AccessProbe.Permission> p = a.permissions();
        if (p == null) {
            return Check.warn(
                    Area.AZURE,
                    name,
                    "cannot read the principal's permissions on " + a.resourceGroup() + ": " + a.error(),
                    "check the role assignment in the portal (the resource group's Access control > Check access)");
        }
        String assign =
                "assign the role of docs/azure-setup.md (etc/azure-role.json) on resource group " + a.resourceGroup();
        if (p.isEmpty()) {
            return Check.fail(
                    Area.AZURE,
                    name,
                    "no role of the principal covers resource group " + a.resourceGroup() + " (subscription "
                            + a.subscriptionId() + ")",
                    assign);
        }
        List<String> missing = Permissions.missing(p, Permissions.REQUIRED);
        if (!missing.isEmpty()) {
            return Check.fail(
                    Area.AZURE,
                    name,
                    "the role lacks " + String.join(", ", missing) + " on " + a.resourceGroup() + ": "
                            + consequence(missing),
                    "add " + (missing.size() == 1 ? "it" : "them") + " to the role; " + assign);
        }
        if (!Permissions.allows(p, Permissions.OPERATIONS_READ)) {
            return Check.warn(
                    Area.AZURE,
                    name,
                    "the role lacks " + Permissions.OPERATIONS_READ + " on " + a.resourceGroup()
                            + ": starts and deallocations may not be followed to their end",
                    "add it to the role (etc/azure-role.json)");
        }
        List<String> beyond = new ArrayList<>();
        for (String action : Permissions.BEYOND_NEED) {
            if (Permissions.allows(p, action)) {
                beyond.add(action);
            }
        }
        if (!beyond.isEmpty()) {
            return Check.warn(
                    Area.AZURE,
                    name,
                    "the role allows what the programs never do on " + a.resourceGroup() + ": "
                            + String.join(", ", beyond),
                    "use the least-privilege role of docs/azure-setup.md instead");
        }
        return Check.pass(
                Area.AZURE,
                name,
                "reads VMs and network interfaces, starts and deallocates VMs on " + a.resourceGroup());
    }

    private static String consequence(List<String> missing) {
        List<String> out = new ArrayList<>();
        for (String m : missing) {
            String s = m.toLowerCase(Locale.ROOT);
            if (s.endsWith("virtualmachines/read")) {
                out.add("no VM can be read");
            } else if (s.endsWith("networkinterfaces/read")) {
                out.add("no NodeAddr can be set");
            } else if (s.endsWith("start/action")) {
                out.add("resumes fail (forbidden)");
            } else if (s.endsWith("deallocate/action")) {
                out.add("suspends fail and VMs keep billing");
            }
        }
        return String.join(", ", out);
    }

    static List<Check> vms(Config config, List<AzureFacts.NodeVm> vms) {
        List<Check> checks = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        Map<String, List<String>> unreadable = new LinkedHashMap<>();
        List<String> untagged = new ArrayList<>();
        List<String> noNic = new ArrayList<>();
        List<String> noIp = new ArrayList<>();
        Map<String, List<String>> nicUnknown = new LinkedHashMap<>();
        for (AzureFacts.NodeVm v : vms) {
            switch (v.found()) {
                case MISSING -> missing.add(v.node());
                case UNREADABLE ->
                    unreadable
                            .computeIfAbsent(v.detail(), k -> new ArrayList<>())
                            .add(v.node());
                case FOUND -> {
                    if (!v.tagged()) {
                        untagged.add(v.node());
                    }
                    switch (v.nic()) {
                        case NO_NIC -> noNic.add(v.node());
                        case NO_ADDRESS -> noIp.add(v.node());
                        case UNKNOWN ->
                            nicUnknown
                                    .computeIfAbsent(v.detail(), k -> new ArrayList<>())
                                    .add(v.node());
                        default -> {
                            // an address: fine
                        }
                    }
                }
            }
        }
        String tag = config.clusterTag().name() + "=" + config.clusterTag().value();
        if (!missing.isEmpty()) {
            checks.add(Check.fail(
                    Area.AZURE,
                    "VMs",
                    Wording.count(missing.size(), "node") + " without a VM: " + Wording.hostlist(missing)
                            + " (e.g. " + example(vms, missing.get(0)) + "); their resumes fail (not-found) and "
                            + "the nodes are drained",
                    "create the VMs, or fix nodeGroups (resourceGroup, vmName): slurm-azure-power resolve shows "
                            + "where each node's VM is looked for"));
        }
        for (Map.Entry<String, List<String>> e : unreadable.entrySet()) {
            checks.add(Check.fail(
                    Area.AZURE,
                    "VMs",
                    "cannot read the VMs of " + Wording.count(e.getValue().size(), "node") + " ("
                            + Wording.hostlist(e.getValue()) + "): " + e.getKey(),
                    "check the role on their resource group (the role lines above)"));
        }
        if (!untagged.isEmpty()) {
            checks.add(Check.fail(
                    Area.AZURE,
                    "VMs",
                    Wording.count(untagged.size(), "VM") + " without the tag " + tag + ": " + Wording.hostlist(untagged)
                            + "; the programs refuse to touch them (not-tagged)",
                    "tag them: az resource tag --ids <VM id> --tags " + tag + " --is-incremental"));
        }
        if (!noNic.isEmpty()) {
            checks.add(Check.fail(
                    Area.AZURE,
                    "VMs",
                    Wording.count(noNic.size(), "VM") + " without a network interface: " + Wording.hostlist(noNic),
                    "give each VM a NIC in the virtual network joined to the cluster"));
        }
        if (!noIp.isEmpty()) {
            checks.add(Check.fail(
                    Area.AZURE,
                    "VMs",
                    Wording.count(noIp.size(), "VM") + " whose primary NIC has no private IP: " + Wording.hostlist(noIp)
                            + "; Slurm cannot be told where they are (no-address)",
                    "give the NICs an IPv4 configuration with a private IP"));
        }
        for (Map.Entry<String, List<String>> e : nicUnknown.entrySet()) {
            checks.add(Check.fail(
                    Area.AZURE,
                    "VMs",
                    "cannot read the NICs of " + Wording.count(e.getValue().size(), "VM") + " ("
                            + Wording.hostlist(e.getValue()) + "): " + e.getKey(),
                    "check the role on their resource group (Microsoft.Network/networkInterfaces/read)"));
        }
        if (checks.isEmpty()) {
            checks.add(Check.pass(
                    Area.AZURE,
                    "VMs",
                    "the " + Wording.count(vms.size(), "VM") + " of the node groups exist, carry " + tag
                            + " and have a private IP"));
        }
        return checks;
    }

    private static String example(List<AzureFacts.NodeVm> vms, String node) {
        for (AzureFacts.NodeVm v : vms) {
            if (v.node().equals(node)) {
                return node + " -> " + v.vm();
            }
        }
        return node;
    }

    /** The sizes of the VMs found, with their counts. */
    static @Nullable Check sizes(List<AzureFacts.NodeVm> vms) {
        Map<String, Integer> counts = new TreeMap<>();
        for (AzureFacts.NodeVm v : vms) {
            if (v.found() == AzureFacts.Found.FOUND && v.size() != null) {
                counts.merge(v.size(), 1, Integer::sum);
            }
        }
        if (counts.isEmpty()) {
            return null;
        }
        List<String> parts = new ArrayList<>();
        counts.forEach((size, n) -> parts.add(size + " x" + n));
        return Check.pass(Area.AZURE, "VM sizes", String.join(", ", parts));
    }

    /**
     * The region's headroom: the vCPUs its deallocated VMs need to all run at once against what its quotas leave,
     * for all vCPUs of the region ({@code cores}) and for each family of their sizes.
     */
    static List<Check> quota(AzureFacts.Region r, List<AzureFacts.NodeVm> all) {
        String name = "quota " + r.location();
        List<AzureFacts.NodeVm> vms = new ArrayList<>();
        for (AzureFacts.NodeVm v : all) {
            if (v.found() == AzureFacts.Found.FOUND
                    && r.location().equalsIgnoreCase(v.location())
                    && r.subscriptionId().equalsIgnoreCase(v.vm().subscriptionId())) {
                vms.add(v);
            }
        }
        List<AccessProbe.Usage> usages = r.usages();
        if (usages == null) {
            return List.of(Check.warn(
                    Area.AZURE,
                    name,
                    "cannot read the compute quotas of " + r.location() + " (" + r.usagesError() + ") for its "
                            + Wording.count(vms.size(), "VM"),
                    "compare them by hand: the subscription's Usage + quotas in the portal, or az vm list-usage -l "
                            + r.location()));
        }
        Map<String, AccessProbe.VmSize> sizes = r.sizes();
        List<Integer> needCores = new ArrayList<>();
        Map<String, List<Integer>> needByFamily = new LinkedHashMap<>();
        int waiting = 0;
        int unknownSize = 0;
        for (AzureFacts.NodeVm v : vms) {
            if (v.power() != PowerState.DEALLOCATED && v.power() != PowerState.UNKNOWN) {
                continue; // allocated: already counted in the usage
            }
            waiting++;
            AccessProbe.VmSize size = sizes == null || v.size() == null
                    ? null
                    : sizes.get(v.size().toLowerCase(Locale.ROOT));
            if (size == null || size.vCpus() <= 0) {
                unknownSize++;
                continue;
            }
            needCores.add(size.vCpus());
            if (!size.family().isEmpty()) {
                needByFamily
                        .computeIfAbsent(size.family(), k -> new ArrayList<>())
                        .add(size.vCpus());
            }
        }
        List<Check> checks = new ArrayList<>();
        AccessProbe.Usage cores = usage(usages, "cores");
        if (unknownSize > 0) {
            checks.add(Check.warn(
                    Area.AZURE,
                    name,
                    "cannot tell the vCPUs of " + Wording.count(unknownSize, "deallocated VM") + " ("
                            + (sizes == null ? "VM sizes not readable: " + r.sizesError() : "size not offered there")
                            + ")" + (cores == null ? "" : "; " + describe(cores)),
                    "compare the quotas with the VMs' sizes by hand: az vm list-usage -l " + r.location()));
        }
        if (cores != null) {
            checks.add(headroom(name, cores, needCores, waiting));
        }
        for (Map.Entry<String, List<Integer>> f : needByFamily.entrySet()) {
            AccessProbe.Usage u = usage(usages, f.getKey());
            if (u != null) {
                checks.add(headroom(name, u, f.getValue(), f.getValue().size()));
            }
        }
        return checks;
    }

    private static Check headroom(String name, AccessProbe.Usage u, List<Integer> need, int waiting) {
        long free = Math.max(0, u.limit() - u.current());
        long total = need.stream().mapToLong(Integer::longValue).sum();
        String used = describe(u);
        if (total <= free) {
            return Check.pass(
                    Area.AZURE,
                    name,
                    used + "; "
                            + (waiting == 0
                                    ? "no deallocated VM waits to start"
                                    : "the " + Wording.count(need.size(), "deallocated VM") + " need " + total
                                            + " more: room for all"));
        }
        List<Integer> sorted = new ArrayList<>(need);
        sorted.sort(null);
        long sum = 0;
        int fit = 0;
        for (int n : sorted) {
            if (sum + n > free) {
                break;
            }
            sum += n;
            fit++;
        }
        String message = used + "; the " + Wording.count(need.size(), "deallocated VM") + " need " + total
                + ": " + (fit == 0 ? "none of them can start" : "only " + fit + " of them can run at once")
                + ", the others' resumes fail (quota)";
        String advice = "request " + u.displayName() + " of at least " + (u.current() + total) + " (now " + u.limit()
                + ") in the subscription's Usage + quotas";
        return fit == 0 ? Check.fail(Area.AZURE, name, message, advice) : Check.warn(Area.AZURE, name, message, advice);
    }

    private static String describe(AccessProbe.Usage u) {
        return u.displayName() + " " + u.current() + " of " + u.limit() + " used";
    }

    private static AccessProbe.@Nullable Usage usage(List<AccessProbe.Usage> usages, String name) {
        for (AccessProbe.Usage u : usages) {
            if (u.name().equalsIgnoreCase(name)) {
                return u;
            }
        }
        return null;
    }
}
