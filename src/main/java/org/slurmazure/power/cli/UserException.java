package org.slurmazure.power.cli;

/**
 * A failure the user can act on: printed as one line on stderr (no stack trace unless --verbose) and mapped to
 * {@link #exitCode()}. Domain exceptions are translated into this at the command layer.
 */
public class UserException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int exitCode;

    public UserException(int exitCode, String message) {
        this(exitCode, message, null);
    }

    public UserException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
