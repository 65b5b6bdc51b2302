package org.slurmazure.power.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class IdentityEndpointsTest {
    private static ArmEmulator emu;
    private static EmuClient client;

    @BeforeAll
    static void start() throws IOException {
        emu = ArmEmulator.builder().vm(VmSpec.of("azc001")).start();
        client = new EmuClient(emu);
    }

    @AfterAll
    static void stop() {
        emu.close();
    }

    @AfterEach
    void reset() {
        emu.clearTokenFailures();
        emu.lenientAuth(false);
    }

    @Test
    void clientCredentialsWithTheConfiguredSecretGetABearerToken() {
        EmuClient.Resp r = client.requestToken(emu.tenantId(), emu.clientId(), emu.clientSecret());

        assertEquals(200, r.status());
        JsonNode body = r.json();
        assertEquals("Bearer", body.get("token_type").asText());
        assertEquals(3599, body.get("expires_in").asInt());
        assertEquals(3599, body.get("ext_expires_in").asInt());
        assertEquals(3, body.get("access_token").asText().split("\\.").length, "JWT-shaped token");
    }

    @Test
    void aClientAssertionIsAcceptedInsteadOfASecret() {
        String form = "grant_type=client_credentials&client_id=" + emu.clientId()
                + "&scope=https%3A%2F%2Fmanagement.core.windows.net%2F%2F.default"
                + "&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer"
                + "&client_assertion=eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln";
        EmuClient.Resp r = client.send(HttpRequest.newBuilder(URI.create(emu.baseUrl() + emu.tenantId()
                + "/oauth2/v2.0/token")).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)));

        assertEquals(200, r.status(), r.body());
    }

    @Test
    void aWrongSecretIsRefusedAsInvalidClient() {
        EmuClient.Resp r = client.requestToken(emu.tenantId(), emu.clientId(), "not-the-secret");

        assertEquals(401, r.status());
        assertEquals("invalid_client", r.json().get("error").asText());
        assertTrue(r.json().get("error_description").asText().startsWith("AADSTS7000215:"));
        assertEquals(7000215, r.json().get("error_codes").get(0).asInt());
    }

    @Test
    void aMissingClientIdOrSecretOrAnUnknownTenantIsRefused() {
        assertEquals(400, client.requestToken(emu.tenantId(), null, emu.clientSecret()).status());
        assertEquals(401, client.requestToken(emu.tenantId(), emu.clientId(), null).status());
        EmuClient.Resp wrongTenant = client.requestToken("99999999-9999-9999-9999-999999999999", emu.clientId(),
                emu.clientSecret());
        assertEquals(400, wrongTenant.status());
        assertTrue(wrongTenant.json().get("error_description").asText().startsWith("AADSTS90002:"));
    }

    @Test
    void armRequestsWithoutAnIssuedTokenGet401() {
        String url = emu.baseUrl() + client.vmPath("azc001") + "?api-version=2025-04-01";

        EmuClient.Resp none = client.send(HttpRequest.newBuilder(URI.create(url)).GET());
        EmuClient.Resp forged = client.send(HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer forged").GET());
        EmuClient.Resp issued = client.get(url);

        assertEquals(401, none.status());
        assertEquals("AuthenticationFailed", none.errorCode());
        assertTrue(none.header("WWW-Authenticate").startsWith("Bearer authorization_uri="));
        assertEquals(401, forged.status());
        assertEquals(200, issued.status());
    }

    @Test
    void lenientAuthAcceptsAnyBearerToken() {
        emu.lenientAuth(true);
        EmuClient.Resp r = client.send(HttpRequest.newBuilder(URI.create(emu.baseUrl() + client.vmPath("azc001")
                + "?api-version=2025-04-01")).header("Authorization", "Bearer anything").GET());

        assertEquals(200, r.status());
    }

    @Test
    void expiredTokensAreRefused() throws Exception {
        try (ArmEmulator shortLived = ArmEmulator.builder().vm(VmSpec.of("azc001"))
                .tokenLifetime(Duration.ofMillis(200)).start()) {
            EmuClient c = new EmuClient(shortLived);
            assertEquals(200, c.get(c.vmPath("azc001")).status());
            Thread.sleep(300);

            EmuClient.Resp r = c.get(c.vmPath("azc001"));

            assertEquals(401, r.status());
            assertEquals("InvalidAuthenticationToken", r.errorCode());
        }
    }

    @Test
    void injectedTokenFailuresLastTheGivenNumberOfRequests() {
        emu.failTokenRequests(500, 2);

        EmuClient.Resp first = client.requestToken(emu.tenantId(), emu.clientId(), emu.clientSecret());
        EmuClient.Resp second = client.requestToken(emu.tenantId(), emu.clientId(), emu.clientSecret());
        EmuClient.Resp third = client.requestToken(emu.tenantId(), emu.clientId(), emu.clientSecret());

        assertEquals(500, first.status());
        assertEquals("server_error", first.json().get("error").asText());
        assertEquals(500, second.status());
        assertEquals(200, third.status());
    }

    @Test
    void injectedTokenFailuresCanLastForever() {
        emu.failTokenRequests(400, FaultRule.ALWAYS);
        for (int i = 0; i < 3; i++) {
            assertEquals(400, client.requestToken(emu.tenantId(), emu.clientId(), emu.clientSecret()).status());
        }
        emu.clearTokenFailures();
        assertEquals(200, client.requestToken(emu.tenantId(), emu.clientId(), emu.clientSecret()).status());
    }

    @Test
    void aPlainHttpPortServesTheManagedIdentityEndpointToo() throws Exception {
        try (ArmEmulator withHttp = ArmEmulator.builder().vm(VmSpec.of("azc001")).httpPort(0).start()) {
            java.net.http.HttpClient plain = java.net.http.HttpClient.newHttpClient();
            java.net.http.HttpResponse<String> r = plain.send(HttpRequest.newBuilder(URI.create(withHttp.httpBaseUrl()
                    + "metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://management.azure.com/"))
                    .header("Metadata", "true").build(), java.net.http.HttpResponse.BodyHandlers.ofString());

            assertEquals(200, r.statusCode());
            assertEquals("https://management.azure.com/", Json.read(r.body()).get("resource").asText());
        }
    }

    @Test
    void theManagedIdentityEndpointNeedsTheMetadataHeader() {
        String url = emu.baseUrl() + "metadata/identity/oauth2/token?api-version=2018-02-01"
                + "&resource=https://management.core.windows.net/";

        EmuClient.Resp without = client.send(HttpRequest.newBuilder(URI.create(url)).GET());
        EmuClient.Resp with = client.send(HttpRequest.newBuilder(URI.create(url)).header("Metadata", "true").GET());

        assertEquals(400, without.status());
        assertEquals(200, with.status());
        JsonNode b = with.json();
        assertEquals("https://management.core.windows.net/", b.get("resource").asText());
        assertEquals("Bearer", b.get("token_type").asText());
        assertTrue(Long.parseLong(b.get("expires_on").asText()) > System.currentTimeMillis() / 1000);
        String token = b.get("access_token").asText();
        EmuClient.Resp arm = client.send(HttpRequest.newBuilder(URI.create(emu.baseUrl()
                + client.vmPath("azc001"))).header("Authorization", "Bearer " + token).GET());
        assertEquals(200, arm.status());
        assertFalse(token.isEmpty());
    }
}
