package org.slurmazure.power.cloud.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The ARM paths, parsed: those of the power programs and those of doctor. */
class ArmRouteTest {
    private static final String SUB = "/subscriptions/00000000-0000-0000-0000-000000000001";

    @Test
    void thePathsOfThePowerProgramsKeepTheirKinds() {
        String vm = SUB + "/resourceGroups/rg1/providers/Microsoft.Compute/virtualMachines/azc001";
        assertEquals(new ArmRoute(ArmRoute.Kind.VM_GET, SUB.substring(15), "rg1", "azc001", null), ArmRoute.parse(vm));
        assertEquals(ArmRoute.Kind.VM_ACTION, ArmRoute.parse(vm + "/deallocate").kind());
        assertEquals(ArmRoute.Kind.VM_LIST_ALL,
                ArmRoute.parse(SUB + "/providers/Microsoft.Compute/virtualMachines").kind());
        assertEquals(ArmRoute.Kind.OPERATION,
                ArmRoute.parse(SUB + "/providers/Microsoft.Compute/locations/westeurope/operations/abc").kind());
        assertEquals(ArmRoute.Kind.NIC_LIST,
                ArmRoute.parse(SUB + "/resourceGroups/rg1/providers/Microsoft.Network/networkInterfaces").kind());
    }

    @Test
    void doctorsPathsArePermissionsUsagesAndSkusWithoutRegardToCase() {
        ArmRoute permissions =
                ArmRoute.parse(SUB + "/resourcegroups/HPC1-burst/providers/microsoft.authorization/Permissions");
        ArmRoute usages = ArmRoute.parse(SUB + "/providers/Microsoft.Compute/Locations/westeurope/usages/");
        ArmRoute skus = ArmRoute.parse(SUB + "/providers/microsoft.compute/SKUS");

        assertEquals(ArmRoute.Kind.PERMISSIONS, permissions.kind());
        assertEquals("HPC1-burst", permissions.resourceGroup());
        assertEquals(ArmRoute.Kind.USAGES, usages.kind());
        assertEquals("westeurope", usages.segment());
        assertEquals(ArmRoute.Kind.SKUS, skus.kind());
        assertEquals(ArmRoute.Kind.UNKNOWN,
                ArmRoute.parse(SUB + "/resourceGroups/rg1/providers/Microsoft.Authorization/roleAssignments").kind());
        assertEquals(ArmRoute.Kind.UNKNOWN,
                ArmRoute.parse(SUB + "/providers/Microsoft.Compute/locations/westeurope/usages/cores").kind());
    }
}
