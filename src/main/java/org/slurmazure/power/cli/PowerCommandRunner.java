package org.slurmazure.power.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Model.CommandSpec;

import org.slurmazure.power.config.Config;
import org.slurmazure.power.config.ConfigException;
import org.slurmazure.power.config.ConfigLoader;
import org.slurmazure.power.config.ConfigProblem;
import org.slurmazure.power.config.LogSettings;
import org.slurmazure.power.config.Salvage;
import org.slurmazure.power.config.SlurmSettings;
import org.slurmazure.power.domain.FailureClass;
import org.slurmazure.power.domain.PowerMode;
import org.slurmazure.power.engine.DryRun;
import org.slurmazure.power.engine.PowerEngine;
import org.slurmazure.power.engine.PowerRun;
import org.slurmazure.power.hostlist.Hostlist;
import org.slurmazure.power.hostlist.InvalidHostlistException;
import org.slurmazure.power.log.PowerLog;
import org.slurmazure.power.slurm.ResumeFile;
import org.slurmazure.power.slurm.ResumeRequest;
import org.slurmazure.power.slurm.SlurmControl;
import org.slurmazure.power.slurm.SlurmException;

/**
 * What resume, suspend and resume-fail share: read SLURM_RESUME_FILE first (it disappears once slurmctld reaps
 * the program), check the hostlist, load the configuration, open power_save.log, write the invocation line, and run
 * or dry-run. Maps the result to the documented exit codes; everything that matters is also in the log, because
 * under slurmctld nobody reads stdout or stderr.
 */
final class PowerCommandRunner {
    private static final Logger LOG = LoggerFactory.getLogger(PowerCommandRunner.class);
    /** A larger SLURM_RESUME_FILE is not read (the run goes on from the hostlist alone). */
    static final int MAX_RESUME_FILE = 64 << 20;
    /**
     * A hostlist may name at most this many nodes more than the node groups hold: the extra ones (in no group) fail
     * one by one, but a list far larger than the configuration is not one slurmctld sends, and expanding it would
     * only exhaust memory.
     */
    static final long MAX_NODES_BEYOND_GROUPS = 10_000;

    private final CommandSpec spec;
    private final ConfigOption configOption;
    private final VerboseOption verbose;
    private final PowerOptions options;

    PowerCommandRunner(CommandSpec spec, ConfigOption configOption, VerboseOption verbose, PowerOptions options) {
        this.spec = spec;
        this.configOption = configOption;
        this.verbose = verbose;
        this.options = options;
    }

