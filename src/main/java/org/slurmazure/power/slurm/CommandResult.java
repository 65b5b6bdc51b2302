package org.slurmazure.power.slurm;

import java.time.Duration;
import java.util.List;

/**
 * What a finished program left behind.
 *
 * @param command  the argument list that was run (program first)
 * @param exitCode the exit status (128 + signal number when a signal ended it)
 * @param stdout   everything it wrote on stdout, decoded as UTF-8 (cut at {@link CommandRunner#MAX_CAPTURE} bytes)
 * @param stderr   everything it wrote on stderr, likewise
 * @param duration from start to exit
 */
public record CommandResult(List<String> command, int exitCode, String stdout, String stderr, Duration duration) {

    public CommandResult {
        command = List.copyOf(command);
    }

    public boolean succeeded() {
        return exitCode == 0;
    }

    /** The first non-blank line of stderr, stripped; empty when stderr is blank. */
    public String stderrFirstLine() {
        return stderr.lines()
                .map(String::strip)
                .filter(l -> !l.isEmpty())
                .findFirst()
                .orElse("");
    }

    /** The last non-blank line of stderr, stripped; empty when stderr is blank. */
    public String stderrLastLine() {
        List<String> lines =
                stderr.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    }
}
