package org.slurmazure.power.power;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slurmazure.power.core.NodeOutcome;
import org.slurmazure.power.core.PowerMode;
import org.slurmazure.power.slurm.NodeAddress;
import org.slurmazure.power.slurm.SlurmControl;
import org.slurmazure.power.slurm.SlurmException;

/**
 * Tells Slurm about node outcomes as they arrive, a batch at a time (one scontrol call for many nodes, at most
 * every {@code flushMillis}): on resume, the VMs' addresses as soon as they are known (before the VMs boot, so that
 * slurmctld can reach a node the moment it registers) and the failures (so their jobs requeue at once, not after
 * ResumeTimeout); on resume-fail, the nodes whose VMs were deallocated go back into service.
 * A failed scontrol call is logged with every node it concerned: nothing is dropped silently.
 */
public final class SlurmReporter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SlurmReporter.class);

    private final SlurmControl slurm;
    private final PowerMode mode;
    private final List<NodeOutcome> pending = new ArrayList<>();
    private final List<NodeAddress> pendingAddresses = new ArrayList<>();
    private final ScheduledExecutorService flusher;
    private volatile boolean slurmFailed;

    public SlurmReporter(SlurmControl slurm, PowerMode mode, long flushMillis) {
        this.slurm = slurm;
        this.mode = mode;
        this.flusher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "slurm-reporter");
            t.setDaemon(true);
            return t;
        });
        flusher.scheduleWithFixedDelay(this::flush, flushMillis, flushMillis, TimeUnit.MILLISECONDS);
    }

    /** Queues one outcome (called from the engine's workers). */
    public void accept(NodeOutcome outcome) {
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

    /** True when some scontrol call failed: the run must not exit 0. */
    public boolean slurmFailed() {
        return slurmFailed;
    }

    /** Sends what is queued. Runs on the flusher thread and once more from {@link #close}. */
    synchronized void flush() {
        List<NodeOutcome> batch;
        List<NodeAddress> addresses;
        synchronized (pending) {
            if (pending.isEmpty() && pendingAddresses.isEmpty()) {
                return;
            }
            batch = new ArrayList<>(pending);
            pending.clear();
            addresses = new ArrayList<>(pendingAddresses);
            pendingAddresses.clear();
        }
        List<String> backInService = new ArrayList<>();
        Map<String, String> failures = new LinkedHashMap<>();
        for (NodeOutcome o : batch) {
            if (!o.ok()) {
                failures.put(o.node(), o.slurmReason());
            } else if (mode == PowerMode.RESUME_FAIL) {
                backInService.add(o.node());
            }
        }
        if (!addresses.isEmpty()) {
            call("set NodeAddr of " + names(addresses), () -> slurm.setNodeAddresses(addresses));
        }
        if (!failures.isEmpty()) {
            if (mode == PowerMode.RESUME) {
                call("mark down " + failures.keySet(), () -> slurm.failNodes(failures));
            } else if (mode == PowerMode.RESUME_FAIL) {
                // The VM may still run: power the node down so that Slurm's SuspendProgram tries again.
                call("mark down and power down " + failures.keySet(), () -> slurm.failAndPowerDown(failures));
            }
        }
        if (!backInService.isEmpty()) {
            call("return to service " + backInService, () -> slurm.returnToService(backInService));
        }
    }

    @Override
    public void close() {
        flusher.shutdownNow();
        try {
            flusher.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        flush();
    }

    private interface SlurmCall {
        void run() throws SlurmException;
    }

    private void call(String what, SlurmCall call) {
        try {
            call.run();
            LOG.info("slurm: {}: done", what);
        } catch (SlurmException | RuntimeException e) {
            slurmFailed = true;
            LOG.error("slurm: {}: FAILED: {}", what, e.getMessage());
        }
    }

    private static List<String> names(List<NodeAddress> addresses) {
        List<String> names = new ArrayList<>();
        addresses.forEach(a -> names.add(a.node() + "=" + a.addr()));
        return names;
    }
}
