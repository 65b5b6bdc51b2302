package org.slurmazure.power.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class FaultsTest {
    private static final String API = "?api-version=2025-04-01";
    private static ArmEmulator emu;
    private static EmuClient client;

    @BeforeAll
    static void start() throws IOException {
        emu = ArmEmulator.builder().generate("azc[1-4]").lroDuration(Duration.ofMillis(100)).start();
        client = new EmuClient(emu);
        client.token();
    }

    @AfterAll
    static void stop() {
        emu.close();
    }

    @AfterEach
    void reset() {
        emu.clearFaults();
        emu.latency(Duration.ZERO);
    }

    @Test
    void aStatusFaultAnswersTheNextNMatchingRequestsThenStops() {
        FaultRule rule = emu.addFault(FaultRule.on("POST", "/start$").times(2).status(500));

        EmuClient.Resp first = client.post(client.vmPath("azc1") + "/start" + API);
        EmuClient.Resp get = client.get(client.vmPath("azc1") + API);
        EmuClient.Resp second = client.post(client.vmPath("azc1") + "/start" + API);
        EmuClient.Resp third = client.post(client.vmPath("azc1") + "/start" + API);

        assertEquals(500, first.status());
        assertEquals("InternalServerError", first.errorCode());
        assertEquals(200, get.status(), "a GET does not match the rule");
        assertEquals(500, second.status());
        assertEquals(202, third.status());
        assertEquals(0, rule.remaining());
        assertTrue(emu.faults().isEmpty(), "used-up rules are removed");
        assertEquals(1, emu.vm("azc1").startCount(), "faulted requests never reach the VM");
    }

    @Test
    void a503AndA429CarryTheirArmErrorAndRetryAfter() {
        emu.addFault(FaultRule.on("GET", "/virtualMachines/azc2$").times(1).status(503));
        emu.addFault(FaultRule.on("GET", "/virtualMachines/azc2$").times(1).status(429).retryAfter(3));

        EmuClient.Resp unavailable = client.get(client.vmPath("azc2") + API);
        EmuClient.Resp throttled = client.get(client.vmPath("azc2") + API);

        assertEquals(503, unavailable.status());
        assertEquals("ServiceUnavailable", unavailable.errorCode());
        assertEquals(429, throttled.status());
        assertEquals("TooManyRequests", throttled.errorCode());
        assertEquals("3", throttled.header("Retry-After"));
        assertEquals(200, client.get(client.vmPath("azc2") + API).status());
    }

    @Test
    void aConnectionResetFaultDropsTheConnection() {
        // A POST: java.net.http retries an idempotent GET once on a reused connection, a POST never.
        emu.addFault(FaultRule.on("POST", "/virtualMachines/azc3/start$").times(1).connectionReset());

        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> client.post(client.vmPath("azc3") + "/start" + API));

        assertInstanceOf(IOException.class, e.getCause());
        assertEquals(0, emu.vm("azc3").startCount());
        assertEquals(202, client.post(client.vmPath("azc3") + "/start" + API).status());
        assertEquals(1, emu.statusCount(0), "recorded as status 0");
    }

    @Test
    void aDelayFaultProvokesClientTimeouts() {
        emu.addFault(FaultRule.on("GET", "/virtualMachines/azc4$").times(1).delay(Duration.ofSeconds(2)));

        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> client.send(
                client.authorized(client.vmPath("azc4") + API).timeout(Duration.ofMillis(300)).GET()));

        assertInstanceOf(HttpTimeoutException.class, e.getCause());
    }

    @Test
    void latencyDelaysEveryResponse() {
        emu.latency(Duration.ofMillis(150));
        long t0 = System.nanoTime();

        EmuClient.Resp r = client.get(client.vmPath("azc4") + API);

        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(200, r.status());
        assertTrue(ms >= 150, "took " + ms + " ms");
        RequestRecord last = emu.requests().get(emu.requests().size() - 1);
        assertEquals(150, last.delayMs());
    }

    @Test
    void faultsCanBeAddedThroughTheAdminApi() {
        EmuClient.Resp added = client.admin("POST", "faults",
                "{\"method\":\"GET\",\"path\":\"/virtualMachines/azc1$\",\"times\":1,\"status\":502}");

        assertEquals(201, added.status());
        assertEquals(1, client.admin("GET", "faults", null).json().size());
        assertEquals(502, client.get(client.vmPath("azc1") + API).status());
        assertEquals(200, client.get(client.vmPath("azc1") + API).status());

        client.admin("POST", "faults", "{\"path\":\"/azc2\",\"fault\":\"reset\"}");
        assertThrows(UncheckedIOException.class, () -> client.get(client.vmPath("azc2") + API));
        assertEquals(204, client.admin("DELETE", "faults", null).status());
        assertEquals(200, client.get(client.vmPath("azc2") + API).status());
        assertEquals(400, client.admin("POST", "faults", "{\"path\":\"x\",\"colour\":\"red\"}").status());
    }
}
