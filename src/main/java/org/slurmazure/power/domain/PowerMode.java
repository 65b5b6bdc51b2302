package org.slurmazure.power.domain;

/** Which of Slurm's three power-saving programs is running. */
public enum PowerMode {
    RESUME("resume", "Resume"),
    SUSPEND("suspend", "Suspend"),
    RESUME_FAIL("resume-fail", "ResumeFail");

    private final String command;
    private final String slurmName;

    PowerMode(String command, String slurmName) {
        this.command = command;
        this.slurmName = slurmName;
    }

    /** The subcommand name. */
    public String command() {
        return command;
    }

    /** The name used in the classic power_save.log line ("invoked Resume ..."). */
    public String slurmName() {
        return slurmName;
    }
}
