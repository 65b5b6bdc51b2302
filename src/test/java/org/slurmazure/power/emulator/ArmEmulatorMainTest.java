package org.slurmazure.power.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArmEmulatorMainTest {

    /** The test classpath, as surefire gives it to the forked JVM. */
    private static String testClasspath() {
        String cp = System.getProperty("surefire.test.class.path");
        return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
    }

    @Test
    void theMainClassServesInItsOwnProcessAndStopsOnSigterm(@TempDir Path dir) throws Exception {
        Path state = dir.resolve("state");
        Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(List.of(java.toString(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-cp", testClasspath(), ArmEmulatorMain.class.getName(),
                "--generate", "azc[001-003]", "--resource-group", "hpc1-burst", "--tag", "slurm-cluster=hpc1",
                "--state-dir", state.toString(), "--lro", "200ms", "--client-secret", "s3cret"))
                .redirectError(dir.resolve("stderr.txt").toFile())
                .start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line = CompletableFuture.supplyAsync(() -> {
                try {
                    return out.readLine();
                } catch (java.io.IOException e) {
                    return null;
                }
            }).get(60, TimeUnit.SECONDS);

            assertNotNull(line, () -> "no ready line; stderr: " + read(dir.resolve("stderr.txt")));
            assertTrue(line.matches("ARM emulator listening on https://127\\.0\\.0\\.1:\\d+/"), line);
            String url = line.substring(line.indexOf("https://"));
            assertEquals(url + "\n", Files.readString(state.resolve("url")));
            assertEquals(p.pid() + "\n", Files.readString(state.resolve("emulator.pid")));
            assertTrue(Files.readString(state.resolve("cert.pem")).startsWith("-----BEGIN CERTIFICATE-----"));
            JsonNode info = Json.read(Files.readString(state.resolve("emulator.json")));
            assertEquals("s3cret", info.get("clientSecret").asText());
            assertEquals(3, Json.read(Files.readString(state.resolve("vms.json"))).size());
            assertEquals(3, Files.readAllLines(state.resolve("events.log")).size());

            HttpClient http = HttpClient.newBuilder().sslContext(TlsMaterial.trusting(state.resolve("cert.pem")))
                    .build();
            HttpResponse<String> vms = http.send(HttpRequest.newBuilder(URI.create(url + "__emulator/vms")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, vms.statusCode());
            JsonNode first = Json.read(vms.body()).get(0);
            assertEquals("azc001", first.get("name").asText());
            assertEquals("hpc1-burst", first.get("resourceGroup").asText());
            assertEquals("hpc1", first.path("tags").path("slurm-cluster").asText());
            HttpResponse<String> localhost = http.send(HttpRequest.newBuilder(URI.create(url
                    .replace("127.0.0.1", "localhost") + "__emulator/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, localhost.statusCode(), "the certificate is valid for localhost too");

            p.destroy();
            assertTrue(p.waitFor(20, TimeUnit.SECONDS), "stops on SIGTERM");
            assertFalse(Files.exists(state.resolve("url")), "the url file is removed at shutdown");
            assertFalse(Files.exists(state.resolve("emulator.pid")));
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void optionsAreParsedAndMistakesAreUsageErrors() throws Exception {
        ArmEmulatorMain.Options o = ArmEmulatorMain.parse(new String[] {"--generate=azc[1-2]", "--port", "0",
                "--latency", "100ms", "--lro", "20s", "--throttle", "azure", "--bucket", "armWrites=20+1/s",
                "--tag", "a=b", "--no-journal"});
        assertEquals(Duration.ofMillis(100), o.latency);
        assertEquals(Duration.ofSeconds(20), o.lro);
        assertEquals("b", o.tags.get("a"));
        assertTrue(o.noJournal);

        assertThrows(ArmEmulatorMain.UsageException.class, () -> ArmEmulatorMain.parse(new String[] {"--bogus"}));
        assertThrows(ArmEmulatorMain.UsageException.class, () -> ArmEmulatorMain.parse(new String[0]),
                "no VMs");
        assertThrows(ArmEmulatorMain.UsageException.class,
                () -> ArmEmulatorMain.parse(new String[] {"--generate", "a[1-", "--lro", "5"}));
        assertThrows(ArmEmulatorMain.UsageException.class,
                () -> ArmEmulatorMain.parse(new String[] {"--generate", "a1", "--throttle", "aws"}));
        assertThrows(ArmEmulatorMain.UsageException.class, () -> ArmEmulatorMain.parse(new String[] {"--port"}));
        assertTrue(ArmEmulatorMain.parse(new String[] {"--help"}).help);
    }

    @Test
    void theUnkindSwitchesAreOptionsToo() throws Exception {
        ArmEmulatorMain.Options o = ArmEmulatorMain.parse(new String[] {"--generate", "azc1", "--resource-group",
                "rg1", "--state-lag", "5s", "--failed-start-state", "running", "--require-api-version",
                "--resource-group-scope", "rg1,rg2", "--deny", "rg1=" + AccessScope.VM_DEALLOCATE});

        try (ArmEmulatorMain.Running r = ArmEmulatorMain.start(o)) {
            JsonNode settings = new EmuClient(r.emulator).admin("GET", "settings", null).json();
            assertEquals("5s", settings.get("stateLag").asText());
            assertEquals("running", settings.get("failedStartState").asText());
            assertTrue(settings.get("requireApiVersion").asBoolean());
            assertEquals("rg2", settings.path("access").path("resourceGroups").get(1).asText());
            assertEquals(AccessScope.VM_DEALLOCATE, settings.path("access").path("deny").path("rg1").get(0).asText());
        }
        for (String[] bad : List.of(new String[] {"--failed-start-state", "stopped"},
                new String[] {"--deny", "rg1"}, new String[] {"--state-lag", "soon"},
                new String[] {"--resource-group-scope", ","})) {
            String[] args = {"--generate", "azc1", bad[0], bad[1]};
            assertThrows(ArmEmulatorMain.UsageException.class, () -> ArmEmulatorMain.parse(args), bad[0]);
        }
        assertTrue(ArmEmulatorMain.USAGE.contains("--resource-group-scope"));
    }

    @Test
    void theStandaloneSetupLoadsSpecFilesAndWritesTheStateDirectory(@TempDir Path dir) throws Exception {
        Path specs = dir.resolve("vms.yaml");
        Files.writeString(specs, "- {name: 'gpu[1-2]', resourceGroup: gpu-rg, startFailure: AllocationFailed}\n");
        ArmEmulatorMain.Options o = ArmEmulatorMain.parse(new String[] {"--vms", specs.toString(),
                "--generate", "azc1", "--state-dir", dir.resolve("s").toString(), "--lenient-auth"});

        try (ArmEmulatorMain.Running r = ArmEmulatorMain.start(o)) {
            assertEquals(3, r.emulator.vms().size());
            assertEquals("gpu-rg", r.emulator.vm("gpu2").resourceGroup());
            assertEquals("slurm-rg", r.emulator.vm("azc1").resourceGroup());
            assertTrue(Files.exists(dir.resolve("s/url")));
            assertEquals(dir.resolve("s/events.log"), r.emulator.eventsFile());
        }
        assertFalse(Files.exists(dir.resolve("s/url")));
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            return "(" + e + ")";
        }
    }
}
