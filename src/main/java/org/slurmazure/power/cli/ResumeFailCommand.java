package org.slurmazure.power.cli;

import picocli.CommandLine.Command;

import org.slurmazure.power.domain.PowerMode;

@Command(
        name = "resume-fail",
        mixinStandardHelpOptions = true,
        description = {
            "Slurm's ResumeFailProgram: deallocate the VMs of nodes that did not come up within ResumeTimeout (Slurm "
                    + "does not call suspend for them) and return the nodes to service (idle~)."
        })
public final class ResumeFailCommand extends PowerCommand {
    @Override
    PowerMode mode() {
        return PowerMode.RESUME_FAIL;
    }
}
