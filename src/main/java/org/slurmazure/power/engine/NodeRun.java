package org.slurmazure.power.engine;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.slurmazure.power.cloud.CloudException;
import org.slurmazure.power.cloud.Operation;
import org.slurmazure.power.cloud.VmState;
import org.slurmazure.power.domain.FailureClass;
import org.slurmazure.power.domain.NodeOutcome;
import org.slurmazure.power.domain.Planner;
import org.slurmazure.power.domain.PowerMode;
import org.slurmazure.power.domain.PowerState;
import org.slurmazure.power.domain.TimeBudget;

/**
 * The state machine of one node: lock, read, write, poll, address. Its steps never run concurrently: each
 * schedules the next through the engine. The outcome is recorded once ({@link #finish}); the lock is released
 * only when no step runs any more, so that another process never works on a VM this one may still be writing to.
 */
final class NodeRun {
    private static final Logger LOG = LoggerFactory.getLogger(NodeRun.class);
    /** A last poll is sent this long before the work end, so that its answer comes before it. */
    private static final Duration LAST_POLL_MARGIN = Duration.ofMillis(300);
    /** No last poll when less than this would be left before it. */
    private static final Duration MIN_LAST_POLL_DELAY = Duration.ofMillis(50);

    final PowerEngine.Target target;
    private final PowerEngine engine;
    private final CountDownLatch done;
    private final AtomicBoolean finished = new AtomicBoolean();
    private volatile @Nullable NodeOutcome outcome;
    private NodeLocks.@Nullable Held lock; // guarded by this
    private boolean busy; // guarded by this: a step is running
    private volatile String doing = "waiting for its turn";
    private volatile @Nullable PowerState before;
    private volatile @Nullable String vmId;
    private volatile @Nullable String vmSize;
    private volatile String action = "none";
    private volatile boolean writeSent;
    /** When the first write request was sent ({@link System#nanoTime()}), for the outcome's operation time. */
    private volatile long firstWriteNanos;

    private volatile boolean writeAccepted;
    private volatile @Nullable CloudException lastError;
    private volatile List<String> nics = List.of();
    private volatile @Nullable String privateIp;
    private int attempts;
    private int polls;
    /** When Azure accepted the write ({@link System#nanoTime}). */
    private long acceptedNanos;
    /** The prefetched state may be stale (after a wait for the lock, or once read): read the VM again. */
    private boolean readFresh;

    NodeRun(PowerEngine engine, PowerEngine.Target target, CountDownLatch done) {
        this.engine = engine;
        this.target = target;
        this.done = done;
    }

    // --- details of failures (a dry run says the same) ---

    static final String NO_NIC = "VM has no network interface";

    static String notTagged(String tagName, String tagValue) {
        return "VM lacks tag " + tagName + "=" + tagValue + ": refused, not touched";
    }

    static String noPrivateIp(String nic) {
        return "network interface " + nic + " has no private IP";
    }

    // --- what the engine asks ---

    @Nullable
    NodeOutcome outcome() {
        return outcome;
    }

    /** True once the node has its outcome. */
    boolean isFinished() {
        return finished.get();
    }

    synchronized boolean isBusy() {
        return busy;
    }

    String doing() {
        return doing;
    }

    @Nullable
    String vmId() {
        return vmId;
    }

    /** True when a start request was sent for this node: Azure may have accepted it, answered or not. */
    boolean startSent() {
        return writeSent && "start".equals(action);
    }

    /** Runs one step, unless the node already has its outcome; releases the lock after the last step. */
    void step(Runnable step) {
        synchronized (this) {
            if (finished.get()) {
                return;
            }
            busy = true;
        }
        try {
            step.run();
        } catch (RuntimeException e) {
            LOG.error("node {}: internal error: {}", target.node(), e.toString(), e);
            fail(FailureClass.INTERNAL, "internal error: " + e);
        } finally {
            synchronized (this) {
                busy = false;
                if (finished.get()) {
                    releaseLock();
                }
            }
        }
    }

    // --- steps ---

