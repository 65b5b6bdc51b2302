package org.slurmazure.power.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import org.slurmazure.power.hostlist.InvalidHostlistException;

/**
 * What {@code hostlist expand} and {@code hostlist compress} share: inputs as arguments, or with {@code --batch} one
 * per line of stdin (UTF-8) with exactly one output line per input ({@code error: MESSAGE} for an invalid one; exit
 * code 2 if any was invalid). Each subclass declares its own options (their help texts differ) and the transform.
 */
abstract class HostlistTransform implements Callable<Integer> {
    @Mixin
    VerboseOption verboseOption;

    @Spec
    CommandSpec spec;

    private InputStream stdin = System.in;

    /** Where --batch reads from (tests supply their own). */
    void setStdin(InputStream stdin) {
        this.stdin = stdin;
    }

    abstract boolean batch();

    /** The positional inputs, or null. */
    abstract List<String> inputs();

    /** How the help names an input ({@code EXPR}, {@code NAME}). */
    abstract String inputLabel();

    /** The output line of one --batch input line (without the line end). */
    abstract String batchLine(String input) throws InvalidHostlistException;

    /** Writes the output of the positional inputs; throws before writing anything when one is invalid. */
    abstract void print(List<String> inputs, PrintWriter out) throws InvalidHostlistException;

    @Override
    public Integer call() {
        List<String> inputs = inputs();
        boolean none = inputs == null || inputs.isEmpty();
        if (batch() && !none) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--batch reads its inputs from stdin: give no " + inputLabel() + " arguments");
        }
        if (!batch() && none) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "missing " + inputLabel() + " (or --batch to read them from stdin)");
        }
        PrintWriter out = spec.commandLine().getOut();
        try {
            return batch() ? batch(out) : printInputs(inputs, out);
        } finally {
            out.flush();
        }
    }

    private int printInputs(List<String> inputs, PrintWriter out) {
        try {
            print(inputs, out);
            return ExitCode.OK;
        } catch (InvalidHostlistException e) {
            throw new UserException(ExitCode.INVALID_INPUT, e.getMessage(), e);
        }
    }

    private int batch(PrintWriter out) {
        boolean anyInvalid = false;
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                try {
                    out.write(batchLine(line));
                } catch (InvalidHostlistException e) {
                    anyInvalid = true;
                    out.write("error: ");
                    out.write(e.getMessage());
                }
                out.write('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read standard input: " + e.getMessage(), e);
        }
        return anyInvalid ? ExitCode.INVALID_INPUT : ExitCode.OK;
    }
}
