package org.slurmazure.power.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigCloudTest {

    @TempDir
    Path dir;

    private static String withCloud(String cloudLines) {
        return ConfigFixtures.MINIMAL.replace("azure:\n", "azure:\n" + cloudLines);
    }

    private ConfigReport check(String yaml) throws IOException {
        return ConfigLoader.check(ConfigFixtures.write(dir, yaml));
    }

    private List<String> errors(String yaml) throws IOException {
        return check(yaml).errors().stream().map(ConfigProblem::toString).toList();
    }

    private String file() {
        return dir.resolve("azure-power.yaml").toString();
    }

    @ParameterizedTest
    @CsvSource({
        "AzureCloud, https://management.azure.com/, https://login.microsoftonline.com/,"
                + " https://management.core.windows.net/",
        "AzureChinaCloud, https://management.chinacloudapi.cn/, https://login.chinacloudapi.cn/,"
                + " https://management.core.chinacloudapi.cn/",
        "AzureUSGovernment, https://management.usgovcloudapi.net/, https://login.microsoftonline.us/,"
                + " https://management.core.usgovcloudapi.net/"})
    void givenKnownCloud_whenLoaded_thenItsEndpointsAreResolved(String cloud, String arm, String login,
                                                                String audience) throws Exception {
        Config config = check(withCloud("  cloud: " + cloud + "\n")).configOrThrow();

        assertEquals(cloud, config.azure().cloud().configName());
        assertEquals(new AzureEndpoints(URI.create(arm), URI.create(login), audience), config.azure().endpoints());
        assertEquals(audience + ".default", config.azure().endpoints().scope());
    }

    @Test
    void givenCustomCloudWithEndpoints_whenLoaded_thenEndpointsEndWithSlashAndAudienceDefaults() throws Exception {
        Config config = check(withCloud("""
                  cloud: custom
                  endpoints:
                    resourceManager: https://management.example
                    authority: https://login.example/adfs
                """)).configOrThrow();

        assertEquals(AzureCloud.CUSTOM, config.azure().cloud());
        assertEquals(new AzureEndpoints(URI.create("https://management.example/"),
                URI.create("https://login.example/adfs/"), "https://management.core.windows.net/"),
                config.azure().endpoints());
    }

    @Test
    void givenCustomCloudWithAudience_whenLoaded_thenTheAudienceIsUsed() throws Exception {
        Config config = check(withCloud("""
                  cloud: custom
                  endpoints:
                    resourceManager: https://management.local.azurestack.external/
                    authority: https://login.example/
                    audience: https://management.adfs.azurestack.local/abc
                """)).configOrThrow();

        assertEquals("https://management.adfs.azurestack.local/abc", config.azure().endpoints().audience());
        assertEquals("https://management.adfs.azurestack.local/abc/.default", config.azure().endpoints().scope());
    }

    @Test
    void givenCustomCloudWithoutEndpoints_whenChecked_thenErrorAsksForThem() throws Exception {
        assertEquals(List.of(file() + ":2:10: azure.endpoints: missing; expected a mapping with resourceManager and"
                + " authority (https URLs) for cloud: custom"), errors(withCloud("  cloud: custom\n")));
    }

    @Test
    void givenCustomCloudWithoutAuthority_whenChecked_thenErrorNamesTheMissingKey() throws Exception {
        assertEquals(List.of(file() + ":3:3: azure.endpoints.authority: missing; expected an https URL like"
                + " https://login.example/"), errors(withCloud("""
                  cloud: custom
                  endpoints:
                    resourceManager: https://management.example/
                """)));
    }

    @Test
    void givenEndpointsWithAzureCloud_whenChecked_thenErrorSaysOnlyCustomTakesThem() throws Exception {
        assertEquals(List.of(file() + ":3:3: azure.endpoints: found endpoints with cloud AzureCloud, expected"
                + " endpoints only with cloud: custom (the known clouds have fixed endpoints)"), errors(withCloud("""
                  cloud: AzureCloud
                  endpoints:
                    resourceManager: https://management.example/
                    authority: https://login.example/
                """)));
    }

    @Test
    void givenPlainHttpEndpoint_whenChecked_thenErrorExpectsHttps() throws Exception {
        assertEquals(List.of(file() + ":4:22: azure.endpoints.resourceManager: found \"http://management.example/\","
                + " expected an https URL like https://management.example/"), errors(withCloud("""
                  cloud: custom
                  endpoints:
                    resourceManager: http://management.example/
                    authority: https://login.example/
                """)));
    }

    @Test
    void givenMisspelledCloud_whenChecked_thenErrorSuggestsTheName() throws Exception {
        assertEquals(List.of(file() + ":2:10: azure.cloud: found \"azurechinacloud\", expected one of AzureCloud,"
                + " AzureChinaCloud, AzureUSGovernment or custom; did you mean \"AzureChinaCloud\"?"),
                errors(withCloud("  cloud: azurechinacloud\n")));
    }
}
