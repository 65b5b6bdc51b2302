package org.slurmazure.power.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.slurmazure.power.emulator.TlsMaterial;

/**
 * The checkout launcher bin/slurm-azure-power, as admins and slurmctld run it: any cwd, empty environment. On the
 * JVM and with the native executable ({@link ProgramRuntime}; skipped with one line when there is none).
 */
@ParameterizedClass(name = "{0}")
@EnumSource(ProgramRuntime.class)
class LauncherIT {
    static final Path LAUNCHER = Path.of("bin/slurm-azure-power").toAbsolutePath();

    @Parameter
    ProgramRuntime runtime;

    @BeforeParameterizedClassInvocation
    static void runtimeIsThere(ProgramRuntime runtime) throws Exception {
        String why = runtime.unavailable();
        assumeTrue(why == null, why);
    }

    record Result(int exit, String out, String err) {
    }

    Result run(Path cwd, List<String> command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile());
        pb.environment().clear();
        pb.environment().putAll(runtime.environment());
        File out = File.createTempFile("launcher", ".out");
        File err = File.createTempFile("launcher", ".err");
        pb.redirectOutput(out).redirectError(err).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Process p = pb.start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        Result r = new Result(p.exitValue(), Files.readString(out.toPath(), StandardCharsets.UTF_8),
                Files.readString(err.toPath(), StandardCharsets.UTF_8));
        out.delete();
        err.delete();
        return r;
    }

    @Test
    void runsFromAnyDirectoryWithAnEmptyEnvironment() throws Exception {
        Result r = run(Path.of("/"), List.of(LAUNCHER.toString(), "--version"));

        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("slurm-azure-power "), r.out());
    }

    @Test
    void runsThroughASymlink(@TempDir Path dir) throws Exception {
        Path link = dir.resolve("sap");
        Files.createSymbolicLink(link, LAUNCHER);

        Result r = run(dir, List.of(link.toString(), "hostlist", "expand", "azc[001-002]"));

        assertEquals(0, r.exit(), r.err());
        assertEquals("azc001\nazc002\n", r.out());
    }

    @Test
    void theSlurmConfProgramsRunThroughASymlinkToo(@TempDir Path dir) throws Exception {
        for (String program : List.of("resume", "suspend", "resume-fail")) {
            Path link = dir.resolve("link-" + program);
            Files.createSymbolicLink(link, LAUNCHER.resolveSibling("slurm-azure-" + program));

            Result r = run(dir, List.of(link.toString(), "--help"));

            assertEquals(0, r.exit(), program + ": " + r.err());
            assertTrue(r.out().contains("Usage: slurm-azure-power " + program + " "), r.out());
        }
    }

    @Test
    void theStandaloneEmulatorAnswersArmRequests(@TempDir Path dir) throws Exception {
        Path state = dir.resolve("emu");
        ProcessBuilder pb = new ProcessBuilder(List.of(LAUNCHER.resolveSibling("arm-emulator").toString(),
                "--state-dir", state.toString(), "--generate", "azc[1-2]", "--no-journal"))
                .redirectErrorStream(true).redirectOutput(dir.resolve("emulator.out").toFile());
        Process emu = pb.start();
        try {
            Path url = state.resolve("url");
            for (int i = 0; i < 150 && !(Files.exists(url) && Files.size(url) > 0); i++) {
                Thread.sleep(100);
            }
            String base = Files.readString(url).strip();
            HttpClient http = HttpClient.newBuilder().sslContext(TlsMaterial.trusting(state.resolve("cert.pem"))).build();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base
                                    + "subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/slurm-rg/"
                                    + "providers/Microsoft.Compute/virtualMachines/azc1?api-version=2025-04-01"))
                            .build(), HttpResponse.BodyHandlers.ofString());

            assertEquals(401, r.statusCode(), r.body() + Files.readString(dir.resolve("emulator.out")));
            assertTrue(r.body().contains("AuthenticationFailed"), r.body());
        } finally {
            emu.destroy();
            emu.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void invalidInputGivesOneLineAndExit2(@TempDir Path dir) throws Exception {
        Result r = run(dir, List.of(LAUNCHER.toString(), "hostlist", "expand", "c[3-1]"));

        assertEquals(2, r.exit());
        assertEquals("", r.out());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().contains("invalid hostlist \"c[3-1]\""), r.err());
    }
}
