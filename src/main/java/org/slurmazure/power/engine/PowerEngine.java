package org.slurmazure.power.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.slurmazure.power.cloud.CloudException;
import org.slurmazure.power.cloud.CloudVms;
import org.slurmazure.power.cloud.VmState;
import org.slurmazure.power.domain.NodeOutcome;
import org.slurmazure.power.domain.PowerMode;
import org.slurmazure.power.domain.TimeBudget;
import org.slurmazure.power.domain.VmRef;

/**
 * Drives every node of one invocation to its goal (running, or deallocated) in parallel, within a
 * {@link TimeBudget}.
 *
 * <p>Each node is a small state machine ({@link NodeRun}: lock, read, write, poll, address) whose steps run as
 * separate tasks on a pool of {@code workers} threads; between polls a node holds no thread, so the requests in
 * flight are bounded, not the operations (a start takes minutes; holding a slot for it would cap throughput).
 * Failures that may pass are retried after Azure's Retry-After or a back-off; a failed operation that may pass is
 * re-planned from a fresh read. At the budget's work end every unfinished node fails with a timeout, and on resume
 * every VM whose start was <em>sent</em> (accepted or not: the answer may still be on its way) is asked to
 * deallocate. A node's lock is released only once no step of it runs any more.
 */
public final class PowerEngine {
    private static final Logger LOG = LoggerFactory.getLogger(PowerEngine.class);

    /** From this many nodes on, VMs and NICs are first read with a few list calls instead of one GET each. */
    static final int BULK_READ_THRESHOLD = 20;
    /** How long after the shortest operation so far the first poll of a new one comes. */
    private static final Duration LEARNT_POLL_MARGIN = Duration.ofMillis(250);

    /** One node to act on. */
    public record Target(String node, VmRef vm, List<Long> jobIds) {}

    /** Told of each outcome, and on resume of each VM's address as soon as it is known; called from workers. */
    public interface Listener {
        void outcome(NodeOutcome outcome);

        /** The VM's private IP, known before its start finishes, so Slurm can have it before the node boots. */
        default void address(String node, String privateIp) {}

        /** A resumed node's VM is running: which VM, and its size when known (for Slurm's instance accounting). */
        default void started(String node, VmRef vm, @Nullable String vmSize) {}
    }

    /** A node without an outcome yet, and what was under way for it (for a log line when the process is killed). */
    public record Unfinished(String node, @Nullable VmRef vm, String doing) {}

    /**
     * How the engine works.
     *
     * @param mode           resume, suspend or resume-fail
     * @param tagName        only VMs carrying this tag ...
     * @param tagValue       ... with this value are touched
     * @param readAddress    on resume, read the VM's private IP
     * @param workers        requests in flight at most
     * @param firstPollDelay first poll of an accepted operation; later polls back off to {@code maxPollDelay}
     * @param maxPollDelay   longest wait between two polls (Azure's Retry-After may ask for more)
     */
    public record Settings(
            PowerMode mode,
            String tagName,
            String tagValue,
            boolean readAddress,
            int workers,
            Duration firstPollDelay,
            Duration maxPollDelay) {}

    final CloudVms cloud;
    final @Nullable NodeLocks locks;
    final Settings settings;
    final Listener listener;
    final TimeBudget budget;

    /** Made by {@link #run}: sized for the targets. */
    private @Nullable ScheduledThreadPoolExecutor pool;

    Map<VmRef, VmState> prefetched = Map.of();
    Map<String, String> prefetchedIps = Map.of();
    private final List<NodeRun> runs = new ArrayList<>();
    private volatile boolean started;
    /** Writes sent or waiting on Azure's write limit at once: half the workers, so the rest can poll and read. */
    private final Semaphore writeSlots;
    /** Nodes whose write waits for a slot, first come first served; each holds no thread meanwhile. */
    private final Queue<WaitingWrite> waitingWrites = new ConcurrentLinkedQueue<>();
    /** The shortest time an operation of this run took from its acceptance to its success; -1 until one has. */
    private final AtomicLong shortestOperationNanos = new AtomicLong(-1);

    /**
     * @param locks    per-node locks, or null for no locking (dry runs, tests of one process)
     * @param budget   the run's time: no new work after its work end, the clean-up until its clean-up end
     * @param listener told of each outcome as soon as it is known (e.g. to tell Slurm at once); called from
     *                 worker threads
     */
    public PowerEngine(
            CloudVms cloud, @Nullable NodeLocks locks, Settings settings, TimeBudget budget, Listener listener) {
        this.cloud = cloud;
        this.locks = locks;
        this.settings = settings;
        this.budget = budget;
        this.listener = listener;
        this.writeSlots = new Semaphore(Math.max(1, settings.workers() / 2));
    }

