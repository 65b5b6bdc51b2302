package org.slurmazure.power.engine;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.slurmazure.power.cloud.CloudVms;
import org.slurmazure.power.domain.FailureClass;
import org.slurmazure.power.domain.NodeOutcome;
import org.slurmazure.power.domain.Planner;
import org.slurmazure.power.domain.PowerMode;
import org.slurmazure.power.engine.PowerRun.Result;
import org.slurmazure.power.slurm.SlurmReporter;

/**
 * What a run says: one power_save.log line per node (and a warning naming the VM that may still bill), one line per
 * node on stdout, and the summary. Each node's outcome goes on to the {@link SlurmReporter}.
 */
final class RunOutput {
    private static final Logger LOG = LoggerFactory.getLogger(RunOutput.class);

    private final PowerMode mode;
    private final PrintWriter out;

    RunOutput(PowerMode mode, PrintWriter out) {
        this.mode = mode;
        this.out = out;
    }

    void record(NodeOutcome o, @Nullable SlurmReporter reporter) {
        String vm = o.vm() == null ? "-" : o.vm().toString();
        String jobs = o.jobIds().isEmpty()
                ? "-"
                : String.join(",", o.jobIds().stream().map(String::valueOf).toList());
        String seconds = String.format(Locale.ROOT, "%.1fs", o.duration().toMillis() / 1000.0);
        FailureClass failure = o.failure();
        if (failure == null) {
            LOG.info(
                    "node={} vm={} action={} result=ok state={}->{} ip={} duration={} jobs={}",
                    o.node(),
                    vm,
                    o.action(),
                    o.before() == null ? "-" : o.before().label(),
                    Planner.goal(mode).label(),
                    o.privateIp() == null ? "-" : o.privateIp(),
                    seconds,
                    jobs);
        } else {
            LOG.error(
                    "node={} vm={} action={} result=failed class={} duration={} jobs={} detail=\"{}\"",
                    o.node(),
                    vm,
                    o.action(),
                    failure.label(),
                    seconds,
                    jobs,
                    o.detail());
            if (mode != PowerMode.RESUME && o.vm() != null && !failure.permanent()) {
                LOG.error(
                        "node={}: VM {} may still be running (and billing): not deallocated",
                        o.node(),
                        o.vm().resourceId());
            }
        }
        out.printf(
                "%-16s %-8s %s%n",
                o.node(),
                o.ok() ? "ok" : "FAILED",
                o.ok() ? o.detail() + (o.privateIp() == null ? "" : " " + o.privateIp()) : o.slurmReason());
        out.flush();
        if (reporter != null) {
            reporter.accept(o);
        }
    }

    void summary(Result r, Duration wall, CloudVms.@Nullable RequestCounts requests) {
        String line = String.format(
                Locale.ROOT,
                "summary: %s %d nodes: %d ok, %d failed, wall %.1fs%s%s",
                mode.command(),
                r.outcomes().size(),
                r.outcomes().size() - r.failed(),
                r.failed(),
                wall.toMillis() / 1000.0,
                requests == null
                        ? ""
                        : ", " + requests.sent() + " Azure requests, " + requests.throttled() + " throttled",
                r.slurmFailed() ? ", Slurm not told about " + r.slurmNotTold() + " node(s) (see above)" : "");
        if (r.failed() > 0 || r.slurmFailed()) {
            LOG.warn(line);
        } else {
            LOG.info(line);
        }
        out.println(line);
    }
}
