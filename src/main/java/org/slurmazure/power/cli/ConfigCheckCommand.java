package org.slurmazure.power.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import org.slurmazure.power.config.AzureSettings;
import org.slurmazure.power.config.Config;
import org.slurmazure.power.config.ConfigLoader;
import org.slurmazure.power.config.ConfigProblem;
import org.slurmazure.power.config.ConfigReport;
import org.slurmazure.power.config.Credential;
import org.slurmazure.power.config.Durations;
import org.slurmazure.power.config.FileChecks;
import org.slurmazure.power.config.FileInfo;
import org.slurmazure.power.config.Limits;
import org.slurmazure.power.config.NodeGroup;
import org.slurmazure.power.domain.DeadlinePolicy;
import org.slurmazure.power.domain.PowerMode;
import org.slurmazure.power.slurm.SlurmControl;
import org.slurmazure.power.slurm.SlurmException;
import org.slurmazure.power.slurm.SlurmLimits;

/**
 * {@code config check}: validates the configuration and prints a summary (stdout) and the warnings (stderr); on a
 * broken file, one line per problem on stderr and exit code 3. Never prints a secret: only whether secret files
 * exist and have safe permissions.
 */
@Command(
        name = "check",
        mixinStandardHelpOptions = true,
        description = {
            "Validate the configuration file and print a summary of it.",
            "Errors and warnings go to stderr as FILE:LINE:COLUMN: KEY: MESSAGE; exit code 3 on any error."
        })
public final class ConfigCheckCommand implements Callable<Integer> {
    private static final int KEY_WIDTH = 24;
    /** How long config check waits for scontrol show config. */
    static final java.time.Duration SLURM_READ_LIMIT = java.time.Duration.ofSeconds(5);

    @Mixin
    ConfigOption configOption;

    @Mixin
    VerboseOption verboseOption;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path file = configOption.path();
        FileChecks files = FileChecks.system();
        ConfigReport report = ConfigLoader.check(file, files);

