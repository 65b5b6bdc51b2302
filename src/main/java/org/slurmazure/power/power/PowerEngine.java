package org.slurmazure.power.power;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slurmazure.power.cloud.CloudException;
import org.slurmazure.power.cloud.CloudVms;
import org.slurmazure.power.cloud.Operation;
import org.slurmazure.power.cloud.PowerState;
import org.slurmazure.power.cloud.VmRef;
import org.slurmazure.power.cloud.VmState;
import org.slurmazure.power.core.FailureClass;
import org.slurmazure.power.core.FailureClassifier;
import org.slurmazure.power.core.NodeOutcome;
import org.slurmazure.power.core.Planner;
import org.slurmazure.power.core.PowerMode;

/**
 * Drives every node of one invocation to its goal (running, or deallocated) in parallel.
 *
 * <p>Each node is a small state machine (lock, read, write, poll, address) whose steps run as separate tasks on a
 * pool of {@code workers} threads; between polls a node holds no thread, so the requests in flight are bounded, not
 * the operations (a start takes minutes; holding a slot for it would cap throughput). Failures that may pass
 * (429, 5xx, no answer) are retried after Azure's Retry-After or a backoff until the deadline. At the deadline every
 * unfinished node fails with a timeout; for resume, a VM whose start was accepted is asked to deallocate, so that no
 * VM runs without Slurm knowing.
 */
public final class PowerEngine {
    private static final Logger LOG = LoggerFactory.getLogger(PowerEngine.class);

    /** One node to act on. */
    public record Target(String node, VmRef vm, List<Long> jobIds) {
    }

    /** Told of each outcome, and on resume of each VM's address as soon as it is known; called from workers. */
    public interface Listener {
        void outcome(NodeOutcome outcome);

        /** The VM's private IP, known before its start finishes, so Slurm can have it before the node boots. */
        default void address(String node, String privateIp) {
        }
    }

    /**
     * @param mode           resume, suspend or resume-fail
     * @param tagName        only VMs carrying this tag ...
     * @param tagValue       ... with this value are touched
     * @param readAddress    on resume, read the VM's private IP
     * @param deadline       when every node must have an outcome, from the start of {@link #run}
     * @param workers        requests in flight at most
     * @param firstPollDelay first poll of an accepted operation; later polls back off to {@code maxPollDelay}
     * @param maxPollDelay   longest wait between two polls (Azure's Retry-After may ask for more)
     */
    public record Settings(PowerMode mode, String tagName, String tagValue, boolean readAddress, Duration deadline,
                           int workers, Duration firstPollDelay, Duration maxPollDelay) {
    }

    private final CloudVms cloud;
    private final NodeLocks locks;
    private final Settings settings;
    private final Listener listener;

    /** From this many nodes on, VMs and NICs are first read with a few list calls instead of one GET each. */
    static final int BULK_READ_THRESHOLD = 20;

    private ScheduledThreadPoolExecutor pool;
    private Map<VmRef, VmState> prefetched = Map.of();
    private Map<String, String> prefetchedIps = Map.of();
    private long startNanos;
    private long workDeadlineNanos;

    /**
     * @param locks    per-node locks, or null for no locking (dry runs, tests of one process)
     * @param listener told of each outcome as soon as it is known (e.g. to tell Slurm at once); called from
     *                 worker threads
     */
    public PowerEngine(CloudVms cloud, NodeLocks locks, Settings settings, Listener listener) {
        this.cloud = cloud;
        this.locks = locks;
        this.settings = settings;
        this.listener = listener;
    }

    /** Runs every target to an outcome; returns them in the order of the targets. */
    public List<NodeOutcome> run(List<Target> targets) throws InterruptedException {
        startNanos = System.nanoTime();
        long deadline = settings.deadline().toNanos();
        // Keep a tenth of the deadline (at most 30 s) for the clean-up of nodes still unfinished.
        long reserve = Math.min(deadline / 10, Duration.ofSeconds(30).toNanos());
        workDeadlineNanos = startNanos + deadline - reserve;
        List<NodeRun> runs = new ArrayList<>();
        CountDownLatch done = new CountDownLatch(targets.size());
        for (Target t : targets) {
            runs.add(new NodeRun(t, done));
        }
        pool = new ScheduledThreadPoolExecutor(Math.max(1, Math.min(settings.workers(), targets.size())),
                daemonThreads());
        pool.setRemoveOnCancelPolicy(true);
        try {
            if (targets.size() >= BULK_READ_THRESHOLD) {
                prefetch(targets);
            }
            runs.forEach(r -> pool.execute(r::lock));
            long wait = workDeadlineNanos - System.nanoTime();
            if (!done.await(Math.max(0, wait), TimeUnit.NANOSECONDS)) {
                cleanUpUnfinished(runs, startNanos + deadline);
            }
        } finally {
            pool.shutdownNow();
            runs.forEach(NodeRun::unlock);
        }
        List<NodeOutcome> outcomes = new ArrayList<>();
        runs.forEach(r -> outcomes.add(r.outcome));
        return outcomes;
    }

