package org.slurmazure.power.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigCredentialTest {

    @TempDir
    Path dir;

    private String withCredential(String credentialLines) {
        return ConfigFixtures.MINIMAL.replace("  credential: { type: managed-identity }\n",
                "  credential:\n" + credentialLines.replace("DIR", dir.toString()));
    }

    private ConfigReport check(String yaml) throws IOException {
        return ConfigLoader.check(ConfigFixtures.write(dir, yaml));
    }

    private static List<String> lines(List<ConfigProblem> problems) {
        return problems.stream().map(ConfigProblem::toString).toList();
    }

    private String file() {
        return dir.resolve("azure-power.yaml").toString();
    }

    private String secretCredential() {
        return """
                    type: client-secret
                    tenantId: contoso.onmicrosoft.com
                    clientId: 99999999-8888-7777-6666-555555555555
                    secretFile: DIR/azure-power.secret
                """;
    }

    @Test
    void givenSecretFileWithMode0600_whenLoaded_thenCredentialIsValid() throws Exception {
        Path secret = ConfigFixtures.file(dir, "azure-power.secret", "s3cr3t-value\n", "rw-------");

        ConfigReport report = check(withCredential(secretCredential()));

        assertEquals(List.of(), report.errors());
        assertEquals(new Credential.ClientSecret("contoso.onmicrosoft.com", ConfigFixtures.CLIENT, secret),
                report.config().orElseThrow().azure().credential());
        assertTrue(report.warnings().stream().noneMatch(w -> w.key().startsWith("azure.credential")),
                report.warnings().toString());
    }

    @Test
    void givenSecretFileReadableByGroupAndOthers_whenChecked_thenErrorAsksForChmod600() throws Exception {
        Path secret = ConfigFixtures.file(dir, "azure-power.secret", "s3cr3t-value\n", "rw-r--r--");

        ConfigReport report = check(withCredential(secretCredential()));

        assertEquals(List.of(file() + ":7:17: azure.credential.secretFile: found mode 0644 on " + secret
                + " (group or others can access it), expected mode 0600 or 0400 (chmod 600 " + secret + ")"),
                lines(report.errors()));
    }

    @Test
    void givenCertificateReadableByGroupOnly_whenChecked_thenItIsAnError() throws Exception {
        ConfigFixtures.file(dir, "azure-power.pem", "key", "rw-r-----");

        ConfigReport report = check(withCredential("""
                    type: client-certificate
                    tenantId: aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee
                    clientId: 99999999-8888-7777-6666-555555555555
                    certificateFile: DIR/azure-power.pem
                """));

        assertEquals(List.of("azure.credential.certificateFile"),
                report.errors().stream().map(ConfigProblem::key).toList());
        assertTrue(report.errors().get(0).message().startsWith("found mode 0640 on "), report.errors().toString());
    }

    @Test
    void givenReadOnlyCertificateAndPasswordFile_whenLoaded_thenBothAreInTheModel() throws Exception {
        Path cert = ConfigFixtures.file(dir, "azure-power.pfx", "key", "r--------");
        Path password = ConfigFixtures.file(dir, "azure-power.pfx.password", "pw", "rw-------");

        ConfigReport report = check(withCredential("""
                    type: client-certificate
                    tenantId: aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee
                    clientId: 99999999-8888-7777-6666-555555555555
                    certificateFile: DIR/azure-power.pfx
                    certificatePasswordFile: DIR/azure-power.pfx.password
                """));

        assertEquals(new Credential.ClientCertificate(ConfigFixtures.TENANT, ConfigFixtures.CLIENT, cert,
                Optional.of(password)), report.configOrThrow().azure().credential());
        assertEquals(List.of(cert, password), report.configOrThrow().azure().credential().secretFiles());
    }

    @Test
    void givenMissingSecretFile_whenChecked_thenItIsAWarningNotAnError() throws Exception {
        ConfigReport report = check(withCredential(secretCredential()));

        assertTrue(report.valid(), report.errors().toString());
        assertEquals(List.of(file() + ":7:17: warning: azure.credential.secretFile: file " + dir.resolve(
                "azure-power.secret") + " does not exist; the power programs cannot authenticate to Azure until it"
                + " does"), lines(report.warnings()).stream().filter(l -> l.contains("azure.credential")).toList());
    }

    @Test
    void givenDirectoryAsCertificateFile_whenChecked_thenItIsAnError() throws Exception {
        Files.createDirectory(dir.resolve("certs"));

        ConfigReport report = check(withCredential("""
                    type: client-certificate
                    tenantId: aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee
                    clientId: 99999999-8888-7777-6666-555555555555
                    certificateFile: DIR/certs
                """));

        assertEquals(List.of(file() + ":7:22: azure.credential.certificateFile: found a directory at "
                + dir.resolve("certs") + ", expected a regular file"), lines(report.errors()));
    }

    @Test
    void givenServicePrincipalWithoutTenantAndClient_whenChecked_thenBothAreMissing() throws Exception {
        ConfigFixtures.file(dir, "azure-power.secret", "x", "rw-------");

        ConfigReport report = check(withCredential("""
                    type: client-secret
                    secretFile: DIR/azure-power.secret
                """));

        assertEquals(List.of(
                file() + ":3:3: azure.credential.tenantId: missing; expected a tenant ID like"
                        + " 11111111-2222-3333-4444-555555555555 or a tenant domain like contoso.onmicrosoft.com",
                file() + ":3:3: azure.credential.clientId: missing; expected a client (application) ID like"
                        + " 11111111-2222-3333-4444-555555555555"), lines(report.errors()));
    }

    @Test
    void givenKeyOfAnotherCredentialType_whenChecked_thenErrorSaysItIsNotUsed() throws Exception {
        ConfigReport report = check(withCredential("""
                    type: managed-identity
                    tenantId: aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee
                """));

        assertEquals(List.of(file() + ":5:5: azure.credential.tenantId: not used with type managed-identity;"
                + " expected only the keys of managed-identity (clientId)"), lines(report.errors()));
    }

    @Test
    void givenUserAssignedManagedIdentity_whenLoaded_thenItsClientIdIsKept() throws Exception {
        ConfigReport report = check(withCredential("""
                    type: managed-identity
                    clientId: 99999999-8888-7777-6666-555555555555
                """));

        assertEquals(new Credential.ManagedIdentity(Optional.of(ConfigFixtures.CLIENT)),
                report.configOrThrow().azure().credential());
    }

    @Test
    void givenMisspelledCredentialType_whenChecked_thenErrorSuggestsTheType() throws Exception {
        ConfigReport report = check(withCredential("    type: client-certifcate\n"));

        assertEquals(List.of(file() + ":4:11: azure.credential.type: found \"client-certifcate\", expected one of"
                + " client-certificate, client-secret, managed-identity or azure-cli; did you mean"
                + " \"client-certificate\"?"), lines(report.errors()));
    }

    @Test
    void givenAzureCliCredential_whenLoaded_thenItIsValidWithAWarningAboutSlurmctld() throws Exception {
        ConfigReport report = check(withCredential("    type: azure-cli\n"));

        assertEquals(new Credential.AzureCli(Optional.empty()), report.configOrThrow().azure().credential());
        assertTrue(report.warnings().stream().anyMatch(w -> w.key().equals("azure.credential.type")
                && w.message().contains("SlurmUser")), report.warnings().toString());
    }

    @Test
    void givenRelativeSecretFile_whenChecked_thenErrorAsksForAnAbsolutePath() throws Exception {
        ConfigReport report = check(withCredential(secretCredential().replace("DIR/", "")));

        assertEquals(List.of(file() + ":7:17: azure.credential.secretFile: found \"azure-power.secret\", expected"
                + " an absolute path like /etc/slurm/azure-power.secret (the power programs run in slurmctld's"
                + " working directory)"), lines(report.errors()));
    }

    @Test
    void givenFakeFileChecks_whenLoaded_thenOnlyTheyAreConsulted() throws Exception {
        Path file = ConfigFixtures.write(dir, withCredential(secretCredential()));
        FileChecks everythingMissing = FileInfo::missing;

        ConfigReport report = ConfigLoader.check(file, everythingMissing);

        assertTrue(report.valid());
        assertEquals(List.of("slurm.scontrol", "log.file", "stateDir", "azure.credential.secretFile"),
                report.warnings().stream().map(ConfigProblem::key).toList());
    }
}
