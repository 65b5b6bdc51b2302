package org.slurmazure.power.cli;

import java.util.concurrent.Callable;

import org.slurmazure.power.core.PowerMode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "resume", description = {
        "Slurm's ResumeProgram: start the VMs of the nodes, set their NodeAddr, and mark nodes whose VM cannot be "
                + "started DOWN with an 'azure:' reason at once (their jobs requeue).",
        "Reads SLURM_RESUME_FILE (from slurmctld) to log the jobs behind each node."})
public final class ResumeCommand implements Callable<Integer> {
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
        return new PowerCommandRunner(spec, config, verbose, options).run(PowerMode.RESUME, hostlist);
    }
}