    int run(PowerMode mode, String hostlist) {
        SlurmAzurePower root = (SlurmAzurePower) spec.root().userObject();
        PrintWriter out = spec.commandLine().getOut();
        ResumeInput resume = readResumeFile(mode);
        if (options.offline && !options.dryRun) {
            throw new UserException(ExitCode.INVALID_INPUT, "--offline goes with --dry-run");
        }
        String badCharacter = Hostlist.unsupportedCharacter(hostlist);

        Path configPath = configOption.path();
        Config config;
        try {
            config = ConfigLoader.load(configPath);
        } catch (ConfigException e) {
            return invalidConfiguration(mode, hostlist, badCharacter, configPath, e);
        }

        boolean logged = !options.dryRun || verbose.verbose();
        if (logged) {
            PowerLog.open(
                    config.log().file(),
                    config.log().level() == LogSettings.Level.DEBUG || verbose.verbose(),
                    verbose.verbose(),
                    spec.commandLine().getErr());
        }
        Thread hook = null;
        try {
            logInvocation(mode, hostlist, fixedArguments(hostlist));
            List<String> nodes = expand(mode, hostlist, badCharacter, config.nodeCount());
            Map<String, List<Long>> jobIds = jobIds(resume, nodes);

            PowerRun.CloudFactory cloud = tokenLimit -> CloudWiring.cloud(config, tokenLimit);
            if (options.dryRun) {
                try {
                    return new DryRun(mode, config, cloud, out).print(nodes, options.offline);
                } catch (PowerRun.CloudSetupException e) {
                    throw new UserException(ExitCode.CONFIG_ERROR, e.getMessage(), e);
                }
            }
            PowerRun run = new PowerRun(mode, config, cloud, CloudWiring.slurm(config), out, root.startNanos());
            if (root.ownsProcess()) {
                hook = new Thread(() -> logStopped(mode, run), "stopped");
                Runtime.getRuntime().addShutdownHook(hook);
            }
            PowerRun.Result result = run.execute(nodes, jobIds);
            if (result.setupFailed()
                    || (!result.outcomes().isEmpty()
                            && result.outcomes().stream().allMatch(o -> o.failure() == FailureClass.AUTH))) {
                return ExitCode.CONFIG_ERROR;
            }
            return result.failed() > 0 || result.slurmFailed() ? ExitCode.PARTIAL_FAILURE : ExitCode.OK;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.error("{}: interrupted", mode.command());
            return ExitCode.INTERNAL_ERROR;
        } catch (UserException e) {
            throw e;
        } catch (RuntimeException e) {
            LOG.error("{} {}: internal error: {}", mode.command(), hostlist, e.toString(), e);
            throw e;
        } finally {
            if (hook != null) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException exiting) {
                    // the hook is running or has run
                }
            }
            if (logged) {
                PowerLog.close();
            }
        }
    }

    /**
     * The process is being stopped (SIGTERM: slurmctld's kill timer from 23.02, an admin) while the run is still
     * going: one line per node without an outcome, naming its VM and what was under way. The JVM runs this hook on
     * 22.05 and 24.11 for a few milliseconds before SIGKILL; 26.05 kills at once, so the deadline, not this hook, is
     * what keeps Slurm and Azure in agreement.
     */
    private static void logStopped(PowerMode mode, PowerRun run) {
        List<PowerEngine.Unfinished> unfinished = run.unfinished();
        if (unfinished.isEmpty()) {
            return;
        }
        LOG.error(
                "{}: stopped by a signal before {} node(s) had an outcome (slurmctld's kill timer?)",
                mode.command(),
                unfinished.size());
        for (PowerEngine.Unfinished u : unfinished) {
            LOG.error(
                    "node={} vm={}: stopped while {}: no outcome reported to Slurm; {}",
                    u.node(),
                    u.vm() == null ? "-" : u.vm(),
                    u.doing(),
                    mode == PowerMode.RESUME
                            ? "if the VM starts, ResumeFailProgram deallocates it after ResumeTimeout"
                            : "the VM may still be running");
        }
        PowerLog.close();
    }

    /**
     * The configuration cannot be used: the run logs where the configuration says (when its {@code log} section is
     * valid), and, for resume and suspend, marks the nodes down with the reason, so that jobs requeue at once and
     * admins see why. Exit 3.
     */
    private int invalidConfiguration(
            PowerMode mode, String hostlist, String badCharacter, Path configPath, ConfigException e) {
        String first = firstProblem(e);
        String summary = "invalid configuration " + configPath + ": " + first
                + (e.problems().size() > 1
                        ? " (and " + (e.problems().size() - 1) + " more: run 'slurm-azure-power config check')"
                        : "");
        if (!options.dryRun) {
            Salvage salvage = e.salvage();
            PowerLog.open(
                    salvage.logFile().orElse(LogSettings.DEFAULT_FILE),
                    false,
                    verbose.verbose(),
                    spec.commandLine().getErr());
            try {
                logInvocation(mode, hostlist, fixedArguments(hostlist));
                LOG.error(
                        "{} {}: {} ({} problem(s)); nothing done",
                        mode.command(),
                        hostlist,
                        summary,
                        e.problems().size());
                markDown(
                        mode,
                        hostlist,
                        badCharacter,
                        salvage,
                        "azure: config: invalid configuration " + configPath + ": " + first);
            } finally {
                PowerLog.close();
            }
        }
        throw new UserException(ExitCode.CONFIG_ERROR, summary);
    }

    /** Marks the hostlist's nodes down with {@code reason}, with the salvaged scontrol; logs what it could not do. */
    private void markDown(PowerMode mode, String hostlist, String badCharacter, Salvage salvage, String reason) {
        if (mode == PowerMode.RESUME_FAIL) {
            return; // ResumeTimeout left them DOWN already
        }
        List<String> nodes;
        try {
            nodes = expand(mode, hostlist, badCharacter, 0);
        } catch (UserException bad) {
            return; // logged
        }
        Path scontrol = salvage.scontrol().orElse(SlurmSettings.DEFAULT_SCONTROL);
        SlurmControl slurm = CloudWiring.slurm(scontrol)
                .until(System.nanoTime() + Duration.ofSeconds(30).toNanos());
        Map<String, String> reasons = new LinkedHashMap<>();
        nodes.forEach(n -> reasons.put(n, reason));
        try {
            slurm.failNodes(reasons);
            LOG.info("slurm: mark down {}: done", Hostlist.compress(nodes));
        } catch (SlurmException ex) {
            LOG.error(
                    "slurm: mark down {}: FAILED: {}; the nodes wait for ResumeTimeout",
                    Hostlist.compress(nodes),
                    ex.getMessage());
        }
    }

    /** Expands the hostlist after checking what slurmctld could never send; logs and throws on bad input. */
    private List<String> expand(PowerMode mode, String hostlist, String badCharacter, long groupNodes) {
        if (badCharacter != null) {
            LOG.error("{}: {}; nothing done", mode.command(), badCharacter);
            throw new UserException(ExitCode.INVALID_INPUT, badCharacter);
        }
        try {
            long count = Hostlist.count(hostlist);
            if (count > groupNodes + MAX_NODES_BEYOND_GROUPS) {
                String why = "the hostlist names " + count + " nodes, far more than the node groups hold (" + groupNodes
                        + "): not a list slurmctld sends";
                LOG.error("{}: {}; nothing done", mode.command(), why);
                throw new UserException(ExitCode.INVALID_INPUT, why);
            }
            List<String> nodes = Hostlist.expand(hostlist);
            if (nodes.isEmpty()) {
                LOG.error("{}: the hostlist names no node; nothing done", mode.command());
                throw new UserException(ExitCode.INVALID_INPUT, "the hostlist \"" + hostlist + "\" names no node");
            }
            return nodes;
        } catch (InvalidHostlistException e) {
            LOG.error("{}: {}; nothing done", mode.command(), e.getMessage());
            throw new UserException(ExitCode.INVALID_INPUT, e.getMessage());
        }
    }

    /** What SLURM_RESUME_FILE held, read first thing: slurmctld removes it when it reaps the program. */
    private record ResumeInput(String file, String json, String problem) {}

    private ResumeInput readResumeFile(PowerMode mode) {
        String file = mode != PowerMode.RESUME
                ? null
                : options.resumeFile != null ? options.resumeFile.toString() : System.getenv(ResumeFile.ENV);
        if (file == null) {
            return new ResumeInput(null, null, null);
        }
        try (InputStream in = Files.newInputStream(Path.of(file))) {
            byte[] bytes = in.readNBytes(MAX_RESUME_FILE + 1);
            if (bytes.length > MAX_RESUME_FILE) {
                return new ResumeInput(
                        file,
                        null,
                        "SLURM_RESUME_FILE " + file + " is larger than " + (MAX_RESUME_FILE >> 20) + " MiB: not read");
            }
            return new ResumeInput(file, new String(bytes, StandardCharsets.UTF_8), null);
        } catch (IOException | RuntimeException e) {
            return new ResumeInput(file, null, "cannot read SLURM_RESUME_FILE " + file + ": " + e);
        }
    }

    /** The jobs behind each node, from the resume file; only jobs that touch this run's nodes are logged. */
    private static Map<String, List<Long>> jobIds(ResumeInput resume, List<String> nodes) {
        if (resume.problem() != null) {
            LOG.warn("{}; going on from the hostlist alone", resume.problem());
            return Map.of();
        }
        if (resume.json() == null) {
            return Map.of();
        }
        try {
            ResumeRequest request = ResumeFile.parse(resume.json());
            Map<String, List<Long>> byNode = ResumeFile.jobIdsByNode(request);
            // 26.05 may list jobs whose nodes another invocation resumes: name only the jobs of these nodes.
            java.util.Set<Long> ours = new java.util.TreeSet<>();
            for (String node : nodes) {
                ours.addAll(byNode.getOrDefault(node, List.of()));
            }
            LOG.info("resume file {}: {} job(s) {} for nodes {}", resume.file(), ours.size(), ours, request.allNodes());
            return byNode;
        } catch (Exception e) {
            LOG.warn(
                    "SLURM_RESUME_FILE {} is unusable ({}); going on from the hostlist alone",
                    resume.file(),
                    e.getMessage());
            return Map.of();
        }
    }

    /**
     * The classic first line of every run: {@code User slurm invoked Resume <program> <hostlist>}, then the other
     * arguments, if any: the fixed arguments of a PowerAction (26.05) or an admin's options.
     */
    private static void logInvocation(PowerMode mode, String hostlist, List<String> others) {
        LOG.info(
                "User {} invoked {} {} {}{}",
                System.getProperty("user.name"),
                mode.slurmName(),
                program(mode),
                hostlist,
                others.isEmpty() ? "" : " (arguments: " + String.join(" ", others) + ")");
    }

    /** The arguments besides the subcommand and the hostlist (slurmctld passes the hostlist last). */
    private List<String> fixedArguments(String hostlist) {
        List<String> args = new ArrayList<>(spec.commandLine().getParseResult().originalArgs());
        if (!args.isEmpty() && args.get(0).equals(spec.name())) {
            args.remove(0);
        }
        int last = args.lastIndexOf(hostlist);
        if (last >= 0) {
            args.remove(last);
        }
        return args;
    }

    private static String program(PowerMode mode) {
        String program = System.getProperty("slurm.azure.program");
        return program != null ? program : "slurm-azure-power " + mode.command();
    }

    private static String firstProblem(ConfigException e) {
        for (ConfigProblem p : e.problems()) {
            if (p.isError()) {
                return p.toString();
            }
        }
        return e.getMessage();
    }
}
