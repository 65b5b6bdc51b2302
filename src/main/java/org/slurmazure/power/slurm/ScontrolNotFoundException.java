package org.slurmazure.power.slurm;

import java.nio.file.Path;
import java.util.List;

/**
 * The configured scontrol is missing or cannot be executed: a configuration error, the same for every node. The message
 * says where it was looked for and which setting to change, e.g.
 * {@code scontrol not found at /usr/bin/scontrol (set slurm.scontrol in the configuration)}.
 */
public final class ScontrolNotFoundException extends SlurmException {
    private static final long serialVersionUID = 1L;

    /** The configuration key that names scontrol. */
    public static final String CONFIG_KEY = "slurm.scontrol";

    public ScontrolNotFoundException(
            Path scontrol,
            ProgramNotFoundException.Problem problem,
            List<String> nodes,
            ProgramNotFoundException cause) {
        super(text(scontrol, problem), NO_EXIT_CODE, "", nodes, cause);
    }

    private static String text(Path scontrol, ProgramNotFoundException.Problem problem) {
        String what = switch (problem) {
            case MISSING -> "scontrol not found at " + scontrol;
            case NOT_A_FILE -> "scontrol at " + scontrol + " is not a regular file";
            case NOT_EXECUTABLE -> "scontrol at " + scontrol + " is not executable";
        };
        return what + " (set " + CONFIG_KEY + " in the configuration)";
    }
}
