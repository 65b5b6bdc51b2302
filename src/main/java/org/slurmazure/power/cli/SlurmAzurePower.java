package org.slurmazure.power.cli;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The root command. The whole command tree is declared here ({@link #SUBCOMMANDS}); each leaf is one class. {@link
 * #main} is the only place that ends the process ({@link ProcessExit}).
 *
 * <p>{@link #main} builds only what its arguments need ({@link #subcommandsFor}): the model of the one subcommand
 * they name (picocli builds a command's options and help texts up front: for all 11, about 30 ms of a warm JVM and
 * most of a native image's start-up), none for a bare {@code --version}, else all of them ({@code --help},
 * {@code help}, no or an unknown subcommand), so that help and errors read as with the whole tree.
 */
@Command(
        name = "slurm-azure-power",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Slurm power saving for a pool of pre-created Azure VMs: resume, suspend and resume-fail.",
        // The subcommands are SUBCOMMANDS below, added when the command line is built (not here: picocli would
        // build the model of every one of them, options and help, before running any).
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

    /** The subcommands, in the order the help lists them. */
    static final List<Class<?>> SUBCOMMANDS = List.of(
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
            CommandLine.HelpCommand.class);

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
        return commandLine(out, err, System.nanoTime(), false, SUBCOMMANDS);
    }

    private static CommandLine commandLine(
            PrintWriter out, PrintWriter err, long startNanos, boolean ownsProcess, List<Class<?>> subcommands) {
        CommandLine cmd = new CommandLine(new SlurmAzurePower(startNanos, ownsProcess));
        for (Class<?> subcommand : subcommands) {
            cmd.addSubcommand(subcommand);
        }
        // after the subcommands: picocli passes these on to the subcommands present
        cmd.setOut(out);
        cmd.setErr(err);
        cmd.setExecutionExceptionHandler(new ErrorHandler());
        cmd.setParameterExceptionHandler(new ErrorHandler());
        return cmd;
    }

    public static void main(String[] args) {
        // No Groovy here: picocli would otherwise look for groovy.lang.Closure by name (a ClassNotFoundException per
        // run, costly in the native image, whose stack traces are decoded when thrown).
        System.setProperty("picocli.disable.closures", "true");
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        ProcessExit.exit(commandLine(out, err, processStartNanos(), true, subcommandsFor(args))
                .execute(args));
    }

    /** The command line {@link #main} runs {@code args} with (only what they need), for tests in this JVM. */
    static CommandLine commandLineFor(String[] args, PrintWriter out, PrintWriter err) {
        return commandLine(out, err, System.nanoTime(), false, subcommandsFor(args));
    }

    /**
     * The subcommands {@code args} need: the one named first (by name or alias; the root has no options but
     * {@code --help} and {@code --version}, so a subcommand comes first or not at all), none for {@code --version}
     * alone, else all ({@code help} and {@code --help} list them, and an unknown one is reported against them all).
     */
    static List<Class<?>> subcommandsFor(String[] args) {
        if (args.length == 0) {
            return SUBCOMMANDS;
        }
        if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
            return List.of();
        }
        for (Class<?> subcommand : SUBCOMMANDS) {
            Command command = subcommand.getAnnotation(Command.class);
            if (subcommand != CommandLine.HelpCommand.class
                    && command != null
                    && (command.name().equals(args[0])
                            || Arrays.asList(command.aliases()).contains(args[0]))) {
                return List.of(subcommand);
            }
        }
        return SUBCOMMANDS;
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
