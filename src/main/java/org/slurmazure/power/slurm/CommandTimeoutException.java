package org.slurmazure.power.slurm;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

/** The program did not exit within its time limit; it was killed together with its descendants. */
public final class CommandTimeoutException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient List<String> command;
    private final transient Duration timeout;
    private final String stderr;

    public CommandTimeoutException(List<String> command, Duration timeout, String stderr) {
        super(command.get(0) + " did not finish within " + CommandRunner.format(timeout) + " and was killed");
        this.command = List.copyOf(command);
        this.timeout = timeout;
        this.stderr = stderr;
    }

    public List<String> command() {
        return command;
    }

    public Duration timeout() {
        return timeout;
    }

    /** What the program had written on stderr before it was killed. */
    public String stderr() {
        return stderr;
    }
}
