package org.slurmazure.power.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import org.slurmazure.power.domain.PowerMode;

/** What resume, suspend and resume-fail have in common: their options and argument. Each names its mode. */
abstract class PowerCommand implements Callable<Integer> {
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

    abstract PowerMode mode();

    @Override
    public Integer call() {
        return new PowerCommandRunner(spec, config, verbose, options).run(mode(), hostlist);
    }
}
