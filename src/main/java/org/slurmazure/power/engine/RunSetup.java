package org.slurmazure.power.engine;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.slurmazure.power.cloud.CloudVms;
import org.slurmazure.power.config.Config;
import org.slurmazure.power.domain.DeadlinePolicy;
import org.slurmazure.power.domain.FailureClass;
import org.slurmazure.power.domain.PowerMode;
import org.slurmazure.power.domain.TimeBudget;
import org.slurmazure.power.engine.PowerRun.CloudFactory;
import org.slurmazure.power.engine.PowerRun.CloudSetupException;
import org.slurmazure.power.slurm.SlurmControl;
import org.slurmazure.power.slurm.SlurmException;
import org.slurmazure.power.slurm.SlurmLimits;

/**
 * What a run needs before it acts, obtained in parallel within its budget: Slurm's time limits, which may cut the
 * budget, and the Azure client with its token, tried again while the failure may pass.
 */
final class RunSetup {
    private static final Logger LOG = LoggerFactory.getLogger(RunSetup.class);
    /** How long the run waits for Slurm's limits once Azure is reached (they are read in parallel). */
    private static final Duration LIMITS_GRACE = Duration.ofSeconds(2);

    private final PowerMode mode;
    private final Config config;
    private final CloudFactory cloudFactory;
    private final SlurmControl slurm;
    /** Slurm's version and limits, once read ({@code scontrol show config}); null when they could not be. */
    private volatile @Nullable SlurmLimits slurmLimits;

    RunSetup(PowerMode mode, Config config, CloudFactory cloudFactory, SlurmControl slurm) {
        this.mode = mode;
        this.config = config;
        this.cloudFactory = cloudFactory;
        this.slurm = slurm;
    }

    /** Slurm's limits, read in the background until the work end of {@code budget}. */
    CompletableFuture<SlurmLimits> readLimits(TimeBudget budget) {
        long limitsEnd = budget.workEnd();
        return CompletableFuture.supplyAsync(
                () -> {
                    try {
                        return slurm.until(limitsEnd).limits();
                    } catch (SlurmException e) {
                        throw new IllegalStateException(e.getMessage(), e);
                    }
                },
                daemon("slurm-limits"));
    }

    /** The cloud client and its token, set up in the background within {@code budget}. */
    CompletableFuture<CloudVms> startCloud(TimeBudget budget) {
        return CompletableFuture.supplyAsync(
                () -> {
                    try {
                        return cloudFactory.create(tokenLimit(budget));
                    } catch (CloudSetupException e) {
                        throw new CompletionException(e);
                    }
                },
                daemon("azure-token"));
    }

    /** The limits {@link #withSlurmLimits} read, or null when they could not be read. */
    @Nullable
    SlurmLimits slurmLimits() {
        return slurmLimits;
    }

    /** The token request's limit: twice the request timeout, but never past the work end. */
    private Duration tokenLimit(TimeBudget budget) {
        Duration left = TimeBudget.until(budget.workEnd());
        Duration limit = config.limits().requestTimeout().multipliedBy(2);
        return left.compareTo(limit) < 0 ? left : limit;
    }

    /** Cuts the budget where Slurm would give up on the nodes or kill the program, and says so. */
    TimeBudget withSlurmLimits(TimeBudget budget, CompletableFuture<SlurmLimits> pending) throws InterruptedException {
        SlurmLimits limits;
        try {
            limits = pending.get(LIMITS_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.warn(
                    "scontrol show config did not answer within {} s: going on with limits.{}Deadline = {} s",
                    LIMITS_GRACE.toSeconds(),
                    mode == PowerMode.RESUME ? "resume" : "suspend",
                    budget.total().toSeconds());
            return budget;
        } catch (ExecutionException e) {
            LOG.warn(
                    "cannot read Slurm's time limits ({}): going on with the configured deadline of {} s",
                    String.valueOf(e.getCause() == null ? e : e.getCause().getMessage()),
                    budget.total().toSeconds());
            return budget;
        }
        slurmLimits = limits;
        Optional<Duration> kill = limits.killTimer();
        DeadlinePolicy.Decision d = DeadlinePolicy.decide(mode, budget.total(), kill, limits.shortestResumeTimeout());
        LOG.debug(
                "Slurm {}: ResumeTimeout {}, SuspendTimeout {}, kill timer {}",
                limits.version(),
                limits.resumeTimeout(),
                limits.suspendTimeout(),
                kill.map(Duration::toSeconds).orElse(null));
        if (d.why() == null) {
            return budget;
        }
        LOG.warn(
                "limits.{}Deadline ({} s) does not fit in Slurm's limits ({}): this run ends within {} s "
                        + "(run 'slurm-azure-power config check')",
                mode == PowerMode.RESUME ? "resume" : "suspend",
                budget.total().toSeconds(),
                d.why(),
                d.limit().toSeconds());
        return budget.cappedAt(d.limit());
    }

    /** The cloud being set up, waited for until the work end at most. */
    CloudVms awaitCloud(CompletableFuture<CloudVms> pending, TimeBudget budget)
            throws CloudSetupException, InterruptedException {
        try {
            return pending.get(Math.max(0, TimeBudget.until(budget.workEnd()).toNanos()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            pending.cancel(true);
            throw new CloudSetupException(
                    "no token from the identity endpoint before the run's work end", FailureClass.TIMEOUT, false, e);
        } catch (ExecutionException e) {
            Throwable cause = e;
            Throwable inner = e.getCause();
            if (inner instanceof CompletionException c && c.getCause() != null) {
                inner = c.getCause();
            }
            if (inner != null) {
                cause = inner;
            }
            if (cause instanceof CloudSetupException setup) {
                throw setup;
            }
            throw new CloudSetupException(
                    "setting up the Azure client failed: " + cause, FailureClass.INTERNAL, false, cause);
        }
    }

    /** Tries again to reach Azure while the failure may pass (the token endpoint not answering), until the work end. */
    @Nullable
    CloudVms retryCloudSetup(CloudSetupException first, TimeBudget budget) throws InterruptedException {
        CloudSetupException last = first;
        long wait = 1000;
        while (last.retryable()) {
            if (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(wait) - budget.workEnd() >= 0) {
                break;
            }
            LOG.warn("cannot reach Azure yet ({}); trying again in {} s", last.getMessage(), wait / 1000);
            Thread.sleep(wait);
            wait = Math.min(wait * 2, 15_000);
            try {
                return cloudFactory.create(tokenLimit(budget));
            } catch (CloudSetupException e) {
                last = e;
            }
        }
        return null;
    }

    /** Runs each task on a new daemon thread of that name: the run never waits for it to end. */
    private static Executor daemon(String name) {
        return task -> {
            Thread t = new Thread(task, name);
            t.setDaemon(true);
            t.start();
        };
    }
}
