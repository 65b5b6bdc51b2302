package org.slurmazure.power.slurm;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.slurmazure.power.domain.NodeOutcome;
import org.slurmazure.power.domain.PowerMode;
import org.slurmazure.power.domain.TimeBudget;
import org.slurmazure.power.domain.VmRef;

/**
 * Tells Slurm about node outcomes as they arrive, a batch at a time (one scontrol call for many nodes, at most
 * every {@code flushMillis}):
 * <ul>
 *   <li>resume: each VM's address as soon as it is known (before the VM boots, so that slurmctld can reach the
 *       node the moment it registers); failed nodes {@code state=down} with their reason, so their jobs requeue at
 *       once instead of after ResumeTimeout;</li>
 *   <li>suspend: nodes whose VM may still be running {@code state=down}, nodes that failed for good
 *       {@code state=drain}: neither is left looking powered down while its VM bills;</li>
 *   <li>resume-fail: nodes whose VM is deallocated back to service ({@code state=resume}), the others down or
 *       drained as for suspend.</li>
 * </ul>
 * Nothing is dropped: {@link #close} waits for a flush in progress and sends what is still queued, each call bounded
 * by the run's end; an update that could not be applied is logged once per node with what Slurm was not told.
 */
public final class SlurmReporter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SlurmReporter.class);
    /** Instance fields are sent only while this much time is left before the run's end. */
    private static final Duration INSTANCE_RESERVE = Duration.ofSeconds(2);

    private final SlurmControl slurm;
    private final PowerMode mode;
    private final long endNanos;
    private final List<NodeOutcome> pending = new ArrayList<>();
    private final List<NodeAddress> pendingAddresses = new ArrayList<>();
    private final List<NodeInstance> pendingInstances = new ArrayList<>();
    private volatile NodeInstance.Support instanceSupport = NodeInstance.Support.NONE;
    private final ScheduledExecutorService flusher;
    private final Map<String, VmRef> vms = new ConcurrentHashMap<>();
    private final AtomicInteger nodesNotTold = new AtomicInteger();

    /**
     * @param slurm    the Slurm control; each call is bounded by the time left until {@code endNanos}
     * @param endNanos the run's end ({@link System#nanoTime()}): no scontrol call outlives it
     */
    public SlurmReporter(SlurmControl slurm, PowerMode mode, long flushMillis, long endNanos) {
        this.slurm = slurm.until(endNanos);
        this.mode = mode;
        this.endNanos = endNanos;
        this.flusher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "slurm-reporter");
            t.setDaemon(true);
            return t;
        });
        Future<?> unused = flusher.scheduleWithFixedDelay(this::flush, flushMillis, flushMillis, TimeUnit.MILLISECONDS);
    }

    /** The VM behind each node, to name it in the log when Slurm could not be told about the node. */
    public void knowVms(Map<String, VmRef> vmByNode) {
        vms.putAll(vmByNode);
    }

    /** Queues one outcome (called from the engine's workers). */
    public void accept(NodeOutcome outcome) {
        if (outcome.vm() != null) {
            vms.put(outcome.node(), outcome.vm());
        }
        synchronized (pending) {
            pending.add(outcome);
        }
    }

    /**
     * Queues a resumed node's address (NodeAddr = the VM's IP, NodeHostname = the node name). The engine reports
     * addresses only on resume with {@code slurm.setNodeAddr}.
     */
    public void address(String node, String privateIp) {
        synchronized (pending) {
            pendingAddresses.add(new NodeAddress(node, privateIp, node));
        }
    }

    /**
     * Records instance fields (23.11+, see {@link SlurmControl#setInstances}) for the nodes reported by
     * {@link #instance} from now on; {@link NodeInstance.Support#NONE} (the default) ignores them.
     */
    public void recordInstances(NodeInstance.Support support) {
        this.instanceSupport = support;
    }

    /**
     * Queues the VM behind a started node for Slurm's instance accounting. Sent after the other updates of a flush;
     * accounting only: an instance Slurm did not take is logged, but it does not fail the run.
     */
    public void instance(String node, String id, String type) {
        if (instanceSupport == NodeInstance.Support.NONE) {
            return;
        }
        synchronized (pending) {
            pendingInstances.add(new NodeInstance(node, id, type));
        }
    }

    /** True when some update could not be applied: the run must not exit 0. */
    public boolean slurmFailed() {
        return nodesNotTold.get() > 0;
    }

    /** How many node updates Slurm did not get (each is named in the log). */
    public int nodesNotTold() {
        return nodesNotTold.get();
    }

    /** Sends what is queued. Runs on the flusher thread, and once more from {@link #close}. */
    synchronized void flush() {
        List<NodeOutcome> batch;
        List<NodeAddress> addresses;
        List<NodeInstance> instances;
        synchronized (pending) {
            if (pending.isEmpty() && pendingAddresses.isEmpty() && pendingInstances.isEmpty()) {
                return;
            }
            batch = new ArrayList<>(pending);
            pending.clear();
            addresses = new ArrayList<>(pendingAddresses);
            pendingAddresses.clear();
            instances = new ArrayList<>(pendingInstances);
            pendingInstances.clear();
        }
        List<String> backInService = new ArrayList<>();
        Map<String, String> down = new LinkedHashMap<>();
        Map<String, String> drain = new LinkedHashMap<>();
        for (NodeOutcome o : batch) {
            if (o.ok()) {
                if (mode == PowerMode.RESUME_FAIL) {
                    backInService.add(o.node());
                }
            } else if (mode != PowerMode.RESUME && o.failure().permanent()) {
                drain.put(o.node(), o.slurmReason());
            } else {
                down.put(o.node(), o.slurmReason());
            }
        }
        if (!addresses.isEmpty()) {
            Map<String, String> told = new LinkedHashMap<>();
            addresses.forEach(a -> told.put(a.node(), "NodeAddr=" + a.addr()));
            call("set NodeAddr of " + names(addresses), told, () -> slurm.setNodeAddresses(addresses));
        }
        if (!down.isEmpty()) {
            call("mark down " + down.keySet(), down, () -> slurm.failNodes(down));
        }
        if (!drain.isEmpty()) {
            call("drain " + drain.keySet(), drain, () -> slurm.drainNodes(drain));
        }
        if (!backInService.isEmpty()) {
            Map<String, String> told = new LinkedHashMap<>();
            backInService.forEach(n -> told.put(n, "state=resume"));
            call("return to service " + backInService, told, () -> slurm.returnToService(backInService));
        }
        if (!instances.isEmpty()) {
            recordInstances(instances);
        }
    }

    /** Last in a flush, and only while time is left: accounting must not delay what the nodes need. */
    private void recordInstances(List<NodeInstance> instances) {
        List<String> nodes = instances.stream().map(NodeInstance::node).toList();
        if (TimeBudget.until(endNanos).compareTo(INSTANCE_RESERVE) < 0) {
            LOG.warn("slurm: InstanceId/InstanceType of {} not recorded: the run is at its end", nodes);
            return;
        }
        try {
            slurm.setInstances(instances, instanceSupport);
            LOG.info("slurm: set InstanceId/InstanceType of {}: done", nodes);
        } catch (SlurmException | RuntimeException e) {
            List<String> failed = e instanceof SlurmException s ? s.failedNodes() : nodes;
            LOG.warn("slurm: InstanceId/InstanceType of {} not recorded (accounting only): {}", failed, e.getMessage());
        }
    }

    /**
     * Stops the periodic flush without interrupting one in progress (its scontrol call is bounded by the end), then
     * sends what is still queued.
     */
    @Override
    public void close() {
        flusher.shutdown();
        try {
            if (!flusher.awaitTermination(TimeBudget.until(endNanos).toNanos(), TimeUnit.NANOSECONDS)) {
                LOG.error("slurm: a call to scontrol was still running at the deadline");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        flush();
    }

    private interface SlurmCall {
        void run() throws SlurmException;
    }

    /**
     * Makes one call; when it fails, logs it and then every node it left without the update, with what Slurm was
     * not told and the VM behind it.
     */
    private void call(String what, Map<String, String> updateByNode, SlurmCall call) {
        try {
            call.run();
            LOG.info("slurm: {}: done", what);
        } catch (SlurmException | RuntimeException e) {
            LOG.error("slurm: {}: FAILED: {}", what, e.getMessage());
            List<String> failed = e instanceof SlurmException s ? s.failedNodes() : List.copyOf(updateByNode.keySet());
            for (String node : failed) {
                VmRef vm = vms.get(node);
                LOG.error(
                        "node={} vm={}: Slurm was not told {}",
                        node,
                        vm == null ? "-" : vm,
                        updateByNode.getOrDefault(node, what));
            }
            nodesNotTold.addAndGet(failed.size());
        }
    }

    private static List<String> names(List<NodeAddress> addresses) {
        List<String> names = new ArrayList<>();
        addresses.forEach(a -> names.add(a.node() + "=" + a.addr()));
        return names;
    }
}
