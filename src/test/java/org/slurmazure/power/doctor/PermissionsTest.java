package org.slurmazure.power.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.slurmazure.power.cloud.AccessProbe.Permission;

/** Azure RBAC's matching of actions: wildcards, case, and notActions taken out of their own entry only. */
class PermissionsTest {
    private static final String START = "Microsoft.Compute/virtualMachines/start/action";
    private static final String DEALLOCATE = "Microsoft.Compute/virtualMachines/deallocate/action";
    private static final String VM_READ = "Microsoft.Compute/virtualMachines/read";
    private static final String NIC_READ = "Microsoft.Network/networkInterfaces/read";

    @Test
    void wildcardsStandForAnyTextAndCaseDoesNotMatter() {
        assertTrue(Permissions.matches("*", START));
        assertTrue(Permissions.matches("Microsoft.Compute/*", START));
        assertTrue(Permissions.matches("microsoft.compute/virtualmachines/*/action", START));
        assertTrue(Permissions.matches("*/read", NIC_READ));
        assertTrue(Permissions.matches(START.toUpperCase(java.util.Locale.ROOT), START));
        assertFalse(Permissions.matches("Microsoft.Compute/*/read", START));
        assertFalse(Permissions.matches("Microsoft.Network/*", VM_READ));
        assertFalse(Permissions.matches("Microsoft.Compute/virtualMachines/start", START), "no implicit suffix");
        assertFalse(Permissions.matches("Microsoft.Compute.*", START), "a dot is a dot");
    }

    @Test
    void notActionsSubtractFromTheirOwnEntryOnly() {
        Permission contributorLike = new Permission(List.of("*"), List.of("Microsoft.Compute/*/deallocate/action"));
        Permission reader = new Permission(List.of("*/read"), List.of());
        Permission operator = new Permission(List.of(DEALLOCATE), List.of());

        assertTrue(Permissions.allows(List.of(contributorLike), START));
        assertFalse(Permissions.allows(List.of(contributorLike), DEALLOCATE));
        assertFalse(Permissions.allows(List.of(contributorLike, reader), DEALLOCATE));
        assertTrue(Permissions.allows(List.of(contributorLike, operator), DEALLOCATE), "another assignment grants it");
        assertFalse(Permissions.allows(List.of(), VM_READ));
    }

    @Test
    void missingListsWhatTheProgramsNeedAndTheRoleDoesNotGive() {
        List<Permission> role = List.of(new Permission(List.of(VM_READ, NIC_READ, START, DEALLOCATE),
                List.of(DEALLOCATE)));

        assertEquals(List.of(DEALLOCATE), Permissions.missing(role, Permissions.REQUIRED));
        assertEquals(Permissions.REQUIRED, Permissions.missing(List.of(), Permissions.REQUIRED));
    }
}
