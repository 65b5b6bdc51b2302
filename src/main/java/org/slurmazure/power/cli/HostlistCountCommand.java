package org.slurmazure.power.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import org.slurmazure.power.hostlist.Hostlist;
import org.slurmazure.power.hostlist.InvalidHostlistException;

/** {@code hostlist count}: how many names an expression has. */
@Command(
        name = "count",
        mixinStandardHelpOptions = true,
        description = {
            "Print how many names the hostlist expressions have (duplicates counted), without listing " + "them.",
            "Example: count 'c[1-3],c2' prints 4. An invalid expression prints one line on stderr and exits "
                    + "with 2."
        })
public final class HostlistCountCommand implements Callable<Integer> {

    @Mixin
    VerboseOption verboseOption;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(
            paramLabel = "EXPR",
            arity = "1..*",
            description = "Hostlist expressions; with several, the total is printed.")
    List<String> expressions;

    @Override
    public Integer call() {
        long total = 0;
        for (String expression : expressions) {
            try {
                total = Math.addExact(total, Hostlist.count(expression));
            } catch (InvalidHostlistException e) {
                throw new UserException(ExitCode.INVALID_INPUT, e.getMessage(), e);
            } catch (ArithmeticException e) {
                throw new UserException(
                        ExitCode.INVALID_INPUT, "the expressions have more than " + Long.MAX_VALUE + " names", e);
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println(total);
        out.flush();
        return ExitCode.OK;
    }
}