    /** Reads the VMs (and, for resume, their NICs) in a few list calls; what is missing is read per VM later. */
    private void prefetch(List<Target> targets) {
        try {
            prefetched = cloud.readMany(targets.stream().map(Target::vm).toList());
            if (settings.readAddress() && !prefetched.isEmpty()) {
                List<String> nics = prefetched.values().stream().filter(v -> !v.networkInterfaceIds().isEmpty())
                        .map(v -> v.networkInterfaceIds().get(0)).toList();
                prefetchedIps = cloud.privateIps(nics);
            }
            LOG.info("read {} of {} VMs and {} addresses with list calls in {} ms", prefetched.size(), targets.size(),
                    prefetchedIps.size(), elapsed().toMillis());
        } catch (CloudException e) {
            LOG.info("list calls failed ({}); reading the VMs one by one", describe(e));
        }
    }

    private void cleanUpUnfinished(List<NodeRun> runs, long hardDeadline) throws InterruptedException {
        List<NodeRun> late = new ArrayList<>();
        for (NodeRun r : runs) {
            if (r.finish(r.timeoutOutcome())) {
                late.add(r);
            }
        }
        if (settings.mode() != PowerMode.RESUME) {
            for (NodeRun r : late) {
                LOG.error("node {}: VM {} (id {}) may still be running: not deallocated within the deadline",
                        r.target.node(), r.target.vm().resourceId(), r.vmId);
            }
            return;
        }
        // Resume: a VM whose start was accepted may come up after all; ask Azure to deallocate it.
        List<NodeRun> started = late.stream().filter(r -> r.writeAccepted).toList();
        CountDownLatch cleaned = new CountDownLatch(started.size());
        for (NodeRun r : started) {
            pool.execute(() -> {
                try {
                    cloud.beginDeallocate(r.target.vm());
                    LOG.warn("node {}: start did not finish in time; deallocation of VM {} requested",
                            r.target.node(), r.target.vm());
                } catch (CloudException e) {
                    LOG.error("node {}: start did not finish in time and deallocation of VM {} (id {}) failed: {}",
                            r.target.node(), r.target.vm().resourceId(), r.vmId, e.getMessage());
                } finally {
                    cleaned.countDown();
                }
            });
        }
        if (!cleaned.await(Math.max(0, hardDeadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
            LOG.error("clean-up of unfinished starts did not finish before the deadline");
        }
    }

    private Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    private static java.util.concurrent.ThreadFactory daemonThreads() {
        return r -> {
            Thread t = new Thread(r, "power-worker");
            t.setDaemon(true);
            return t;
        };
    }

    /** The state machine of one node. Its steps never run concurrently: each schedules the next. */
    private final class NodeRun {
        final Target target;
        final CountDownLatch done;
        final AtomicBoolean finished = new AtomicBoolean();
        volatile NodeOutcome outcome;
        volatile NodeLocks.Held lock;
        volatile PowerState before;
        volatile String vmId;
        volatile String action = "none";
        volatile boolean writeAccepted;
        volatile CloudException lastError;
        volatile List<String> nics = List.of();
        volatile String privateIp;
        int attempts;
        int polls;
        /** The prefetched state may be stale (after a wait for the lock, or once read): read the VM again. */
        boolean readFresh;

        NodeRun(Target target, CountDownLatch done) {
            this.target = target;
            this.done = done;
        }

        // --- steps ---

        void lock() {
            if (locks == null) {
                read();
                return;
            }
            try {
                lock = locks.tryLock(target.node());
            } catch (IOException e) {
                fail(FailureClass.LOCKED, "cannot take the node's lock: " + e.getMessage());
                return;
            }
            if (lock == null) {
                if (attempts++ == 0) {
                    LOG.info("node {}: waiting for another invocation working on it", target.node());
                }
                readFresh = true;
                later(Duration.ofMillis(250), this::lock, FailureClass.LOCKED, "another invocation held the node");
                return;
            }
            attempts = 0;
            read();
        }

        void read() {
            VmState state = readFresh ? null : prefetched.get(target.vm());
            readFresh = true;
            if (state == null) {
                try {
                    state = cloud.get(target.vm());
                } catch (CloudException e) {
                    retryOrFail(e, this::read);
                    return;
                }
            }
            attempts = 0;
            vmId = state.vmId();
            nics = state.networkInterfaceIds();
            if (before == null) {
                before = state.powerState();
            }
            if (!state.hasTag(settings.tagName(), settings.tagValue())) {
                fail(FailureClass.NOT_TAGGED, "VM " + target.vm() + " lacks tag " + settings.tagName() + "="
                        + settings.tagValue() + ": refused, not touched");
                return;
            }
            switch (Planner.next(settings.mode(), state.powerState())) {
                case NOTHING -> reachedGoal();
                case WAIT -> later(Duration.ofSeconds(2), this::read, FailureClass.TIMEOUT,
                        "VM stayed " + state.powerState().label());
                case START -> write(true);
                case DEALLOCATE -> write(false);
                default -> throw new IllegalStateException();
            }
        }

        void write(boolean start) {
            action = start ? "start" : "deallocate";
            Operation op;
            try {
                op = start ? cloud.beginStart(target.vm()) : cloud.beginDeallocate(target.vm());
            } catch (CloudException e) {
                retryOrFail(e, () -> write(start));
                return;
            }
            attempts = 0;
            writeAccepted = true;
            // Azure's Retry-After says when to look first; without one, firstPollDelay.
            Duration first = op.suggestedPollDelay() != null ? op.suggestedPollDelay() : settings.firstPollDelay();
            if (start && settings.readAddress()) {
                // Read the address while the VM starts: dynamic private IPs survive deallocation.
                pool.execute(() -> address(() -> schedule(first, () -> poll(op))));
            } else {
                schedule(first, () -> poll(op));
            }
        }

        void poll(Operation op) {
            Operation.Status status;
            try {
                status = cloud.poll(op);
            } catch (CloudException e) {
                retryOrFail(e, () -> poll(op));
                return;
            }
            attempts = 0;
            switch (status.state()) {
                case SUCCEEDED -> reachedGoal();
                case FAILED -> operationFailed(status);
                case IN_PROGRESS -> {
                    polls++;
                    double backoff = settings.firstPollDelay().toMillis() * Math.pow(1.5, polls);
                    Duration next = max(Duration.ofMillis((long) Math.min(backoff,
                            settings.maxPollDelay().toMillis())), status.retryAfter());
                    later(next, () -> poll(op), FailureClass.TIMEOUT, action + " did not finish");
                }
                default -> throw new IllegalStateException();
            }
        }

        /** Reads the private IP of the primary NIC, then continues with {@code next}. */
        void address(Runnable next) {
            if (nics.isEmpty()) {
                failAndCleanUp(FailureClass.NO_ADDRESS, "VM has no network interface");
                return;
            }
            privateIp = prefetchedIps.get(nics.get(0));
            if (privateIp == null) {
                try {
                    privateIp = cloud.privateIp(nics.get(0));
                } catch (CloudException e) {
                    retryOrFail(e, () -> address(next));
                    return;
                }
            }
            attempts = 0;
            if (privateIp == null) {
                failAndCleanUp(FailureClass.NO_ADDRESS, "network interface " + nics.get(0) + " has no private IP");
                return;
            }
            try {
                listener.address(target.node(), privateIp);
            } catch (RuntimeException e) {
                LOG.error("node {}: reporting the address failed: {}", target.node(), e.toString());
            }
            next.run();
        }

        void reachedGoal() {
            if (settings.mode() == PowerMode.RESUME && settings.readAddress() && privateIp == null) {
                address(this::reachedGoal);
                return;
            }
            finish(new NodeOutcome(target.node(), target.vm(), before, action, null,
                    writeAccepted ? Planner.goal(settings.mode()).label()
                            : "already " + Planner.goal(settings.mode()).label(),
                    privateIp, elapsed(), target.jobIds()));
        }

        void operationFailed(Operation.Status status) {
            FailureClass cls = FailureClassifier.classify(200, status.errorCode(), status.errorMessage());
            String detail = (status.errorCode() == null ? "" : status.errorCode() + ": ")
                    + (status.errorMessage() == null ? action + " failed" : status.errorMessage());
            failAndCleanUp(cls, detail);
        }

        /**
         * Fails the node; on resume, when Azure accepted the start (it may be starting the VM), first makes sure the
         * VM is deallocated. Every failure that can follow a write goes through here.
         */
        void failAndCleanUp(FailureClass cls, String detail) {
            if (settings.mode() != PowerMode.RESUME || !writeAccepted) {
                fail(cls, detail);
                return;
            }
            try {
                VmState now = cloud.get(target.vm());
                if (now.powerState() != PowerState.DEALLOCATED && now.powerState() != PowerState.DEALLOCATING) {
                    cloud.beginDeallocate(target.vm());
                    LOG.info("node {}: VM {} was {} after the failed start: deallocation requested",
                            target.node(), target.vm(), now.powerState().label());
                }
            } catch (CloudException e) {
                LOG.error("node {}: could not make sure VM {} (id {}) is deallocated after the failed start: {}",
                        target.node(), target.vm().resourceId(), vmId, e.getMessage());
            }
            fail(cls, detail);
        }

        // --- plumbing ---

        void retryOrFail(CloudException e, Runnable again) {
            lastError = e;
            if (FailureClassifier.isRetryable(e.httpStatus())) {
                long backoffMs = (long) Math.min(15_000, 1_000 * Math.pow(2, attempts++));
                Duration wait = max(Duration.ofMillis(backoffMs), e.retryAfter());
                LOG.debug("node {}: {} (HTTP {}), retrying in {} ms", target.node(), e.getMessage(), e.httpStatus(),
                        wait.toMillis());
                FailureClass cls = e.httpStatus() == 429 ? FailureClass.THROTTLED
                        : FailureClassifier.classify(e.httpStatus(), e.errorCode(), e.getMessage());
                later(wait, again, cls, describe(e));
                return;
            }
            failAndCleanUp(FailureClassifier.classify(e.httpStatus(), e.errorCode(), e.getMessage()), describe(e));
        }

        /** Runs {@code step} after {@code delay}, or fails now when that would pass the deadline. */
        void later(Duration delay, Runnable step, FailureClass cls, String why) {
            if (System.nanoTime() + delay.toNanos() >= workDeadlineNanos) {
                failAndCleanUp(cls, why + " before the deadline");
                return;
            }
            schedule(delay, step);
        }

        void schedule(Duration delay, Runnable step) {
            try {
                pool.schedule(() -> {
                    if (!finished.get()) {
                        step.run();
                    }
                }, delay.toNanos(), TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
                // the run is over; the deadline path gave this node its outcome
            }
        }

        void fail(FailureClass cls, String detail) {
            finish(new NodeOutcome(target.node(), target.vm(), before, action, cls, detail, privateIp, elapsed(),
                    target.jobIds()));
        }

        NodeOutcome timeoutOutcome() {
            CloudException e = lastError;
            FailureClass cls = e != null && e.httpStatus() == 429 ? FailureClass.THROTTLED : FailureClass.TIMEOUT;
            String detail = (writeAccepted ? action + " did not finish" : "no answer") + " within the deadline of "
                    + settings.deadline().toSeconds() + " s" + (e != null ? " (last error: " + describe(e) + ")" : "");
            return new NodeOutcome(target.node(), target.vm(), before, action, cls, detail, privateIp, elapsed(),
                    target.jobIds());
        }

        /** Records the outcome once; later attempts (a step racing the deadline) are ignored. */
        boolean finish(NodeOutcome o) {
            if (!finished.compareAndSet(false, true)) {
                return false;
            }
            outcome = o;
            unlock();
            try {
                listener.outcome(o);
            } catch (RuntimeException e) {
                LOG.error("node {}: reporting the outcome failed: {}", o.node(), e.toString());
            }
            done.countDown();
            return true;
        }

        void unlock() {
            NodeLocks.Held held = lock;
            if (held != null) {
                lock = null;
                held.close();
            }
        }
    }

    static String describe(CloudException e) {
        String code = e.errorCode() == null ? "" : e.errorCode() + ": ";
        String status = e.httpStatus() == 0 ? "" : " (HTTP " + e.httpStatus() + ")";
        return code + e.getMessage() + status;
    }

    private static Duration max(Duration a, Duration b) {
        if (b == null) {
            return a;
        }
        return a.compareTo(b) >= 0 ? a : b;
    }
}
