package org.slurmazure.power.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ListsAndNicTest {
    private static final String API = "?api-version=2025-04-01";
    private static ArmEmulator emu;
    private static EmuClient client;

    @BeforeAll
    static void start() throws IOException {
        emu = ArmEmulator.builder()
                .generate("azc[001-025]", s -> s.resourceGroup("hpc1-burst").tag("slurm-cluster", "hpc1"))
                .vm(VmSpec.of("fixed1").resourceGroup("hpc1-burst").privateIp("10.1.200.7"))
                .vm(VmSpec.of("gone1").resourceGroup("hpc1-burst").missing(true))
                .generate("other[1-3]", s -> s.powerState(PowerState.RUNNING))
                .pageSize(10)
                .start();
        client = new EmuClient(emu);
    }

    @AfterAll
    static void stop() {
        emu.close();
    }

    private static String rgPath(String rg) {
        return "subscriptions/" + emu.subscriptionId() + "/resourceGroups/" + rg + "/providers/";
    }

    /** Follows nextLink from the first page; returns every item. */
    private static List<JsonNode> allPages(String firstUrl, List<String> nextLinks) {
        List<JsonNode> items = new ArrayList<>();
        String url = firstUrl;
        while (url != null) {
            EmuClient.Resp r = client.get(url);
            assertEquals(200, r.status(), r.body());
            r.json().get("value").forEach(items::add);
            url = r.json().hasNonNull("nextLink") ? r.json().get("nextLink").asText() : null;
            if (url != null) {
                nextLinks.add(url);
            }
        }
        return items;
    }

    @Test
    void eachVmHasANicWithItsPrivateIp() {
        EmuClient.Resp r = client.get(rgPath("hpc1-burst") + "Microsoft.Network/networkInterfaces/azc001-nic"
                + "?api-version=2024-05-01");

        assertEquals(200, r.status());
        JsonNode nic = r.json();
        assertEquals("azc001-nic", nic.get("name").asText());
        assertTrue(nic.get("id").asText().endsWith("/resourceGroups/hpc1-burst/providers/Microsoft.Network/"
                + "networkInterfaces/azc001-nic"));
        assertEquals("Succeeded", nic.path("properties").path("provisioningState").asText());
        JsonNode ipc = nic.path("properties").path("ipConfigurations").get(0);
        assertEquals("ipconfig1", ipc.get("name").asText());
        assertEquals("10.1.0.4", ipc.path("properties").path("privateIPAddress").asText());
        assertEquals("Dynamic", ipc.path("properties").path("privateIPAllocationMethod").asText());
        assertTrue(ipc.path("properties").path("primary").asBoolean());
        assertTrue(nic.path("properties").path("virtualMachine").path("id").asText().endsWith("/azc001"));
    }

    @Test
    void privateIpsAreSequentialUnlessGiven() {
        assertEquals("10.1.0.4", emu.vm("azc001").privateIp());
        assertEquals("10.1.0.5", emu.vm("azc002").privateIp());
        assertEquals("10.1.0.28", emu.vm("azc025").privateIp());
        assertEquals("10.1.200.7", emu.vm("fixed1").privateIp());
        JsonNode nic = client.get(rgPath("hpc1-burst") + "Microsoft.Network/networkInterfaces/fixed1-nic" + API)
                .json();
        assertEquals("10.1.200.7", nic.path("properties").path("ipConfigurations").get(0).path("properties")
                .path("privateIPAddress").asText());
    }

    @Test
    void theNicOfAnUnknownOrMissingVmIs404() {
        assertEquals(404, client.get(rgPath("hpc1-burst") + "Microsoft.Network/networkInterfaces/nope-nic" + API)
                .status());
        assertEquals(404, client.get(rgPath("hpc1-burst") + "Microsoft.Network/networkInterfaces/gone1-nic" + API)
                .status());
    }

    @Test
    void theResourceGroupListIsPagedWithNextLinks() {
        List<String> nextLinks = new ArrayList<>();

        List<JsonNode> vms = allPages(rgPath("hpc1-burst") + "Microsoft.Compute/virtualMachines" + API, nextLinks);

        assertEquals(26, vms.size(), "25 generated + fixed1, without the missing VM");
        assertEquals("azc001", vms.get(0).get("name").asText());
        assertEquals("fixed1", vms.get(25).get("name").asText());
        assertFalse(vms.get(0).path("properties").has("instanceView"));
        assertEquals(2, nextLinks.size());
        assertTrue(nextLinks.get(0).startsWith(emu.baseUrl() + rgPath("hpc1-burst")
                + "Microsoft.Compute/virtualMachines?api-version=2025-04-01&$skiptoken="), nextLinks.get(0));
    }

    @Test
    void theSubscriptionListWithStatusOnlyHasEveryVmsPowerState() {
        List<String> nextLinks = new ArrayList<>();

        List<JsonNode> vms = allPages("subscriptions/" + emu.subscriptionId()
                + "/providers/Microsoft.Compute/virtualMachines" + API + "&statusOnly=true", nextLinks);

        assertEquals(29, vms.size());
        assertTrue(nextLinks.get(0).contains("statusOnly=true"));
        JsonNode other = vms.get(28);
        assertEquals("other3", other.get("name").asText());
        JsonNode statuses = other.path("properties").path("instanceView").path("statuses");
        assertEquals("PowerState/running", statuses.get(1).get("code").asText());
        assertFalse(other.path("properties").has("hardwareProfile"));
    }

    @Test
    void theNicListIsPagedToo() {
        List<String> nextLinks = new ArrayList<>();

        List<JsonNode> nics = allPages(rgPath("hpc1-burst") + "Microsoft.Network/networkInterfaces" + API,
                nextLinks);

        assertEquals(26, nics.size());
        assertEquals("azc001-nic", nics.get(0).get("name").asText());
    }

    @Test
    void aBadSkipTokenIs400AndAnUnknownResourceGroupIs404() {
        assertEquals(400, client.get(rgPath("hpc1-burst") + "Microsoft.Compute/virtualMachines" + API
                + "&$skiptoken=garbage!").status());
        EmuClient.Resp r = client.get(rgPath("nope") + "Microsoft.Compute/virtualMachines" + API);
        assertEquals(404, r.status());
        assertEquals("ResourceGroupNotFound", r.errorCode());
    }

    @Test
    void smallPagesFromTheBuilderSplitEveryListIntoSeveralPages() throws Exception {
        try (ArmEmulator small = ArmEmulator.builder().generate("azc[01-10]", s -> s.resourceGroup("rg1"))
                .pageSize(3).start()) {
            EmuClient c = new EmuClient(small);
            String sub = "subscriptions/" + small.subscriptionId();
            List<String> expected = VmSpecs.expandNames("azc[01-10]");

            for (String url : List.of(sub + "/resourceGroups/rg1/providers/Microsoft.Compute/virtualMachines" + API,
                    sub + "/providers/Microsoft.Compute/virtualMachines" + API + "&statusOnly=true",
                    sub + "/providers/Microsoft.Compute/virtualMachines" + API,
                    sub + "/resourceGroups/rg1/providers/Microsoft.Network/networkInterfaces" + API)) {
                List<Integer> sizes = new ArrayList<>();
                List<String> names = new ArrayList<>();
                String next = url;
                while (next != null) {
                    EmuClient.Resp r = c.get(next);
                    assertEquals(200, r.status(), r.body());
                    sizes.add(r.json().get("value").size());
                    r.json().get("value").forEach(v -> names.add(v.get("name").asText().replace("-nic", "")));
                    next = r.json().hasNonNull("nextLink") ? r.json().get("nextLink").asText() : null;
                }
                assertEquals(List.of(3, 3, 3, 1), sizes, url);
                assertEquals(expected, names, url);
            }
        }
    }
}
