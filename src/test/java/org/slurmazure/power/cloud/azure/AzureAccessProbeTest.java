package org.slurmazure.power.cloud.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slurmazure.power.cloud.AccessProbe;
import org.slurmazure.power.cloud.CloudException;
import org.slurmazure.power.domain.FailureClass;
import org.slurmazure.power.emulator.AccessScope;
import org.slurmazure.power.emulator.ArmEmulator;
import org.slurmazure.power.emulator.PowerState;
import org.slurmazure.power.emulator.VmSpec;

/** doctor's reads (permissions, VM regions, usages, SKUs) through the real pipeline, against the ARM emulator. */
class AzureAccessProbeTest {
    @TempDir
    Path dir;
    ArmEmulator emu;

    @AfterEach
    void stop() {
        if (emu != null) {
            emu.close();
        }
    }

    private AzureCloudFactory.Connected connect(ArmEmulator.Builder builder) throws Exception {
        emu = builder.clientSecret("s3cret").requireApiVersion(true).start();
        Path secret = dir.resolve("secret");
        Files.writeString(secret, "s3cret");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        AzureConnection c = new AzureConnection(emu.baseUri(), emu.baseUri(), "https://management.core.windows.net/",
                true, new AzureConnection.CredentialSettings(AzureConnection.CredentialSettings.Type.CLIENT_SECRET,
                emu.tenantId(), emu.clientId(), null, null, secret), emu.caCertificatePem(), null,
                Duration.ofSeconds(5), 8);
        return AzureCloudFactory.connect(c, "test", Duration.ofSeconds(10));
    }

    private static ArmEmulator.Builder world() {
        return ArmEmulator.builder()
                .generate("azc[1-5]", s -> s.resourceGroup("rg (one)").tag("c", "x"))
                .vm(VmSpec.of("gpu1").resourceGroup("gpu-rg").location("eastus").vmSize("Standard_NC24ads_A100_v4")
                        .powerState(PowerState.RUNNING))
                .pageSize(2);
    }

    @Test
    void theProbeReadsPermissionsRegionsUsagesAndSizes() throws Exception {
        AzureCloudFactory.Connected azure = connect(world().access(AccessScope.subscription()
                .deny("gpu-rg", AccessScope.VM_DEALLOCATE)).quota("cores", 50));
        AccessProbe probe = azure.probe();

        List<AccessProbe.Permission> gpu = probe.permissions(emu.subscriptionId(), "gpu-rg");
        Map<String, String> regions = probe.vmLocations(emu.subscriptionId(), "rg (one)");
        List<AccessProbe.Usage> east = probe.usages(emu.subscriptionId(), "eastus");
        Map<String, AccessProbe.VmSize> sizes = probe.vmSizes(emu.subscriptionId(), "eastus");

        assertTrue(azure.tokenTime().compareTo(Duration.ZERO) > 0);
        assertEquals(1, gpu.size());
        assertTrue(gpu.get(0).actions().contains("Microsoft.Compute/virtualMachines/*/action"), gpu.toString());
        assertEquals(List.of(AccessScope.VM_DEALLOCATE), gpu.get(0).notActions());
        assertEquals(5, regions.size(), "every page of the list: " + regions);
        assertEquals("westeurope", regions.get("azc3"));
        AccessProbe.Usage cores = east.stream().filter(u -> u.name().equals("cores")).findFirst().orElseThrow();
        assertEquals(new AccessProbe.Usage("cores", "Total Regional vCPUs", 24, 50), cores);
        assertEquals(Map.of("standard_nc24ads_a100_v4",
                new AccessProbe.VmSize("Standard_NC24ads_A100_v4", "standardNCADSA100v4Family", 24)), sizes);
        assertEquals(1, emu.count("GET", "/providers/Microsoft.Compute/skus"));
        assertTrue(emu.requests().stream().anyMatch(r -> r.path().endsWith("/skus") && r.query().contains("eastus")),
                "filtered by region: " + emu.requests());
    }

    @Test
    void aRoleScopedToResourceGroupsIsForbiddenTheSubscriptionsQuotasAndSeesNoRoleElsewhere() throws Exception {
        AccessProbe probe = connect(world().access(AccessScope.resourceGroups("rg (one)"))).probe();

        CloudException usages = assertThrows(CloudException.class,
                () -> probe.usages(emu.subscriptionId(), "westeurope"));
        CloudException skus = assertThrows(CloudException.class,
                () -> probe.vmSizes(emu.subscriptionId(), "westeurope"));
        CloudException noGroup = assertThrows(CloudException.class,
                () -> probe.permissions(emu.subscriptionId(), "no-such-rg"));

        assertEquals(FailureClass.FORBIDDEN, usages.failure());
        assertEquals(FailureClass.FORBIDDEN, skus.failure());
        assertEquals(List.of(), probe.permissions(emu.subscriptionId(), "gpu-rg"));
        assertEquals(FailureClass.NOT_FOUND, noGroup.failure());
        assertEquals("ResourceGroupNotFound", noGroup.errorCode());
    }
}
