package org.slurmazure.power.cloud.azure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import com.azure.core.exception.ClientAuthenticationException;
import com.azure.core.exception.HttpResponseException;
import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpPipeline;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.management.AzureEnvironment;
import com.azure.core.management.exception.ManagementError;
import com.azure.core.management.exception.ManagementException;
import com.azure.core.management.polling.PollResult;
import com.azure.core.util.Context;
import com.azure.core.util.polling.LongRunningOperationStatus;
import com.azure.core.util.polling.PollResponse;
import com.azure.core.util.polling.SyncPoller;
import com.azure.resourcemanager.compute.fluent.VirtualMachinesClient;
import com.azure.resourcemanager.compute.fluent.models.VirtualMachineInner;
import com.azure.resourcemanager.compute.implementation.ComputeManagementClientBuilder;
import com.azure.resourcemanager.compute.models.InstanceViewStatus;
import com.azure.resourcemanager.compute.models.InstanceViewTypes;
import com.azure.resourcemanager.compute.models.NetworkInterfaceReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.slurmazure.power.cloud.CloudException;
import org.slurmazure.power.cloud.CloudVms;
import org.slurmazure.power.cloud.Operation;
import org.slurmazure.power.cloud.PowerState;
import org.slurmazure.power.cloud.VmRef;
import org.slurmazure.power.cloud.VmState;

/**
 * {@link CloudVms} on Azure Resource Manager through the compute service client of azure-resourcemanager-compute
 * (the lean client: a full ComputeManager would also build the network, storage and authorization managers on
 * every run). Azure's exceptions become {@link CloudException}s here and nowhere else.
 */
public final class AzureCloudVms implements CloudVms {
    /** api-version for the NIC read, sent through the same pipeline. */
    static final String NETWORK_API_VERSION = "2024-05-01";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpPipeline pipeline;
    private final URI resourceManager;
    private final AzureEnvironment environment;
    private final ThrottleGate gate;
    private final Map<String, VirtualMachinesClient> clients = new ConcurrentHashMap<>();

    AzureCloudVms(HttpPipeline pipeline, URI resourceManager, AzureEnvironment environment, ThrottleGate gate) {
        this.pipeline = pipeline;
        this.resourceManager = resourceManager;
        this.environment = environment;
        this.gate = gate;
    }

    @Override
    public VmState get(VmRef vm) throws CloudException {
        VirtualMachineInner inner = call(() -> vms(vm).getByResourceGroupWithResponse(
                vm.resourceGroup(), vm.name(), InstanceViewTypes.INSTANCE_VIEW, Context.NONE).getValue());
        PowerState power = PowerState.UNKNOWN;
        String failedCode = null;
        if (inner.instanceView() != null && inner.instanceView().statuses() != null) {
            for (InstanceViewStatus status : inner.instanceView().statuses()) {
                String code = status.code();
                if (code == null) {
                    continue;
                }
                if (code.startsWith("PowerState/")) {
                    power = PowerState.fromStatusCode(code);
                } else if (code.startsWith("ProvisioningState/failed/")) {
                    failedCode = code.substring("ProvisioningState/failed/".length());
                }
            }
        }
        List<String> nics = new ArrayList<>();
        if (inner.networkProfile() != null && inner.networkProfile().networkInterfaces() != null) {
            for (NetworkInterfaceReference nic : inner.networkProfile().networkInterfaces()) {
                if (Boolean.TRUE.equals(nic.primary())) {
                    nics.add(0, nic.id());
                } else {
                    nics.add(nic.id());
                }
            }
        }
        Map<String, String> tags = inner.tags() == null ? Map.of() : inner.tags();
        return new VmState(vm, inner.vmId(), power, tags, nics, failedCode);
    }

    @Override
    public Operation beginStart(VmRef vm) throws CloudException {
        return new AzureOperation(call(() -> vms(vm).beginStart(vm.resourceGroup(), vm.name(), Context.NONE)));
    }

    @Override
    public Operation beginDeallocate(VmRef vm) throws CloudException {
        return new AzureOperation(call(() -> vms(vm).beginDeallocate(vm.resourceGroup(), vm.name(), null,
                Context.NONE)));
    }

    @Override
    public Operation.Status poll(Operation operation) throws CloudException {
        SyncPoller<PollResult<Void>, Void> poller = ((AzureOperation) operation).poller;
        PollResponse<PollResult<Void>> response = call(poller::poll);
        LongRunningOperationStatus status = response.getStatus();
        if (status == LongRunningOperationStatus.SUCCESSFULLY_COMPLETED) {
            return Operation.Status.succeeded();
        }
        if (status == LongRunningOperationStatus.FAILED || status == LongRunningOperationStatus.USER_CANCELLED) {
            PollResult.Error error = response.getValue() == null ? null : response.getValue().getError();
            return failedStatus(error);
        }
        return Operation.Status.inProgress(response.getRetryAfter());
    }

