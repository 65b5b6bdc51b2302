package org.slurmazure.power.doctor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

import org.slurmazure.power.config.Config;
import org.slurmazure.power.config.Durations;
import org.slurmazure.power.domain.DeadlinePolicy;
import org.slurmazure.power.domain.PowerMode;
import org.slurmazure.power.slurm.SlurmLimits;

/**
 * Slurm's timeouts against the programs' deadlines: ResumeTimeout and SuspendTimeout leave room above
 * limits.resumeDeadline and limits.suspendDeadline, and the kill timer of Slurm 23.02+ cuts neither.
 */
final class TimeoutChecks extends SlurmTopic {
    TimeoutChecks(Config config, SlurmView slurm, Set<String> groupNodes) {
        super(config, slurm, groupNodes);
    }

    @Override
    List<Check> check() {
        resumeTimeout();
        suspendTimeout();
        killTimer();
        return checks();
    }

    /** ResumeTimeout, global and of each partition with cloud nodes, leaves room above limits.resumeDeadline. */
    private void resumeTimeout() {
        Duration deadline = config.limits().resumeDeadline();
        List<Scoped> timeouts = timeouts("ResumeTimeout");
        List<String> infinite = infinite("ResumeTimeout");
        if (!infinite.isEmpty()) {
            warn(
                    "ResumeTimeout",
                    "ResumeTimeout=INFINITE (" + String.join(", ", infinite) + "): Slurm never gives up on a node "
                            + "that does not come up and never calls ResumeFailProgram, so a VM that starts but whose "
                            + "node never registers keeps billing, and its jobs wait",
                    "set a finite ResumeTimeout (e.g. " + DeadlinePolicy.suggestedTimeoutSeconds(deadline)
                            + ") for the Azure partitions");
            return;
        }
        if (timeouts.isEmpty()) {
            warn(
                    "ResumeTimeout",
                    "ResumeTimeout not readable from scontrol show config ("
                            + Wording.orNone(slurm.config().get("ResumeTimeout")) + ")",
                    "set ResumeTimeout=" + DeadlinePolicy.suggestedTimeoutSeconds(deadline) + " in slurm.conf");
            return;
        }
        roomAbove(
                "ResumeTimeout",
                "limits.resumeDeadline",
                deadline,
                timeouts,
                fits -> "every resume ends within " + fits.toSeconds()
                        + " s instead, and a VM that starts slowly fails sooner");
    }

    /**
     * SuspendTimeout, global and of each partition with cloud nodes, leaves room above limits.suspendDeadline: else
     * Slurm counts a node as powered down (and may resume it) while the suspend program still deallocates its VM.
     */
    private void suspendTimeout() {
        Duration deadline = config.limits().suspendDeadline();
        List<Scoped> timeouts = timeouts("SuspendTimeout");
        if (timeouts.isEmpty()) {
            warn(
                    "SuspendTimeout",
                    "SuspendTimeout not readable from scontrol show config",
                    "set SuspendTimeout=" + DeadlinePolicy.suggestedTimeoutSeconds(deadline) + " in slurm.conf");
            return;
        }
        roomAbove(
                "SuspendTimeout",
                "limits.suspendDeadline",
                deadline,
                timeouts,
                fits -> "Slurm counts a node as "
                        + "powered down, and may resume it, while its VM is still being deallocated (the resume then waits for "
                        + "it)");
    }

    /**
     * Warns when a timeout, global or of a partition, leaves no room for the deadline above it (the programs would
     * cut their deadline to what fits); else passes.
     */
    private void roomAbove(
            String name,
            String deadlineKey,
            Duration deadline,
            List<Scoped> timeouts,
            Function<Duration, String> consequence) {
        List<String> short_ = new ArrayList<>();
        Duration fits = deadline;
        for (Scoped t : timeouts) {
            Duration room = DeadlinePolicy.fittingDeadline(t.value());
            if (room.compareTo(deadline) < 0) {
                short_.add(t.describe());
                fits = room.compareTo(fits) < 0 ? room : fits;
            }
        }
        if (!short_.isEmpty()) {
            warn(
                    name,
                    name + " " + String.join(", ", short_) + " leaves no room above " + deadlineKey + " "
                            + Durations.format(deadline) + ": " + consequence.apply(fits),
                    "raise " + name + " to " + DeadlinePolicy.suggestedTimeoutSeconds(deadline) + " in slurm.conf, or "
                            + "lower " + deadlineKey + " to " + fits.toSeconds() + "s");
        } else {
            pass(
                    name,
                    name + " " + describe(timeouts) + ": room above " + deadlineKey + " " + Durations.format(deadline));
        }
    }

