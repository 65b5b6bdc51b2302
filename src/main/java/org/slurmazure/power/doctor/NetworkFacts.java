package org.slurmazure.power.doctor;

import java.time.Duration;
import java.util.List;

/**
 * What the network showed from this host: TCP connections to slurmd's port on running VMs, and, when the resume
 * program does not set NodeAddr, what the node names resolve to.
 *
 * @param port      slurmd's port (SlurmdPort)
 * @param timeout   how long each connection was given
 * @param running   how many VMs of the node groups were seen running with a private IP
 * @param unknownPower how many VMs' power states are not known (a role that cannot list them; not read one by one)
 * @param reaches   the connections tried (a sample of the running VMs, or all)
 * @param names     the names looked up (empty when the resume program sets NodeAddr)
 */
public record NetworkFacts(
        int port, Duration timeout, int running, int unknownPower, List<Reach> reaches, List<Name> names) {
    public NetworkFacts {
        reaches = List.copyOf(reaches);
        names = List.copyOf(names);
    }

    /**
     * One connection to slurmd's port.
     *
     * @param error why it failed ({@code Connection refused}, {@code connect timed out}), "" when it connected
     */
    public record Reach(String node, String ip, Duration time, String error) {
        public boolean ok() {
            return error.isEmpty();
        }
    }

    /**
     * One node name looked up.
     *
     * @param vmIp      its VM's private IP
     * @param addresses what the name resolves to (empty when it does not)
     * @param error     why it does not resolve, "" when it does
     */
    public record Name(String node, String vmIp, List<String> addresses, String error) {
        public Name {
            addresses = List.copyOf(addresses);
        }
    }
}
