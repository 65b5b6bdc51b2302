package org.slurmazure.power.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slurmazure.power.config.Config;
import org.slurmazure.power.doctor.AzureFacts;
import org.slurmazure.power.doctor.NetworkFacts;
import org.slurmazure.power.domain.PowerState;

/**
 * The network from here to the VMs: TCP connections to slurmd's port on the running VMs, and, when the resume program
 * does not set NodeAddr, what the node names resolve to. Connects and looks up only.
 */
final class DoctorNetworkProbe {
    /** Threads for connections and name lookups. */
    private static final int PARALLEL = 32;

    private final Config config;
    private final boolean all;
    private final int sample;
    private final Duration connectTimeout;

    /**
     * @param all            try every running VM and every node name, not a sample
     * @param sample         how many VMs (and names) to try without {@code all}
     * @param connectTimeout how long a TCP connection (and a name lookup) may take
     */
    DoctorNetworkProbe(Config config, boolean all, int sample, Duration connectTimeout) {
        this.config = config;
        this.all = all;
        this.sample = sample;
        this.connectTimeout = connectTimeout;
    }

    /** slurmd's port on a sample of the running VMs (or all), and the node names when NodeAddr is not set. */
    NetworkFacts probe(AzureFacts azure, int port) throws InterruptedException {
        List<AzureFacts.NodeVm> running = new ArrayList<>();
        List<AzureFacts.NodeVm> addressed = new ArrayList<>();
        int unknownPower = 0;
        for (AzureFacts.NodeVm v : azure.vms()) {
            if (v.found() == AzureFacts.Found.FOUND && v.power() == PowerState.UNKNOWN) {
                unknownPower++;
            }
            if (v.found() == AzureFacts.Found.FOUND && v.ip() != null) {
                addressed.add(v);
                if (v.power() == PowerState.RUNNING) {
                    running.add(v);
                }
            }
        }
        List<AzureFacts.NodeVm> tried = all ? running : running.subList(0, Math.min(sample, running.size()));
        List<NetworkFacts.Reach> reaches = connectAll(tried, port);
        List<NetworkFacts.Name> names = List.of();
        if (!config.slurm().setNodeAddr()) {
            names = lookUpAll(all ? addressed : addressed.subList(0, Math.min(sample, addressed.size())));
        }
        return new NetworkFacts(port, connectTimeout, running.size(), unknownPower, reaches, names);
    }

    private List<NetworkFacts.Reach> connectAll(List<AzureFacts.NodeVm> vms, int port) throws InterruptedException {
        if (vms.isEmpty()) {
            return List.of();
        }
        ExecutorService pool = Executors.newFixedThreadPool(
                Math.min(PARALLEL, vms.size()), DoctorSurvey.daemonThreads("doctor-connect"));
        try {
            List<Future<NetworkFacts.Reach>> futures = new ArrayList<>();
            for (AzureFacts.NodeVm v : vms) {
                futures.add(pool.submit(() -> connect(v.node(), v.ip(), port)));
            }
            List<NetworkFacts.Reach> out = new ArrayList<>();
            for (int i = 0; i < vms.size(); i++) {
                try {
                    out.add(futures.get(i).get());
                } catch (ExecutionException e) {
                    out.add(new NetworkFacts.Reach(
                            vms.get(i).node(), vms.get(i).ip(), Duration.ZERO, String.valueOf(e.getCause())));
                }
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    private NetworkFacts.Reach connect(String node, String ip, int port) {
        long start = System.nanoTime();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getByName(ip), port), (int) connectTimeout.toMillis());
            return new NetworkFacts.Reach(node, ip, Duration.ofNanos(System.nanoTime() - start), "");
        } catch (IOException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return new NetworkFacts.Reach(node, ip, Duration.ofNanos(System.nanoTime() - start), why);
        }
    }

    private List<NetworkFacts.Name> lookUpAll(List<AzureFacts.NodeVm> vms) throws InterruptedException {
        if (vms.isEmpty()) {
            return List.of();
        }
        ExecutorService pool = Executors.newFixedThreadPool(
                Math.min(PARALLEL, vms.size()), DoctorSurvey.daemonThreads("doctor-lookup"));
        try {
            List<Future<List<String>>> futures = new ArrayList<>();
            for (AzureFacts.NodeVm v : vms) {
                futures.add(pool.submit(() -> {
                    List<String> addresses = new ArrayList<>();
                    for (InetAddress a : InetAddress.getAllByName(v.node())) {
                        addresses.add(a.getHostAddress());
                    }
                    return addresses;
                }));
            }
            long end = System.nanoTime()
                    + connectTimeout.toNanos()
                    + Duration.ofSeconds(2).toNanos();
            List<NetworkFacts.Name> out = new ArrayList<>();
            for (int i = 0; i < vms.size(); i++) {
                AzureFacts.NodeVm v = vms.get(i);
                try {
                    long left = Math.max(0, end - System.nanoTime());
                    out.add(new NetworkFacts.Name(
                            v.node(), v.ip(), futures.get(i).get(left, TimeUnit.NANOSECONDS), ""));
                } catch (ExecutionException e) {
                    Throwable c = e.getCause();
                    String why = c instanceof UnknownHostException ? "unknown host" : String.valueOf(c);
                    out.add(new NetworkFacts.Name(v.node(), v.ip(), List.of(), why));
                } catch (TimeoutException e) {
                    out.add(new NetworkFacts.Name(v.node(), v.ip(), List.of(), "no answer from the resolver"));
                }
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }
}
