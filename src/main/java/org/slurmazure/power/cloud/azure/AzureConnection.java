package org.slurmazure.power.cloud.azure;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything needed to reach Azure, already validated by the configuration layer.
 *
 * @param resourceManager   ARM endpoint, e.g. {@code https://management.azure.com/}
 * @param authority         Entra ID authority host, e.g. {@code https://login.microsoftonline.com/}
 * @param audience          token audience of ARM, e.g. {@code https://management.core.windows.net/}
 * @param customAuthority   true for a custom cloud: MSAL's instance discovery is disabled
 * @param credential        which credential and its files
 * @param caCertificates    extra trusted CAs (PEM), or null
 * @param proxy             HTTP proxy {@code http://host:port}, or null
 * @param requestTimeout    limit for one HTTP request (connect + response)
 * @param concurrency       requests in flight at most, across all nodes
 */
public record AzureConnection(
        URI resourceManager,
        URI authority,
        String audience,
        boolean customAuthority,
        CredentialSettings credential,
        Path caCertificates,
        URI proxy,
        Duration requestTimeout,
        int concurrency) {

    /** The credential chosen explicitly in the configuration; never a DefaultAzureCredential. */
    public record CredentialSettings(
            Type type,
            String tenantId,
            String clientId,
            Path certificateFile,
            Path certificatePasswordFile,
            Path secretFile) {
        public enum Type {
            CLIENT_CERTIFICATE,
            CLIENT_SECRET,
            MANAGED_IDENTITY,
            AZURE_CLI
        }
    }
}
