package org.slurmazure.power.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Switches that make the emulator as unkind as Azure: state lag, failed starts, retryable failures, api-version. */
class UnkindAzureTest {
    private static final String API = "?api-version=2025-04-01";
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String INTERNAL = "InternalExecutionError";

    /** The provisioning and power status codes of a VM (expanded), an instance view or a statusOnly entry. */
    private static String[] codes(JsonNode node) {
        JsonNode statuses = node.has("statuses") ? node.get("statuses")
                : node.path("properties").path("instanceView").path("statuses");
        return new String[] {statuses.get(0).get("code").asText(), statuses.get(1).get("code").asText()};
    }

    private static JsonNode statusOnlyEntry(EmuClient c, String vm) {
        JsonNode list = c.get("subscriptions/" + c.emu.subscriptionId()
                + "/providers/Microsoft.Compute/virtualMachines" + API + "&statusOnly=true").json();
        for (JsonNode e : list.get("value")) {
            if (e.get("name").asText().equals(vm)) {
                return e;
            }
        }
        throw new AssertionError(vm + " not listed: " + list);
    }

    @Test
    void withAStateLagTheInstanceViewShowsTheOldPowerStateAsUpdatingAfterAWrite() throws Exception {
        Duration lag = Duration.ofSeconds(3);
        try (ArmEmulator emu = ArmEmulator.builder().generate("azc[1-2]").lroDuration(Duration.ofMillis(100))
                .stateLag(lag).start()) {
            EmuClient c = new EmuClient(emu);
            c.token();
            long accepted = System.nanoTime();
            EmuClient.Resp start = c.post(c.vmPath("azc1") + "/start" + API);
            assertEquals(202, start.status());
            assertEquals("Succeeded", c.pollUntilDone(start.header("Azure-AsyncOperation"), WAIT).json()
                    .get("status").asText());
            assertEquals(PowerState.RUNNING, emu.vm("azc1").powerState(), "the VM itself is running");

            JsonNode expanded = c.get(c.vmPath("azc1") + API + "&$expand=instanceView").json();
            String[] instanceView = codes(c.get(c.vmPath("azc1") + "/instanceView" + API).json());
            String[] listed = codes(statusOnlyEntry(c, "azc1"));
            JsonNode admin = c.admin("GET", "vms/azc1", null).json();
            assertTrue(System.nanoTime() - accepted < lag.toNanos(), "the reads ran inside the lag");

            assertEquals("ProvisioningState/updating", codes(expanded)[0]);
            assertEquals("PowerState/deallocated", codes(expanded)[1]);
            assertEquals("Updating", expanded.path("properties").path("provisioningState").asText());
            assertEquals("ProvisioningState/updating", instanceView[0]);
            assertEquals("PowerState/deallocated", instanceView[1]);
            assertEquals("ProvisioningState/updating", listed[0]);
            assertEquals("PowerState/deallocated", listed[1]);
            assertEquals("running", admin.get("powerState").asText());
            assertEquals("deallocated", admin.get("reportedPowerState").asText());
            assertEquals("PowerState/deallocated", codes(statusOnlyEntry(c, "azc2"))[1], "untouched VMs: no lag");
            assertEquals("ProvisioningState/succeeded", codes(statusOnlyEntry(c, "azc2"))[0]);

            long left = lag.toNanos() - (System.nanoTime() - accepted);
            Thread.sleep(left / 1_000_000 + 100);
            JsonNode after = c.get(c.vmPath("azc1") + API + "&$expand=instanceView").json();
            assertEquals("ProvisioningState/succeeded", codes(after)[0]);
            assertEquals("PowerState/running", codes(after)[1]);
            assertFalse(c.admin("GET", "vms/azc1", null).json().has("reportedPowerState"));
        }
    }

    @Test
    void theStateLagCanBeSetWhileRunning() throws Exception {
        try (ArmEmulator emu = ArmEmulator.builder().vm(VmSpec.of("azc1").powerState(PowerState.RUNNING))
                .lroDuration(Duration.ofSeconds(5)).start()) {
            EmuClient c = new EmuClient(emu);
            EmuClient.Resp set = c.admin("POST", "settings", "{\"stateLag\":\"10s\"}");
            assertEquals("10s", set.json().get("stateLag").asText());

            assertEquals(202, c.post(c.vmPath("azc1") + "/deallocate" + API).status());

            assertEquals(PowerState.DEALLOCATING, emu.vm("azc1").powerState());
            String[] iv = codes(c.get(c.vmPath("azc1") + "/instanceView" + API).json());
            assertEquals("ProvisioningState/updating", iv[0]);
            assertEquals("PowerState/running", iv[1], "not yet deallocating in the instance view");
            emu.stateLag(Duration.ZERO);
            emu.vm("azc1").forcePowerState(PowerState.DEALLOCATED);
            assertEquals("PowerState/deallocated", codes(c.get(c.vmPath("azc1") + "/instanceView" + API).json())[1],
                    "forcing a state ends the lag");
        }
    }

