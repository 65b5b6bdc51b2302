package org.slurmazure.power.cli;

/** The documented exit codes of every command (README, "Exit codes"). */
public final class ExitCode {
    /** Every node (or input) succeeded. */
    public static final int OK = 0;
    /** The operation failed for some nodes; they were reported (and, for power programs, marked down). */
    public static final int PARTIAL_FAILURE = 1;
    /** Invalid input or usage: a bad hostlist, option or resume file. */
    public static final int INVALID_INPUT = 2;
    /** Configuration or credential error. */
    public static final int CONFIG_ERROR = 3;
    /** A bug or an unexpected failure inside the program. */
    public static final int INTERNAL_ERROR = 4;

    private ExitCode() {}
}
