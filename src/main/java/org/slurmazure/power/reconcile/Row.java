package org.slurmazure.power.reconcile;

import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * One node of a status or a reconcile pass: what both sides show, the verdict, since when, and whether the pass acts
 * on it now (its grace has passed).
 *
 * @param since when this verdict was first seen by a pass (now when unknown)
 * @param due   the action's grace has passed: a reconcile pass acts on it
 */
public record Row(Observation observation, Judge.Judgement judgement, Instant since, boolean due) {

    /** How long the node has had this verdict, as far as the passes saw. */
    public Duration age(Instant now) {
        return Duration.between(since, now);
    }

    public String node() {
        return observation.node();
    }

    public Verdict verdict() {
        return judgement.verdict();
    }

    /** The node's Slurm state, or "-" when slurmctld does not know it. */
    public String slurmState() {
        return observation.slurm() == null ? "-" : observation.slurm().state();
    }

    public String powerState() {
        if (observation.missing()) {
            return "missing";
        }
        return observation.azure() == null
                ? "-"
                : observation.azure().powerState().label()
                        + (observation.azure().updating() ? "(updating)" : "");
    }

    public @Nullable String reason() {
        return observation.slurm() == null || observation.slurm().reason().isEmpty()
                ? null
                : observation.slurm().reason();
    }
}
