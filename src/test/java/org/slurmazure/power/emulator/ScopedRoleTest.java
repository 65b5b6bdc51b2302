package org.slurmazure.power.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A principal whose role is scoped to resource groups (and lacks deallocate in one): 403 AuthorizationFailed. */
class ScopedRoleTest {
    private static final String API = "?api-version=2025-04-01";
    private static ArmEmulator emu;
    private static EmuClient client;

    @BeforeAll
    static void start() throws Exception {
        emu = ArmEmulator.builder()
                .generate("azc[1-3]", s -> s.resourceGroup("hpc1-burst"))
                .generate("gpu[1-2]", s -> s.resourceGroup("GPU-rg").powerState(PowerState.RUNNING))
                .vm(VmSpec.of("other1").resourceGroup("other-rg"))
                .lroDuration(Duration.ofMillis(50))
                .access(AccessScope.resourceGroups("hpc1-burst", "gpu-rg").deny("gpu-rg", AccessScope.VM_DEALLOCATE))
                .start();
        client = new EmuClient(emu);
    }

    @AfterAll
    static void stop() {
        emu.close();
    }

    private static String sub() {
        return "subscriptions/" + emu.subscriptionId();
    }

    private static String vm(String rg, String name) {
        return sub() + "/resourceGroups/" + rg + "/providers/Microsoft.Compute/virtualMachines/" + name;
    }

    private static String expectedMessage(String action, String scope) {
        String oid = UUID.nameUUIDFromBytes(emu.clientId().getBytes(StandardCharsets.UTF_8)).toString();
        return "The client '" + emu.clientId() + "' with object id '" + oid + "' does not have authorization to "
                + "perform action '" + action + "' over scope '" + scope + "' or the scope is invalid. If access was "
                + "recently granted, please refresh your credentials.";
    }

    @Test
    void theSubscriptionWideListIsForbidden() {
        EmuClient.Resp statusOnly = client.get(sub() + "/providers/Microsoft.Compute/virtualMachines" + API
                + "&statusOnly=true");
        EmuClient.Resp full = client.get(sub() + "/providers/Microsoft.Compute/virtualMachines" + API);

        assertEquals(403, statusOnly.status());
        assertEquals("AuthorizationFailed", statusOnly.errorCode());
        assertEquals(expectedMessage("Microsoft.Compute/virtualMachines/read", "/" + sub()),
                statusOnly.json().path("error").path("message").asText());
        assertEquals(403, full.status());
    }

    @Test
    void everythingInsideTheAllowedGroupsWorks() throws Exception {
        EmuClient.Resp list = client.get(sub() + "/resourceGroups/hpc1-burst/providers/Microsoft.Compute/"
                + "virtualMachines" + API);
        EmuClient.Resp get = client.get(vm("hpc1-burst", "azc1") + API + "&$expand=instanceView");
        EmuClient.Resp nic = client.get(sub() + "/resourceGroups/hpc1-burst/providers/Microsoft.Network/"
                + "networkInterfaces/azc1-nic" + API);
        EmuClient.Resp nics = client.get(sub() + "/resourceGroups/gpu-rg/providers/Microsoft.Network/"
                + "networkInterfaces" + API);
        EmuClient.Resp start = client.post(vm("hpc1-burst", "azc2") + "/start" + API);

        assertEquals(200, list.status());
        assertEquals(3, list.json().get("value").size());
        assertEquals(200, get.status());
        assertEquals(200, nic.status());
        assertEquals(2, nics.json().get("value").size());
        assertEquals(202, start.status());
        JsonNode done = client.pollUntilDone(start.header("Azure-AsyncOperation"), Duration.ofSeconds(10)).json();
        assertEquals("Succeeded", done.get("status").asText(), "operation polls are allowed");
        assertEquals(PowerState.RUNNING, emu.vm("azc2").powerState());
    }

    @Test
    void anotherResourceGroupIsForbidden() {
        EmuClient.Resp get = client.get(vm("other-rg", "other1") + API);
        EmuClient.Resp start = client.post(vm("other-rg", "other1") + "/start" + API);

        assertEquals(403, get.status());
        assertEquals(expectedMessage("Microsoft.Compute/virtualMachines/read", "/" + vm("other-rg", "other1")),
                get.json().path("error").path("message").asText());
        assertEquals(403, start.status());
        assertEquals(0, emu.vm("other1").startCount());
    }

    @Test
    void aGroupWhoseRoleLacksDeallocateRefusesOnlyDeallocate() throws Exception {
        EmuClient.Resp dealloc = client.post(vm("gpu-rg", "gpu1") + "/deallocate" + API);
        EmuClient.Resp get = client.get(vm("gpu-rg", "gpu1") + API);
        EmuClient.Resp powerOff = client.post(vm("gpu-rg", "gpu2") + "/powerOff" + API);
        EmuClient.Resp elsewhere = client.post(vm("hpc1-burst", "azc3") + "/deallocate" + API);

        assertEquals(403, dealloc.status());
        assertEquals("AuthorizationFailed", dealloc.errorCode());
        assertEquals(expectedMessage(AccessScope.VM_DEALLOCATE, "/" + vm("gpu-rg", "gpu1")),
                dealloc.json().path("error").path("message").asText());
        assertEquals(0, emu.vm("gpu1").deallocateCount());
        assertEquals(PowerState.RUNNING, emu.vm("gpu1").powerState());
        assertEquals(200, get.status());
        assertEquals(202, powerOff.status());
        assertEquals(202, elsewhere.status());
    }

    @Test
    void theScopeIsShownAndChangedThroughTheAdminApi() throws Exception {
        try (ArmEmulator e = ArmEmulator.builder().vm(VmSpec.of("azc1").resourceGroup("rg1")).start()) {
            EmuClient c = new EmuClient(e);
            String list = "subscriptions/" + e.subscriptionId() + "/providers/Microsoft.Compute/virtualMachines" + API;
            assertEquals(200, c.get(list).status());

            JsonNode set = c.admin("POST", "settings", "{\"access\":{\"resourceGroups\":[\"rg1\"],\"deny\":{\"rg1\":"
                    + "[\"Microsoft.Compute/virtualMachines/start/action\"]}}}").json();
            assertEquals("rg1", set.path("access").path("resourceGroups").get(0).asText());
            assertEquals(403, c.get(list).status());
            assertEquals(403, c.post(c.vmPath("azc1").replace("slurm-rg", "rg1") + "/start" + API).status());

            c.admin("POST", "settings", "{\"access\":null}");
            assertEquals(200, c.get(list).status());
            e.access(AccessScope.resourceGroups("rg1"));
            assertEquals(403, c.get(list).status());
            assertEquals(400, c.admin("POST", "settings", "{\"access\":{\"groups\":[]}}").status());
        }
        assertThrows(IllegalArgumentException.class, () -> AccessScope.subscription().deny("rg", "read"));
        assertTrue(AccessScope.subscription().deny("rg", AccessScope.VM_START).allows(null, AccessScope.VM_READ));
    }
}
