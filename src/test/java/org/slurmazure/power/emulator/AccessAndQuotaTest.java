package org.slurmazure.power.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What {@code doctor} reads besides the VMs: the caller's permissions on a resource group (from the role the emulator
 * plays, its denied actions as {@code notActions}), a region's compute usages and the resource SKUs; and a NIC without
 * a private IP.
 */
class AccessAndQuotaTest {
    private static final String PERMISSIONS_API = "?api-version=2022-04-01";
    private static final String USAGES_API = "?api-version=2024-07-01";
    private static final String SKUS_API = "?api-version=2021-07-01";

    private static ArmEmulator.Builder world() {
        return ArmEmulator.builder()
                .generate("azc[1-3]", s -> s.resourceGroup("hpc1-burst"))
                .vm(VmSpec.of("azc4").resourceGroup("hpc1-burst").powerState(PowerState.RUNNING))
                .vm(VmSpec.of("azc5").resourceGroup("hpc1-burst").powerState(PowerState.STOPPED))
                .vm(VmSpec.of("gpu1").resourceGroup("gpu-rg").vmSize("Standard_NC24ads_A100_v4")
                        .powerState(PowerState.RUNNING))
                .vm(VmSpec.of("far1").resourceGroup("far-rg").location("eastus").powerState(PowerState.RUNNING))
                .vm(VmSpec.of("nonic1").resourceGroup("hpc1-burst").withoutPrivateIp());
    }

    private static String permissions(ArmEmulator emu, String rg) {
        return "subscriptions/" + emu.subscriptionId() + "/resourceGroups/" + rg
                + "/providers/Microsoft.Authorization/permissions" + PERMISSIONS_API;
    }

