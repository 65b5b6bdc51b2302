package org.slurmazure.power.config;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code metrics} section: a Prometheus textfile for node_exporter's textfile collector, rewritten by every
 * program run and reconcile pass (docs/metrics.md).
 *
 * @param file the {@code .prom} file; empty (the default) writes no metrics at all
 */
public record MetricsSettings(Optional<Path> file) {
    /** The default: no metrics. */
    public static final MetricsSettings OFF = new MetricsSettings(Optional.empty());

    /** The example path, in node_exporter's usual textfile directory. */
    public static final String EXAMPLE_FILE = "/var/lib/node_exporter/textfile_collector/slurm_azure_power.prom";

    public MetricsSettings {
        Objects.requireNonNull(file, "file");
    }
}