    void lock() {
        doing = "taking its lock";
        if (engine.locks == null) {
            read();
            return;
        }
        NodeLocks.Held held;
        try {
            held = engine.locks.tryLock(target.node());
        } catch (IOException e) {
            fail(FailureClass.LOCKED, "cannot take the node's lock: " + e.getMessage());
            return;
        }
        if (held == null) {
            if (attempts++ == 0) {
                LOG.info("node {}: waiting for another invocation working on it", target.node());
            }
            readFresh = true;
            later(Duration.ofMillis(250), this::lock, FailureClass.LOCKED, "another invocation held the node");
            return;
        }
        synchronized (this) {
            lock = held;
        }
        attempts = 0;
        read();
    }

    void read() {
        doing = "reading the VM";
        VmState state = readFresh ? null : engine.prefetched.get(target.vm());
        readFresh = true;
        if (state == null) {
            try {
                state = engine.cloud.get(target.vm());
            } catch (CloudException e) {
                retryOrFail(e, this::read);
                return;
            }
        }
        vmId = state.vmId();
        vmSize = state.vmSize();
        nics = state.networkInterfaceIds();
        if (before == null) {
            before = state.powerState();
        }
        if (!state.hasTag(engine.settings.tagName(), engine.settings.tagValue())) {
            fail(FailureClass.NOT_TAGGED, notTagged(engine.settings.tagName(), engine.settings.tagValue()));
            return;
        }
        switch (Planner.next(engine.settings.mode(), state.powerState(), state.updating())) {
            case NOTHING -> reachedGoal();
            case WAIT ->
                later(
                        Duration.ofSeconds(2),
                        this::read,
                        FailureClass.TIMEOUT,
                        "VM stayed " + state.powerState().label() + (state.updating() ? " (updating)" : ""));
            case START -> write(true);
            case DEALLOCATE -> write(false);
            default -> throw new IllegalStateException();
        }
    }

    void write(boolean start) {
        action = start ? "start" : "deallocate";
        doing = action + " not sent yet: waiting its turn under Azure's write limit";
        engine.withWriteSlot(this, () -> send(start));
    }

    /** Sends the write, holding a write slot ({@link PowerEngine#withWriteSlot}) until Azure has answered. */
    private void send(boolean start) {
        doing = action + " requested, no answer yet";
        if (!writeSent) {
            firstWriteNanos = System.nanoTime();
        }
        writeSent = true;
        Operation op;
        try {
            op = start ? engine.cloud.beginStart(target.vm()) : engine.cloud.beginDeallocate(target.vm());
        } catch (CloudException e) {
            // A write that may pass is re-planned from a fresh read: the VM may be in transition now (an operation
            // in progress, or this very request applied although its answer was an error).
            retryOrFail(e, this::read);
            return;
        } finally {
            engine.releaseWriteSlot();
        }
        acceptedNanos = System.nanoTime();
        writeAccepted = true;
        if (finished.get()) {
            startAcceptedTooLate();
            return;
        }
        attempts = 0;
        // Azure's Retry-After, firstPollDelay, or how long this run's operations take (PowerEngine.firstPoll).
        Duration first = engine.firstPoll(op.suggestedPollDelay());
        Runnable awaitOperation = () -> {
            doing = action + " accepted, waiting for it to finish";
            engine.schedule(this, first, () -> poll(op));
        };
        if (start && engine.settings.readAddress()) {
            // Read the address while the VM starts: dynamic private IPs survive deallocation.
            address(awaitOperation);
        } else {
            awaitOperation.run();
        }
    }