        List<ConfigProblem> all = new ArrayList<>(report.errors());
        all.addAll(report.warnings());
        all.sort(ConfigProblem.FILE_ORDER);
        if (!report.valid()) {
            all.forEach(err::println);
            err.flush();
            return ExitCode.CONFIG_ERROR;
        }
        Config config = report.config().orElseThrow();
        summary(config, files, report.warnings().size()).forEach(out::println);
        List<String> slurmWarnings = new ArrayList<>();
        slurmLimits(config, CloudWiring.slurm(config), slurmWarnings).forEach(out::println);
        out.flush();
        all.forEach(err::println);
        slurmWarnings.forEach(w -> err.println(config.source() + ": warning: " + w));
        err.flush();
        return ExitCode.OK;
    }

    /**
     * What slurmctld's configuration says about the programs' time (read with {@code scontrol show config}, within
     * a few seconds), and a warning for each deadline that does not fit in it: a resume must end before
     * ResumeTimeout, and from Slurm 23.02 every program before the kill timer. The programs cut such a deadline
     * themselves on every run (and say so in the log); this says it before the first run.
     */
    static List<String> slurmLimits(Config config, SlurmControl slurm, List<String> warnings) {
        List<String> lines = new ArrayList<>();
        lines.add("slurm.conf (scontrol show config)");
        SlurmLimits limits;
        try {
            limits = slurm.until(System.nanoTime() + SLURM_READ_LIMIT.toNanos()).limits();
        } catch (SlurmException e) {
            row(
                    lines,
                    1,
                    "not read",
                    e.getMessage() + ": compare ResumeTimeout and SuspendTimeout with the " + "limits above by hand");
            return lines;
        }
        row(lines, 1, "version", limits.version() == null ? "(unknown)" : limits.version());
        row(
                lines,
                1,
                "ResumeTimeout",
                seconds(limits.resumeTimeout())
                        + (limits.partitionResumeTimeouts().isEmpty()
                                ? ""
                                : " (partitions: "
                                        + limits.partitionResumeTimeouts().stream()
                                                .map(ConfigCheckCommand::seconds)
                                                .toList()
                                        + ")"));
        row(lines, 1, "SuspendTimeout", seconds(limits.suspendTimeout()));
        row(
                lines,
                1,
                "kill timer",
                limits.killTimer()
                        .map(d -> d.equals(SlurmLimits.INFINITE)
                                ? "none in practice (ResumeTimeout=INFINITE)"
                                : d.toSeconds() + " s after a program starts (Slurm 23.02+ kills it then)")
                        .orElse(limits.hasKillTimer() ? "(unknown)" : "none (Slurm before 23.02)"));
        for (PowerMode mode : List.of(PowerMode.RESUME, PowerMode.SUSPEND)) {
            java.time.Duration configured = mode == PowerMode.RESUME
                    ? config.limits().resumeDeadline()
                    : config.limits().suspendDeadline();
            DeadlinePolicy.Decision d =
                    DeadlinePolicy.decide(mode, configured, limits.killTimer(), limits.shortestResumeTimeout());
            if (d.why() != null) {
                String key = mode == PowerMode.RESUME ? "resumeDeadline" : "suspendDeadline";
                warnings.add("limits." + key + ": " + Durations.format(configured) + " does not fit in Slurm's "
                        + "limits (" + d.why() + "): every " + mode.command() + " ends within "
                        + d.limit().toSeconds()
                        + " s; lower limits." + key + " to that, or raise slurm.conf's timeouts");
            }
        }
        if (limits.resumeTimeoutInfinite()) {
            warnings.add("slurm.conf: ResumeTimeout=INFINITE: Slurm never gives up on a node that does not come up "
                    + "and never calls ResumeFailProgram, so a VM that starts but whose node never registers keeps "
                    + "billing, and its jobs wait; set a finite ResumeTimeout for the Azure partitions");
        }
        return lines;
    }

    private static String seconds(java.time.Duration d) {
        if (d == null) {
            return "(unknown)";
        }
        return d.equals(SlurmLimits.INFINITE) ? "INFINITE" : d.toSeconds() + " s";
    }

    static List<String> summary(Config config, FileChecks files, int warnings) {
        List<String> lines = new ArrayList<>();
        lines.add(config.source() + ": valid"
                + (warnings == 0 ? "" : " (" + warnings + (warnings == 1 ? " warning" : " warnings") + " on stderr)"));
        lines.add("");
        AzureSettings azure = config.azure();
        lines.add("azure");
        row(lines, 1, "cloud", azure.cloud().configName());
        row(lines, 1, "resourceManager", azure.endpoints().resourceManager().toString());
        row(lines, 1, "authority", azure.endpoints().authority().toString());
        row(lines, 1, "audience", azure.endpoints().audience());
        row(lines, 1, "subscriptionId", azure.subscriptionId().orElse("(none: every node group has its own)"));
        Credential credential = azure.credential();
        row(lines, 1, "credential", credential.type());
        if (credential instanceof Credential.ClientCertificate c) {
            row(lines, 2, "tenantId", c.tenantId());
            row(lines, 2, "clientId", c.clientId());
            row(lines, 2, "certificateFile", secretFile(files, c.certificateFile()));
            c.certificatePasswordFile().ifPresent(p -> row(lines, 2, "certificatePasswordFile", secretFile(files, p)));
        } else if (credential instanceof Credential.ClientSecret c) {
            row(lines, 2, "tenantId", c.tenantId());
            row(lines, 2, "clientId", c.clientId());
            row(lines, 2, "secretFile", secretFile(files, c.secretFile()));
        } else if (credential instanceof Credential.ManagedIdentity c) {
            row(lines, 2, "clientId", c.clientId().orElse("(none: the system-assigned identity)"));
        } else if (credential instanceof Credential.AzureCli c) {
            row(lines, 2, "tenantId", c.tenantId().orElse("(the login's default)"));
        }
        row(
                lines,
                1,
                "caCertificates",
                azure.caCertificates().map(Path::toString).orElse("(none)"));
        row(lines, 1, "proxy", azure.proxy().map(p -> p.url()).orElse("(none)"));

        lines.add("cluster");
        row(
                lines,
                1,
                "tag",
                config.clusterTag().name() + "=" + config.clusterTag().value()
                        + " (only VMs with this tag are started or deallocated)");

        int groups = config.nodeGroups().size();
        lines.add("nodeGroups (" + groups + (groups == 1 ? " group, " : " groups, ") + config.nodeCount()
                + (config.nodeCount() == 1 ? " node)" : " nodes)"));
        for (NodeGroup g : config.nodeGroups()) {
            row(
                    lines,
                    1,
                    g.name(),
                    g.nodes() + " (" + g.nodeNames().size() + (g.nodeNames().size() == 1 ? " node)" : " nodes)"));
            row(lines, 2, "subscriptionId", g.subscriptionId());
            row(lines, 2, "resourceGroup", g.resourceGroup());
            String first = g.nodeNames().get(0);
            row(lines, 2, "vmName", g.vmNameTemplate() + " (" + first + " -> " + g.vmName(first) + ")");
        }

        lines.add("slurm");
        row(lines, 1, "scontrol", config.slurm().scontrol().toString());
        row(lines, 1, "setNodeAddr", String.valueOf(config.slurm().setNodeAddr()));

        Limits limits = config.limits();
        lines.add("limits");
        row(lines, 1, "concurrency", String.valueOf(limits.concurrency()));
        row(
                lines,
                1,
                "resumeDeadline",
                Durations.format(limits.resumeDeadline())
                        + " (keep ResumeTimeout in slurm.conf well above it, e.g. "
                        + suggestedTimeout(limits.resumeDeadline().toSeconds()) + ")");
        row(
                lines,
                1,
                "suspendDeadline",
                Durations.format(limits.suspendDeadline())
                        + " (keep SuspendTimeout in slurm.conf well above it, e.g. "
                        + suggestedTimeout(limits.suspendDeadline().toSeconds()) + ")");
        row(lines, 1, "requestTimeout", Durations.format(limits.requestTimeout()));

        lines.add("log");
        row(lines, 1, "file", config.log().file().toString());
        row(lines, 1, "level", config.log().level().name());
        row(lines, 0, "stateDir", config.stateDir().toString());
        return lines;
    }

    /** A round number of seconds at least a minute (or 10%) above a deadline. */
    private static String suggestedTimeout(long deadlineSeconds) {
        return String.valueOf(DeadlinePolicy.suggestedTimeoutSeconds(java.time.Duration.ofSeconds(deadlineSeconds)));
    }

    /** Existence and permissions of a secret file; never its content. */
    private static String secretFile(FileChecks files, Path path) {
        FileInfo info = files.inspect(path);
        StringBuilder sb = new StringBuilder(path.toString()).append(": ");
        switch (info.kind()) {
            case MISSING -> sb.append("MISSING");
            case INACCESSIBLE ->
                sb.append("cannot inspect (").append(info.error().orElse("?")).append(')');
            case DIRECTORY -> sb.append("a directory");
            case OTHER -> sb.append("a special file");
            case FILE -> {
                sb.append("present");
                Optional<String> mode = info.octalMode();
                mode.ifPresent(m -> sb.append(", mode ")
                        .append(m)
                        .append(info.accessibleByGroupOrOthers() ? " (UNSAFE)" : " (safe)"));
                info.owner().ifPresent(o -> sb.append(", owner ").append(o));
                if (!info.readable()) {
                    sb.append(", not readable by this user");
                }
            }
            default -> throw new IllegalStateException(info.kind().toString());
        }
        return sb.toString();
    }

    private static void row(List<String> lines, int indent, String key, String value) {
        String prefix = "  ".repeat(indent) + key;
        int pad = Math.max(1, KEY_WIDTH - prefix.length());
        lines.add(prefix + " ".repeat(pad) + value);
    }
}
