package org.slurmazure.power.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Configuration files for tests, written into a test's @TempDir. */
public final class ConfigFixtures {
    public static final String SUBSCRIPTION = "11111111-2222-3333-4444-555555555555";
    public static final String OTHER_SUBSCRIPTION = "22222222-3333-4444-5555-666666666666";
    public static final String TENANT = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";
    public static final String CLIENT = "99999999-8888-7777-6666-555555555555";

    /** The smallest valid configuration: a managed identity (no credential files) and one group. */
    public static final String MINIMAL = """
            azure:
              subscriptionId: 11111111-2222-3333-4444-555555555555
              credential: { type: managed-identity }
            cluster:
              tag: { name: slurm-cluster, value: hpc1 }
            nodeGroups:
              - nodes: "azc[001-100]"
                resourceGroup: hpc1-burst
            """;

    private ConfigFixtures() {
    }

    /** Writes the YAML as azure-power.yaml in the directory. */
    public static Path write(Path dir, String yaml) throws IOException {
        return write(dir, "azure-power.yaml", yaml);
    }

    public static Path write(Path dir, String name, String yaml) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, yaml);
        return file;
    }

    /** A file with this content and mode (e.g. "rw-------"). */
    public static Path file(Path dir, String name, String content, String mode) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
        return file;
    }

    /**
     * A full configuration whose every path is inside {@code dir} and exists with safe permissions (so it loads
     * without warnings): certificate, CA file, scontrol, log directory, metrics directory, state directory.
     */
    public static Path full(Path dir) throws IOException {
        file(dir, "azure-power.pem", "-----BEGIN PRIVATE KEY-----\nnot a real key\n", "rw-------");
        file(dir, "extra-ca.pem", "-----BEGIN CERTIFICATE-----\n", "rw-r--r--");
        file(dir, "scontrol", "#!/bin/sh\n", "rwxr-xr-x");
        Files.createDirectories(dir.resolve("log"));
        Files.createDirectories(dir.resolve("state"));
        Files.createDirectories(dir.resolve("textfile"));
        String yaml = """
                azure:
                  cloud: AzureCloud
                  subscriptionId: 11111111-2222-3333-4444-555555555555
                  credential:
                    type: client-certificate
                    tenantId: aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee
                    clientId: 99999999-8888-7777-6666-555555555555
                    certificateFile: DIR/azure-power.pem
                  caCertificates: DIR/extra-ca.pem
                  proxy: http://proxy.example:3128
                cluster:
                  tag: { name: slurm-cluster, value: hpc1 }
                nodeGroups:
                  - nodes: "azc[001-100]"
                    resourceGroup: hpc1-burst
                  - name: gpu
                    nodes: "gpu[01-08]"
                    resourceGroup: hpc1-gpu
                    vmName: "hpc1-{node}"
                    subscriptionId: 22222222-3333-4444-5555-666666666666
                slurm:
                  scontrol: DIR/scontrol
                  setNodeAddr: false
                limits: { concurrency: 32, resumeDeadline: 9m, suspendDeadline: 100s, requestTimeout: 1500ms }
                log: { file: DIR/log/power_save.log, level: DEBUG }
                metrics: { file: DIR/textfile/slurm_azure_power.prom }
                stateDir: DIR/state
                """.replace("DIR", dir.toString());
        return write(dir, yaml);
    }
}
