package org.slurmazure.power.cli;

import picocli.CommandLine.Command;

import org.slurmazure.power.domain.PowerMode;

@Command(
        name = "suspend",
        mixinStandardHelpOptions = true,
        description = {
            "Slurm's SuspendProgram: deallocate the VMs of the nodes (never just power them off: a stopped VM still "
                    + "bills). Already deallocated is success; a VM that cannot be deallocated is logged at ERROR."
        })
public final class SuspendCommand extends PowerCommand {
    @Override
    PowerMode mode() {
        return PowerMode.SUSPEND;
    }
}
