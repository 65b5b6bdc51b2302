package org.slurmazure.power.slurm;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * An {@code scontrol} call failed: it exited non-zero, did not finish in time, or could not be run. The message is one
 * line (what was asked, the exit code, scontrol's own error line). {@link #failedNodes()} names every node for which the
 * request is not known to have been applied, so that the caller can report each of them; the other nodes of the same
 * request were applied.
 */
public class SlurmException extends Exception {
    private static final long serialVersionUID = 1L;

    /** {@link #exitCode()} when scontrol did not exit by itself (timeout) or was never started. */
    public static final int NO_EXIT_CODE = -1;

    private final int exitCode;
    private final String stderrLine;
    private final transient List<String> failedNodes;

    public SlurmException(String message, int exitCode, @Nullable String stderrLine, List<String> failedNodes) {
        this(message, exitCode, stderrLine, failedNodes, null);
    }

    public SlurmException(
            String message,
            int exitCode,
            @Nullable String stderrLine,
            List<String> failedNodes,
            @Nullable Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
        this.stderrLine = stderrLine == null ? "" : stderrLine;
        this.failedNodes = List.copyOf(failedNodes);
    }

    /** scontrol's exit code (of the first failed call), or {@link #NO_EXIT_CODE}. */
    public int exitCode() {
        return exitCode;
    }

    /** The first non-blank line scontrol wrote on stderr (of the first failed call); empty if none. */
    public String stderrLine() {
        return stderrLine;
    }

    /** The nodes the failed request was for, in request order: not applied, or not known to be applied. */
    public List<String> failedNodes() {
        return failedNodes;
    }
}
