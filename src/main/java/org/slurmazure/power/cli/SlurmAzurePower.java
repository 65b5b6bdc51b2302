package org.slurmazure.power.cli;

import java.io.PrintWriter;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The root command. The whole command tree is declared here; each leaf is one class. {@link #main} is the only
 * place that ends the process ({@link ProcessExit}).
 */
@Command(name = "slurm-azure-power",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Slurm power saving for a pool of pre-created Azure VMs: resume, suspend and resume-fail.",
        subcommands = {
                ConfigCommand.class, ResolveCommand.class,
                ResumeCommand.class,
                SuspendCommand.class,
                ResumeFailCommand.class,
                HostlistCommand.class,
                TrainStartArchiveCommand.class,
                CommandLine.HelpCommand.class,
        },
        footerHeading = "%nExit codes:%n",
        footer = {
                "  0  success",
                "  1  the operation failed for some nodes (see the log)",
                "  2  invalid input or usage",
                "  3  configuration or credential error",
                "  4  internal error"})
public final class SlurmAzurePower implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required");
    }

    /** Builds the command line with the project's error handling; tests call this to run commands in-process. */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cmd = new CommandLine(new SlurmAzurePower());
        cmd.setOut(out);
        cmd.setErr(err);
        cmd.setExecutionExceptionHandler(new ErrorHandler());
        cmd.setParameterExceptionHandler(new ErrorHandler());
        return cmd;
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        ProcessExit.exit(commandLine(out, err).execute(args));
    }
}
