package org.slurmazure.power.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code hostlist}: Slurm hostlist expressions, read and written exactly as Slurm does. */
@Command(
        name = "hostlist",
        mixinStandardHelpOptions = true,
        description = {
            "Expand, compress and count Slurm hostlist expressions such as azc[001-003,007],gpu[1-2],",
            "exactly as Slurm 23.11 and later (scontrol show hostnames / hostlistsorted) do."
        },
        subcommands = {HostlistExpandCommand.class, HostlistCompressCommand.class, HostlistCountCommand.class})
public final class HostlistCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(
                spec.commandLine(), "a subcommand is required (expand, compress, count)");
    }
}