    @Test
    void aFailedStartCanLeaveTheVmRunning() throws Exception {
        try (ArmEmulator emu = ArmEmulator.builder()
                .vm(VmSpec.of("full1").startFailure(VmSpec.ALLOCATION_FAILED))
                .lroDuration(Duration.ofMillis(100)).failedStartState(PowerState.RUNNING).start()) {
            EmuClient c = new EmuClient(emu);

            EmuClient.Resp start = c.post(c.vmPath("full1") + "/start" + API);
            JsonNode done = c.pollUntilDone(start.header("Azure-AsyncOperation"), WAIT).json();

            assertEquals("Failed", done.get("status").asText());
            assertEquals("AllocationFailed", done.path("error").path("code").asText());
            assertEquals(PowerState.RUNNING, emu.vm("full1").powerState());
            assertEquals("Failed", emu.vm("full1").provisioningState());
            String[] iv = codes(c.get(c.vmPath("full1") + "/instanceView" + API).json());
            assertEquals("ProvisioningState/failed/AllocationFailed", iv[0]);
            assertEquals("PowerState/running", iv[1]);
            assertTrue(emu.events().stream().anyMatch(l -> l.endsWith(" full1 running")), emu.events().toString());
        }
    }

    @Test
    void aFailedStartCanLeaveTheVmStartingUntilItIsDeallocated() throws Exception {
        try (ArmEmulator emu = ArmEmulator.builder()
                .vm(VmSpec.of("full1").startFailure(VmSpec.OVERCONSTRAINED))
                .lroDuration(Duration.ofMillis(100)).start()) {
            EmuClient c = new EmuClient(emu);
            JsonNode settings = c.admin("POST", "settings", "{\"failedStartState\":\"starting\"}").json();
            assertEquals("starting", settings.get("failedStartState").asText());

            EmuClient.Resp start = c.post(c.vmPath("full1") + "/start" + API);
            assertEquals("Failed", c.pollUntilDone(start.header("Azure-AsyncOperation"), WAIT).json()
                    .get("status").asText());
            Thread.sleep(300);

            assertEquals(PowerState.STARTING, emu.vm("full1").powerState(), "stuck");
            assertEquals("PowerState/starting", codes(c.get(c.vmPath("full1") + "/instanceView" + API).json())[1]);
            EmuClient.Resp dealloc = c.post(c.vmPath("full1") + "/deallocate" + API);
            assertEquals(202, dealloc.status());
            c.pollUntilDone(dealloc.header("Azure-AsyncOperation"), WAIT);
            assertEquals(PowerState.DEALLOCATED, emu.vm("full1").powerState());
            assertEquals(400, c.admin("POST", "settings", "{\"failedStartState\":\"stopped\"}").status());
        }
    }

    @Test
    void anInternalExecutionErrorForTheFirstStartsSucceedsWhenRetried() throws Exception {
        try (ArmEmulator emu = ArmEmulator.builder()
                .vm(VmSpec.of("flaky1").startFailure(INTERNAL, 2))
                .lroDuration(Duration.ofMillis(50)).start()) {
            EmuClient c = new EmuClient(emu);

            JsonNode first = c.pollUntilDone(c.post(c.vmPath("flaky1") + "/start" + API)
                    .header("Azure-AsyncOperation"), WAIT).json();
            assertEquals(1, c.admin("GET", "vms/flaky1", null).json().get("startFailureTimes").asInt());
            JsonNode second = c.pollUntilDone(c.post(c.vmPath("flaky1") + "/start" + API)
                    .header("Azure-AsyncOperation"), WAIT).json();
            JsonNode third = c.pollUntilDone(c.post(c.vmPath("flaky1") + "/start" + API)
                    .header("Azure-AsyncOperation"), WAIT).json();

            assertEquals("Failed", first.get("status").asText());
            assertEquals(INTERNAL, first.path("error").path("code").asText());
            assertEquals("An internal execution error occurred. Please retry later.",
                    first.path("error").path("message").asText());
            assertEquals("Failed", second.get("status").asText());
            assertEquals("Succeeded", third.get("status").asText());
            assertEquals(PowerState.RUNNING, emu.vm("flaky1").powerState());
            assertEquals(3, emu.vm("flaky1").startCount());
            assertTrue(c.admin("GET", "vms/flaky1", null).json().get("startFailure").isNull(), "used up");
        }
    }

