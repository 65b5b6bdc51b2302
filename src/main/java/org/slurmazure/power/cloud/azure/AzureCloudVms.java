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
import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpPipeline;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.management.AzureEnvironment;
import com.azure.core.management.exception.ManagementError;
import com.azure.core.management.exception.ManagementException;
import com.azure.core.util.Context;
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
        return state(vm, inner, inner.instanceView() == null ? null : inner.instanceView().statuses());
    }

    /**
     * Lists each resource group once (tags, NICs) and each subscription's run-time status once
     * ({@code statusOnly=true}: power states of every VM in a few pages), instead of one GET per VM.
     */
    @Override
    public Map<VmRef, VmState> readMany(java.util.Collection<VmRef> refs) throws CloudException {
        Map<String, List<VmRef>> byGroup = new java.util.LinkedHashMap<>();
        Map<String, List<VmRef>> bySubscription = new java.util.LinkedHashMap<>();
        for (VmRef r : refs) {
            byGroup.computeIfAbsent(r.subscriptionId() + "/" + r.resourceGroup().toLowerCase(java.util.Locale.ROOT),
                    k -> new ArrayList<>()).add(r);
            bySubscription.computeIfAbsent(r.subscriptionId(), k -> new ArrayList<>()).add(r);
        }
        Map<String, List<InstanceViewStatus>> statuses = new java.util.HashMap<>();
        for (List<VmRef> inSubscription : bySubscription.values()) {
            VmRef any = inSubscription.get(0);
            call(() -> {
                for (VirtualMachineInner vm : vms(any).list("true", null, null, Context.NONE)) {
                    if (vm.id() != null && vm.instanceView() != null && vm.instanceView().statuses() != null) {
                        statuses.put(vm.id().toLowerCase(java.util.Locale.ROOT), vm.instanceView().statuses());
                    }
                }
                return null;
            });
        }
        Map<VmRef, VmState> result = new java.util.HashMap<>();
        for (List<VmRef> inGroup : byGroup.values()) {
            VmRef any = inGroup.get(0);
            Map<String, VirtualMachineInner> listed = new java.util.HashMap<>();
            call(() -> {
                for (VirtualMachineInner vm : vms(any).listByResourceGroup(any.resourceGroup(), null, null,
                        Context.NONE)) {
                    listed.put(vm.name().toLowerCase(java.util.Locale.ROOT), vm);
                }
                return null;
            });
            for (VmRef r : inGroup) {
                VirtualMachineInner vm = listed.get(r.name().toLowerCase(java.util.Locale.ROOT));
                List<InstanceViewStatus> st = vm == null || vm.id() == null ? null
                        : statuses.get(vm.id().toLowerCase(java.util.Locale.ROOT));
                if (st != null) {
                    result.put(r, state(r, vm, st));
                }
            }
        }
        return result;
    }

    /** Lists the NICs of each resource group the ids name (paged), instead of one GET per NIC. */
    @Override
    public Map<String, String> privateIps(java.util.Collection<String> nicIds) throws CloudException {
        Map<String, List<String>> byGroup = new java.util.LinkedHashMap<>();
        for (String id : nicIds) {
            int cut = id.toLowerCase(java.util.Locale.ROOT).indexOf("/providers/microsoft.network/networkinterfaces/");
            if (cut > 0) {
                byGroup.computeIfAbsent(id.substring(0, cut).toLowerCase(java.util.Locale.ROOT), k -> new ArrayList<>())
                        .add(id);
            }
        }
        Map<String, String> ipById = new java.util.HashMap<>();
        for (Map.Entry<String, List<String>> group : byGroup.entrySet()) {
            String groupId = group.getValue().get(0).substring(0, group.getKey().length());
            String next = resourceManager.toString().replaceAll("/+$", "") + groupId
                    + "/providers/Microsoft.Network/networkInterfaces?api-version=" + NETWORK_API_VERSION;
            int pages = 0;
            while (next != null && pages++ < 1000) {
                JsonNode page = getJson(next);
                for (JsonNode nic : page.path("value")) {
                    String ip = primaryIp(nic);
                    if (ip != null && nic.hasNonNull("id")) {
                        ipById.put(nic.get("id").asText().toLowerCase(java.util.Locale.ROOT), ip);
                    }
                }
                next = page.hasNonNull("nextLink") ? page.get("nextLink").asText() : null;
            }
        }
        Map<String, String> result = new java.util.HashMap<>();
        for (String id : nicIds) {
            String ip = ipById.get(id.toLowerCase(java.util.Locale.ROOT));
            if (ip != null) {
                result.put(id, ip);
            }
        }
        return result;
    }

    private static VmState state(VmRef vm, VirtualMachineInner inner, List<InstanceViewStatus> statuses) {
        PowerState power = PowerState.UNKNOWN;
        String failedCode = null;
        if (statuses != null) {
            for (InstanceViewStatus status : statuses) {
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
        return accepted(call(() -> vms(vm).startWithResponseAsync(vm.resourceGroup(), vm.name()).block()));
    }

    @Override
    public Operation beginDeallocate(VmRef vm) throws CloudException {
        return accepted(call(() -> vms(vm).deallocateWithResponseAsync(vm.resourceGroup(), vm.name(), null).block()));
    }

    /**
     * One poll of ARM's asynchronous-operation contract: GET the {@code Azure-AsyncOperation} URL (body
     * {@code status} InProgress / Succeeded / Failed / Canceled, with {@code error}), else the {@code Location} URL
     * (202 while running, 200/204 when done). The polls are ours, not the SDK poller's, so that a throttled or failed
     * poll is a retryable {@link CloudException} like any other request, never mistaken for a failed operation.
     */
    @Override
    public Operation.Status poll(Operation operation) throws CloudException {
        AzureOperation op = (AzureOperation) operation;
        if (op.asyncOperationUrl == null && op.locationUrl == null) {
            return Operation.Status.succeeded();
        }
        boolean async = op.asyncOperationUrl != null;
        return call(() -> {
            HttpRequest request = new HttpRequest(HttpMethod.GET, async ? op.asyncOperationUrl : op.locationUrl);
            try (HttpResponse response = pipeline.sendSync(request, Context.NONE)) {
                int status = response.getStatusCode();
                String body = response.getBodyAsBinaryData() == null ? "" : response.getBodyAsBinaryData().toString();
                Duration retryAfter = RetryAfter.parse(response.getHeaders(), null);
                if (!async) {
                    if (status == 202) {
                        return Operation.Status.inProgress(retryAfter);
                    }
                    if (status / 100 == 2) {
                        return Operation.Status.succeeded();
                    }
                    if (org.slurmazure.power.core.FailureClassifier.isRetryable(status)) {
                        throw new CloudCallFailed(status, body, response);
                    }
                    return failedStatus(body);
                }
                if (status / 100 != 2) {
                    throw new CloudCallFailed(status, body, response);
                }
                JsonNode json = body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
                String state = json.path("status").asText("");
                switch (state.toLowerCase(java.util.Locale.ROOT)) {
                    case "succeeded":
                        return Operation.Status.succeeded();
                    case "failed":
                    case "canceled":
                    case "cancelled":
                        return failedStatus(body);
                    default:
                        return Operation.Status.inProgress(retryAfter);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** The 200/202 answer to a start or deallocate: where to poll, and how soon. */
    private static Operation accepted(com.azure.core.http.rest.Response<reactor.core.publisher.Flux<java.nio.ByteBuffer>> r) {
        if (r.getValue() != null) {
            r.getValue().blockLast(); // drain the (empty) body so that the connection is reused
        }
        String async = r.getHeaders().getValue(HttpHeaderName.fromString("Azure-AsyncOperation"));
        String location = r.getHeaders().getValue(HttpHeaderName.LOCATION);
        if (r.getStatusCode() != 202) {
            async = null;
            location = null;
        }
        return new AzureOperation(async, location, RetryAfter.parse(r.getHeaders(), null));
    }

    @Override
    public String privateIp(String networkInterfaceId) throws CloudException {
        return primaryIp(getJson(resourceManager.toString().replaceAll("/+$", "") + networkInterfaceId
                + "?api-version=" + NETWORK_API_VERSION));
    }

    /** The primary IP configuration's private address of a NIC resource, else the first one, else null. */
    private static String primaryIp(JsonNode nic) {
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

    /** A GET through the pipeline (auth, retries, throttle gate) of an ARM URL, parsed. */
    private JsonNode getJson(String url) throws CloudException {
        return call(() -> {
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
    }

    /** Requests sent to ARM (each retry counts) and the 429 answers among them. */
    @Override
    public String requestCounts() {
        return gate.sent() + " Azure requests, " + gate.throttled() + " throttled";
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

    private static Operation.Status failedStatus(String body) {
        String code = null;
        String message = "the operation failed without details";
        try {
            JsonNode json = JSON.readTree(body);
            JsonNode err = json.has("error") ? json.get("error") : json;
            code = err.path("code").asText(null);
            message = err.path("message").asText(message);
        } catch (IOException | RuntimeException unreadable) {
            // no details
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
        final String asyncOperationUrl;
        final String locationUrl;
        final Duration retryAfter;

        AzureOperation(String asyncOperationUrl, String locationUrl, Duration retryAfter) {
            this.asyncOperationUrl = asyncOperationUrl;
            this.locationUrl = locationUrl;
            this.retryAfter = retryAfter;
        }

        @Override
        public Duration suggestedPollDelay() {
            return retryAfter;
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
