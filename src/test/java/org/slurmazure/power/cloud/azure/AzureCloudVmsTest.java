package org.slurmazure.power.cloud.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slurmazure.power.cloud.CloudException;
import org.slurmazure.power.cloud.Operation;
import org.slurmazure.power.domain.PowerState;
import org.slurmazure.power.domain.VmRef;
import org.slurmazure.power.cloud.VmState;
import org.slurmazure.power.domain.FailureClass;
import org.slurmazure.power.emulator.AccessScope;
import org.slurmazure.power.emulator.ArmEmulator;
import org.slurmazure.power.emulator.FaultRule;
import org.slurmazure.power.emulator.VmSpec;

/** The Azure boundary itself, with the real SDK and credential, against the ARM emulator over HTTPS. */
class AzureCloudVmsTest {
    @TempDir
    Path dir;
    ArmEmulator emu;

    @AfterEach
    void stop() {
        if (emu != null) {
            emu.close();
        }
    }

    private AzureCloudVms start(ArmEmulator.Builder builder) throws Exception {
        emu = builder.clientSecret("s3cret").start();
        Path secret = dir.resolve("secret");
        Files.writeString(secret, "s3cret");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        AzureConnection c = new AzureConnection(emu.baseUri(), emu.baseUri(), "https://management.core.windows.net/",
                true, new AzureConnection.CredentialSettings(AzureConnection.CredentialSettings.Type.CLIENT_SECRET,
                emu.tenantId(), emu.clientId(), null, null, secret), emu.caCertificatePem(), null,
                Duration.ofSeconds(5), 8);
        return AzureCloudFactory.create(c, "test", Duration.ofSeconds(10));
    }

    private static ArmEmulator.Builder vms(int n) {
        ArmEmulator.Builder b = ArmEmulator.builder().resourceGroup("rg1").lroDuration(Duration.ofMillis(200))
                .retryAfterSeconds(1);
        return n == 0 ? b : b.generate("vm[01-" + String.format("%02d", n) + "]",
                v -> v.resourceGroup("rg1").tag("c", "x"));
    }

    private VmRef ref(String name) {
        return new VmRef(emu.subscriptionId(), "rg1", name);
    }

