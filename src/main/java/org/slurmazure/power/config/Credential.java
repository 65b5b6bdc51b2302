package org.slurmazure.power.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * {@code azure.credential}: how the power programs authenticate to Azure. Secrets are never in the configuration: only
 * the paths of files holding them.
 */
public sealed interface Credential
        permits Credential.ClientCertificate, Credential.ClientSecret, Credential.ManagedIdentity, Credential.AzureCli {

    /** The {@code type} value in the configuration file. */
    String type();

    /** The files holding secrets (checked for mode 0600 by the loader); none for identities without a secret. */
    default List<Path> secretFiles() {
        return List.of();
    }

    /** Service principal with a certificate: a PEM (or PFX) file holding the private key and the certificate. */
    record ClientCertificate(
            String tenantId, String clientId, Path certificateFile, Optional<Path> certificatePasswordFile)
            implements Credential {
        public static final String TYPE = "client-certificate";

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public List<Path> secretFiles() {
            return certificatePasswordFile.map(p -> List.of(certificateFile, p)).orElse(List.of(certificateFile));
        }
    }

    /** Service principal with a client secret read from a file (trailing whitespace stripped when read). */
    record ClientSecret(String tenantId, String clientId, Path secretFile) implements Credential {
        public static final String TYPE = "client-secret";

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public List<Path> secretFiles() {
            return List.of(secretFile);
        }
    }

    /**
     * The managed identity of the Azure VM slurmctld runs on: system-assigned, or the user-assigned identity with this
     * client ID.
     */
    record ManagedIdentity(Optional<String> clientId) implements Credential {
        public static final String TYPE = "managed-identity";

        @Override
        public String type() {
            return TYPE;
        }
    }

    /** The login of the Azure CLI ({@code az login}) of the user running the program: for admins by hand only. */
    record AzureCli(Optional<String> tenantId) implements Credential {
        public static final String TYPE = "azure-cli";

        @Override
        public String type() {
            return TYPE;
        }
    }
}
