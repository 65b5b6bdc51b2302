package org.slurmazure.power.metrics;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

import org.slurmazure.power.domain.NodeOutcome;

/**
 * What one run of a program (resume, suspend, resume-fail) or one reconcile pass adds to the metrics.
 *
 * @param program        the program: a power program's command name, or {@code reconcile}
 * @param result         how the run ended
 * @param ended          when it ended (the summary line)
 * @param wall           from the process's start to the summary line
 * @param outcomes       one per node (empty for reconcile)
 * @param slurmNotTold   node updates Slurm did not get
 * @param azureRequests  requests sent to Azure
 * @param azureThrottled the 429 answers among them
 * @param retryAfterWait how long Retry-After held requests back
 */
public record RunFigures(
        String program,
        Result result,
        Instant ended,
        Duration wall,
        List<NodeOutcome> outcomes,
        int slurmNotTold,
        long azureRequests,
        long azureThrottled,
        Duration retryAfterWait) {

    /** The {@code result} label of {@link Family#RUNS}. */
    public enum Result {
        /** Every node succeeded and Slurm was told (reconcile: every due action was done). */
        OK,
        /** Some node failed or Slurm was not told about it (reconcile: some action failed). */
        FAILED,
        /** The run could not work at all (scontrol, state directory, credential; reconcile: a side unreadable). */
        ERROR;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public RunFigures {
        Objects.requireNonNull(program, "program");
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(ended, "ended");
        Objects.requireNonNull(wall, "wall");
        outcomes = List.copyOf(outcomes);
        Objects.requireNonNull(retryAfterWait, "retryAfterWait");
    }
}
