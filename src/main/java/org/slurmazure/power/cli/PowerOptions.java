package org.slurmazure.power.cli;

import picocli.CommandLine.Option;

/** Options shared by resume, suspend and resume-fail. */
public final class PowerOptions {
    @Option(
            names = "--dry-run",
            description = "Print the plan (node, VM, resource group, power state, action); "
                    + "write nothing to Azure or Slurm.")
    boolean dryRun;

    @Option(
            names = "--offline",
            description = "With --dry-run: do not read from Azure either (plan from the " + "configuration alone).")
    boolean offline;

    @Option(
            names = "--resume-file",
            paramLabel = "FILE",
            description = "resume: the SLURM_RESUME_FILE to read "
                    + "(default: $SLURM_RESUME_FILE, which slurmctld sets); e.g. to replay a saved one by hand.")
    java.nio.file.Path resumeFile;
}
