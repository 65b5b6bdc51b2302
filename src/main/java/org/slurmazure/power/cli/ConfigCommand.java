package org.slurmazure.power.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code config}: commands about the configuration file. */
@Command(
        name = "config",
        mixinStandardHelpOptions = true,
        description = "Commands about the configuration file.",
        subcommands = {ConfigCheckCommand.class})
public final class ConfigCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required (check)");
    }
}
