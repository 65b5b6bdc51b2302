package org.slurmazure.power.cli;

import java.io.PrintWriter;

import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * The one place that turns failures into an exit code and a one-line message on stderr. A stack trace is printed
 * only when the command was given {@code --verbose}.
 */
final class ErrorHandler implements IExecutionExceptionHandler, IParameterExceptionHandler {

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println(cmd.getCommandName() + ": " + ex.getMessage());
        err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for usage.");
        return ExitCode.INVALID_INPUT;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
        PrintWriter err = cmd.getErr();
        boolean verbose = VerboseOption.isVerbose(parseResult);
        if (ex instanceof UserException user) {
            err.println(cmd.getCommandName() + ": " + user.getMessage());
            if (verbose && user.getCause() != null) {
                user.getCause().printStackTrace(err);
            }
            return user.exitCode();
        }
        err.println(cmd.getCommandName() + ": internal error: " + ex
                + (verbose ? "" : " (run with --verbose for the stack trace)"));
        if (verbose) {
            ex.printStackTrace(err);
        }
        return ExitCode.INTERNAL_ERROR;
    }
}
