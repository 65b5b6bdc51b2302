package org.slurmazure.power.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventsAndAdminTest {
    private static final String API = "?api-version=2025-04-01";

    @Test
    void theEventsFileGetsOneLinePerPowerStateChange(@TempDir Path dir) throws Exception {
        Path events = dir.resolve("events.log");
        try (ArmEmulator emu = ArmEmulator.builder().generate("azc[1-2]").lroDuration(Duration.ofMillis(100))
                .eventsFile(events).start()) {
            EmuClient c = new EmuClient(emu);
            long before = System.currentTimeMillis();

            c.post(c.vmPath("azc1") + "/start" + API);
            assertTrue(emu.vm("azc1").awaitPowerState(PowerState.RUNNING, Duration.ofSeconds(5)));
            c.post(c.vmPath("azc1") + "/deallocate" + API);
            assertTrue(emu.vm("azc1").awaitPowerState(PowerState.DEALLOCATED, Duration.ofSeconds(5)));

            List<String> lines = Files.readAllLines(events);
            assertEquals(List.of("azc1 deallocated", "azc2 deallocated", "azc1 starting", "azc1 running",
                    "azc1 deallocating", "azc1 deallocated"), lines.stream().map(l -> l.substring(l.indexOf(' ') + 1))
                    .toList());
            long t = Long.parseLong(lines.get(3).split(" ")[0]);
            assertTrue(t >= before && t <= System.currentTimeMillis(), "epoch millis");
            assertEquals(lines, emu.events());
        }
    }

    @Test
    void theAdminApiShowsAndChangesVms() throws Exception {
        try (ArmEmulator emu = ArmEmulator.builder()
                .vm(VmSpec.of("azc1").resourceGroup("hpc1-burst").tag("slurm-cluster", "hpc1").privateIp("10.1.0.9"))
                .lroDuration(Duration.ofMillis(100)).start()) {
            EmuClient c = new EmuClient(emu);

            JsonNode vms = c.admin("GET", "vms", null).json();
            assertEquals(1, vms.size());
            JsonNode vm = vms.get(0);
            assertEquals("azc1", vm.get("name").asText());
            assertEquals("hpc1-burst", vm.get("resourceGroup").asText());
            assertEquals("deallocated", vm.get("powerState").asText());
            assertEquals("hpc1", vm.path("tags").path("slurm-cluster").asText());
            assertEquals("10.1.0.9", vm.get("privateIp").asText());
            assertEquals(0, vm.get("startCount").asInt());

            JsonNode patched = c.admin("POST", "vms/azc1", "{\"startFailure\":\"AllocationFailed\","
                    + "\"powerState\":\"running\"}").json();
            assertEquals("running", patched.get("powerState").asText());
            assertEquals("AllocationFailed", patched.get("startFailure").asText());
            assertEquals(PowerState.RUNNING, emu.vm("azc1").powerState());

            c.admin("POST", "vms/azc1", "{\"startFailure\":null,\"missing\":true}");
            assertEquals(404, c.get("subscriptions/" + emu.subscriptionId() + "/resourceGroups/hpc1-burst/providers/"
                    + "Microsoft.Compute/virtualMachines/azc1" + API).status());
            assertEquals(400, c.admin("POST", "vms/azc1", "{\"powerState\":\"starting\"}").status());
            assertEquals(400, c.admin("POST", "vms/azc1", "{\"color\":\"blue\"}").status());
            assertEquals(404, c.admin("GET", "vms/nope", null).status());
        }
    }

    @Test
    void theRequestRecordAndCountersAreAvailable() throws Exception {
        try (ArmEmulator emu = ArmEmulator.builder().vm(VmSpec.of("azc1")).start()) {
            EmuClient c = new EmuClient(emu);
            c.get(c.vmPath("azc1") + API + "&$expand=instanceView");
            c.get(c.vmPath("nope") + API);

            List<RequestRecord> all = emu.requests();
            assertEquals("POST", all.get(0).method(), "the token request");
            RequestRecord get = all.get(1);
            assertEquals("GET", get.method());
            assertEquals("/" + c.vmPath("azc1"), get.path());
            assertEquals("api-version=2025-04-01&$expand=instanceView", get.query());
            assertEquals(200, get.status());
            assertEquals(2, emu.count("GET", "/virtualMachines/"));
            assertEquals(1, emu.count(null, "/oauth2/v2.0/token$"));
            assertEquals(1, emu.statusCount(404));

            JsonNode recorded = c.admin("GET", "requests?limit=1", null).json();
            assertEquals(1, recorded.size());
            assertEquals(404, recorded.get(0).get("status").asInt());
            JsonNode stats = c.admin("GET", "stats", null).json();
            assertEquals(3, stats.get("requests").asInt());
            assertEquals(1, stats.get("tokensIssued").asInt());
            assertEquals(1, stats.path("powerStates").path("deallocated").asInt());

            c.admin("POST", "settings", "{\"latency\":\"5ms\",\"lroDuration\":\"1s\",\"throttle\":\"azure\"}");
            JsonNode settings = c.admin("GET", "settings", null).json();
            assertEquals("5ms", settings.get("latency").asText());
            assertTrue(settings.get("throttle").asText().contains("armWrites=200+10/s"));
            assertEquals("249", c.get(c.vmPath("azc1") + API).header(Throttler.REMAINING_READS));

            c.admin("DELETE", "requests", null);
            assertTrue(emu.requests().size() <= 1);
        }
    }

    @Test
    void withoutTheJournalOnlyCountersAreKept() throws Exception {
        try (ArmEmulator emu = ArmEmulator.builder().vm(VmSpec.of("azc1")).journal(false).start()) {
            EmuClient c = new EmuClient(emu);
            c.get(c.vmPath("azc1") + API);

            assertTrue(emu.requests().isEmpty());
            assertEquals(2, emu.requestCount());
            assertEquals(2, emu.statusCount(200));
        }
    }
}
