package org.slurmazure.power.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.slurmazure.power.doctor.DoctorFixtures.only;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.slurmazure.power.cloud.AccessProbe;
import org.slurmazure.power.domain.FailureClass;
import org.slurmazure.power.domain.PowerState;
import org.slurmazure.power.domain.VmRef;

/** The Azure rules: token, role, VMs, sizes and quota headroom. */
class AzureChecksTest {
    private static final String SUB = "11111111-2222-3333-4444-555555555555";
    private static final AzureFacts.Token TOKEN =
            new AzureFacts.Token("client-certificate", Duration.ofMillis(420), "", null);
    private static final List<AccessProbe.Permission> ROLE = List.of(new AccessProbe.Permission(
            List.of("Microsoft.Compute/virtualMachines/read", "Microsoft.Compute/virtualMachines/start/action",
                    "Microsoft.Compute/virtualMachines/deallocate/action",
                    "Microsoft.Compute/locations/operations/read", "Microsoft.Network/networkInterfaces/read"),
            List.of()));

    static AzureFacts.NodeVm vm(String node, PowerState power) {
        return new AzureFacts.NodeVm(node, new VmRef(SUB, "hpc1-burst", node), AzureFacts.Found.FOUND, "", true,
                AzureFacts.Nic.ADDRESS, "10.1.0.4", "Standard_D4s_v5", "westeurope", power);
    }

    static List<AzureFacts.NodeVm> fleet() {
        List<AzureFacts.NodeVm> vms = new ArrayList<>();
        vms.add(vm("azc001", PowerState.RUNNING));
        vms.add(vm("azc002", PowerState.DEALLOCATED));
        vms.add(vm("azc003", PowerState.DEALLOCATED));
        vms.add(vm("azc004", PowerState.DEALLOCATED));
        return vms;
    }

    static AzureFacts.Region region(long coresUsed, long coresLimit, long familyUsed, long familyLimit) {
        return new AzureFacts.Region(SUB, "westeurope", List.of(
                new AccessProbe.Usage("cores", "Total Regional vCPUs", coresUsed, coresLimit),
                new AccessProbe.Usage("virtualMachines", "Virtual Machines", 4, 25000),
                new AccessProbe.Usage("standardDSv5Family", "Standard DSv5 Family vCPUs", familyUsed, familyLimit)),
                "", Map.of("standard_d4s_v5", new AccessProbe.VmSize("Standard_D4s_v5", "standardDSv5Family", 4)), "");
    }

    private static List<Check> run(List<AccessProbe.Permission> role, List<AzureFacts.NodeVm> vms,
            AzureFacts.Region region) {
        return AzureChecks.check(DoctorFixtures.config(), new AzureFacts(TOKEN,
                List.of(new AzureFacts.GroupAccess(SUB, "hpc1-burst", role, "")), vms, List.of(region)));
    }

    @Test
    void aHealthySetUpPassesWithTheTokenTimeTheSizesAndTheHeadroom() {
        List<Check> checks = run(ROLE, fleet(), region(4, 100, 4, 100));

        assertEquals(List.of(), checks.stream().filter(c -> c.status() != Status.PASS).toList());
        assertEquals("obtained with the client-certificate credential in 0.42 s", only(checks, "token").message());
        assertEquals("Standard_D4s_v5 x4", only(checks, "VM sizes").message());
        assertEquals("the 4 VMs of the node groups exist, carry slurm-cluster=hpc1 and have a private IP",
                only(checks, "VMs").message());
        List<Check> quota = DoctorFixtures.named(checks, "quota westeurope");
        assertEquals(2, quota.size());
        assertEquals("Total Regional vCPUs 4 of 100 used; the 3 deallocated VMs need 12 more: room for all",
                quota.get(0).message());
        assertTrue(quota.get(1).message().startsWith("Standard DSv5 Family vCPUs 4 of 100 used"), quota::toString);
    }

    @Test
    void noTokenIsOneFailureAndNothingElseIsChecked() {
        AzureFacts.Token failed = new AzureFacts.Token("client-secret", Duration.ofMillis(1500),
                "AADSTS7000215: Invalid client secret provided.", FailureClass.AUTH);

        List<Check> checks = AzureChecks.check(DoctorFixtures.config(), AzureFacts.noToken(failed));

        assertEquals(1, checks.size());
        assertEquals(Status.FAIL, checks.get(0).status());
        assertTrue(checks.get(0).message().contains("AADSTS7000215"), checks::toString);
        assertTrue(checks.get(0).advice().startsWith("check azure.credential"), checks::toString);
    }

    @Test
    void aRoleWithoutDeallocateFailsAndSaysWhatBreaks() {
        List<AccessProbe.Permission> noDeallocate = List.of(new AccessProbe.Permission(
                List.of("Microsoft.Compute/virtualMachines/*", "Microsoft.Compute/locations/*/read",
                        "Microsoft.Network/networkInterfaces/read"),
                List.of("Microsoft.Compute/virtualMachines/deallocate/action",
                        "Microsoft.Compute/virtualMachines/delete", "Microsoft.Compute/virtualMachines/write")));

        Check role = only(run(noDeallocate, fleet(), region(4, 100, 4, 100)), "role hpc1-burst");

        assertEquals(Status.FAIL, role.status());
        assertEquals("the role lacks Microsoft.Compute/virtualMachines/deallocate/action on hpc1-burst: suspends fail "
                + "and VMs keep billing", role.message());
        assertTrue(role.advice().startsWith("add it to the role"), role::toString);
    }

