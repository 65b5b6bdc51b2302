package org.slurmazure.power.slurm;

/**
 * Where Slurm reaches a node: {@code scontrol update nodename=<node> nodeaddr=<addr> nodehostname=<hostname>}.
 *
 * @param node     the Slurm node name
 * @param addr     the address slurmctld connects to (the VM's private IP)
 * @param hostname the NodeHostname (what {@code hostname -s} prints on the VM)
 */
public record NodeAddress(String node, String addr, String hostname) {

    public NodeAddress {
        NodeNames.check("node name", node);
        NodeNames.check("node address", addr);
        NodeNames.check("node hostname", hostname);
    }
}
