package org.slurmazure.power.config;

import java.net.URI;
import java.util.Optional;

/**
 * {@code azure.cloud}: the Azure cloud and, for the known ones, its endpoints. {@link #CUSTOM} takes its endpoints from
 * {@code azure.endpoints}.
 */
@SuppressWarnings("ImmutableEnumChecker") // AzureEndpoints is a record of URIs and strings: immutable
public enum AzureCloud {
    AZURE_CLOUD(
            "AzureCloud",
            new AzureEndpoints(
                    URI.create("https://management.azure.com/"),
                    URI.create("https://login.microsoftonline.com/"),
                    "https://management.core.windows.net/")),
    AZURE_CHINA_CLOUD(
            "AzureChinaCloud",
            new AzureEndpoints(
                    URI.create("https://management.chinacloudapi.cn/"),
                    URI.create("https://login.chinacloudapi.cn/"),
                    "https://management.core.chinacloudapi.cn/")),
    AZURE_US_GOVERNMENT(
            "AzureUSGovernment",
            new AzureEndpoints(
                    URI.create("https://management.usgovcloudapi.net/"),
                    URI.create("https://login.microsoftonline.us/"),
                    "https://management.core.usgovcloudapi.net/")),
    CUSTOM("custom", null);

    /** The token audience of a custom cloud when {@code azure.endpoints.audience} is not given. */
    public static final String DEFAULT_CUSTOM_AUDIENCE = "https://management.core.windows.net/";

    private final String configName;
    private final AzureEndpoints endpoints;

    AzureCloud(String configName, AzureEndpoints endpoints) {
        this.configName = configName;
        this.endpoints = endpoints;
    }

    /** The name used in the configuration file, e.g. {@code AzureChinaCloud}. */
    public String configName() {
        return configName;
    }

    /** The fixed endpoints of a known cloud; empty for {@link #CUSTOM}. */
    public Optional<AzureEndpoints> knownEndpoints() {
        return Optional.ofNullable(endpoints);
    }

    /** The cloud with this configuration name (exact spelling), if any. */
    public static Optional<AzureCloud> fromConfigName(String name) {
        for (AzureCloud cloud : values()) {
            if (cloud.configName.equals(name)) {
                return Optional.of(cloud);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return configName;
    }
}
