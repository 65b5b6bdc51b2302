package org.slurmazure.power.doctor;

/**
 * ResumeProgram, SuspendProgram and ResumeFailProgram: set, this tool's programs (symbolic links followed), runnable
 * by SlurmUser, not writable by group or others (slurmctld refuses to run such a program), in directories nobody else
 * may write. Pure.
 */
final class ProgramChecks {
    private ProgramChecks() {}

    static Check check(ProgramFile p, String slurmUser) {
        String name = ProgramFile.programName(p.key());
        String packaged = "/usr/libexec/slurm-azure-power/" + name;
        String suggested = p.ours().isEmpty() ? packaged : p.ours().get(0);
        String set = "set " + p.key() + "=" + suggested + " in slurm.conf, then scontrol reconfigure";
        if (p.configured().isEmpty()) {
            String why = switch (p.key()) {
                case "ResumeProgram" -> "cloud nodes are never powered up";
                case "SuspendProgram" -> "idle cloud nodes are never powered down: their VMs bill";
                default -> "nodes that miss ResumeTimeout stay DOWN and their VMs may keep running";
            };
            return Check.fail(Area.SLURM, p.key(), "not set: " + why, set);
        }
        String shown = p.configured()
                + (p.realPath() == null || p.realPath().equals(p.configured()) ? "" : " (-> " + p.realPath() + ")");
        if (p.problem() != null || p.realPath() == null) {
            return Check.fail(
                    Area.SLURM, p.key(), p.configured() + ": " + (p.problem() == null ? "no file" : p.problem()), set);
        }
        if (p.ours().isEmpty()) {
            return Check.warn(
                    Area.SLURM,
                    p.key(),
                    shown + ": cannot tell whether it is this tool's " + name + " program (neither " + packaged
                            + " nor a checkout's bin/slurm-azure-" + name + " was found)",
                    "check that it runs slurm-azure-power " + name);
        }
        if (!p.ours().contains(p.realPath())) {
            return Check.fail(
                    Area.SLURM,
                    p.key(),
                    shown + " is not this tool's " + name + " program (" + String.join(" or ", p.ours()) + ")",
                    set);
        }
        if (!p.regularFile()) {
            return Check.fail(Area.SLURM, p.key(), shown + " is not a regular file", set);
        }
        if (p.writable()) {
            return Check.fail(
                    Area.SLURM,
                    p.key(),
                    shown + " is writable by group or others: slurmctld refuses to run it",
                    "chmod go-w " + p.realPath());
        }
        if (p.executable() == ProgramFile.Access.NO) {
            return Check.fail(
                    Area.SLURM,
                    p.key(),
                    shown + " cannot be run by " + slurmUser,
                    "chmod 0755 " + p.realPath() + ", and let " + slurmUser + " traverse its directories");
        }
        if (p.executable() == ProgramFile.Access.UNKNOWN) {
            return Check.warn(
                    Area.SLURM,
                    p.key(),
                    shown + " is runnable by " + slurmUser + " only through its group permissions, which were not "
                            + "looked up",
                    "run doctor as " + slurmUser + ", or chmod 0755 " + p.realPath());
        }
        if (!p.openDirectories().isEmpty()) {
            return Check.warn(
                    Area.SLURM,
                    p.key(),
                    shown + ": its directories " + String.join(", ", p.openDirectories()) + " are writable by group "
                            + "or others, who may replace the program slurmctld runs",
                    "chmod go-w " + String.join(" ", p.openDirectories()));
        }
        return Check.pass(Area.SLURM, p.key(), shown);
    }
}
