package org.slurmazure.power.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import org.slurmazure.power.startup.TrainingEndpoint;

/**
 * Hidden: the training run of the install-time start-up archive ({@code train-archive}, docs/benchmarks.md "Fast
 * start"). Runs the power programs in this JVM, as slurmctld would, against a {@link TrainingEndpoint} on loopback,
 * so that the JVM's class-data archive holds what a real, successful run loads: configuration, resume file,
 * credential, TLS, the SDK's request and response paths, polling, logging. Needs no Azure and no network; writes
 * only in a temporary directory, which it removes.
 */
@Command(
        name = "train-start-archive",
        hidden = true,
        mixinStandardHelpOptions = true,
        description = "Run resume, suspend and resume-fail against a local stand-in of Azure (start-up archive).")
public final class TrainStartArchiveCommand implements Callable<Integer> {
    static final String NODE = "train1";
    private static final String TAG = "slurm-cluster";
    private static final String CLUSTER = "training";

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException, GeneralSecurityException, InterruptedException {
        Path work = Files.createTempDirectory(
                "slurm-azure-power-train",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        try (TrainingEndpoint endpoint =
                TrainingEndpoint.start(work, Path.of(System.getProperty("java.home")), TAG, CLUSTER)) {
            Path config = writeConfig(work, endpoint);
            Path resumeFile = work.resolve("resume.json");
            Files.writeString(
                    resumeFile,
                    "{\"all_nodes_resume\":\"" + NODE + "\",\"jobs\":[{\"extra\":null,"
                            + "\"features\":null,\"job_id\":1,\"nodes_alloc\":\"" + NODE + "\",\"nodes_resume\":\""
                            + NODE
                            + "\",\"oversubscribe\":\"OK\",\"partition\":\"training\",\"reservation\":null}]}");
            String cfg = config.toString();
            List<String> failed = new ArrayList<>();
            run(failed, "resume", "--config", cfg, "--resume-file", resumeFile.toString(), NODE);
            run(failed, "resume", "--dry-run", "--config", cfg, NODE);
            run(failed, "suspend", "--config", cfg, NODE);
            run(failed, "resume-fail", "--config", cfg, NODE);
            if (endpoint.unexpectedRequests() > 0) {
                failed.add(endpoint.unexpectedRequests() + " request(s) the training endpoint does not serve");
            }
            if (!failed.isEmpty()) {
                throw new UserException(ExitCode.PARTIAL_FAILURE, "training run failed: " + String.join("; ", failed));
            }
            PrintWriter out = spec.commandLine().getOut();
            out.println("training run: resume, dry run, suspend and resume-fail of one node: ok, " + endpoint.requests()
                    + " requests to a local endpoint");
            out.flush();
            return ExitCode.OK;
        } finally {
            deleteTree(work);
        }
    }

    private static void run(List<String> failed, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = SlurmAzurePower.commandLine(new PrintWriter(out), new PrintWriter(err))
                .execute(args);
        if (code != ExitCode.OK) {
            failed.add(String.join(" ", args) + ": exit " + code + ": "
                    + (err + " " + out).strip().replaceAll("\\s+", " "));
        }
    }

    private static Path writeConfig(Path work, TrainingEndpoint endpoint) throws IOException {
        Path secret = work.resolve("secret");
        Files.writeString(secret, "training\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        Path config = work.resolve("train.yaml");
        String url = endpoint.url();
        Files.writeString(
                config,
                String.join(
                        "\n",
                        "azure:",
                        "  cloud: custom",
                        "  endpoints: { resourceManager: \"" + url + "\", authority: \"" + url + "\" }",
                        "  subscriptionId: 00000000-0000-0000-0000-000000000001",
                        "  credential: { type: client-secret, tenantId: 11111111-1111-1111-1111-111111111111,",
                        "                clientId: 22222222-2222-2222-2222-222222222222, secretFile: \"" + secret
                                + "\" }",
                        "  caCertificates: \"" + endpoint.certificatePem() + "\"",
                        "cluster: { tag: { name: " + TAG + ", value: " + CLUSTER + " } }",
                        "nodeGroups: [ { nodes: \"train[1-2]\", resourceGroup: training } ]",
                        "slurm: { scontrol: /bin/true }",
                        "log: { file: \"" + work.resolve("power_save.log") + "\" }",
                        "stateDir: \"" + work.resolve("state") + "\"",
                        ""),
                StandardCharsets.UTF_8);
        return config;
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // Left in the temporary directory; nothing in it is secret (a made-up key pair and secret).
        }
    }
}
