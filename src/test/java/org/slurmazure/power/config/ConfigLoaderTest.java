package org.slurmazure.power.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    private List<String> errors(String yaml) throws IOException {
        Path file = ConfigFixtures.write(dir, yaml);
        return ConfigLoader.check(file).errors().stream().map(ConfigProblem::toString).toList();
    }

    private String file() {
        return dir.resolve("azure-power.yaml").toString();
    }

    @Test
    void givenFullConfig_whenLoaded_thenEveryValueIsInTheModelAndThereAreNoWarnings() throws Exception {
        Path file = ConfigFixtures.full(dir);

        ConfigReport report = ConfigLoader.check(file);

        assertEquals(List.of(), report.errors());
        assertEquals(List.of(), report.warnings());
        Config config = report.config().orElseThrow();
        assertEquals(file, config.source());
        AzureSettings azure = config.azure();
        assertEquals(AzureCloud.AZURE_CLOUD, azure.cloud());
        assertEquals(new AzureEndpoints(URI.create("https://management.azure.com/"),
                URI.create("https://login.microsoftonline.com/"), "https://management.core.windows.net/"),
                azure.endpoints());
        assertEquals(Optional.of(ConfigFixtures.SUBSCRIPTION), azure.subscriptionId());
        assertEquals(new Credential.ClientCertificate(ConfigFixtures.TENANT, ConfigFixtures.CLIENT,
                dir.resolve("azure-power.pem"), Optional.empty()), azure.credential());
        assertEquals(Optional.of(dir.resolve("extra-ca.pem")), azure.caCertificates());
        assertEquals(Optional.of(new HttpProxy("http://proxy.example:3128", "proxy.example", 3128)), azure.proxy());
        assertEquals(new ClusterTag("slurm-cluster", "hpc1"), config.clusterTag());
        assertEquals(2, config.nodeGroups().size());
        NodeGroup burst = config.nodeGroups().get(0);
        assertEquals("group1", burst.name());
        assertEquals("azc[001-100]", burst.nodes());
        assertEquals(100, burst.nodeNames().size());
        assertEquals("azc001", burst.nodeNames().get(0));
        assertEquals("hpc1-burst", burst.resourceGroup());
        assertEquals("{node}", burst.vmNameTemplate());
        assertEquals(ConfigFixtures.SUBSCRIPTION, burst.subscriptionId());
        NodeGroup gpu = config.nodeGroups().get(1);
        assertEquals("gpu", gpu.name());
        assertEquals(ConfigFixtures.OTHER_SUBSCRIPTION, gpu.subscriptionId());
        assertEquals("hpc1-gpu03", gpu.vmName("gpu03"));
        assertEquals(new SlurmSettings(dir.resolve("scontrol"), false), config.slurm());
        assertEquals(new Limits(32, Duration.ofMinutes(9), Duration.ofSeconds(100), Duration.ofMillis(1500)),
                config.limits());
        assertEquals(new LogSettings(dir.resolve("log/power_save.log"), LogSettings.Level.DEBUG), config.log());
        assertEquals(dir.resolve("state"), config.stateDir());
        assertEquals(108, config.nodeCount());
    }

    @Test
    void givenMinimalConfig_whenLoaded_thenDefaultsApply() throws Exception {
        Path file = ConfigFixtures.write(dir, ConfigFixtures.MINIMAL);

        Config config = ConfigLoader.load(file);

        assertEquals(AzureCloud.AZURE_CLOUD, config.azure().cloud());
        assertEquals(AzureCloud.AZURE_CLOUD.knownEndpoints().orElseThrow(), config.azure().endpoints());
        assertEquals(new Credential.ManagedIdentity(Optional.empty()), config.azure().credential());
        assertEquals(Optional.empty(), config.azure().caCertificates());
        assertEquals(Optional.empty(), config.azure().proxy());
        assertEquals("{node}", config.nodeGroups().get(0).vmNameTemplate());
        assertEquals("azc042", config.nodeGroups().get(0).vmName("azc042"));
        assertEquals("group1", config.nodeGroups().get(0).name());
        assertEquals(new SlurmSettings(Path.of("/usr/bin/scontrol"), true), config.slurm());
        assertEquals(new Limits(64, Duration.ofSeconds(540), Duration.ofSeconds(100), Duration.ofSeconds(30)),
                config.limits());
        assertEquals(new LogSettings(Path.of("/var/log/slurm/power_save.log"), LogSettings.Level.INFO), config.log());
        assertEquals(Path.of("/var/lib/slurm-azure-power"), config.stateDir());
    }

    @Test
    void givenNoFile_whenChecked_thenOneErrorNamesTheFile() {
        Path file = dir.resolve("absent.yaml");

        ConfigReport report = ConfigLoader.check(file);

        assertEquals(List.of(file + ": cannot read the configuration: no such file"
                + " (start from etc/azure-power.example.yaml, or pass --config FILE)"),
                report.errors().stream().map(ConfigProblem::toString).toList());
    }

    @Test
    void givenEmptyFile_whenChecked_thenErrorSaysWhatIsExpected() throws Exception {
        assertEquals(List.of(file() + ": the file is empty, expected a mapping with the sections azure, cluster and"
                + " nodeGroups (see etc/azure-power.example.yaml)"), errors("# nothing yet\n"));
    }

    @Test
    void givenYamlSyntaxError_whenChecked_thenErrorHasLineAndColumn() throws Exception {
        List<String> errors = errors("""
                azure:
                  cloud: AzureCloud
                    subscriptionId: x
                """);

        assertEquals(List.of(file() + ":3:19: YAML syntax error: mapping values are not allowed here"), errors);
    }

    @Test
    void givenTabIndentation_whenChecked_thenSyntaxErrorPointsAtTheTab() throws Exception {
        List<String> errors = errors("azure:\n\tcloud: AzureCloud\n");

        assertEquals(1, errors.size());
        assertTrue(errors.get(0).startsWith(file() + ":2:1: YAML syntax error: "), errors.get(0));
    }

    @Test
    void givenSubscriptionIdNotAGuid_whenChecked_thenErrorNamesLineKeyFoundAndExpected() throws Exception {
        List<String> errors = errors(ConfigFixtures.MINIMAL.replace(ConfigFixtures.SUBSCRIPTION, "abc"));

        assertEquals(List.of(file() + ":2:19: azure.subscriptionId: found \"abc\", expected a subscription GUID like"
                + " 11111111-2222-3333-4444-555555555555"), errors);
    }

    @Test
    void givenMissingRequiredKey_whenChecked_thenErrorIsAtItsSection() throws Exception {
        List<String> errors = errors(ConfigFixtures.MINIMAL.replace(", value: hpc1", ""));

        assertEquals(List.of(file() + ":5:3: cluster.tag.value: missing; expected a tag value like hpc1"
                + " (1-256 characters)"), errors);
    }

    @Test
    void givenMissingSections_whenChecked_thenEachIsReportedOnceWithoutErrorsAboutTheirKeys() throws Exception {
        List<String> errors = errors("""
                slurm:
                  setNodeAddr: true
                """);

        assertEquals(List.of(
                file() + ":1:1: azure: missing; expected a mapping with subscriptionId and credential",
                file() + ":1:1: cluster: missing; expected a mapping with tag: { name: slurm-cluster, value: hpc1 }",
                file() + ":1:1: nodeGroups: missing; expected a list of node groups, each with nodes and"
                        + " resourceGroup (items start with \"- \")"), errors);
    }

    @Test
    void givenSeveralProblems_whenChecked_thenAllAreReportedInFileOrder() throws Exception {
        List<String> errors = errors("""
                azure:
                  subscriptionId: abc
                  credential: { type: managed-identity }
                cluster:
                  tag: { name: slurm-cluster, value: hpc1 }
                nodeGroups:
                  - nodes: "azc[001-100]"
                    resourcegroup: hpc1-burst
                limits:
                  concurrency: 0
                  resumeDeadline: 0s
                log: { level: TRACE }
                """);

        assertEquals(List.of(
                file() + ":2:19: azure.subscriptionId: found \"abc\", expected a subscription GUID like"
                        + " 11111111-2222-3333-4444-555555555555",
                file() + ":7:5: nodeGroups[0].resourceGroup: missing; expected a resource group name (1-90 letters,"
                        + " digits, '.', '_', '-', '(' or ')', not ending with '.')",
                file() + ":8:5: nodeGroups[0].resourcegroup: unknown key; did you mean \"resourceGroup\"?",
                file() + ":10:16: limits.concurrency: found \"0\", expected a whole number from 1 to 1000",
                file() + ":11:19: limits.resumeDeadline: found \"0s\", expected a positive duration like 540s, 9m,"
                        + " 1h or 1500ms (a bare number is seconds)",
                file() + ":12:15: log.level: found \"TRACE\", expected INFO or DEBUG"), errors);
    }

    @Test
    void givenKeyInTheWrongSection_whenChecked_thenErrorSuggestsWhereItBelongs() throws Exception {
        List<String> errors = errors(ConfigFixtures.MINIMAL + "proxy: http://proxy.example:3128\n");

        assertEquals(List.of(file() + ":9:1: proxy: unknown key here; did you mean azure.proxy?"), errors);
    }

    @Test
    void givenUnknownKeyUnlikeAnyOther_whenChecked_thenErrorListsTheValidKeys() throws Exception {
        List<String> errors = errors(ConfigFixtures.MINIMAL + "slurm: { color: blue }\n");

        assertEquals(List.of(file() + ":9:10: slurm.color: unknown key; expected one of scontrol, setNodeAddr"),
                errors);
    }

    @Test
    void givenMisspelledKey_whenChecked_thenErrorSuggestsTheClosestKey() throws Exception {
        List<String> errors = errors(ConfigFixtures.MINIMAL + "limits: { resumeDeadlin: 300s }\n");

        assertEquals(List.of(file() + ":9:11: limits.resumeDeadlin: unknown key; did you mean \"resumeDeadline\"?"),
                errors);
    }

    @Test
    void givenDuplicateKey_whenChecked_thenErrorPointsAtBothLines() throws Exception {
        List<String> errors = errors(ConfigFixtures.MINIMAL + "stateDir: /var/lib/a\nstateDir: /var/lib/b\n");

        assertEquals(List.of(file() + ":10:1: stateDir: duplicate key, expected each key once (first given at"
                + " line 9)"), errors);
    }

    @Test
    void givenListWhereAMappingBelongs_whenChecked_thenErrorSaysWhatWasFound() throws Exception {
        List<String> errors = errors(ConfigFixtures.MINIMAL + "log: [a, b]\n");

        assertEquals(List.of(file() + ":9:6: log: found a list, expected a mapping with file and level"), errors);
    }

    @Test
    void givenRelativePath_whenChecked_thenErrorAsksForAnAbsolutePath() throws Exception {
        List<String> errors = errors(ConfigFixtures.MINIMAL + "stateDir: state\n");

        assertEquals(List.of(file() + ":9:11: stateDir: found \"state\", expected an absolute path like"
                + " /var/lib/slurm-azure-power (the power programs run in slurmctld's working directory)"), errors);
    }

    @Test
    void givenYesForABoolean_whenChecked_thenErrorExpectsTrueOrFalse() throws Exception {
        List<String> errors = errors(ConfigFixtures.MINIMAL + "slurm: { setNodeAddr: yes }\n");

        assertEquals(List.of(file() + ":9:23: slurm.setNodeAddr: found \"yes\", expected true or false"), errors);
    }

    @Test
    void givenEmptyValueForARequiredKey_whenChecked_thenErrorSaysNoValue() throws Exception {
        List<String> errors = errors(ConfigFixtures.MINIMAL.replace(ConfigFixtures.SUBSCRIPTION, ""));

        assertEquals(List.of(file() + ":2:3: azure.subscriptionId: found no value, expected a subscription GUID like"
                + " 11111111-2222-3333-4444-555555555555 (required unless every node group sets its own"
                + " subscriptionId; nodeGroups[0] does not)"), errors);
    }

    @Test
    void givenProxyWithHttpsOrWithoutPort_whenChecked_thenErrorsExplainTheForm() throws Exception {
        String yaml = ConfigFixtures.MINIMAL.replace("  credential:", "  proxy: https://proxy.example:3128\n"
                + "  credential:");

        List<String> errors = errors(yaml);

        assertEquals(List.of(file() + ":3:10: azure.proxy: found \"https://proxy.example:3128\", expected an HTTP"
                + " proxy URL like http://proxy.example:3128 (the proxy is reached over plain HTTP and tunnels TLS"
                + " with CONNECT)"), errors);
        assertEquals(List.of(file() + ":3:10: azure.proxy: found \"http://proxy.example\", expected an HTTP proxy"
                + " URL like http://proxy.example:3128 (scheme, host and port only)"),
                errors(yaml.replace("https://proxy.example:3128", "http://proxy.example")));
    }

    @Test
    void givenSecondYamlDocument_whenChecked_thenErrorAsksForOne() throws Exception {
        List<String> errors = errors(ConfigFixtures.MINIMAL + "---\nstateDir: /tmp\n");

        assertEquals(List.of(file() + ":10:1: found a second YAML document, expected a single document (remove the"
                + " '---' line)"), errors);
    }

    @Test
    void givenYamlAlias_whenChecked_thenErrorSaysAliasesAreNotSupported() throws Exception {
        List<String> errors = errors(ConfigFixtures.MINIMAL.replace("resourceGroup: hpc1-burst",
                "resourceGroup: &rg hpc1-burst\n  - nodes: b1\n    resourceGroup: *rg"));

        assertEquals(List.of(file() + ":10:20: nodeGroups[1].resourceGroup: found the alias *rg, expected a plain"
                + " value (YAML anchors and aliases are not supported)"), errors);
    }

    @Test
    void givenBrokenConfig_whenLoaded_thenExceptionCarriesEveryProblemOneLineEach() throws Exception {
        Path file = ConfigFixtures.write(dir, ConfigFixtures.MINIMAL
                .replace(ConfigFixtures.SUBSCRIPTION, "abc").replace("hpc1-burst", "bad/rg"));

        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file));

        assertEquals(2, e.problems().size());
        assertEquals(List.of("azure.subscriptionId", "nodeGroups[0].resourceGroup"),
                e.problems().stream().map(ConfigProblem::key).toList());
        assertEquals(2, e.getMessage().lines().count());
        assertTrue(e.problems().stream().allMatch(ConfigProblem::isError));
        assertEquals(file, e.problems().get(0).file());
        assertEquals(2, e.problems().get(0).line());
        assertEquals(19, e.problems().get(0).column());
    }

    @Test
    void givenUtf8ByteOrderMark_whenLoaded_thenItIsIgnored() throws Exception {
        Path file = ConfigFixtures.write(dir, "\uFEFF" + ConfigFixtures.MINIMAL);

        assertTrue(ConfigLoader.check(file).valid());
    }

    @Test
    void givenNonUtf8File_whenChecked_thenErrorSaysSo() throws Exception {
        Path file = dir.resolve("azure-power.yaml");
        Files.write(file, new byte[] {'a', ':', ' ', (byte) 0xff, '\n'});

        assertEquals(List.of(file + ": cannot read the configuration: it is not UTF-8 text"),
                ConfigLoader.check(file).errors().stream().map(ConfigProblem::toString).toList());
    }

    @Test
    void givenValidConfig_whenLoadedTwice_thenBothLoadsAreEqual() throws Exception {
        Path file = ConfigFixtures.full(dir);

        Config first = ConfigLoader.load(file);
        Config second = ConfigLoader.load(file);

        assertEquals(first, second);
        assertFalse(first.nodeGroups().isEmpty());
    }

    @Test
    void givenALogDirectoryThisUserCannotWrite_whenChecked_thenAWarningNamesTheSyslogFallback() throws Exception {
        Path file = ConfigFixtures.full(dir);
        Path logDir = dir.resolve("log");
        FileChecks readOnlyLogDir = path -> {
            FileInfo real = FileChecks.system().inspect(path);
            return path.equals(logDir) ? new FileInfo(path, real.kind(), real.permissions(), real.owner(),
                    real.size(), true, false, true, java.util.Optional.empty()) : real;
        };

        ConfigReport report = ConfigLoader.check(file, readOnlyLogDir);

        assertTrue(report.valid());
        assertTrue(report.warnings().stream().anyMatch(w -> w.key().equals("log.file") && w.message().equals(
                "directory " + logDir + " is not writable by the user running this check; the power programs log "
                        + "to syslog (tag slurm-azure-power) instead when SlurmUser cannot create power_save.log")),
                report.warnings().toString());
    }
}
