package org.slurmazure.power.config;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code azure} section.
 *
 * @param cloud          the cloud
 * @param endpoints      the resolved endpoints: those of a known cloud, or {@code azure.endpoints} for a custom one
 * @param subscriptionId the default subscription of the node groups; empty when every group names its own
 * @param credential     how to authenticate
 * @param caCertificates extra trusted CA certificates (PEM) for every Azure connection, if any
 * @param proxy          the HTTP proxy for every Azure connection, if any
 */
public record AzureSettings(
        AzureCloud cloud,
        AzureEndpoints endpoints,
        Optional<String> subscriptionId,
        Credential credential,
        Optional<Path> caCertificates,
        Optional<HttpProxy> proxy) {
    public AzureSettings {
        Objects.requireNonNull(cloud, "cloud");
        Objects.requireNonNull(endpoints, "endpoints");
        Objects.requireNonNull(subscriptionId, "subscriptionId");
        Objects.requireNonNull(credential, "credential");
        Objects.requireNonNull(caCertificates, "caCertificates");
        Objects.requireNonNull(proxy, "proxy");
    }
}
