package org.slurmazure.power.startup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slurmazure.power.emulator.TlsMaterial;

class TrainingEndpointTest {
    private static final String VM = "subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/n1";

    @TempDir
    Path dir;

    @Test
    void servesTheVmLifecycleOverTlsTrustedOnlyThroughItsOwnCertificateAndCountsWhatItDoesNotServe() throws Exception {
        try (TrainingEndpoint endpoint = TrainingEndpoint.start(dir, Path.of(System.getProperty("java.home")),
                "slurm-cluster", "training")) {
            HttpClient client = HttpClient.newBuilder().sslContext(TlsMaterial.trusting(endpoint.certificatePem()))
                    .build();
            String url = endpoint.url();
            assertTrue(url.matches("https://127\\.0\\.0\\.1:\\d+/"), url);

            HttpResponse<String> vm = send(client, "GET", url + VM + "?api-version=2025-04-01&$expand=instanceView");
            assertEquals(200, vm.statusCode());
            assertTrue(vm.body().contains("\"tags\":{\"slurm-cluster\":\"training\"}"), vm.body());
            assertTrue(vm.body().contains("PowerState/deallocated"), vm.body());

            HttpResponse<String> start = send(client, "POST", url + VM + "/start?api-version=2025-04-01");
            assertEquals(202, start.statusCode());
            String operation = start.headers().firstValue("Azure-AsyncOperation").orElseThrow();
            assertEquals(200, send(client, "GET", operation).statusCode());
            assertTrue(send(client, "GET", operation).body().contains("\"status\":\"Succeeded\""));
            assertTrue(send(client, "GET", url + VM).body().contains("PowerState/running"));

            HttpResponse<String> nic = send(client, "GET", url
                    + "subscriptions/s1/resourceGroups/rg/providers/Microsoft.Network/networkInterfaces/n1-nic");
            assertTrue(nic.body().contains("\"privateIPAddress\":\"192.0.2.4\""), nic.body());
            assertEquals(0, endpoint.unexpectedRequests());

            HttpResponse<String> other = send(client, "DELETE", url + VM);
            assertEquals(404, other.statusCode());
            assertEquals(1, endpoint.unexpectedRequests());
            assertEquals(7, endpoint.requests());
        }
    }

    @Test
    void withoutKeytoolItSaysSoInOneLine(@TempDir Path javaHome) {
        IOException e = assertThrows(IOException.class,
                () -> TrainingEndpoint.start(dir, javaHome, "slurm-cluster", "training"));
        assertEquals(javaHome.resolve("bin/keytool") + " not found (the training endpoint needs the JDK's keytool)",
                e.getMessage());
    }

    private static HttpResponse<String> send(HttpClient client, String method, String url) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(url)).method(method, HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.ofString());
    }
}
