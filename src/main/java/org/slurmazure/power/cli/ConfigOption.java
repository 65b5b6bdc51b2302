package org.slurmazure.power.cli;

import java.nio.file.Path;
import java.util.Map;

import picocli.CommandLine.Option;

/**
 * {@code --config FILE}. The default is {@code azure-power.yaml} in the directory of {@code $SLURM_CONF}
 * (slurmctld passes SLURM_CONF to its programs), else {@code /etc/slurm/azure-power.yaml}.
 */
public final class ConfigOption {
    static final String FILE_NAME = "azure-power.yaml";
    static final Path FALLBACK = Path.of("/etc/slurm", FILE_NAME);

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "Configuration file (default: azure-power.yaml beside $SLURM_CONF, else /etc/slurm/azure-power.yaml).")
    Path config;

    public Path path() {
        return config != null ? config : defaultPath(System.getenv());
    }

    static Path defaultPath(Map<String, String> env) {
        String slurmConf = env.get("SLURM_CONF");
        if (slurmConf != null && !slurmConf.isBlank()) {
            Path parent = Path.of(slurmConf).toAbsolutePath().getParent();
            if (parent != null) {
                return parent.resolve(FILE_NAME);
            }
        }
        return FALLBACK;
    }
}
