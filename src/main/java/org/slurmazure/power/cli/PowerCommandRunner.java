package org.slurmazure.power.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slurmazure.power.config.Config;
import org.slurmazure.power.config.ConfigException;
import org.slurmazure.power.config.ConfigLoader;
import org.slurmazure.power.config.ConfigProblem;
import org.slurmazure.power.config.LogSettings;
import org.slurmazure.power.core.FailureClass;
import org.slurmazure.power.core.PowerMode;
import org.slurmazure.power.hostlist.Hostlist;
import org.slurmazure.power.hostlist.InvalidHostlistException;
import org.slurmazure.power.power.PowerLog;
import org.slurmazure.power.power.PowerRun;
import org.slurmazure.power.slurm.ResumeFile;
import org.slurmazure.power.slurm.ResumeRequest;

import picocli.CommandLine.Model.CommandSpec;

/**
 * What resume, suspend and resume-fail share: read SLURM_RESUME_FILE first (it disappears once slurmctld reaps
 * the program), load the configuration, open power_save.log, write the invocation line, expand the hostlist, and
 * run or dry-run. Maps the result to the documented exit codes; everything that matters is also in the log,
 * because under slurmctld nobody reads stdout or stderr.
 */
final class PowerCommandRunner {
    private static final Logger LOG = LoggerFactory.getLogger(PowerCommandRunner.class);

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
        PrintWriter out = spec.commandLine().getOut();
        String resumeFile = mode != PowerMode.RESUME ? null
                : options.resumeFile != null ? options.resumeFile.toString() : System.getenv(ResumeFile.ENV);
        String resumeJson = null;
        String resumeFileProblem = null;
        if (resumeFile != null) {
            try {
                resumeJson = Files.readString(Path.of(resumeFile));
            } catch (IOException | RuntimeException e) {
                resumeFileProblem = "cannot read SLURM_RESUME_FILE " + resumeFile + ": " + e;
            }
        }
        if (options.offline && !options.dryRun) {
            throw new UserException(ExitCode.INVALID_INPUT, "--offline goes with --dry-run");
        }

        Path configPath = configOption.path();
        Config config;
        try {
            config = ConfigLoader.load(configPath);
        } catch (ConfigException e) {
            // The log file is named by the configuration: fall back to the default one (or stderr).
            if (!options.dryRun) {
                PowerLog.open(LogSettings.DEFAULT_FILE, false, verbose.verbose());
                LOG.error("{} {}: invalid configuration {}: {} ({} problem(s)); nothing done", mode.command(),
                        hostlist, configPath, firstProblem(e), e.problems().size());
                PowerLog.close();
            }
            throw new UserException(ExitCode.CONFIG_ERROR, "invalid configuration " + configPath + ": "
                    + firstProblem(e) + (e.problems().size() > 1 ? " (and " + (e.problems().size() - 1)
                    + " more: run 'slurm-azure-power config check')" : ""));
        }

        boolean logged = !options.dryRun || verbose.verbose();
        if (logged) {
            if (!PowerLog.open(config.log().file(), config.log().level() == LogSettings.Level.DEBUG || verbose.verbose(),
                    verbose.verbose())) {
                spec.commandLine().getErr().println(spec.name() + ": warning: cannot write " + config.log().file()
                        + "; logging to stderr");
            }
        }
        try {
            LOG.info("User {} invoked {} {} {}", System.getProperty("user.name"), mode.slurmName(), program(mode),
                    hostlist);
            List<String> nodes;
            try {
                nodes = Hostlist.expand(hostlist);
            } catch (InvalidHostlistException e) {
                LOG.error("{}: {}; nothing done", mode.command(), e.getMessage());
                throw new UserException(ExitCode.INVALID_INPUT, e.getMessage());
            }
            if (nodes.isEmpty()) {
                LOG.error("{}: the hostlist names no node; nothing done", mode.command());
                throw new UserException(ExitCode.INVALID_INPUT, "the hostlist \"" + hostlist + "\" names no node");
            }
            Map<String, List<Long>> jobIds = jobIds(resumeFile, resumeJson, resumeFileProblem);

            PowerRun run = new PowerRun(mode, config, () -> CloudWiring.cloud(config), CloudWiring.slurm(config), out);
            if (options.dryRun) {
                try {
                    return run.dryRun(nodes, options.offline);
                } catch (PowerRun.CloudSetupException e) {
                    throw new UserException(ExitCode.CONFIG_ERROR, e.getMessage(), e);
                }
            }
            PowerRun.Result result = run.execute(nodes, jobIds);
            if (result.setupFailed() || (!result.outcomes().isEmpty()
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
            if (logged) {
                PowerLog.close();
            }
        }
    }

    private static Map<String, List<Long>> jobIds(String file, String json, String problem) {
        if (problem != null) {
            LOG.warn("{}; going on from the hostlist alone", problem);
            return Map.of();
        }
        if (json == null) {
            return Map.of();
        }
        try {
            ResumeRequest request = ResumeFile.parse(json);
            LOG.info("resume file {}: {} job(s) {} for nodes {}", file, request.jobs().size(),
                    request.jobs().stream().map(j -> Long.toString(j.jobId())).toList(), request.allNodes());
            return ResumeFile.jobIdsByNode(request);
        } catch (Exception e) {
            LOG.warn("SLURM_RESUME_FILE {} is unusable ({}); going on from the hostlist alone", file, e.getMessage());
            return Map.of();
        }
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