    @Test
    void noRoleOnTheGroupFailsAnUnreadableOneWarnsAndABroadOneWarns() {
        Check none = only(run(List.of(), fleet(), region(4, 100, 4, 100)), "role hpc1-burst");
        Check unreadable = AzureChecks.permissions(new AzureFacts.GroupAccess(SUB, "hpc1-burst", null,
                "forbidden: AuthorizationFailed (HTTP 403)"));
        Check broad = only(run(List.of(new AccessProbe.Permission(List.of("*"), List.of())), fleet(),
                region(4, 100, 4, 100)), "role hpc1-burst");
        Check noOperations = only(run(List.of(new AccessProbe.Permission(Permissions.REQUIRED, List.of())), fleet(),
                region(4, 100, 4, 100)), "role hpc1-burst");

        assertEquals(Status.FAIL, none.status());
        assertTrue(none.message().startsWith("no role of the principal covers resource group hpc1-burst"), none::toString);
        assertEquals(Status.WARN, unreadable.status());
        assertEquals(Status.WARN, broad.status());
        assertTrue(broad.message().endsWith("Microsoft.Compute/virtualMachines/delete, "
                + "Microsoft.Compute/virtualMachines/write"), broad::toString);
        assertEquals(Status.WARN, noOperations.status());
        assertTrue(noOperations.message().contains(Permissions.OPERATIONS_READ), noOperations::toString);
    }

    @Test
    void missingUntaggedAndAddresslessVmsFailOneLineEach() {
        List<AzureFacts.NodeVm> vms = fleet();
        vms.set(1, new AzureFacts.NodeVm("azc002", new VmRef(SUB, "hpc1-burst", "azc002"), AzureFacts.Found.MISSING,
                "", false, AzureFacts.Nic.UNKNOWN, null, null, null, PowerState.UNKNOWN));
        vms.set(2, new AzureFacts.NodeVm("azc003", new VmRef(SUB, "hpc1-burst", "azc003"), AzureFacts.Found.FOUND,
                "", false, AzureFacts.Nic.ADDRESS, "10.1.0.6", "Standard_D4s_v5", "westeurope", PowerState.DEALLOCATED));
        vms.set(3, new AzureFacts.NodeVm("azc004", new VmRef(SUB, "hpc1-burst", "azc004"), AzureFacts.Found.FOUND,
                "", true, AzureFacts.Nic.NO_ADDRESS, null, "Standard_D4s_v5", "westeurope", PowerState.DEALLOCATED));

        List<Check> lines = DoctorFixtures.named(run(ROLE, vms, region(4, 100, 4, 100)), "VMs");

        assertEquals(3, lines.size(), lines::toString);
        assertTrue(lines.stream().allMatch(c -> c.status() == Status.FAIL), lines::toString);
        assertTrue(lines.get(0).message().startsWith("1 node without a VM: azc002 (e.g. azc002 -> hpc1-burst/azc002)"),
                lines::toString);
        assertTrue(lines.get(1).message().startsWith("1 VM without the tag slurm-cluster=hpc1: azc003"),
                lines::toString);
        assertTrue(lines.get(1).advice().contains("--tags slurm-cluster=hpc1"), lines::toString);
        assertTrue(lines.get(2).message().startsWith("1 VM whose primary NIC has no private IP: azc004"),
                lines::toString);
    }

    @Test
    void quotaHeadroomWarnsWhenNotAllDeallocatedVmsFitAndFailsWhenNoneDoes() {
        List<Check> some = DoctorFixtures.named(run(ROLE, fleet(), region(4, 100, 4, 12)), "quota westeurope");
        List<Check> none = DoctorFixtures.named(run(ROLE, fleet(), region(98, 100, 4, 100)), "quota westeurope");

        assertEquals(Status.PASS, some.get(0).status());
        assertEquals(Status.WARN, some.get(1).status());
        assertEquals("Standard DSv5 Family vCPUs 4 of 12 used; the 3 deallocated VMs need 12: only 2 of them can run at"
                + " once, the others' resumes fail (quota)", some.get(1).message());
        assertEquals("request Standard DSv5 Family vCPUs of at least 16 (now 12) in the subscription's Usage + quotas",
                some.get(1).advice());
        assertEquals(Status.FAIL, none.get(0).status());
        assertTrue(none.get(0).message().contains("none of them can start"), none::toString);
    }

    @Test
    void unreadableQuotasAreAWarningNotAFailure() {
        AzureFacts.Region region = new AzureFacts.Region(SUB, "westeurope", null,
                "forbidden: AuthorizationFailed (HTTP 403)", null, "forbidden");

        Check c = only(run(ROLE, fleet(), region), "quota westeurope");

        assertEquals(Status.WARN, c.status());
        assertTrue(c.message().startsWith("cannot read the compute quotas of westeurope (forbidden"), c::toString);
        assertTrue(c.advice().contains("az vm list-usage -l westeurope"), c::toString);
    }
}
