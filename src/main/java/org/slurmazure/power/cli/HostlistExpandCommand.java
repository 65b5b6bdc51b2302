package org.slurmazure.power.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import org.slurmazure.power.hostlist.Hostlist;
import org.slurmazure.power.hostlist.InvalidHostlistException;

/** {@code hostlist expand}: the names of hostlist expressions, one per line, as {@code scontrol show hostnames}. */
@Command(
        name = "expand",
        mixinStandardHelpOptions = true,
        description = {
            "Print the names of Slurm hostlist expressions, one per line, in Slurm's order with duplicates "
                    + "kept (as scontrol show hostnames, which exits 0 on invalid input: this does not).",
            "Example: expand 'c[01-02],gpu[1-2]-ib' prints c01 c02 gpu1-ib gpu2-ib.",
            "An invalid expression prints one line on stderr, nothing on stdout, and exits with 2."
        })
public final class HostlistExpandCommand extends HostlistTransform {

    @Option(
            names = "--batch",
            description = {
                "Read one expression per line from stdin and print one line per input: its names "
                        + "separated by single spaces, or 'error: MESSAGE'.",
                "Exit code 2 if any input was invalid, else 0."
            })
    boolean batch;

    @Parameters(
            paramLabel = "EXPR",
            arity = "0..*",
            description = "Hostlist expressions, e.g. 'azc[001-003,007],gpu[1-2]' (names may be separated by commas, "
                    + "spaces, tabs or newlines).")
    List<String> expressions;

    @Override
    boolean batch() {
        return batch;
    }

    @Override
    List<String> inputs() {
        return expressions;
    }

    @Override
    String inputLabel() {
        return "EXPR";
    }

    @Override
    String batchLine(String input) throws InvalidHostlistException {
        return String.join(" ", Hostlist.expand(input));
    }

    @Override
    void print(List<String> inputs, PrintWriter out) throws InvalidHostlistException {
        List<List<String>> expanded = new ArrayList<>(inputs.size());
        for (String expression : inputs) {
            expanded.add(Hostlist.expand(expression));
        }
        for (List<String> names : expanded) {
            for (String name : names) {
                out.write(name);
                out.write('\n');
            }
        }
    }
}
