package org.slurmazure.power.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.slurmazure.power.config.AzureRules.AzureDraft;
import org.slurmazure.power.config.ClusterRules.GroupDraft;
import org.slurmazure.power.config.SchemaWalker.Section;
import org.slurmazure.power.config.YamlNode.MapNode;
import org.slurmazure.power.config.YamlNode.Mark;
import org.slurmazure.power.config.YamlNode.Scalar;

/**
 * Validates a {@link YamlNode} tree against the configuration schema and builds the {@link Config} by hand. Reports
 * every problem it finds (not only the first) to the {@link Diagnostics}; a section that is missing or malformed is
 * reported once, without a cascade of errors about its keys. Here only the order of the sections and the
 * {@link Salvage}; the rules are in {@link AzureRules}, {@link ClusterRules} and {@link SettingsRules}, on one
 * {@link SchemaWalker}.
 */
final class ConfigValidator {
    private final Diagnostics d;
    private final Path source;
    private final SchemaWalker walker;
    private final AzureRules azureRules;
    private final ClusterRules clusterRules;
    private final SettingsRules settingsRules;

    private ConfigValidator(Path source, Diagnostics diagnostics, FileChecks files) {
        this.source = source;
        this.d = diagnostics;
        this.walker = new SchemaWalker(diagnostics, files);
        this.azureRules = new AzureRules(walker);
        this.clusterRules = new ClusterRules(walker);
        this.settingsRules = new SettingsRules(walker);
    }

    /** The configuration, or empty when any error was reported (now or before, e.g. by the YAML reader). */
    static Optional<Config> validate(Path source, Optional<YamlNode> root, Diagnostics diagnostics, FileChecks files) {
        return new ConfigValidator(source, diagnostics, files).validate(root);
    }

    private Optional<Config> validate(Optional<YamlNode> rootNode) {
        String rootExpected =
                "a mapping with the sections azure, cluster and nodeGroups" + " (see etc/azure-power.example.yaml)";
        if (rootNode.isEmpty()) {
            if (!d.hasErrors()) {
                d.error(null, "", "the file is empty, expected " + rootExpected);
            }
            return Optional.empty();
        }
        YamlNode node = rootNode.get();
        if (node instanceof Scalar s && s.isNull()) {
            d.error(null, "", "the file has no settings, expected " + rootExpected);
            return Optional.empty();
        }
        if (!(node instanceof MapNode rootMap)) {
            d.error(node.mark(), "", "found " + node.describe() + " at the top, expected " + rootExpected);
            return Optional.empty();
        }
        walker.checkKeys(rootMap, "", ConfigKeys.ROOT);
        Section root = new Section("", rootMap, Mark.START);

        AzureDraft azure = azureRules.azure(root);
        ClusterTag tag = clusterRules.cluster(root);
        List<GroupDraft> groups = clusterRules.nodeGroups(root);
        List<NodeGroup> nodeGroups = clusterRules.finishGroups(groups, azure);
        int before = d.errorCount();
        SlurmSettings slurm = settingsRules.slurm(root);
        boolean slurmValid = d.errorCount() == before && slurm != null;
        Limits limits = settingsRules.limits(root);
        before = d.errorCount();
        LogSettings log = settingsRules.log(root);
        boolean logValid = d.errorCount() == before && log != null;
        ReconcileSettings reconcile = settingsRules.reconcile(root);
        Path stateDir = settingsRules.stateDir(root);
        d.salvage(new Salvage(
                logValid ? Optional.of(log.file()) : Optional.empty(),
                slurmValid ? Optional.of(slurm.scontrol()) : Optional.empty()));

        if (d.hasErrors()) {
            return Optional.empty();
        }
        AzureSettings azureSettings = new AzureSettings(
                azure.cloud,
                azure.endpoints,
                Optional.ofNullable(azure.subscriptionId),
                azure.credential,
                Optional.ofNullable(azure.caCertificates),
                Optional.ofNullable(azure.proxy));
        return Optional.of(new Config(source, azureSettings, tag, nodeGroups, slurm, limits, log, reconcile, stateDir));
    }
}
