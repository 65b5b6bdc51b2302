package org.slurmazure.power.slurm;

/**
 * {@code SLURM_RESUME_FILE} is missing, unreadable, empty, not JSON or not of the expected shape. The message is one
 * line naming the file and the problem; the caller logs it as a warning and goes on from the argument list alone.
 */
public final class ResumeFileException extends Exception {
    private static final long serialVersionUID = 1L;

    public ResumeFileException(String message) {
        super(message);
    }

    public ResumeFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
