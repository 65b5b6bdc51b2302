package org.slurmazure.power.e2e;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stands in for "the VM boots and cloud-init starts slurmd". It tails the ARM emulator's events file
 * ({@code <epochMillis> <vm> <state>} per power-state change) and:
 * <ul>
 * <li>VM {@code running}: after a boot delay, starts {@code slurmd -b -N <node>}, never earlier than 1.1 s after the
 * VM started {@code starting} (slurmctld accepts a powering-up node only with a boot time, in whole seconds, not
 * before the resume request);</li>
 * <li>VM {@code stopping}/{@code deallocating}/{@code stopped}/{@code deallocated}: stops that slurmd (the OS shuts
 * down);</li>
 * <li>nodes in {@code neverBoots}: the VM runs but the OS never comes up, so their slurmd is never started.</li>
 * </ul>
 * With {@code waitForAddress}, a boot also waits (at most 10 s) until Slurm's NodeAddr of the node is no longer the
 * node name, i.e. the resume program has told Slurm the VM's address: a real VM takes far longer to boot than the
 * program takes to report, and a slurmd registering first would make slurmctld launch the job to an unresolvable
 * name. The NodeAddr it saw then is kept ({@link #addressAtBoot}): from Slurm 23.11 the registration replaces it.
 */
final class BootAgent implements AutoCloseable {
    private final Path events;
    private final SlurmLab lab;
    private final Timeline timeline;
    private final Set<String> nodes;
    private final Set<String> neverBoots;
    private final Duration bootDelay;
    private final boolean waitForAddress;
    private final Map<String, Long> startingAt = new ConcurrentHashMap<>();
    private final Map<String, String> lastState = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> generation = new ConcurrentHashMap<>();
    private final Map<String, String> addressAtBoot = new ConcurrentHashMap<>();
    private final ExecutorService boots = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "e2e-boot");
        t.setDaemon(true);
        return t;
    });
    private final Thread tail;
    private volatile boolean stopped;

    BootAgent(Path events, SlurmLab lab, Timeline timeline, Set<String> nodes, Set<String> neverBoots,
            Duration bootDelay, boolean waitForAddress) {
        this.events = events;
        this.lab = lab;
        this.timeline = timeline;
        this.nodes = Set.copyOf(nodes);
        this.neverBoots = Set.copyOf(neverBoots);
        this.bootDelay = bootDelay;
        this.waitForAddress = waitForAddress;
        this.tail = new Thread(this::tailEvents, "e2e-boot-agent");
        this.tail.setDaemon(true);
    }

    void start() {
        tail.start();
    }

    private void tailEvents() {
        long offset = 0;
        StringBuilder partial = new StringBuilder();
        while (!stopped) {
            try {
                if (Files.exists(events) && Files.size(events) > offset) {
                    try (RandomAccessFile f = new RandomAccessFile(events.toFile(), "r")) {
                        f.seek(offset);
                        byte[] buf = new byte[(int) (f.length() - offset)];
                        f.readFully(buf);
                        offset += buf.length;
                        partial.append(new String(buf, StandardCharsets.UTF_8));
                    }
                    int nl;
                    while ((nl = partial.indexOf("\n")) >= 0) {
                        String line = partial.substring(0, nl).strip();
                        partial.delete(0, nl + 1);
                        if (!line.isEmpty()) {
                            onEvent(line);
                        }
                    }
                }
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            } catch (IOException | RuntimeException e) {
                timeline.log("boot agent: " + e);
            }
        }
    }

    private void onEvent(String line) {
        String[] f = line.split(" ");
        if (f.length != 3 || !nodes.contains(f[1])) {
            return;
        }
        long at = Long.parseLong(f[0]);
        String node = f[1];
        int gen = generation.computeIfAbsent(node, k -> new AtomicInteger()).incrementAndGet();
        String before = lastState.put(node, f[2]);
        if (before != null && !before.equals(f[2])) {
            timeline.log("azure: VM " + node + " " + before + " -> " + f[2]);
        }
        switch (f[2]) {
            case "starting" -> startingAt.put(node, at);
            case "running" -> {
                if (neverBoots.contains(node)) {
                    timeline.log("agent: " + node + "'s OS never boots (this node never registers)");
                } else {
                    boots.execute(() -> boot(node, at, gen));
                }
            }
            case "stopping", "deallocating", "stopped", "deallocated" -> {
                int killed = lab.haltNode(node);
                if (killed > 0) {
                    timeline.log("agent: " + node + " shuts down: killed slurmd -N " + node + " and " + (killed - 1)
                            + " other processes of its VM");
                }
            }
            default -> {
            }
        }
    }

    private void boot(String node, long runningAt, int gen) {
        try {
            long notBefore = Math.max(runningAt + bootDelay.toMillis(), startingAt.getOrDefault(node, 0L) + 1100);
            long wait = notBefore - System.currentTimeMillis();
            if (wait > 0) {
                Thread.sleep(wait);
            }
            long waitedFrom = System.currentTimeMillis();
            String addr = null;
            if (waitForAddress) {
                long end = waitedFrom + 10_000;
                while (System.currentTimeMillis() < end && generation.get(node).get() == gen) {
                    addr = lab.node(node).addr();
                    if (!addr.equals(node)) {
                        break;
                    }
                    Thread.sleep(200);
                }
            }
            if (generation.get(node).get() != gen || stopped) {
                return;
            }
            long waited = System.currentTimeMillis() - waitedFrom;
            if (addr != null) {
                addressAtBoot.put(node, addr);
            }
            lab.bootNode(node);
            timeline.log("agent: " + node + " booted: started slurmd -b -N " + node
                    + (waited > 300 ? " (waited " + waited + " ms for its NodeAddr)" : ""));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            timeline.log("agent: cannot boot " + node + ": " + e);
        }
    }

    /** Slurm's NodeAddr of the node when the agent last started its slurmd (with waitForAddress), else "". */
    String addressAtBoot(String node) {
        return addressAtBoot.getOrDefault(node, "");
    }

    @Override
    public void close() {
        stopped = true;
        tail.interrupt();
        boots.shutdownNow();
        try {
            tail.join(2000);
            boots.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