    void poll(Operation op) {
        doing = action + " accepted, waiting for it to finish";
        Operation.Status status;
        try {
            status = engine.cloud.poll(op);
        } catch (CloudException e) {
            retryOrFail(e, () -> poll(op));
            return;
        }
        switch (status.state()) {
            case SUCCEEDED -> {
                engine.operationTook(System.nanoTime() - acceptedNanos);
                reachedGoal();
            }
            case FAILED -> operationFailed(status);
            case IN_PROGRESS -> {
                polls++;
                double backoff = engine.settings.firstPollDelay().toMillis() * Math.pow(1.5, polls);
                Duration next = max(
                        Duration.ofMillis((long) Math.min(
                                backoff, (double) engine.settings.maxPollDelay().toMillis())),
                        status.retryAfter());
                later(lastLookAt(next), () -> poll(op), FailureClass.TIMEOUT, action + " did not finish");
            }
            default -> throw new IllegalStateException();
        }
    }

    /**
     * The delay before the next poll: {@code next}, or, when that would pass the work end, a last poll just before it
     * (an operation that finishes meanwhile is then seen, not failed as unfinished); once that one is spent,
     * {@code next}, which fails the node.
     */
    private Duration lastLookAt(Duration next) {
        Duration left = TimeBudget.until(engine.budget.workEnd()).minus(LAST_POLL_MARGIN);
        return next.compareTo(left) > 0 && left.compareTo(MIN_LAST_POLL_DELAY) >= 0 ? left : next;
    }

    /** Reads the private IP of the primary NIC, then continues with {@code next}. */
    void address(Runnable next) {
        doing = "reading the VM's address";
        if (nics.isEmpty()) {
            failAndCleanUp(FailureClass.NO_ADDRESS, NO_NIC);
            return;
        }
        String nic = nics.get(0);
        privateIp = engine.prefetchedIps.get(nic.toLowerCase(Locale.ROOT));
        if (privateIp == null) {
            try {
                privateIp = engine.cloud.privateIp(nic);
            } catch (CloudException e) {
                retryOrFail(e, () -> address(next));
                return;
            }
        }
        if (privateIp == null) {
            failAndCleanUp(FailureClass.NO_ADDRESS, noPrivateIp(nic));
            return;
        }
        attempts = 0;
        try {
            engine.listener.address(target.node(), privateIp);
        } catch (RuntimeException e) {
            LOG.error("node {}: reporting the address failed: {}", target.node(), e.toString());
        }
        next.run();
    }

    void reachedGoal() {
        PowerMode mode = engine.settings.mode();
        if (mode == PowerMode.RESUME && engine.settings.readAddress() && privateIp == null) {
            address(this::reachedGoal);
            return;
        }
        if (mode == PowerMode.RESUME) {
            try {
                engine.listener.started(target.node(), target.vm(), vmSize);
            } catch (RuntimeException e) {
                LOG.error("node {}: reporting the instance failed: {}", target.node(), e.toString());
            }
        }
        finish(new NodeOutcome(
                target.node(),
                target.vm(),
                before,
                action,
                null,
                writeAccepted
                        ? Planner.goal(mode).label()
                        : "already " + Planner.goal(mode).label(),
                privateIp,
                elapsed(),
                target.jobIds(),
                writeAccepted ? Duration.ofNanos(System.nanoTime() - firstWriteNanos) : null));
    }

    void operationFailed(Operation.Status status) {
        if (status.retryable()) {
            LOG.info(
                    "node {}: {} of VM {} failed ({}); trying again",
                    target.node(),
                    action,
                    target.vm(),
                    status.describe());
            lastError = new CloudException(
                    status.failureClass(), true, 0, status.errorCode(), status.describe(), null, null);
            later(backoff(), this::read, status.failureClass(), action + " failed: " + status.describe());
            return;
        }
        failAndCleanUp(status.failureClass(), status.describe());
    }

    // --- ends ---

    /**
     * Fails the node; on resume, when a start was sent (Azure may be starting the VM), first asks Azure to
     * deallocate it. Every failure that can follow a write goes through here.
     */
    void failAndCleanUp(FailureClass cls, String detail) {
        if (engine.settings.mode() == PowerMode.RESUME && startSent()) {
            requestDeallocation("the start failed (" + cls.label() + ")");
        }
        fail(cls, detail);
    }

    /** The engine's clean-up at the work end: the start was sent, its outcome is not known. */
    void deallocateAfterTimeout() {
        requestDeallocation("the start did not finish within the deadline");
    }