    @Test
    void aDeallocateFailureWithACountIsRetryableToo() throws Exception {
        try (ArmEmulator emu = ArmEmulator.builder().vm(VmSpec.of("azc1").powerState(PowerState.RUNNING))
                .vm(VmSpec.of("azc2").powerState(PowerState.RUNNING))
                .lroDuration(Duration.ofMillis(50)).start()) {
            EmuClient c = new EmuClient(emu);
            emu.vm("azc1").deallocateFailure(INTERNAL, 1);
            assertEquals(200, c.admin("POST", "vms/azc2", "{\"deallocateFailure\":\"" + INTERNAL
                    + "\",\"deallocateFailureTimes\":1}").status());

            for (String vm : new String[] {"azc1", "azc2"}) {
                JsonNode failed = c.pollUntilDone(c.post(c.vmPath(vm) + "/deallocate" + API)
                        .header("Azure-AsyncOperation"), WAIT).json();
                assertEquals(INTERNAL, failed.path("error").path("code").asText(), vm);
                assertEquals(PowerState.RUNNING, emu.vm(vm).powerState(), vm);
                JsonNode retried = c.pollUntilDone(c.post(c.vmPath(vm) + "/deallocate" + API)
                        .header("Azure-AsyncOperation"), WAIT).json();
                assertEquals("Succeeded", retried.get("status").asText(), vm);
                assertEquals(PowerState.DEALLOCATED, emu.vm(vm).powerState(), vm);
            }
            assertEquals(400, c.admin("POST", "vms/azc1", "{\"startFailureTimes\":0}").status());
        }
    }

    @Test
    void theLocationUrlOfAFailedOperationAnswersItsErrorWith500Or409() throws Exception {
        try (ArmEmulator emu = ArmEmulator.builder().vm(VmSpec.of("azc1").startFailure(INTERNAL))
                .vm(VmSpec.of("azc2")).lroDuration(Duration.ofMillis(50)).start()) {
            EmuClient c = new EmuClient(emu);
            EmuClient.Resp internal = c.post(c.vmPath("azc1") + "/start" + API);
            c.pollUntilDone(internal.header("Azure-AsyncOperation"), WAIT);
            emu.lroDuration(Duration.ofSeconds(30));
            EmuClient.Resp preempted = c.post(c.vmPath("azc2") + "/start" + API);
            assertEquals(202, c.post(c.vmPath("azc2") + "/deallocate" + API).status());

            EmuClient.Resp internalMonitor = c.get(internal.header("Location"));
            EmuClient.Resp preemptedMonitor = c.get(preempted.header("Location"));

            assertEquals(500, internalMonitor.status());
            assertEquals(INTERNAL, internalMonitor.errorCode());
            assertEquals("An internal execution error occurred. Please retry later.",
                    internalMonitor.json().path("error").path("message").asText());
            assertEquals(409, preemptedMonitor.status());
            assertEquals("OperationPreempted", preemptedMonitor.errorCode());
            assertEquals("Operation execution has been preempted by a more recent operation.",
                    preemptedMonitor.json().path("error").path("message").asText());
        }
    }

    @Test
    void withRequireApiVersionARequestWithoutItIs400() throws Exception {
        try (ArmEmulator emu = ArmEmulator.builder().vm(VmSpec.of("azc1")).requireApiVersion(true).start()) {
            EmuClient c = new EmuClient(emu);

            EmuClient.Resp get = c.get(c.vmPath("azc1"));
            EmuClient.Resp empty = c.get(c.vmPath("azc1") + "?api-version=");
            EmuClient.Resp start = c.post(c.vmPath("azc1") + "/start");

            assertEquals(400, get.status());
            assertEquals("MissingApiVersionParameter", get.errorCode());
            assertEquals("The api-version query parameter (?api-version=) is required for all requests.",
                    get.json().path("error").path("message").asText());
            assertEquals(400, empty.status());
            assertEquals(400, start.status());
            assertEquals(0, emu.vm("azc1").startCount());
            assertEquals(200, c.get(c.vmPath("azc1") + API).status());
            EmuClient.Resp unauthenticated = c.send(HttpRequest.newBuilder(URI.create(emu.baseUrl()
                    + c.vmPath("azc1"))).GET());
            assertEquals(401, unauthenticated.status(), "authentication comes first");

            c.admin("POST", "settings", "{\"requireApiVersion\":false}");
            assertEquals(200, c.get(c.vmPath("azc1")).status());
            emu.requireApiVersion(true);
            assertEquals(400, c.get(c.vmPath("azc1")).status());
        }
    }

    @Test
    void byDefaultAFailedStartLeavesTheVmDeallocatedAndApiVersionIsOptional() throws Exception {
        try (ArmEmulator emu = ArmEmulator.builder().vm(VmSpec.of("full1").startFailure(VmSpec.ALLOCATION_FAILED))
                .lroDuration(Duration.ZERO).start()) {
            EmuClient c = new EmuClient(emu);
            JsonNode settings = c.admin("GET", "settings", null).json();

            assertEquals("0s", settings.get("stateLag").asText());
            assertEquals("deallocated", settings.get("failedStartState").asText());
            assertFalse(settings.get("requireApiVersion").asBoolean());
            assertTrue(settings.path("access").path("resourceGroups").isNull());
            EmuClient.Resp start = c.post(c.vmPath("full1") + "/start");
            assertEquals(202, start.status());
            c.pollUntilDone(start.header("Azure-AsyncOperation"), WAIT);
            assertEquals(PowerState.DEALLOCATED, emu.vm("full1").powerState());
            assertNull(c.admin("GET", "vms/full1", null).json().get("reportedPowerState"));
        }
    }
}
