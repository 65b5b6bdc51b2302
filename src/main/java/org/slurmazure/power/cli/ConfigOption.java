package org.slurmazure.power.cli;

import java.nio.file.Path;
import java.util.Map;

import picocli.CommandLine.Option;

import org.slurmazure.power.config.Config;
import org.slurmazure.power.config.ConfigException;
import org.slurmazure.power.config.ConfigLoader;

/**
 * {@code --config FILE}. The default is {@code azure-power.yaml} in the directory of {@code $SLURM_CONF}
 * (slurmctld passes SLURM_CONF to its programs), else {@code /etc/slurm/azure-power.yaml}.
 */
public final class ConfigOption {
    static final String FILE_NAME = "azure-power.yaml";
    static final Path FALLBACK = Path.of("/etc/slurm", FILE_NAME);

    @Option(
            names = {"-c", "--config"},
            paramLabel = "FILE",
            description =
                    "Configuration file (default: azure-power.yaml beside $SLURM_CONF, else /etc/slurm/azure-power.yaml).")
    Path config;

    public Path path() {
        return config != null ? config : defaultPath(System.getenv());
    }

    /**
     * Loads and validates the configuration at {@link #path()}. A broken configuration becomes a
     * {@link UserException} with {@link ExitCode#CONFIG_ERROR} whose message has one line per problem.
     */
    public Config load() {
        try {
            return ConfigLoader.load(path());
        } catch (ConfigException e) {
            throw new UserException(ExitCode.CONFIG_ERROR, e.getMessage(), e);
        }
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