    /** Runs every target to an outcome; returns them in the order of the targets. */
    public List<NodeOutcome> run(List<Target> targets) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(targets.size());
        synchronized (runs) {
            for (Target t : targets) {
                runs.add(new NodeRun(this, t, done));
            }
        }
        started = true;
        ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(
                Math.max(1, Math.min(settings.workers(), targets.size())), daemonThreads());
        pool.setRemoveOnCancelPolicy(true);
        this.pool = pool;
        try {
            if (targets.size() >= BULK_READ_THRESHOLD) {
                prefetch(targets);
            }
            runs.forEach(r -> execute(r, r::lock));
            if (!done.await(TimeBudget.until(budget.workEnd()).toNanos(), TimeUnit.NANOSECONDS)) {
                cleanUpUnfinished();
            }
        } finally {
            stopWorkers();
        }
        List<NodeOutcome> outcomes = new ArrayList<>();
        runs.forEach(r -> outcomes.add(r.outcome()));
        return outcomes;
    }

    /** The nodes without an outcome yet; empty before the run starts and once every node has one. */
    public List<Unfinished> unfinished() {
        List<Unfinished> list = new ArrayList<>();
        if (!started) {
            return list;
        }
        synchronized (runs) {
            for (NodeRun r : runs) {
                if (!r.isFinished()) {
                    list.add(new Unfinished(r.target.node(), r.target.vm(), r.doing()));
                }
            }
        }
        return list;
    }

    /** Reads the VMs (and, for resume, the NICs of their resource groups) in a few list calls. */
    private void prefetch(List<Target> targets) {
        long t0 = System.nanoTime();
        List<VmRef> vms = targets.stream().map(Target::vm).toList();
        try {
            prefetched = cloud.readMany(vms);
            if (settings.readAddress()) {
                prefetchedIps = cloud.privateIps(vms);
            }
            LOG.info(
                    "read {} of {} VMs and {} addresses with list calls in {} ms",
                    prefetched.size(),
                    targets.size(),
                    prefetchedIps.size(),
                    Duration.ofNanos(System.nanoTime() - t0).toMillis());
        } catch (CloudException e) {
            LOG.info("list calls failed ({}); reading the VMs one by one", e.describe());
        }
    }

    /**
     * At the work end: every node without an outcome fails now (timeout), and on resume every VM whose start was
     * sent is asked to deallocate; the clean-up waits at most until the budget's clean-up end.
     */
    private void cleanUpUnfinished() throws InterruptedException {
        List<NodeRun> late = new ArrayList<>();
        for (NodeRun r : runs) {
            if (r.finish(r.timeoutOutcome())) {
                late.add(r);
            }
        }
        if (settings.mode() != PowerMode.RESUME) {
            return; // each outcome line is followed by "may still be running" (PowerRun)
        }
        List<NodeRun> started = late.stream().filter(NodeRun::startSent).toList();
        if (started.isEmpty()) {
            return;
        }
        // Threads of its own: the workers may all be blocked in requests that have not been answered.
        ExecutorService cleaners =
                Executors.newFixedThreadPool(Math.min(settings.workers(), started.size()), daemonThreads());
        CountDownLatch cleaned = new CountDownLatch(started.size());
        for (NodeRun r : started) {
            cleaners.execute(() -> {
                try {
                    r.deallocateAfterTimeout();
                } finally {
                    cleaned.countDown();
                }
            });
        }
        cleaners.shutdown();
        if (!cleaned.await(TimeBudget.until(budget.cleanUpEnd()).toNanos(), TimeUnit.NANOSECONDS)) {
            LOG.error(
                    "the clean-up of unfinished starts did not finish before the deadline: {} deallocation "
                            + "request(s) unanswered; ResumeFailProgram deallocates those VMs after ResumeTimeout",
                    cleaned.getCount());
        }
    }

    /**
     * Stops the workers: steps scheduled for later are dropped, a step running may finish until the clean-up end.
     * A worker is never interrupted: an abandoned request may still reach Azure. A node whose request is still
     * unanswered after that is named in the log, and keeps its lock until the answer comes or the process ends.
     */
    private void stopWorkers() throws InterruptedException {
        pool().setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        pool().shutdown();
        pool().awaitTermination(TimeBudget.until(budget.cleanUpEnd()).toNanos(), TimeUnit.NANOSECONDS);
        for (NodeRun r : runs) {
            if (r.isBusy()) {
                LOG.error(
                        "node={} vm={}: a request to Azure ({}) was still unanswered when the run ended: {}",
                        r.target.node(),
                        r.target.vm(),
                        r.doing(),
                        settings.mode() == PowerMode.RESUME
                                ? "the VM may still start; the node is marked down, and ResumeFailProgram "
                                        + "deallocates it after ResumeTimeout"
                                : "the VM may still be running");
            }
            r.releaseLockIfIdle();
        }
    }

    /** Runs {@code step} of {@code r} on the pool now. */
    void execute(NodeRun r, Runnable step) {
        try {
            pool().execute(() -> r.step(step));
        } catch (RejectedExecutionException shuttingDown) {
            // the run is over; the deadline path gave this node its outcome
        }
    }

    /**
     * Runs {@code write} (a step of {@code r}) holding a write slot, now or when one is free; {@code write} gives it
     * back with {@link #releaseWriteSlot}. Azure's write limit makes writes wait in the throttle gate; if every worker
     * waited there, the polls of operations begun early would wait behind the last start (1,000 nodes: the first
     * completion was seen 84 s into the run, and 1,000 polls then queued on the read limit at once).
     */
    void withWriteSlot(NodeRun r, Runnable write) {
        if (writeSlots.tryAcquire()) {
            write.run();
            return;
        }
        waitingWrites.add(new WaitingWrite(r, write));
        handOverFreeSlots();
    }

    /** A node's write waiting for a slot. */
    private record WaitingWrite(NodeRun run, Runnable write) {}

    void releaseWriteSlot() {
        writeSlots.release();
        handOverFreeSlots();
    }

    /**
     * Gives free slots to waiting writes (a node that got its outcome meanwhile gives its slot straight back);
     * whoever adds a waiter or frees a slot calls it, so none is missed.
     */
    private void handOverFreeSlots() {
        while (!waitingWrites.isEmpty() && writeSlots.tryAcquire()) {
            WaitingWrite next = waitingWrites.poll();
            if (next == null) {
                writeSlots.release();
                return;
            }
            if (next.run().isFinished()) {
                writeSlots.release();
            } else {
                schedule(next.run(), Duration.ZERO, next.write());
            }
        }
    }

    /** An operation of this run succeeded {@code nanos} after it was accepted. */
    void operationTook(long nanos) {
        shortestOperationNanos.accumulateAndGet(nanos, (a, b) -> a < 0 ? b : Math.min(a, b));
    }

    /**
     * When to poll an operation accepted now for the first time: Azure's suggestion (or firstPollDelay), or, once an
     * operation of this run has succeeded, just after the shortest so far took (the operations of one run take about
     * as long, and each early poll spends Azure's read budget, which every read of every run shares: at 1,000 nodes
     * polling from firstPollDelay on made 2.7 polls per operation); never so late that no poll fits before the work
     * end.
     */
    Duration firstPoll(@Nullable Duration suggested) {
        Duration base = suggested != null ? suggested : settings.firstPollDelay();
        long shortest = shortestOperationNanos.get();
        if (shortest <= 0) {
            return base;
        }
        long latest = budget.workEnd() - System.nanoTime() - TimeUnit.SECONDS.toNanos(1);
        long learnt = Math.min(shortest + LEARNT_POLL_MARGIN.toNanos(), latest);
        return learnt > base.toNanos() ? Duration.ofNanos(learnt) : base;
    }

    /** Runs {@code step} of {@code r} on the pool after {@code delay}. */
    void schedule(NodeRun r, Duration delay, Runnable step) {
        try {
            Future<?> unused = pool().schedule(() -> r.step(step), delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException shuttingDown) {
            // the run is over; the deadline path gave this node its outcome
        }
    }

    private ScheduledThreadPoolExecutor pool() {
        ScheduledThreadPoolExecutor p = pool;
        if (p == null) {
            throw new IllegalStateException("the engine has not run");
        }
        return p;
    }

    String deadlineText() {
        return String.format(Locale.ROOT, "%d s", budget.total().toSeconds());
    }

    private static ThreadFactory daemonThreads() {
        return r -> {
            Thread t = new Thread(r, "power-worker");
            t.setDaemon(true);
            return t;
        };
    }
}
