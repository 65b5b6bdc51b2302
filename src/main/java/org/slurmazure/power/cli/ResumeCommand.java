package org.slurmazure.power.cli;

import picocli.CommandLine.Command;

import org.slurmazure.power.domain.PowerMode;

@Command(
        name = "resume",
        mixinStandardHelpOptions = true,
        description = {
            "Slurm's ResumeProgram: start the VMs of the nodes, set their NodeAddr, and mark nodes whose VM cannot be "
                    + "started DOWN with an 'azure:' reason at once (their jobs requeue).",
            "Reads SLURM_RESUME_FILE (from slurmctld) to log the jobs behind each node."
        })
public final class ResumeCommand extends PowerCommand {
    @Override
    PowerMode mode() {
        return PowerMode.RESUME;
    }
}
