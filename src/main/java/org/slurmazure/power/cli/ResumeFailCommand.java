package org.slurmazure.power.cli;

import java.util.concurrent.Callable;

import org.slurmazure.power.core.PowerMode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "resume-fail", description = {
        "Slurm's ResumeFailProgram: deallocate the VMs of nodes that did not come up within ResumeTimeout (Slurm "
                + "does not call suspend for them) and return the nodes to service (idle~)."})
public final class ResumeFailCommand implements Callable<Integer> {
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
        return new PowerCommandRunner(spec, config, verbose, options).run(PowerMode.RESUME_FAIL, hostlist);
    }
}
