package org.slurmazure.power.cli;

import java.io.IOException;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.time.Duration;

import org.slurmazure.power.cloud.CloudException;
import org.slurmazure.power.cloud.CloudVms;
import org.slurmazure.power.cloud.azure.AzureCloudFactory;
import org.slurmazure.power.cloud.azure.AzureConnection;
import org.slurmazure.power.cloud.azure.AzureConnection.CredentialSettings;
import org.slurmazure.power.config.AzureCloud;
import org.slurmazure.power.config.AzureSettings;
import org.slurmazure.power.config.Config;
import org.slurmazure.power.config.Credential;
import org.slurmazure.power.domain.FailureClass;
import org.slurmazure.power.engine.PowerRun;
import org.slurmazure.power.slurm.CommandRunner;
import org.slurmazure.power.slurm.ScontrolSlurmControl;
import org.slurmazure.power.slurm.SlurmControl;

/** The composition root: turns the validated configuration into the cloud and Slurm clients. */
final class CloudWiring {
    /** One scontrol call may take this long before it is killed. */
    static final Duration SCONTROL_TIMEOUT = Duration.ofSeconds(30);

    private CloudWiring() {}

    /** The Azure client, with a token taken within {@code tokenLimit}. */
    static CloudVms cloud(Config config, Duration tokenLimit) throws PowerRun.CloudSetupException {
        return connect(config, tokenLimit).vms();
    }

    /** The Azure clients (VMs, and doctor's {@link org.slurmazure.power.cloud.AccessProbe}), and the token's time. */
    static AzureCloudFactory.Connected connect(Config config, Duration tokenLimit) throws PowerRun.CloudSetupException {
        try {
            return AzureCloudFactory.connect(connection(config), version(), tokenLimit);
        } catch (CloudException e) {
            throw new PowerRun.CloudSetupException(e.getMessage(), e.failure(), e.retryable(), e);
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw new PowerRun.CloudSetupException(
                    "cannot set up the Azure client: " + AzureCloudFactory.describeSetupProblem(e),
                    FailureClass.AUTH,
                    false,
                    e);
        }
    }

    static SlurmControl slurm(Config config) {
        return slurm(config.slurm().scontrol());
    }

    static SlurmControl slurm(java.nio.file.Path scontrol) {
        return new ScontrolSlurmControl(scontrol, SCONTROL_TIMEOUT, new CommandRunner());
    }

    static AzureConnection connection(Config config) {
        AzureSettings azure = config.azure();
        CredentialSettings credential;
        Credential c = azure.credential();
        if (c instanceof Credential.ClientCertificate cert) {
            credential = new CredentialSettings(
                    CredentialSettings.Type.CLIENT_CERTIFICATE,
                    cert.tenantId(),
                    cert.clientId(),
                    cert.certificateFile(),
                    cert.certificatePasswordFile().orElse(null),
                    null);
        } else if (c instanceof Credential.ClientSecret secret) {
            credential = new CredentialSettings(
                    CredentialSettings.Type.CLIENT_SECRET,
                    secret.tenantId(),
                    secret.clientId(),
                    null,
                    null,
                    secret.secretFile());
        } else if (c instanceof Credential.ManagedIdentity mi) {
            credential = new CredentialSettings(
                    CredentialSettings.Type.MANAGED_IDENTITY,
                    null,
                    mi.clientId().orElse(null),
                    null,
                    null,
                    null);
        } else if (c instanceof Credential.AzureCli cli) {
            credential = new CredentialSettings(
                    CredentialSettings.Type.AZURE_CLI, cli.tenantId().orElse(null), null, null, null, null);
        } else {
            throw new IllegalStateException("unknown credential " + c);
        }
        return new AzureConnection(
                azure.endpoints().resourceManager(),
                azure.endpoints().authority(),
                azure.endpoints().audience(),
                azure.cloud() == AzureCloud.CUSTOM,
                credential,
                azure.caCertificates().orElse(null),
                azure.proxy()
                        .map(p -> URI.create("http://" + p.host() + ":" + p.port()))
                        .orElse(null),
                config.limits().requestTimeout(),
                config.limits().concurrency());
    }

    private static String version() {
        String v = CloudWiring.class.getPackage().getImplementationVersion();
        return v != null ? v : "dev";
    }
}
