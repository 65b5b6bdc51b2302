package org.slurmazure.power.cloud.azure;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.identity.AzureCliCredentialBuilder;
import com.azure.identity.ClientCertificateCredentialBuilder;
import com.azure.identity.ClientSecretCredentialBuilder;
import com.azure.identity.ManagedIdentityCredentialBuilder;

import org.slurmazure.power.cloud.azure.AzureConnection.CredentialSettings;

/**
 * Builds the one credential the configuration names. Token requests go through {@code http}, the same client as
 * ARM requests, so extra CAs and the proxy apply to both.
 */
final class Credentials {
    private Credentials() {}

    static TokenCredential build(AzureConnection settings, HttpClient http) throws IOException {
        CredentialSettings c = settings.credential();
        String authority = settings.authority().toString();
        switch (c.type()) {
            case CLIENT_CERTIFICATE -> {
                ClientCertificateCredentialBuilder b = new ClientCertificateCredentialBuilder()
                        .tenantId(c.tenantId())
                        .clientId(c.clientId())
                        .authorityHost(authority)
                        .httpClient(http);
                String file = c.certificateFile().toString();
                if (file.toLowerCase(Locale.ROOT).endsWith(".pfx")
                        || file.toLowerCase(Locale.ROOT).endsWith(".p12")) {
                    b.pfxCertificate(file);
                } else {
                    b.pemCertificate(file);
                }
                if (c.certificatePasswordFile() != null) {
                    b.clientCertificatePassword(readSecret(c.certificatePasswordFile()));
                }
                if (settings.customAuthority()) {
                    b.disableInstanceDiscovery();
                }
                return b.build();
            }
            case CLIENT_SECRET -> {
                ClientSecretCredentialBuilder b = new ClientSecretCredentialBuilder()
                        .tenantId(c.tenantId())
                        .clientId(c.clientId())
                        .authorityHost(authority)
                        .httpClient(http)
                        .clientSecret(readSecret(c.secretFile()));
                if (settings.customAuthority()) {
                    b.disableInstanceDiscovery();
                }
                return b.build();
            }
            case MANAGED_IDENTITY -> {
                ManagedIdentityCredentialBuilder b = new ManagedIdentityCredentialBuilder().httpClient(http);
                if (c.clientId() != null) {
                    b.clientId(c.clientId());
                }
                return b.build();
            }
            case AZURE_CLI -> {
                AzureCliCredentialBuilder b = new AzureCliCredentialBuilder().processTimeout(Duration.ofSeconds(30));
                if (c.tenantId() != null) {
                    b.tenantId(c.tenantId());
                }
                return b.build();
            }
            default -> throw new IllegalStateException("unknown credential type " + c.type());
        }
    }

    /** A secret file's content without trailing whitespace (a file written with echo ends with a newline). */
    static String readSecret(Path file) throws IOException {
        String s = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (s.isEmpty()) {
            throw new IOException(file + " is empty");
        }
        return s;
    }
}