    @Override
    public String privateIp(String networkInterfaceId) throws CloudException {
        String url = resourceManager.toString().replaceAll("/+$", "") + networkInterfaceId
                + "?api-version=" + NETWORK_API_VERSION;
        JsonNode nic = call(() -> {
            try (HttpResponse response = pipeline.sendSync(new HttpRequest(HttpMethod.GET, url), Context.NONE)) {
                String body = response.getBodyAsBinaryData().toString();
                if (response.getStatusCode() / 100 != 2) {
                    throw new CloudCallFailed(response.getStatusCode(), body, response);
                }
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        String first = null;
        for (JsonNode ipConfig : nic.path("properties").path("ipConfigurations")) {
            JsonNode props = ipConfig.path("properties");
            String ip = props.path("privateIPAddress").asText(null);
            if (ip != null && props.path("primary").asBoolean(false)) {
                return ip;
            }
            if (first == null) {
                first = ip;
            }
        }
        return first;
    }

    /** Requests sent (each retry counts) and 429 answers received, for the summary line. */
    public long requestsSent() {
        return gate.sent();
    }

    public long throttledResponses() {
        return gate.throttled();
    }

    private VirtualMachinesClient vms(VmRef vm) {
        return clients.computeIfAbsent(vm.subscriptionId(), sub -> new ComputeManagementClientBuilder()
                .pipeline(pipeline)
                .endpoint(resourceManager.toString())
                .environment(environment)
                .subscriptionId(sub)
                .defaultPollInterval(Duration.ofSeconds(5))
                .buildClient()
                .getVirtualMachines());
    }

    private static Operation.Status failedStatus(PollResult.Error error) {
        if (error == null) {
            return Operation.Status.failed(null, "the operation failed without details");
        }
        String code = null;
        String message = error.getMessage();
        try {
            if (error.getResponseBody() != null) {
                JsonNode body = JSON.readTree(error.getResponseBody());
                JsonNode err = body.has("error") ? body.get("error") : body;
                code = err.path("code").asText(null);
                message = err.path("message").asText(message);
            }
        } catch (IOException unreadable) {
            // keep the poller's message
        }
        return Operation.Status.failed(code, message);
    }

    /** Runs one SDK call and translates every failure into a CloudException. */
    private static <T> T call(Supplier<T> sdkCall) throws CloudException {
        try {
            return sdkCall.get();
        } catch (CloudCallFailed e) {
            throw translate(e.status, e.body, e.response);
        } catch (ManagementException e) {
            ManagementError err = e.getValue();
            throw new CloudException(e.getResponse() == null ? 0 : e.getResponse().getStatusCode(),
                    err == null ? null : err.getCode(), err == null ? e.getMessage() : err.getMessage(),
                    e.getResponse() == null ? null : RetryAfter.parse(e.getResponse().getHeaders(), null), e);
        } catch (ClientAuthenticationException e) {
            throw new CloudException(401, "AuthenticationFailed", firstLine(e.getMessage()), null, e);
        } catch (HttpResponseException e) {
            HttpResponse r = e.getResponse();
            int status = r == null ? 0 : r.getStatusCode();
            throw new CloudException(status, null, firstLine(e.getMessage()),
                    r == null ? null : RetryAfter.parse(r.getHeaders(), null), e);
        } catch (RuntimeException e) {
            // Identity failures (MSAL) and transport failures (reset, refused, timeout) arrive wrapped.
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof ClientAuthenticationException || t.getClass().getName().startsWith("com.microsoft.aad.msal4j")) {
                    throw new CloudException(401, "AuthenticationFailed", "token request failed: "
                            + firstLine(t.getMessage()), null, e);
                }
                if (t instanceof IOException) {
                    throw new CloudException(0, null, t.getClass().getSimpleName() + ": " + firstLine(t.getMessage()),
                            null, e);
                }
            }
            throw new CloudException(0, null, firstLine(String.valueOf(e.getMessage())), null, e);
        }
    }

    private static CloudException translate(int status, String body, HttpResponse response) {
        String code = null;
        String message = "HTTP " + status;
        try {
            JsonNode err = JSON.readTree(body).path("error");
            code = err.path("code").asText(null);
            message = err.path("message").asText(message);
        } catch (IOException | RuntimeException notJson) {
            // keep the status line
        }
        return new CloudException(status, code, message, RetryAfter.parse(response.getHeaders(), null), null);
    }

    static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).trim();
    }

    /** An accepted long-running operation, polled by the core one poll at a time. */
    private static final class AzureOperation implements Operation {
        final SyncPoller<PollResult<Void>, Void> poller;

        AzureOperation(SyncPoller<PollResult<Void>, Void> poller) {
            this.poller = poller;
        }

        @Override
        public Duration suggestedPollDelay() {
            return null;
        }
    }

    /** A raw pipeline call that got a non-2xx answer. */
    private static final class CloudCallFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int status;
        final String body;
        final transient HttpResponse response;

        CloudCallFailed(int status, String body, HttpResponse response) {
            super("HTTP " + status, null, false, false);
            this.status = status;
            this.body = body;
            this.response = response;
        }
    }
}
