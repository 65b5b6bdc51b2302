package org.slurmazure.power.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.slurmazure.power.config.ConfigProblem.Severity;
import org.slurmazure.power.config.YamlNode.Mark;
import org.slurmazure.power.text.Secrets;

/** Collects the errors and warnings of one load. */
final class Diagnostics {
    private final Path file;
    private final List<ConfigProblem> errors = new ArrayList<>();
    private final List<ConfigProblem> warnings = new ArrayList<>();
    private Salvage salvage = Salvage.NONE;

    Diagnostics(Path file) {
        this.file = file;
    }

    Path file() {
        return file;
    }

    void error(Mark mark, String key, String message) {
        errors.add(problem(mark, key, message, Severity.ERROR));
    }

    void warn(Mark mark, String key, String message) {
        warnings.add(problem(mark, key, message, Severity.WARNING));
    }

    /** {@code found X, expected Y}: the standard form of a value error. */
    void found(YamlNode node, String key, String expected) {
        error(node.mark(), key, "found " + node.describe() + ", expected " + expected);
    }

    void salvage(Salvage salvage) {
        this.salvage = salvage;
    }

    Salvage salvage() {
        return salvage;
    }

    boolean hasErrors() {
        return !errors.isEmpty();
    }

    int errorCount() {
        return errors.size();
    }

    List<ConfigProblem> errors() {
        return sorted(errors);
    }

    List<ConfigProblem> warnings() {
        return sorted(warnings);
    }

    private ConfigProblem problem(Mark mark, String key, String message, Severity severity) {
        int line = mark == null ? 0 : mark.line();
        int column = mark == null ? 0 : mark.column();
        // A value quoted back may hold a secret (a proxy URL with a password): never repeat one.
        return new ConfigProblem(file, line, column, key, Secrets.redact(message), severity);
    }

    private static List<ConfigProblem> sorted(List<ConfigProblem> problems) {
        List<ConfigProblem> copy = new ArrayList<>(problems);
        copy.sort(ConfigProblem.FILE_ORDER);
        return List.copyOf(copy);
    }
}
