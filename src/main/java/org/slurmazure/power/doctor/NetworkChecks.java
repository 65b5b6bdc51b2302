package org.slurmazure.power.doctor;

import java.util.ArrayList;
import java.util.List;

import org.slurmazure.power.config.Config;

/**
 * The network from the slurmctld host: slurmd's port answers on running VMs (over the VPN), and node names resolve to
 * the VMs' IPs when the resume program does not set NodeAddr. Pure.
 */
public final class NetworkChecks {
    private static final int SHOWN = 5;

    private NetworkChecks() {}

    public static List<Check> check(Config config, NetworkFacts net) {
        List<Check> checks = new ArrayList<>();
        checks.add(slurmd(net));
        checks.add(names(config, net));
        return checks;
    }

    /** The one check made when no VM address is known (Azure could not be read). */
    public static Check notChecked(String why) {
        return Check.warn(
                Area.NETWORK,
                "slurmd port",
                "not checked: " + why,
                "fix the Azure checks above, then run doctor again");
    }

    static Check slurmd(NetworkFacts net) {
        String port = "slurmd's port " + net.port();
        String unknown = net.unknownPower() == 0
                ? ""
                : " (the power states of " + Wording.count(net.unknownPower(), "VM")
                        + " were not read: the role cannot list them; --all reads each)";
        if (net.reaches().isEmpty()) {
            return Check.warn(
                    Area.NETWORK,
                    "slurmd port",
                    "no VM of the node groups is running: " + port + " could not be tried" + unknown,
                    "power one node up (scontrol update nodename=<node> state=power_up) and run doctor again once "
                            + "it is idle");
        }
        List<String> failed = new ArrayList<>();
        List<String> ok = new ArrayList<>();
        long slowest = 0;
        for (NetworkFacts.Reach r : net.reaches()) {
            if (r.ok()) {
                ok.add(r.node());
                slowest = Math.max(slowest, r.time().toMillis());
            } else if (failed.size() < SHOWN) {
                failed.add(r.node() + " (" + r.ip() + ": " + r.error() + ")");
            }
        }
        String tried = net.reaches().size() == net.running()
                ? Wording.count(net.running(), "running VM")
                : net.reaches().size() + " of " + Wording.count(net.running(), "running VM") + " (--all for all)";
        if (ok.size() == net.reaches().size()) {
            return Check.pass(
                    Area.NETWORK,
                    "slurmd port",
                    port + " answers on " + tried + " (" + Wording.hostlist(ok) + "), within " + slowest + " ms"
                            + unknown);
        }
        int bad = net.reaches().size() - ok.size();
        return Check.fail(
                Area.NETWORK,
                "slurmd port",
                "no TCP connection to " + port + " within " + net.timeout().toSeconds() + " s on " + bad + " of "
                        + tried + ": " + String.join(", ", failed) + (bad > failed.size() ? ", ..." : "")
                        + "; slurmctld cannot reach those nodes, whose resumes then end at ResumeTimeout",
                "check the VPN and routes to the VMs' subnet, the NSG and firewalls (TCP " + net.port()
                        + " from this host), and that slurmd runs on the VMs");
    }

    static Check names(Config config, NetworkFacts net) {
        if (config.slurm().setNodeAddr()) {
            return Check.pass(
                    Area.NETWORK,
                    "node names",
                    "not needed: the resume program sets each NodeAddr to its VM's private IP (slurm.setNodeAddr)");
        }
        if (net.names().isEmpty()) {
            return Check.warn(
                    Area.NETWORK,
                    "node names",
                    "slurm.setNodeAddr is false, but no VM's private IP is known to compare the names with",
                    "fix the Azure checks above, then run doctor again");
        }
        List<String> wrong = new ArrayList<>();
        int bad = 0;
        for (NetworkFacts.Name n : net.names()) {
            if (!n.addresses().contains(n.vmIp())) {
                bad++;
                if (wrong.size() < SHOWN) {
                    wrong.add(n.node() + " -> "
                            + (n.addresses().isEmpty()
                                    ? "nothing (" + n.error() + ")"
                                    : String.join(",", n.addresses()))
                            + ", VM " + n.vmIp());
                }
            }
        }
        if (bad == 0) {
            return Check.pass(
                    Area.NETWORK,
                    "node names",
                    "the " + Wording.count(net.names().size(), "node name") + " tried resolve to their VMs' IPs");
        }
        return Check.fail(
                Area.NETWORK,
                "node names",
                bad + " of " + Wording.count(net.names().size(), "node name") + " do not resolve to their VM's "
                        + "private IP: " + String.join("; ", wrong) + (bad > wrong.size() ? "; ..." : "")
                        + "; with slurm.setNodeAddr false Slurm reaches the nodes by name",
                "fix the DNS records (or /etc/hosts) of the node names, or set slurm.setNodeAddr: true");
    }
}
