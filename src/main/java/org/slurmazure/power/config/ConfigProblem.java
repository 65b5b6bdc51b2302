package org.slurmazure.power.config;

import java.nio.file.Path;
import java.util.Comparator;
import java.util.Objects;

/**
 * One error or warning about a configuration file, located by line and column (1-based; 0 when the problem is not
 * about a place in the file, such as a file that cannot be read) and by key path ({@code nodeGroups[0].nodes}; empty
 * when the problem is about the whole file).
 *
 * <p>{@link #toString()} is the one-line form printed by {@code config check}:
 * {@code /etc/slurm/azure-power.yaml:12:5: azure.subscriptionId: found "abc", expected ...}, and for warnings
 * {@code /etc/slurm/azure-power.yaml:12:5: warning: azure.proxy: ...}.
 */
public record ConfigProblem(Path file, int line, int column, String key, String message, Severity severity) {

    public enum Severity {
        ERROR,
        WARNING
    }

    /** File order: by line, then column; problems without a place first. */
    public static final Comparator<ConfigProblem> FILE_ORDER =
            Comparator.comparingInt(ConfigProblem::line).thenComparingInt(ConfigProblem::column);

    public ConfigProblem {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(severity, "severity");
        key = key == null ? "" : key;
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(file.toString());
        if (line > 0) {
            sb.append(':').append(line);
            if (column > 0) {
                sb.append(':').append(column);
            }
        }
        sb.append(": ");
        if (severity == Severity.WARNING) {
            sb.append("warning: ");
        }
        if (!key.isEmpty()) {
            sb.append(key).append(": ");
        }
        return sb.append(message).toString();
    }
}