    /** From 23.02 slurmscriptd kills every program at the largest ResumeTimeout/SuspendTimeout. */
    private void killTimer() {
        if (!limits.hasKillTimer()) {
            pass(
                    "kill timer",
                    "none before Slurm 23.02: slurmctld does not kill the programs"
                            + (limits.version() == null ? " (version unknown)" : ""));
            return;
        }
        Optional<Duration> timer = limits.killTimer();
        if (timer.isEmpty()) {
            warn(
                    "kill timer",
                    "the kill timer of Slurm 23.02+ cannot be told: no ResumeTimeout or SuspendTimeout readable",
                    "set ResumeTimeout and SuspendTimeout in slurm.conf");
            return;
        }
        if (timer.get().equals(SlurmLimits.INFINITE)) {
            pass("kill timer", "none in practice: a ResumeTimeout is INFINITE (65534 s)");
            return;
        }
        List<String> cut = new ArrayList<>();
        for (PowerMode mode : List.of(PowerMode.RESUME, PowerMode.SUSPEND)) {
            Duration configured = mode == PowerMode.RESUME
                    ? config.limits().resumeDeadline()
                    : config.limits().suspendDeadline();
            DeadlinePolicy.Decision d = DeadlinePolicy.decide(mode, configured, timer, Optional.empty());
            if (d.why() != null) {
                cut.add("limits." + (mode == PowerMode.RESUME ? "resumeDeadline " : "suspendDeadline ")
                        + Durations.format(configured) + " is cut to "
                        + d.limit().toSeconds() + " s");
            }
        }
        if (!cut.isEmpty()) {
            warn(
                    "kill timer",
                    "Slurm kills every program " + timer.get().toSeconds() + " s after its start (the largest "
                            + "ResumeTimeout/SuspendTimeout): " + String.join("; ", cut),
                    "raise SuspendTimeout or ResumeTimeout in slurm.conf, or lower the deadlines");
        } else {
            pass("kill timer", timer.get().toSeconds() + " s after a program starts: the deadlines end before it");
        }
    }

    /** A timeout and where it is set. */
    private record Scoped(@Nullable String partition, Duration value) {
        String describe() {
            return value.toSeconds() + " s" + (partition == null ? " (global)" : " (partition " + partition + ")");
        }
    }

    /** The global value of {@code key} and the values of the partitions with cloud nodes of the groups. */
    private List<Scoped> timeouts(String key) {
        List<Scoped> out = new ArrayList<>();
        SlurmView.seconds(slurm.get(key)).ifPresent(d -> out.add(new Scoped(null, d)));
        for (SlurmView.Partition p : relevantPartitions()) {
            SlurmView.seconds(p.field(key)).ifPresent(d -> out.add(new Scoped(p.name(), d)));
        }
        return out;
    }

    /**
     * Where {@code key} is INFINITE (or UNLIMITED) for nodes of the groups: on their partitions, or globally when one
     * of their partitions (or a node in none) takes the global value.
     */
    private List<String> infinite(String key) {
        List<String> out = new ArrayList<>();
        boolean inherits = slurm.nodes().stream()
                        .anyMatch(n ->
                                groupNodes.contains(n.name()) && n.partitions().isEmpty())
                || relevantPartitions().stream().anyMatch(p -> {
                    String v = p.field(key);
                    return v == null || v.equalsIgnoreCase("GLOBAL");
                });
        if (inherits && isInfinite(slurm.config().get(key))) {
            out.add("global");
        }
        for (SlurmView.Partition p : relevantPartitions()) {
            if (isInfinite(p.field(key))) {
                out.add("partition " + p.name());
            }
        }
        return out;
    }

    private static boolean isInfinite(@Nullable String value) {
        return value != null
                && (value.strip().equalsIgnoreCase("INFINITE") || value.strip().equalsIgnoreCase("UNLIMITED"));
    }

    /** The partitions holding nodes of the node groups. */
    private List<SlurmView.Partition> relevantPartitions() {
        Set<String> relevant = new LinkedHashSet<>();
        for (SlurmView.Node n : slurm.nodes()) {
            if (groupNodes.contains(n.name())) {
                relevant.addAll(n.partitions());
            }
        }
        List<SlurmView.Partition> out = new ArrayList<>();
        for (SlurmView.Partition p : slurm.partitions()) {
            if (relevant.contains(p.name())) {
                out.add(p);
            }
        }
        return out;
    }

    private static String describe(List<Scoped> timeouts) {
        List<String> parts = new ArrayList<>();
        timeouts.forEach(t -> parts.add(t.describe()));
        return String.join(", ", parts);
    }
}
