package org.slurmazure.power.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class VmLifecycleTest {
    private static final Duration LRO = Duration.ofMillis(300);
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String API = "?api-version=2025-04-01";
    private static ArmEmulator emu;
    private static EmuClient client;

    @BeforeAll
    static void start() throws IOException {
        emu = ArmEmulator.builder()
                .generate("plain[1-9]", s -> s.tag("slurm-cluster", "hpc1"))
                .vm(VmSpec.of("up1").powerState(PowerState.RUNNING))
                .vm(VmSpec.of("full1").vmSize("Standard_NC24ads_A100_v4").startFailure(VmSpec.ALLOCATION_FAILED))
                .vm(VmSpec.of("quota1").vmSize("Standard_NC24ads_A100_v4").startFailure(VmSpec.QUOTA_EXCEEDED))
                .vm(VmSpec.of("hang1").startHangs(true))
                .vm(VmSpec.of("gone1").missing(true))
                .vm(VmSpec.of("other1").resourceGroup("Other-RG"))
                .lroDuration(LRO)
                .start();
        client = new EmuClient(emu);
    }

    @AfterAll
    static void stop() {
        emu.close();
    }

    private static String powerCode(JsonNode vmOrInstanceView) {
        JsonNode statuses = vmOrInstanceView.has("statuses") ? vmOrInstanceView.get("statuses")
                : vmOrInstanceView.path("properties").path("instanceView").path("statuses");
        for (JsonNode s : statuses) {
            if (s.get("code").asText().startsWith("PowerState/")) {
                return s.get("code").asText();
            }
        }
        return null;
    }

    @Test
    void aVmWithoutExpandHasNoInstanceView() {
        EmuClient.Resp r = client.get(client.vmPath("plain1") + API);

        assertEquals(200, r.status());
        JsonNode vm = r.json();
        assertEquals("plain1", vm.get("name").asText());
        assertEquals("/subscriptions/" + emu.subscriptionId() + "/resourceGroups/slurm-rg/providers/"
                + "Microsoft.Compute/virtualMachines/plain1", vm.get("id").asText());
        assertEquals("Microsoft.Compute/virtualMachines", vm.get("type").asText());
        assertEquals("westeurope", vm.get("location").asText());
        assertEquals("hpc1", vm.path("tags").path("slurm-cluster").asText());
        JsonNode p = vm.get("properties");
        assertEquals("Succeeded", p.get("provisioningState").asText());
        assertEquals("Standard_D4s_v5", p.path("hardwareProfile").path("vmSize").asText());
        assertEquals("plain1", p.path("osProfile").path("computerName").asText());
        JsonNode nic = p.path("networkProfile").path("networkInterfaces").get(0);
        assertTrue(nic.get("id").asText().endsWith("/providers/Microsoft.Network/networkInterfaces/plain1-nic"));
        assertTrue(nic.path("properties").path("primary").asBoolean());
        assertFalse(p.has("instanceView"));
        assertFalse(p.path("vmId").asText().isEmpty());
    }

    @Test
    void expandInstanceViewAddsTheStatuses() {
        JsonNode vm = client.get(client.vmPath("plain1") + API + "&$expand=instanceView").json();

        JsonNode statuses = vm.path("properties").path("instanceView").path("statuses");
        assertEquals("ProvisioningState/succeeded", statuses.get(0).get("code").asText());
        assertEquals("PowerState/deallocated", statuses.get(1).get("code").asText());
        assertEquals("Info", statuses.get(1).get("level").asText());
        assertEquals("VM deallocated", statuses.get(1).get("displayStatus").asText());
        assertEquals("plain1", vm.path("properties").path("instanceView").path("computerName").asText());
    }

    @Test
    void theInstanceViewHasItsOwnEndpoint() {
        EmuClient.Resp r = client.get(client.vmPath("up1") + "/instanceView" + API);

        assertEquals(200, r.status());
        assertEquals("PowerState/running", powerCode(r.json()));
    }

    @Test
    void resourceGroupAndVmNamesMatchCaseInsensitively() {
        String path = "subscriptions/" + emu.subscriptionId() + "/resourceGroups/other-rg/providers/"
                + "Microsoft.Compute/virtualMachines/OTHER1" + API;

        EmuClient.Resp r = client.get(path);

        assertEquals(200, r.status());
        assertEquals("other1", r.json().get("name").asText());
        assertTrue(r.json().get("id").asText().contains("/resourceGroups/Other-RG/"));
    }

    @Test
    void unknownAndMissingVmsAre404ResourceNotFound() {
        EmuClient.Resp unknown = client.get(client.vmPath("nosuchvm") + API);
        EmuClient.Resp missing = client.get(client.vmPath("gone1") + API);
        EmuClient.Resp startMissing = client.post(client.vmPath("gone1") + "/start" + API);

        assertEquals(404, unknown.status());
        assertEquals("ResourceNotFound", unknown.errorCode());
        assertEquals("The Resource 'Microsoft.Compute/virtualMachines/nosuchvm' under resource group 'slurm-rg' was "
                + "not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix",
                unknown.json().path("error").path("message").asText());
        assertEquals(404, missing.status());
        assertEquals(404, startMissing.status());
    }

    @Test
    void anUnknownResourceGroupOrSubscriptionIs404() {
        EmuClient.Resp rg = client.get("subscriptions/" + emu.subscriptionId()
                + "/resourceGroups/nope/providers/Microsoft.Compute/virtualMachines/plain1" + API);
        EmuClient.Resp sub = client.get("subscriptions/12345678-0000-0000-0000-000000000000"
                + "/resourceGroups/slurm-rg/providers/Microsoft.Compute/virtualMachines/plain1" + API);

        assertEquals(404, rg.status());
        assertEquals("ResourceGroupNotFound", rg.errorCode());
        assertEquals(404, sub.status());
        assertEquals("SubscriptionNotFound", sub.errorCode());
    }

    @Test
    void startRunsALongRunningOperationToRunning() throws Exception {
        EmuClient.Resp accepted = client.post(client.vmPath("plain2") + "/start" + API);

        assertEquals(202, accepted.status());
        String async = accepted.header("Azure-AsyncOperation");
        String location = accepted.header("Location");
        assertTrue(async.startsWith(emu.baseUrl() + "subscriptions/" + emu.subscriptionId()
                + "/providers/Microsoft.Compute/locations/westeurope/operations/"), async);
        assertTrue(async.contains("api-version=2025-04-01"));
        assertEquals(async + "&monitor=true", location);
        assertEquals("1", accepted.header("Retry-After"));

        EmuClient.Resp inProgress = client.get(async);
        assertEquals(200, inProgress.status());
        assertEquals("InProgress", inProgress.json().get("status").asText());
        assertEquals("1", inProgress.header("Retry-After"));
        assertNotNull(inProgress.json().get("startTime"));
        assertEquals(202, client.get(location).status());
        assertEquals("PowerState/starting", powerCode(client.get(client.vmPath("plain2") + API
                + "&$expand=instanceView").json()));
        assertEquals("Updating", emu.vm("plain2").provisioningState());

        EmuClient.Resp done = client.pollUntilDone(async, WAIT);
        assertEquals("Succeeded", done.json().get("status").asText());
        assertNotNull(done.json().get("endTime"));
        assertFalse(done.json().has("error"));
        EmuClient.Resp monitor = client.get(location);
        assertEquals(200, monitor.status());
        assertEquals("", monitor.body());
        assertEquals(PowerState.RUNNING, emu.vm("plain2").powerState());
        assertEquals("PowerState/running", powerCode(client.get(client.vmPath("plain2") + "/instanceView" + API)
                .json()));
        assertEquals(1, emu.vm("plain2").startCount());
    }

    @Test
    void deallocateTakesARunningVmBackToDeallocated() throws Exception {
        emu.vm("plain3").forcePowerState(PowerState.RUNNING);

        EmuClient.Resp accepted = client.post(client.vmPath("plain3") + "/deallocate" + API);

        assertEquals(202, accepted.status());
        assertEquals(PowerState.DEALLOCATING, emu.vm("plain3").powerState());
        EmuClient.Resp done = client.pollUntilDone(accepted.header("Azure-AsyncOperation"), WAIT);
        assertEquals("Succeeded", done.json().get("status").asText());
        assertEquals(PowerState.DEALLOCATED, emu.vm("plain3").powerState());
        assertEquals(1, emu.vm("plain3").deallocateCount());
    }

    @Test
    void startOfARunningVmAndDeallocateOfADeallocatedVmSucceedAtOnce() {
        EmuClient.Resp start = client.post(client.vmPath("up1") + "/start" + API);
        EmuClient.Resp dealloc = client.post(client.vmPath("plain4") + "/deallocate" + API);

        assertEquals(202, start.status());
        assertEquals("Succeeded", client.get(start.header("Azure-AsyncOperation")).json().get("status").asText());
        assertEquals(PowerState.RUNNING, emu.vm("up1").powerState());
        assertEquals(202, dealloc.status());
        assertEquals("Succeeded", client.get(dealloc.header("Azure-AsyncOperation")).json().get("status").asText());
        assertEquals(PowerState.DEALLOCATED, emu.vm("plain4").powerState());
    }

    @Test
    void aSecondWriteWhileAnOperationRunsIsRefusedWith409() throws Exception {
        EmuClient.Resp first = client.post(client.vmPath("plain5") + "/start" + API);
        EmuClient.Resp second = client.post(client.vmPath("plain5") + "/start" + API);
        EmuClient.Resp powerOff = client.post(client.vmPath("plain5") + "/powerOff" + API);

        assertEquals(202, first.status());
        assertEquals(409, second.status());
        assertEquals("OperationNotAllowed", second.errorCode());
        assertEquals(409, powerOff.status());
        assertEquals("Succeeded", client.pollUntilDone(first.header("Azure-AsyncOperation"), WAIT).json()
                .get("status").asText());
        assertEquals(1, emu.vm("plain5").startCount());
    }

    @Test
    void deallocatePreemptsAPendingStart() throws Exception {
        EmuClient.Resp start = client.post(client.vmPath("plain6") + "/start" + API);
        EmuClient.Resp dealloc = client.post(client.vmPath("plain6") + "/deallocate" + API);

        assertEquals(202, dealloc.status());
        JsonNode startOp = client.get(start.header("Azure-AsyncOperation")).json();
        assertEquals("Failed", startOp.get("status").asText());
        assertEquals("OperationPreempted", startOp.path("error").path("code").asText());
        assertEquals(PowerState.DEALLOCATING, emu.vm("plain6").powerState());
        client.pollUntilDone(dealloc.header("Azure-AsyncOperation"), WAIT);
        assertEquals(PowerState.DEALLOCATED, emu.vm("plain6").powerState());
    }

    @Test
    void allocationFailedEndsTheStartOperationAndLeavesTheVmDeallocated() throws Exception {
        EmuClient.Resp accepted = client.post(client.vmPath("full1") + "/start" + API);

        EmuClient.Resp done = client.pollUntilDone(accepted.header("Azure-AsyncOperation"), WAIT);

        assertEquals(200, done.status(), "the failure arrives on a 200 poll");
        assertEquals("Failed", done.json().get("status").asText());
        assertEquals("AllocationFailed", done.json().path("error").path("code").asText());
        assertTrue(done.json().path("error").path("message").asText().startsWith("Allocation failed. We do not have "
                + "sufficient capacity for the requested VM size in this region."));
        EmuClient.Resp monitor = client.get(accepted.header("Location"));
        assertEquals(409, monitor.status());
        assertEquals("AllocationFailed", monitor.errorCode());
        JsonNode vm = client.get(client.vmPath("full1") + API + "&$expand=instanceView").json();
        assertEquals("Failed", vm.path("properties").path("provisioningState").asText());
        JsonNode prov = vm.path("properties").path("instanceView").path("statuses").get(0);
        assertEquals("ProvisioningState/failed/AllocationFailed", prov.get("code").asText());
        assertEquals("Error", prov.get("level").asText());
        assertEquals("PowerState/deallocated", powerCode(vm));
    }

    @Test
    void aQuotaFailureNamesTheVmFamily() throws Exception {
        EmuClient.Resp accepted = client.post(client.vmPath("quota1") + "/start" + API);

        JsonNode error = client.pollUntilDone(accepted.header("Azure-AsyncOperation"), WAIT).json().path("error");

        assertEquals("OperationNotAllowed", error.path("code").asText());
        assertTrue(error.path("message").asText().startsWith("Operation could not be completed as it results in "
                + "exceeding approved standardNCADSA100v4Family Cores quota."), error.path("message").asText());
    }

    @Test
    void aHangingStartStaysInProgressUntilReleased() throws Exception {
        EmuClient.Resp accepted = client.post(client.vmPath("hang1") + "/start" + API);
        String async = accepted.header("Azure-AsyncOperation");
        Thread.sleep(LRO.toMillis() * 2);

        assertEquals("InProgress", client.get(async).json().get("status").asText());
        assertEquals(PowerState.STARTING, emu.vm("hang1").powerState());

        emu.vm("hang1").startHangs(false);
        assertTrue(emu.vm("hang1").awaitPowerState(PowerState.RUNNING, WAIT));
        assertEquals("Succeeded", client.get(async).json().get("status").asText());
    }

    @Test
    void powerOffStopsARunningVm() throws Exception {
        emu.vm("plain7").forcePowerState(PowerState.RUNNING);

        EmuClient.Resp accepted = client.post(client.vmPath("plain7") + "/powerOff" + API);

        assertEquals(202, accepted.status());
        assertEquals(PowerState.STOPPING, emu.vm("plain7").powerState());
        client.pollUntilDone(accepted.header("Azure-AsyncOperation"), WAIT);
        assertEquals(PowerState.STOPPED, emu.vm("plain7").powerState());
        assertEquals("PowerState/stopped", powerCode(client.get(client.vmPath("plain7") + "/instanceView" + API)
                .json()));
    }

    @Test
    void operationsCompleteOnTimeEvenWhenNobodyPolls() throws Exception {
        EmuClient.Resp accepted = client.post(client.vmPath("plain8") + "/start" + API);
        assertEquals(202, accepted.status());

        Thread.sleep(LRO.toMillis() + 300);

        assertTrue(emu.events().stream().anyMatch(l -> l.endsWith(" plain8 running")), emu.events().toString());
    }

    @Test
    void unknownActionsAndWrongMethodsAreRefused() {
        assertEquals(404, client.post(client.vmPath("plain9") + "/reimage" + API).status());
        assertEquals(405, client.get(client.vmPath("plain9") + "/start" + API).status());
        assertEquals(405, client.post(client.vmPath("plain9") + API).status());
        EmuClient.Resp op = client.get("subscriptions/" + emu.subscriptionId()
                + "/providers/Microsoft.Compute/locations/westeurope/operations/nope" + API);
        assertEquals(404, op.status());
        assertNull(emu.vm("plain9").tags().get("absent"));
    }
}
