package org.slurmazure.power.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

import org.slurmazure.power.emulator.ArmEmulator;
import org.slurmazure.power.emulator.VmSpec;
import org.slurmazure.power.slurm.FakeScontrol;
import org.slurmazure.power.testing.SecretScan;

/**
 * A test's world for the power programs: the ARM emulator over HTTPS (trusted through {@code caCertificates}), a
 * configuration file pointing at it with a client-secret credential, a recording fake {@code scontrol}, and the
 * commands run in-process through the real command line.
 */
final class PowerTestBed implements AutoCloseable {
    static final String SECRET = "emulator-secret-Zq9!";

    final Path dir;
    final ArmEmulator emulator;
    final FakeScontrol scontrol;
    final Path config;
    final Path log;

    /** The result of one command: exit code, stdout, stderr. */
    record Run(int exit, String out, String err) {
    }

    PowerTestBed(Path dir, ArmEmulator.Builder emulatorBuilder) throws IOException {
        this(dir, emulatorBuilder, "");
    }

    /** @param extraYaml appended to the configuration (e.g. a limits section) */
    PowerTestBed(Path dir, ArmEmulator.Builder emulatorBuilder, String extraYaml) throws IOException {
        this.dir = dir;
        this.emulator = emulatorBuilder.clientSecret(SECRET).start();
        this.scontrol = FakeScontrol.install(Files.createDirectories(dir.resolve("slurm")));
        this.log = dir.resolve("power_save.log");
        Path secret = dir.resolve("secret");
        Files.writeString(secret, SECRET + "\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        this.config = dir.resolve("azure-power.yaml");
        String limits = extraYaml.contains("limits:") ? ""
                : "limits: { concurrency: 8, resumeDeadline: 30s, suspendDeadline: 30s, requestTimeout: 5s }\n";
        Files.writeString(config, """
                azure:
                  cloud: custom
                  endpoints:
                    resourceManager: %s
                    authority: %s
                  subscriptionId: %s
                  credential:
                    type: client-secret
                    tenantId: %s
                    clientId: %s
                    secretFile: %s
                  caCertificates: %s
                cluster:
                  tag: { name: slurm-cluster, value: hpc1 }
                nodeGroups:
                  - nodes: "azc[001-020]"
                    resourceGroup: hpc1-burst
                slurm:
                  scontrol: %s
                stateDir: %s
                """.formatted(emulator.baseUrl(), emulator.baseUrl(), emulator.subscriptionId(), emulator.tenantId(),
                emulator.clientId(), secret, emulator.caCertificatePem(), scontrol.path(),
                dir.resolve("state")) + limits + (extraYaml.contains("log:") ? "" : "log: { file: " + log + " }\n")
                + extraYaml, StandardCharsets.UTF_8);
    }

    /** VMs azc001..azcNNN in hpc1-burst, tagged for the cluster, deallocated; fast operations, no latency. */
    static ArmEmulator.Builder emulator(int vms) {
        ArmEmulator.Builder builder = ArmEmulator.builder()
                .resourceGroup("hpc1-burst")
                .lroDuration(Duration.ofMillis(300))
                .retryAfterSeconds(1);
        return vms == 0 ? builder : builder.generate("azc[001-" + String.format("%03d", vms) + "]",
                vm -> vm.resourceGroup("hpc1-burst").tag("slurm-cluster", "hpc1"));
    }

    static VmSpec vm(String name) {
        return VmSpec.of(name).resourceGroup("hpc1-burst").tag("slurm-cluster", "hpc1");
    }

    Run run(String... args) {
        String[] full = new String[args.length + 2];
        System.arraycopy(args, 0, full, 0, args.length);
        full[args.length] = "--config";
        full[args.length + 1] = config.toString();
        return runAsGiven(full);
    }

    /** The command line exactly as given (no {@code --config} added). */
    Run runAsGiven(String... full) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = SlurmAzurePower.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(full);
        SecretScan.output("power-programs-stdout", out.toString());
        SecretScan.output("power-programs-stderr", err.toString());
        return new Run(exit, out.toString(), err.toString());
    }

    String log() throws IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    List<List<String>> scontrolCalls() throws IOException {
        return scontrol.calls();
    }

    long posts(String vm, String action) {
        return emulator.count("POST", ".*/virtualMachines/" + vm + "/" + action);
    }

    @Override
    public void close() {
        SecretScan.file("power_save.log", log);
        emulator.close();
    }
}
