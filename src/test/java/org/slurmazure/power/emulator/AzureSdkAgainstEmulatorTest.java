package org.slurmazure.power.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.core.management.AzureEnvironment;
import com.azure.core.management.exception.ManagementException;
import com.azure.core.management.profile.AzureProfile;
import com.azure.core.util.Context;
import com.azure.identity.ClientSecretCredentialBuilder;
import com.azure.resourcemanager.compute.ComputeManager;
import com.azure.resourcemanager.compute.fluent.models.VirtualMachineInner;
import com.azure.resourcemanager.compute.models.InstanceViewStatus;
import com.azure.resourcemanager.compute.models.InstanceViewTypes;
import com.azure.resourcemanager.compute.models.VirtualMachine;
import com.azure.resourcemanager.network.NetworkManager;
import com.azure.resourcemanager.network.models.NetworkInterface;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The real Azure SDK for Java (JDK HttpClient transport, ClientSecretCredential) against the emulator. */
class AzureSdkAgainstEmulatorTest {
    private static final String RG = "hpc1-burst";

    private static String powerState(VirtualMachineInner vm) {
        return vm.instanceView().statuses().stream().map(InstanceViewStatus::code)
                .filter(c -> c.startsWith("PowerState/")).findFirst().orElse(null);
    }

    @Test
    void theSdkStartsDeallocatesAndReadsVmsAndNicsThroughTheEmulator() throws Exception {
        // Without a logback-test.xml logback logs DEBUG: quiet the SDK for this test only.
        Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
        Level before = root.getLevel();
        root.setLevel(Level.ERROR);
        try {
            exerciseTheSdk();
        } finally {
            root.setLevel(before);
        }
    }

    private static void exerciseTheSdk() throws Exception {
        try (ArmEmulator emu = ArmEmulator.builder()
                .vm(VmSpec.of("azc001").resourceGroup(RG).tag("slurm-cluster", "hpc1").privateIp("10.1.0.21"))
                .vm(VmSpec.of("azc002").resourceGroup(RG).startFailure(VmSpec.ALLOCATION_FAILED))
                .lroDuration(Duration.ofMillis(300))
                .retryAfterSeconds(1)
                .pageSize(1)
                .start()) {
            HttpClient http = new JdkHttpClientBuilder(java.net.http.HttpClient.newBuilder()
                    .sslContext(emu.sslContext())).build();
            TokenCredential credential = new ClientSecretCredentialBuilder()
                    .authorityHost(emu.baseUrl())
                    .tenantId(emu.tenantId())
                    .clientId(emu.clientId())
                    .clientSecret(emu.clientSecret())
                    .disableInstanceDiscovery()
                    .httpClient(http)
                    .build();
            Map<String, String> endpoints = new HashMap<>(AzureEnvironment.AZURE.getEndpoints());
            endpoints.put("resourceManagerEndpointUrl", emu.baseUrl());
            endpoints.put("activeDirectoryEndpointUrl", emu.baseUrl());
            AzureProfile profile = new AzureProfile(emu.tenantId(), emu.subscriptionId(),
                    new AzureEnvironment(endpoints));
            ComputeManager compute = ComputeManager.configure().withHttpClient(http).authenticate(credential, profile);
            NetworkManager network = NetworkManager.configure().withHttpClient(http).authenticate(credential, profile);

            // one GET with the instance view, as the product reads power states
            VirtualMachineInner deallocated = compute.serviceClient().getVirtualMachines()
                    .getByResourceGroupWithResponse(RG, "azc001", InstanceViewTypes.INSTANCE_VIEW, Context.NONE)
                    .getValue();
            assertEquals("PowerState/deallocated", powerState(deallocated));
            assertEquals("hpc1", deallocated.tags().get("slurm-cluster"));

            compute.virtualMachines().start(RG, "azc001");
            assertEquals(PowerState.RUNNING, emu.vm("azc001").powerState());
            VirtualMachineInner running = compute.serviceClient().getVirtualMachines()
                    .getByResourceGroupWithResponse(RG, "azc001", InstanceViewTypes.INSTANCE_VIEW, Context.NONE)
                    .getValue();
            assertEquals("PowerState/running", powerState(running));
            assertTrue(emu.count("GET", "/operations/") >= 1, "the SDK polled the operation");

            NetworkInterface nic = network.networkInterfaces().getByResourceGroup(RG, "azc001-nic");
            assertEquals("10.1.0.21", nic.primaryPrivateIP());

            ManagementException failed = assertThrows(ManagementException.class,
                    () -> compute.virtualMachines().start(RG, "azc002"));
            assertEquals("AllocationFailed", failed.getValue().getCode());
            assertEquals(PowerState.DEALLOCATED, emu.vm("azc002").powerState());

            emu.addFault(FaultRule.on("POST", "/azc001/deallocate$").times(1).status(429).retryAfter(1));
            compute.virtualMachines().deallocate(RG, "azc001");
            assertEquals(PowerState.DEALLOCATED, emu.vm("azc001").powerState());
            assertEquals(2, emu.count("POST", "/azc001/deallocate$"), "the SDK retried the 429 once");

            List<VirtualMachine> listed = StreamSupport.stream(compute.virtualMachines().listByResourceGroup(RG)
                    .spliterator(), false).toList();
            assertEquals(List.of("azc001", "azc002"), listed.stream().map(VirtualMachine::name).toList(),
                    "two pages of one VM each");
            assertEquals(2, emu.count("POST", "/oauth2/v2.0/token$"), "one token per manager, cached by the SDK");
        }
    }
}
