package org.slurmazure.power.cli;

import java.util.concurrent.Callable;

import org.slurmazure.power.core.PowerMode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "suspend", description = {
        "Slurm's SuspendProgram: deallocate the VMs of the nodes (never just power them off: a stopped VM still "
                + "bills). Already deallocated is success; a VM that cannot be deallocated is logged at ERROR."})
public final class SuspendCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    ConfigOption config;
    @Mixin
    VerboseOption verbose;
    @Mixin
    PowerOptions options;
    @Parameters(index = "0", paramLabel = "HOSTLIST", description = "The nodes, as a Slurm hostlist (azc[001-004]).")
    String hostlist;

    @Override
    public Integer call() {
        return new PowerCommandRunner(spec, config, verbose, options).run(PowerMode.SUSPEND, hostlist);
    }
}
