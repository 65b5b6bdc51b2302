package org.slurmazure.power.slurm;

import java.io.IOException;
import java.nio.file.Path;

/** The program to run does not exist, is not a regular file, or is not executable by this user. */
public final class ProgramNotFoundException extends IOException {
    private static final long serialVersionUID = 1L;

    /** Why the program cannot be run. */
    public enum Problem {
        MISSING("not found"),
        NOT_A_FILE("not a regular file"),
        NOT_EXECUTABLE("not executable");

        private final String text;

        Problem(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }

    private final transient Path program;
    private final Problem problem;

    public ProgramNotFoundException(Path program, Problem problem) {
        super(program + ": " + problem.text());
        this.program = program;
        this.problem = problem;
    }

    public Path program() {
        return program;
    }

    public Problem problem() {
        return problem;
    }
}