    private static String usages(ArmEmulator emu, String location) {
        return "subscriptions/" + emu.subscriptionId() + "/providers/Microsoft.Compute/locations/" + location
                + "/usages" + USAGES_API;
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static Map<String, JsonNode> byName(JsonNode usages) {
        Map<String, JsonNode> out = new HashMap<>();
        usages.path("value").forEach(u -> out.put(u.path("name").path("value").asText(), u));
        return out;
    }

    @Test
    void aRoleOverTheSubscriptionListsItsWildcardActionsOnEveryGroup() throws Exception {
        try (ArmEmulator emu = world().start()) {
            EmuClient c = new EmuClient(emu);

            EmuClient.Resp r = c.get(permissions(emu, "HPC1-burst"));

            assertEquals(200, r.status(), r.body());
            JsonNode value = r.json().get("value");
            assertEquals(1, value.size());
            assertEquals(AccessScope.SUBSCRIPTION_ROLE, texts(value.get(0).get("actions")));
            assertTrue(texts(value.get(0).get("actions")).contains("Microsoft.Compute/virtualMachines/*/action"));
            assertEquals(List.of(), texts(value.get(0).get("notActions")));
            assertEquals(0, value.get(0).get("dataActions").size());
            assertEquals(0, value.get(0).get("notDataActions").size());
        }
    }

    @Test
    void aScopedRoleListsItsActionsWithTheDeniedOnesAsNotActionsAndNothingOutsideItsGroups() throws Exception {
        try (ArmEmulator emu = world().access(AccessScope.resourceGroups("hpc1-burst", "gpu-rg")
                .deny("gpu-rg", AccessScope.VM_DEALLOCATE)).start()) {
            EmuClient c = new EmuClient(emu);

            JsonNode hpc = c.get(permissions(emu, "hpc1-burst")).json().get("value");
            JsonNode gpu = c.get(permissions(emu, "gpu-rg")).json().get("value");
            EmuClient.Resp far = c.get(permissions(emu, "far-rg"));
            EmuClient.Resp none = c.get(permissions(emu, "no-such-rg"));

            assertEquals(AccessScope.SCOPED_ROLE, texts(hpc.get(0).get("actions")));
            assertEquals(List.of(), texts(hpc.get(0).get("notActions")));
            assertEquals(List.of(AccessScope.VM_DEALLOCATE), texts(gpu.get(0).get("notActions")));
            assertEquals(200, far.status(), "any principal may list its own permissions");
            assertEquals(0, far.json().get("value").size(), "no role covers far-rg");
            assertEquals(404, none.status());
            assertEquals("ResourceGroupNotFound", none.errorCode());
        }
    }

    @Test
    void thePermissionsCallNeedsAnApiVersionWhenArmDoes() throws Exception {
        try (ArmEmulator emu = world().requireApiVersion(true).start()) {
            EmuClient c = new EmuClient(emu);

            EmuClient.Resp r = c.get(permissions(emu, "hpc1-burst").replace(PERMISSIONS_API, ""));

            assertEquals(400, r.status());
            assertEquals("MissingApiVersionParameter", r.errorCode());
        }
    }

    @Test
    void usagesCountTheVcpusOfVmsThatAreNotDeallocatedAgainstTheLimitsOfTheRegion() throws Exception {
        try (ArmEmulator emu = world().quota("cores", 40).quota("standardDSv5Family", 10).start()) {
            EmuClient c = new EmuClient(emu);

            EmuClient.Resp r = c.get(usages(emu, "westeurope"));
            Map<String, JsonNode> u = byName(r.json());
            Map<String, JsonNode> east = byName(c.get(usages(emu, "eastus")).json());

            assertEquals(200, r.status(), r.body());
            assertEquals(4 + 4 + 24, u.get("cores").get("currentValue").asInt(), "azc4, azc5 (stopped) and gpu1");
            assertEquals(40, u.get("cores").get("limit").asInt());
            assertEquals("Total Regional vCPUs", u.get("cores").path("name").path("localizedValue").asText());
            assertEquals(8, u.get("standardDSv5Family").get("currentValue").asInt());
            assertEquals(10, u.get("standardDSv5Family").get("limit").asInt());
            assertEquals("Standard DSv5 Family vCPUs",
                    u.get("standardDSv5Family").path("name").path("localizedValue").asText());
            assertEquals(24, u.get("standardNCADSA100v4Family").get("currentValue").asInt());
            assertEquals(Quotas.DEFAULT_LIMIT, u.get("standardNCADSA100v4Family").get("limit").asInt());
            assertEquals(7, u.get("virtualMachines").get("currentValue").asInt(), "deallocated VMs count too");
            assertEquals(4, east.get("cores").get("currentValue").asInt());

            emu.vm("azc1").forcePowerState(PowerState.RUNNING);
            assertEquals(8 + 4, byName(c.get(usages(emu, "westeurope")).json()).get("standardDSv5Family")
                    .get("currentValue").asInt());
        }
    }

    @Test
    void skusGiveTheFamilyAndVcpusOfEachSizeOfARegion() throws Exception {
        try (ArmEmulator emu = world().start()) {
            EmuClient c = new EmuClient(emu);
            String skus = "subscriptions/" + emu.subscriptionId() + "/providers/Microsoft.Compute/skus" + SKUS_API;

            EmuClient.Resp west = c.get(skus + "&$filter=" + java.net.URLEncoder.encode("location eq 'westeurope'",
                    java.nio.charset.StandardCharsets.UTF_8));
            EmuClient.Resp all = c.get(skus);
            EmuClient.Resp bad = c.get(skus + "&$filter=name%20eq%20'x'");

            assertEquals(200, west.status(), west.body());
            Map<String, JsonNode> bySize = new HashMap<>();
            west.json().get("value").forEach(s -> bySize.put(s.get("name").asText(), s));
            assertEquals(2, bySize.size(), bySize.keySet().toString());
            JsonNode d4 = bySize.get("Standard_D4s_v5");
            assertEquals("virtualMachines", d4.get("resourceType").asText());
            assertEquals("standardDSv5Family", d4.get("family").asText());
            assertEquals(List.of("westeurope"), texts(d4.get("locations")));
            JsonNode vcpus = null;
            for (JsonNode cap : bySize.get("Standard_NC24ads_A100_v4").get("capabilities")) {
                if (cap.get("name").asText().equals("vCPUs")) {
                    vcpus = cap.get("value");
                }
            }
            assertEquals("24", vcpus == null ? null : vcpus.asText());
            assertEquals(List.of("westeurope", "eastus"), texts(all.json().get("value").get(0).get("locations")));
            assertEquals(400, bad.status());
        }
    }

    @Test
    void aRoleScopedToResourceGroupsCannotReadTheSubscriptionsUsagesOrSkus() throws Exception {
        try (ArmEmulator emu = world().access(AccessScope.resourceGroups("hpc1-burst")).start()) {
            EmuClient c = new EmuClient(emu);

            EmuClient.Resp u = c.get(usages(emu, "westeurope"));
            EmuClient.Resp s = c.get("subscriptions/" + emu.subscriptionId() + "/providers/Microsoft.Compute/skus"
                    + SKUS_API);

            assertEquals(403, u.status());
            assertEquals("AuthorizationFailed", u.errorCode());
            assertTrue(u.json().path("error").path("message").asText().contains("perform action '"
                    + AccessScope.USAGES_READ + "' over scope '/subscriptions/" + emu.subscriptionId() + "'"),
                    u.body());
            assertEquals(403, s.status());
        }
    }

    @Test
    void aNicWithoutAPrivateIpListsNoAddress() throws Exception {
        try (ArmEmulator emu = world().start()) {
            EmuClient c = new EmuClient(emu);

            EmuClient.Resp nic = c.get("subscriptions/" + emu.subscriptionId() + "/resourceGroups/hpc1-burst/providers/"
                    + "Microsoft.Network/networkInterfaces/nonic1-nic?api-version=2024-05-01");

            assertEquals(200, nic.status());
            JsonNode ipConfig = nic.json().path("properties").path("ipConfigurations").get(0).path("properties");
            assertFalse(ipConfig.has("privateIPAddress"), nic.body());
            assertEquals(null, emu.vm("nonic1").privateIp());
            assertEquals("10.1.0.4", emu.vm("azc1").privateIp(), "the others are allocated as before");
        }
    }

    @Test
    void quotasAreOptionsOfTheStandaloneEmulator() throws Exception {
        ArmEmulatorMain.Options o = ArmEmulatorMain.parse(new String[] {"--generate", "azc[1-2]", "--power-state",
                "running", "--quota", "cores=6"});

        try (ArmEmulatorMain.Running r = ArmEmulatorMain.start(o)) {
            JsonNode cores = byName(new EmuClient(r.emulator).get(usages(r.emulator, "westeurope")).json())
                    .get("cores");
            assertEquals(6, cores.get("limit").asInt());
            assertEquals(8, cores.get("currentValue").asInt());
        }
        assertThrows(ArmEmulatorMain.UsageException.class,
                () -> ArmEmulatorMain.parse(new String[] {"--generate", "a1", "--quota", "cores"}));
        assertThrows(ArmEmulatorMain.UsageException.class,
                () -> ArmEmulatorMain.parse(new String[] {"--generate", "a1", "--quota", "cores=-1"}));
        assertTrue(ArmEmulatorMain.USAGE.contains("--quota NAME=LIMIT"));
    }
}
