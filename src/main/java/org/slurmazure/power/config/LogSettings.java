package org.slurmazure.power.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The {@code log} section: the power programs log to a file (nobody reads their stdout or stderr).
 *
 * @param file  the absolute path of the log file
 * @param level the log level
 */
public record LogSettings(Path file, Level level) {
    public static final Path DEFAULT_FILE = Path.of("/var/log/slurm/power_save.log");
    public static final Level DEFAULT_LEVEL = Level.INFO;

    public enum Level {
        INFO,
        DEBUG
    }

    public LogSettings {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(level, "level");
    }
}
