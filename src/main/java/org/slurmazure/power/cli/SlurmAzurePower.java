package org.slurmazure.power.cli;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The root command. The whole command tree is declared here; each leaf is one class. {@link #main} is the only
 * place that ends the process ({@link ProcessExit}).
 */
@Command(
        name = "slurm-azure-power",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Slurm power saving for a pool of pre-created Azure VMs: resume, suspend and resume-fail.",
        subcommands = {
            ConfigCommand.class,
            ResolveCommand.class,
            ResumeCommand.class,
            SuspendCommand.class,
            ResumeFailCommand.class,
            StatusCommand.class,
            ReconcileCommand.class,
            DoctorCommand.class,
            HostlistCommand.class,
            TrainStartArchiveCommand.class,
            CommandLine.HelpCommand.class,
        },
        // The exit codes of README "Exit codes" (ExitCode); the man pages take them from here too.
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success: every node (or input) succeeded",
            "1:the operation failed for some nodes (see the log), or Slurm was not told about some node",
            "2:invalid input or usage",
            "3:configuration, credential or scontrol error",
            "4:internal error (a bug: run with --verbose for the stack trace)"
        })
public final class SlurmAzurePower implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** When this invocation started ({@link System#nanoTime()} scale): the process's start when run by main. */
    private final long startNanos;
    /** True when this is the process's own command line (main), false when a test runs it in its JVM. */
    private final boolean ownsProcess;

    private SlurmAzurePower(long startNanos, boolean ownsProcess) {
        this.startNanos = startNanos;
        this.ownsProcess = ownsProcess;
    }

    long startNanos() {
        return startNanos;
    }

    boolean ownsProcess() {
        return ownsProcess;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required");
    }

    /**
     * Builds the command line with the project's error handling; tests call this to run commands in-process. The
     * power programs' deadlines count from now.
     */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        return commandLine(out, err, System.nanoTime(), false);
    }

    private static CommandLine commandLine(PrintWriter out, PrintWriter err, long startNanos, boolean ownsProcess) {
        CommandLine cmd = new CommandLine(new SlurmAzurePower(startNanos, ownsProcess));
        cmd.setOut(out);
        cmd.setErr(err);
        cmd.setExecutionExceptionHandler(new ErrorHandler());
        cmd.setParameterExceptionHandler(new ErrorHandler());
        return cmd;
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        ProcessExit.exit(commandLine(out, err, processStartNanos(), true).execute(args));
    }

    /**
     * When this process started, on the {@link System#nanoTime()} scale: the deadlines of the power programs count
     * from there, as slurmctld's timeouts do (the JVM's own start is part of the run).
     */
    static long processStartNanos() {
        long now = System.nanoTime();
        return ProcessHandle.current()
                .info()
                .startInstant()
                .map(start -> now
                        - Math.max(
                                0,
                                java.time.Duration.between(start, java.time.Instant.now())
                                        .toNanos()))
                .orElse(now);
    }
}
