package org.slurmazure.power.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.slurmazure.power.hostlist.InvalidHostlistException;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code --batch} of the hostlist commands: one input per line of stdin (UTF-8), exactly one output line per input,
 * {@code error: MESSAGE} for an invalid one; exit code 2 if any input was invalid, else 0.
 */
final class HostlistBatch {

    /** Turns one input line into its output line (without the line end). */
    interface LineFunction {
        String apply(String input) throws InvalidHostlistException;
    }

    private HostlistBatch() {
    }

    static int run(CommandSpec spec, InputStream in, LineFunction function) {
        PrintWriter out = spec.commandLine().getOut();
        boolean anyInvalid = false;
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                try {
                    out.write(function.apply(line));
                } catch (InvalidHostlistException e) {
                    anyInvalid = true;
                    out.write("error: ");
                    out.write(e.getMessage());
                }
                out.write('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read standard input: " + e.getMessage(), e);
        } finally {
            out.flush();
        }
        return anyInvalid ? ExitCode.INVALID_INPUT : ExitCode.OK;
    }

    /** Rejects positional inputs together with --batch, and no input without it. */
    static void checkInputs(CommandSpec spec, boolean batch, List<String> inputs, String label) {
        boolean none = inputs == null || inputs.isEmpty();
        if (batch && !none) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--batch reads its inputs from stdin: give no " + label + " arguments");
        }
        if (!batch && none) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "missing " + label + " (or --batch to read them from stdin)");
        }
    }
}
