package org.slurmazure.power.config;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The configuration cannot be used: carries every error found (never only the first), in file order, and the
 * warnings found along the way. {@link #getMessage()} is one line per error.
 */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient List<ConfigProblem> problems;
    private final transient List<ConfigProblem> warnings;
    private final transient Salvage salvage;

    public ConfigException(List<ConfigProblem> problems, List<ConfigProblem> warnings) {
        this(problems, warnings, Salvage.NONE);
    }

    public ConfigException(List<ConfigProblem> problems, List<ConfigProblem> warnings, Salvage salvage) {
        super(problems.stream().map(ConfigProblem::toString).collect(Collectors.joining("\n")));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a ConfigException needs at least one problem");
        }
        this.problems = List.copyOf(problems);
        this.warnings = List.copyOf(warnings);
        this.salvage = salvage;
    }

    /** What could still be used of the broken file: where to log, which scontrol to call. */
    public Salvage salvage() {
        return salvage;
    }

    /** The errors, at least one, in file order. */
    public List<ConfigProblem> problems() {
        return problems;
    }

    /** The warnings found while loading, in file order. */
    public List<ConfigProblem> warnings() {
        return warnings;
    }
}
