package org.slurmazure.power.slurm;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * What slurmctld's configuration says about the power programs' time: its version, the global ResumeTimeout and
 * SuspendTimeout, and the partitions' own ResumeTimeouts. From Slurm 23.02 the programs run under a kill timer:
 * slurmscriptd kills their process group (SIGTERM, then SIGKILL a few ms later) once the largest of the global
 * ResumeTimeout, the global SuspendTimeout and every partition's ResumeTimeout has passed (a partition's
 * SuspendTimeout counts by its ResumeTimeout, src/slurmctld/power_save.c through 25.11).
 *
 * @param version               slurmctld's version, e.g. {@code 22.05.8}, or null when not known
 * @param resumeTimeout         the global ResumeTimeout, or null when unknown or INFINITE
 * @param suspendTimeout        the global SuspendTimeout, or null when unknown
 * @param partitionResumeTimeouts the ResumeTimeouts that partitions set themselves
 */
public record SlurmLimits(
        @Nullable String version,
        @Nullable Duration resumeTimeout,
        @Nullable Duration suspendTimeout,
        List<Duration> partitionResumeTimeouts) {
    private static final Pattern CONFIG_LINE = Pattern.compile("(?m)^\\s*(\\w+)\\s*=\\s*(.*?)\\s*$");
    private static final Pattern PARTITION_RESUME = Pattern.compile("(?:^|\\s)ResumeTimeout=(\\S+)");
    /**
     * A timeout of INFINITE: slurmctld stores it as 65534 s (INFINITE16), and its kill timer, the largest timeout,
     * takes that value: in effect none.
     */
    public static final Duration INFINITE = Duration.ofSeconds(0xfffe);

    private static final Pattern SECONDS = Pattern.compile("(\\d+)(?:\\s*sec)?");

    public SlurmLimits {
        partitionResumeTimeouts = List.copyOf(partitionResumeTimeouts);
    }

    /** Reads {@code scontrol show config} and {@code scontrol show partition --oneliner} (the latter may be null). */
    public static SlurmLimits parse(@Nullable String showConfig, @Nullable String showPartitions) {
        String version = null;
        Duration resume = null;
        Duration suspend = null;
        Matcher m = CONFIG_LINE.matcher(showConfig == null ? "" : showConfig);
        while (m.find()) {
            switch (m.group(1)) {
                case "SLURM_VERSION" -> version = m.group(2);
                case "ResumeTimeout" -> resume = seconds(m.group(2));
                case "SuspendTimeout" -> suspend = seconds(m.group(2));
                default -> {
                    // not ours
                }
            }
        }
        List<Duration> partitions = new ArrayList<>();
        if (showPartitions != null) {
            for (String line : showPartitions.lines().toList()) {
                Matcher p = PARTITION_RESUME.matcher(line);
                if (p.find()) {
                    Duration d = seconds(p.group(1));
                    if (d != null) {
                        partitions.add(d);
                    }
                }
            }
        }
        return new SlurmLimits(version, resume, suspend, partitions);
    }

    /** True from Slurm 23.02 on, where slurmscriptd kills a program that outlives the kill timer. */
    public boolean hasKillTimer() {
        return atLeast(23, 2);
    }

    /** True when slurmctld's version is at least {@code major.minor}; false when unknown. */
    public boolean atLeast(int major, int minor) {
        if (version == null) {
            return false;
        }
        Matcher v = Pattern.compile("^(\\d+)\\.(\\d+)").matcher(version.trim());
        if (!v.find()) {
            return false;
        }
        int maj = Integer.parseInt(v.group(1));
        int min = Integer.parseInt(v.group(2));
        return maj > major || (maj == major && min >= minor);
    }

    /** When slurmscriptd kills the program (23.02+), counted from its start; empty when there is no kill timer. */
    public Optional<Duration> killTimer() {
        if (!hasKillTimer()) {
            return Optional.empty();
        }
        Duration max = null;
        for (Duration d : all(true)) {
            max = max == null || d.compareTo(max) > 0 ? d : max;
        }
        return Optional.ofNullable(max);
    }

    /** The shortest ResumeTimeout of the global value and the partitions': after it Slurm fails a resuming node. */
    public Optional<Duration> shortestResumeTimeout() {
        Duration min = null;
        for (Duration d : all(false)) {
            if (d.equals(INFINITE)) {
                continue; // Slurm never gives up on such a node
            }
            min = min == null || d.compareTo(min) < 0 ? d : min;
        }
        return Optional.ofNullable(min);
    }

    private List<Duration> all(boolean withSuspend) {
        List<Duration> all = new ArrayList<>(partitionResumeTimeouts);
        if (resumeTimeout != null) {
            all.add(resumeTimeout);
        }
        if (withSuspend && suspendTimeout != null) {
            all.add(suspendTimeout);
        }
        return all;
    }

    /**
     * {@code 600 sec}, {@code 600}; {@link #INFINITE} for INFINITE or UNLIMITED (ResumeTimeout=INFINITE, 25.05+);
     * null for GLOBAL or anything else.
     */
    private static @Nullable Duration seconds(String value) {
        String v = value.trim();
        if (v.equalsIgnoreCase("INFINITE") || v.equalsIgnoreCase("UNLIMITED")) {
            return INFINITE;
        }
        Matcher s = SECONDS.matcher(v);
        return s.matches() ? Duration.ofSeconds(Long.parseLong(s.group(1))) : null;
    }

    /** True when the global ResumeTimeout or a partition's is INFINITE: Slurm then never fails a resuming node. */
    public boolean resumeTimeoutInfinite() {
        return INFINITE.equals(resumeTimeout) || partitionResumeTimeouts.contains(INFINITE);
    }
}
