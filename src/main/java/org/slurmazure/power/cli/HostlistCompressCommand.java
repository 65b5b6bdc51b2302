package org.slurmazure.power.cli;

import java.io.PrintWriter;
import java.util.List;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import org.slurmazure.power.hostlist.Hostlist;
import org.slurmazure.power.hostlist.InvalidHostlistException;

/** {@code hostlist compress}: one sorted, compressed expression, as {@code scontrol show hostlistsorted}. */
@Command(
        name = "compress",
        mixinStandardHelpOptions = true,
        description = {
            "Print one compressed hostlist expression for the given names, sorted as scontrol show "
                    + "hostlistsorted prints it, duplicates kept.",
            "Example: compress a3,a1,a2 b01x prints a[1-3],b01x. The result always expands back to the same "
                    + "names.",
            "Arguments are read as hostlist expressions, so c[1-2] c3 also works; an invalid one prints one line "
                    + "on stderr and exits with 2."
        })
public final class HostlistCompressCommand extends HostlistTransform {

    @Option(
            names = "--batch",
            description = {
                "Read one input per line from stdin (names separated by commas or spaces) and print one "
                        + "line per input: its compressed expression, or 'error: MESSAGE'.",
                "Exit code 2 if any input was invalid, else 0."
            })
    boolean batch;

    @Parameters(
            paramLabel = "NAME",
            arity = "0..*",
            description = "Host names (or hostlist expressions), as separate arguments or separated by commas, "
                    + "spaces, tabs or newlines.")
    List<String> names;

    @Override
    boolean batch() {
        return batch;
    }

    @Override
    List<String> inputs() {
        return names;
    }

    @Override
    String inputLabel() {
        return "NAME";
    }

    @Override
    String batchLine(String input) throws InvalidHostlistException {
        return Hostlist.compressExpression(input);
    }

    @Override
    void print(List<String> inputs, PrintWriter out) throws InvalidHostlistException {
        out.println(Hostlist.compressExpressions(inputs));
    }
}