    private static Operation.Status pollUntilDone(AzureCloudVms cloud, Operation op) throws Exception {
        for (int i = 0; i < 50; i++) {
            Operation.Status s = cloud.poll(op);
            if (s.state() != Operation.Status.State.IN_PROGRESS) {
                return s;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the operation did not finish");
    }

    @Test
    void listsOfManyPagesAreReadToTheEnd() throws Exception {
        AzureCloudVms cloud = start(vms(10).pageSize(3));
        List<VmRef> refs = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            refs.add(ref(String.format("vm%02d", i)));
        }

        Map<VmRef, VmState> states = cloud.readMany(refs);
        Map<String, String> ips = cloud.privateIps(refs);

        assertEquals(10, states.size());
        assertEquals(PowerState.DEALLOCATED, states.get(ref("vm10")).powerState());
        assertEquals(10, ips.size());
        String nic = states.get(ref("vm07")).networkInterfaceIds().get(0);
        assertEquals(emu.vm("vm07").privateIp(), ips.get(nic.toLowerCase(java.util.Locale.ROOT)));
        assertTrue(emu.count("GET", "/providers/Microsoft.Compute/virtualMachines$") >= 8, "4 + 4 pages");
    }

    @Test
    void aRoleScopedToTheResourceGroupLeavesPowerStatesToOneGetEach() throws Exception {
        AzureCloudVms cloud = start(vms(3).access(AccessScope.resourceGroups("rg1")));

        Map<VmRef, VmState> states = cloud.readMany(List.of(ref("vm01"), ref("vm02")));
        Map<String, String> ips = cloud.privateIps(List.of(ref("vm01"), ref("vm02")));
        VmState one = cloud.get(ref("vm01"));

        assertEquals(Map.of(), states, "no power state without the subscription-wide list");
        assertEquals(3, ips.size(), "the group's NIC list still works");
        assertEquals(PowerState.DEALLOCATED, one.powerState());
        assertEquals(1, emu.statusCount(403));
    }

    @Test
    void anOperationFollowedByItsAsyncUrlSucceeds() throws Exception {
        AzureCloudVms cloud = start(vms(1));

        Operation.Status s = pollUntilDone(cloud, cloud.beginStart(ref("vm01")));

        assertEquals(Operation.Status.State.SUCCEEDED, s.state());
        assertEquals(org.slurmazure.power.emulator.PowerState.RUNNING, emu.vm("vm01").powerState());
    }

    @Test
    void aFailedStartComesBackClassifiedFromThePoll() throws Exception {
        AzureCloudVms cloud = start(vms(0).vm(VmSpec.of("vm01").resourceGroup("rg1").startFailure("AllocationFailed")));

        Operation.Status s = pollUntilDone(cloud, cloud.beginStart(ref("vm01")));

        assertEquals(Operation.Status.State.FAILED, s.state());
        assertEquals(FailureClass.CAPACITY, s.failure());
        assertFalse(s.retryable());
        assertEquals("AllocationFailed", s.errorCode());
    }

    @Test
    void anInternalExecutionErrorMayPassAndDoesWhenTriedAgain() throws Exception {
        AzureCloudVms cloud = start(vms(0).vm(VmSpec.of("vm01").resourceGroup("rg1").powerState(org.slurmazure.power.emulator.PowerState.RUNNING)
                .deallocateFailure("InternalExecutionError", 1)));

        Operation.Status first = pollUntilDone(cloud, cloud.beginDeallocate(ref("vm01")));
        Operation.Status second = pollUntilDone(cloud, cloud.beginDeallocate(ref("vm01")));

        assertEquals(Operation.Status.State.FAILED, first.state());
        assertTrue(first.retryable());
        assertEquals(Operation.Status.State.SUCCEEDED, second.state());
        assertEquals(org.slurmazure.power.emulator.PowerState.DEALLOCATED, emu.vm("vm01").powerState());
    }

    @Test
    void aSecondStartWhileStartingIsARetryableConflict() throws Exception {
        AzureCloudVms cloud = start(vms(1).lroDuration(Duration.ofSeconds(5)));
        cloud.beginStart(ref("vm01"));

        CloudException e = assertThrows(CloudException.class, () -> cloud.beginStart(ref("vm01")));

        assertEquals(409, e.httpStatus());
        assertTrue(e.retryable());
    }

    @Test
    void aThrottledComputeRequestIsThrottledWithItsRetryAfter() throws Exception {
        AzureCloudVms cloud = start(vms(1));
        emu.addFault(FaultRule.on("POST", "/start$").status(429, "OperationNotAllowed").retryAfter(7).times(1));

        CloudException e = assertThrows(CloudException.class, () -> cloud.beginStart(ref("vm01")));

        assertEquals(FailureClass.THROTTLED, e.failure());
        assertTrue(e.retryable());
        assertEquals(Duration.ofSeconds(7), e.retryAfter());
        assertEquals(1, cloud.requestCounts().throttled());
    }

    @Test
    void aMissingVmIsNotFoundAndFinal() throws Exception {
        AzureCloudVms cloud = start(vms(1));

        CloudException e = assertThrows(CloudException.class, () -> cloud.get(ref("nosuch")));

        assertEquals(FailureClass.NOT_FOUND, e.failure());
        assertFalse(e.retryable());
    }

    @Test
    void aDroppedConnectionIsANetworkFailureThatMayPass() throws Exception {
        AzureCloudVms cloud = start(vms(1));
        // Always: the JDK client itself tries an idempotent request a second time on a fresh connection.
        emu.addFault(FaultRule.on("GET", "/virtualMachines/vm01$").connectionReset());

        CloudException e = assertThrows(CloudException.class, () -> cloud.get(ref("vm01")));
        emu.clearFaults();

        assertEquals(FailureClass.NETWORK, e.failure());
        assertTrue(e.retryable());
        assertEquals(PowerState.DEALLOCATED, cloud.get(ref("vm01")).powerState());
    }

    @Test
    void requestsCarryTheApiVersionAzureRequires() throws Exception {
        AzureCloudVms cloud = start(vms(2).requireApiVersion(true).pageSize(1));

        cloud.readMany(List.of(ref("vm01"), ref("vm02")));
        cloud.privateIps(List.of(ref("vm01")));
        VmState s = cloud.get(ref("vm01"));
        pollUntilDone(cloud, cloud.beginStart(ref("vm01")));

        assertEquals(0, emu.statusCount(400), emu.requests().toString());
        assertEquals(emu.vm("vm01").vmSize(), s.vmSize());
    }

    @Test
    void aVmReadRightAfterAWriteShowsItIsStillUpdating() throws Exception {
        AzureCloudVms cloud = start(vms(1).stateLag(Duration.ofSeconds(3)));

        cloud.beginStart(ref("vm01"));
        VmState s = cloud.get(ref("vm01"));

        assertEquals(PowerState.DEALLOCATED, s.powerState(), "the old power state, as Azure shows it");
        assertTrue(s.updating());
    }
}
