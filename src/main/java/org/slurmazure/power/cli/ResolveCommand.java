package org.slurmazure.power.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import org.slurmazure.power.config.Config;
import org.slurmazure.power.hostlist.Hostlist;
import org.slurmazure.power.hostlist.InvalidHostlistException;
import org.slurmazure.power.resolve.NodeResolver;
import org.slurmazure.power.resolve.Resolution;
import org.slurmazure.power.resolve.VmTarget;

/**
 * {@code resolve HOSTLIST}: which VM each node maps to, from the configuration only (no Azure calls). Nodes that no
 * group matches are reported on stderr and give exit code 1.
 */
@Command(
        name = "resolve",
        mixinStandardHelpOptions = true,
        description = {
            "Show the VM of each node of a Slurm hostlist (from the configuration only: no Azure calls).",
            "Exit code 1 when some nodes match no node group, 2 for an invalid hostlist, 3 for a broken"
                    + " configuration."
        })
public final class ResolveCommand implements Callable<Integer> {
    static final List<String> HEADER = List.of("NODE", "GROUP", "SUBSCRIPTION", "RESOURCE GROUP", "VM NAME");

    @Parameters(arity = "1..*", paramLabel = "HOSTLIST", description = "Slurm hostlist, e.g. azc[001-004,010].")
    List<String> hostlists;

    @Mixin
    ConfigOption configOption;

    @Mixin
    VerboseOption verboseOption;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<String> nodes = new ArrayList<>();
        for (String expression : hostlists) {
            try {
                nodes.addAll(Hostlist.expand(expression));
            } catch (InvalidHostlistException e) {
                throw new UserException(ExitCode.INVALID_INPUT, e.getMessage(), e);
            }
        }
        if (nodes.isEmpty()) {
            throw new UserException(ExitCode.INVALID_INPUT, "the hostlist names no node");
        }
        Config config = configOption.load();
        Resolution resolution = new NodeResolver(config).resolve(nodes);

        if (!resolution.targets().isEmpty()) {
            table(resolution.targets()).forEach(out::println);
            out.flush();
        }
        if (!resolution.complete()) {
            List<String> unmatched = resolution.unmatched();
            err.println(spec.commandLine().getCommandName() + ": "
                    + (unmatched.size() == 1 ? "1 node matches" : unmatched.size() + " nodes match")
                    + " no node group of " + config.source() + ": " + Hostlist.compress(unmatched));
            err.flush();
            return ExitCode.PARTIAL_FAILURE;
        }
        return ExitCode.OK;
    }

    static List<String> table(List<VmTarget> targets) {
        List<String[]> rows = new ArrayList<>(targets.size() + 1);
        rows.add(HEADER.toArray(new String[0]));
        for (VmTarget t : targets) {
            rows.add(new String[] {t.node(), t.group(), t.subscriptionId(), t.resourceGroup(), t.vmName()});
        }
        int[] widths = new int[HEADER.size()];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        List<String> lines = new ArrayList<>(rows.size());
        StringBuilder sb = new StringBuilder();
        for (String[] row : rows) {
            sb.setLength(0);
            for (int i = 0; i < row.length; i++) {
                sb.append(row[i]);
                if (i < row.length - 1) {
                    sb.append(" ".repeat(widths[i] - row[i].length() + 2));
                }
            }
            lines.add(sb.toString());
        }
        return lines;
    }
}
