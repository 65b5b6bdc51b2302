package org.slurmazure.power.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A small java.net.http client for the emulator's tests: trusts its certificate, logs in, sends ARM requests. */
final class EmuClient {
    /** One answer. */
    record Resp(int status, java.net.http.HttpHeaders headers, String body) {
        JsonNode json() {
            return Json.read(body);
        }

        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        String errorCode() {
            return json().path("error").path("code").asText();
        }
    }

    final ArmEmulator emu;
    final HttpClient http;
    private String token;

    EmuClient(ArmEmulator emu) {
        this.emu = emu;
        this.http = HttpClient.newBuilder()
                .sslContext(emu.sslContext())
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    /** The ARM path of a VM in the emulator's default subscription and resource group. */
    String vmPath(String vm) {
        return "subscriptions/" + emu.subscriptionId() + "/resourceGroups/" + emu.resourceGroup()
                + "/providers/Microsoft.Compute/virtualMachines/" + vm;
    }

    String nicPath(String nic) {
        return "subscriptions/" + emu.subscriptionId() + "/resourceGroups/" + emu.resourceGroup()
                + "/providers/Microsoft.Network/networkInterfaces/" + nic;
    }

    /** Form-posts client credentials to the v2.0 token endpoint. */
    Resp requestToken(String tenant, String clientId, String secret) {
        String form = "client_info=1&grant_type=client_credentials&scope="
                + URLEncoder.encode("https://management.core.windows.net//.default", StandardCharsets.UTF_8)
                + (clientId == null ? "" : "&client_id=" + clientId)
                + (secret == null ? "" : "&client_secret=" + URLEncoder.encode(secret, StandardCharsets.UTF_8));
        return send(HttpRequest.newBuilder(URI.create(emu.baseUrl() + tenant + "/oauth2/v2.0/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)));
    }

    String token() {
        if (token == null) {
            Resp r = requestToken(emu.tenantId(), emu.clientId(), emu.clientSecret());
            if (r.status() != 200) {
                throw new IllegalStateException("token request failed: " + r);
            }
            token = r.json().get("access_token").asText();
        }
        return token;
    }

    /** GET with the bearer token; {@code pathOrUrl} is relative to the base URL or absolute. */
    Resp get(String pathOrUrl) {
        return send(authorized(pathOrUrl).GET());
    }

    Resp post(String pathOrUrl) {
        return send(authorized(pathOrUrl).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.noBody()));
    }

    /** An admin API call (no token needed). */
    Resp admin(String method, String path, String jsonBody) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(emu.baseUrl() + "__emulator/" + path));
        b.method(method, jsonBody == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(jsonBody));
        return send(b);
    }

    HttpRequest.Builder authorized(String pathOrUrl) {
        return HttpRequest.newBuilder(uri(pathOrUrl)).header("Authorization", "Bearer " + token())
                .timeout(Duration.ofSeconds(20));
    }

    URI uri(String pathOrUrl) {
        return URI.create(pathOrUrl.startsWith("https://") ? pathOrUrl : emu.baseUrl() + pathOrUrl);
    }

    Resp send(HttpRequest.Builder b) {
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Resp(r.statusCode(), r.headers(), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Polls an Azure-AsyncOperation URL until the status is no longer InProgress; returns the last answer. */
    Resp pollUntilDone(String asyncOperationUrl, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (true) {
            Resp r = get(asyncOperationUrl);
            if (r.status() != 200 || !"InProgress".equals(r.json().path("status").asText())
                    || System.nanoTime() > end) {
                return r;
            }
            Thread.sleep(50);
        }
    }
}