    /** The start was accepted after the node had already failed (the deadline passed meanwhile). */
    private void startAcceptedTooLate() {
        LOG.warn("node={} vm={}: Azure accepted the start after the deadline", target.node(), target.vm());
        requestDeallocation("the start was accepted after the deadline");
    }

    private void requestDeallocation(String why) {
        try {
            engine.cloud.beginDeallocate(target.vm());
            LOG.warn(
                    "node={} vm={}: {}: deallocation of VM {} requested",
                    target.node(),
                    target.vm(),
                    why,
                    target.vm().resourceId());
        } catch (CloudException e) {
            LOG.error(
                    "node={} vm={}: {}, and the deallocation of VM {} (id {}) failed: {}: the VM may be "
                            + "running; ResumeFailProgram deallocates it after ResumeTimeout",
                    target.node(),
                    target.vm(),
                    why,
                    target.vm().resourceId(),
                    vmId,
                    e.describe());
        }
    }

    void fail(FailureClass cls, String detail) {
        finish(new NodeOutcome(
                target.node(), target.vm(), before, action, cls, detail, privateIp, elapsed(), target.jobIds()));
    }

    NodeOutcome timeoutOutcome() {
        CloudException e = lastError;
        FailureClass cls =
                e != null && e.failure() == FailureClass.THROTTLED ? FailureClass.THROTTLED : FailureClass.TIMEOUT;
        String detail = (writeAccepted
                        ? action + " did not finish"
                        : writeSent ? action + " requested, no answer" : "no answer")
                + " within the deadline of " + engine.deadlineText()
                + (e != null ? " (last error: " + e.describe() + ")" : "");
        return new NodeOutcome(
                target.node(), target.vm(), before, action, cls, detail, privateIp, elapsed(), target.jobIds());
    }

    /** Records the outcome once and tells the listener; later attempts (a step racing the deadline) are ignored. */
    boolean finish(NodeOutcome o) {
        if (!finished.compareAndSet(false, true)) {
            return false;
        }
        outcome = o;
        releaseLockIfIdle();
        try {
            engine.listener.outcome(o);
        } catch (RuntimeException e) {
            LOG.error("node {}: reporting the outcome failed: {}", o.node(), e.toString());
        }
        done.countDown();
        return true;
    }

    synchronized void releaseLockIfIdle() {
        if (!busy) {
            releaseLock();
        }
    }

    private synchronized void releaseLock() {
        if (lock != null) {
            lock.close();
            lock = null;
        }
    }

    // --- plumbing ---

    private void retryOrFail(CloudException e, Runnable again) {
        lastError = e;
        if (e.retryable()) {
            // Throttling: Azure's Retry-After (the throttle gate holds every request of the class meanwhile);
            // anything else backs off exponentially.
            Duration wait = e.failure() == FailureClass.THROTTLED
                    ? max(Duration.ofSeconds(1), e.retryAfter())
                    : max(backoff(), e.retryAfter());
            LOG.debug("node {}: {}, retrying in {} ms", target.node(), e.describe(), wait.toMillis());
            later(wait, again, e.failure(), e.describe());
            return;
        }
        failAndCleanUp(e.failure(), e.describe());
    }

    private Duration backoff() {
        return Duration.ofMillis((long) Math.min(15_000, 1_000 * Math.pow(2, attempts++)));
    }

    /** Runs {@code step} after {@code delay}, or fails now when that would pass the work end. */
    private void later(Duration delay, Runnable step, FailureClass cls, String why) {
        if (System.nanoTime() + delay.toNanos() - engine.budget.workEnd() >= 0) {
            failAndCleanUp(cls, why + " before the deadline");
            return;
        }
        engine.schedule(this, delay, step);
    }

    private Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - engine.budget.startNanos());
    }

    private static Duration max(Duration a, @Nullable Duration b) {
        if (b == null) {
            return a;
        }
        return a.compareTo(b) >= 0 ? a : b;
    }
}
