package org.slurmazure.power.cli;

import java.io.InputStream;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

import org.slurmazure.power.hostlist.Hostlist;
import org.slurmazure.power.hostlist.InvalidHostlistException;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hostlist compress}: one sorted, compressed expression, as {@code scontrol show hostlistsorted}. */
@Command(name = "compress",
        mixinStandardHelpOptions = true,
        description = {"Print one compressed hostlist expression for the given names, sorted as scontrol show "
                + "hostlistsorted prints it, duplicates kept.",
                "Example: compress a3,a1,a2 b01x prints a[1-3],b01x. The result always expands back to the same "
                        + "names.",
                "Arguments are read as hostlist expressions, so c[1-2] c3 also works; an invalid one prints one line "
                        + "on stderr and exits with 2."})
public final class HostlistCompressCommand implements Callable<Integer> {

    @Mixin
    VerboseOption verboseOption;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--batch",
            description = {"Read one input per line from stdin (names separated by commas or spaces) and print one "
                    + "line per input: its compressed expression, or 'error: MESSAGE'.",
                    "Exit code 2 if any input was invalid, else 0."})
    boolean batch;

    @Parameters(paramLabel = "NAME", arity = "0..*",
            description = "Host names (or hostlist expressions), as separate arguments or separated by commas, "
                    + "spaces, tabs or newlines.")
    List<String> names;

    private InputStream stdin = System.in;

    /** Where --batch reads from (tests supply their own). */
    void setStdin(InputStream stdin) {
        this.stdin = stdin;
    }

    @Override
    public Integer call() {
        HostlistBatch.checkInputs(spec, batch, names, "NAME");
        if (batch) {
            return HostlistBatch.run(spec, stdin, Hostlist::compressExpression);
        }
        String compressed;
        try {
            compressed = Hostlist.compressExpressions(names);
        } catch (InvalidHostlistException e) {
            throw new UserException(ExitCode.INVALID_INPUT, e.getMessage(), e);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println(compressed);
        out.flush();
        return ExitCode.OK;
    }
}
