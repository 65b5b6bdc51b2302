package org.slurmazure.power.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of checking a configuration file: the configuration when it has no errors, and every error and warning
 * found, each list in file order.
 */
public record ConfigReport(
        Path file, Optional<Config> config, List<ConfigProblem> errors, List<ConfigProblem> warnings, Salvage salvage) {

    public ConfigReport(Path file, Optional<Config> config, List<ConfigProblem> errors, List<ConfigProblem> warnings) {
        this(file, config, errors, warnings, Salvage.NONE);
    }

    public ConfigReport {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(config, "config");
        errors = List.copyOf(errors);
        warnings = List.copyOf(warnings);
        Objects.requireNonNull(salvage, "salvage");
        if (config.isPresent() != errors.isEmpty()) {
            throw new IllegalArgumentException("a report has a configuration exactly when it has no errors");
        }
    }

    public boolean valid() {
        return errors.isEmpty();
    }

    /** The configuration, or a {@link ConfigException} with the errors and warnings. */
    public Config configOrThrow() throws ConfigException {
        if (config.isPresent()) {
            return config.get();
        }
        throw new ConfigException(errors, warnings, salvage);
    }
}
