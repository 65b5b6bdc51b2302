package org.slurmazure.power.cloud.azure;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Locale;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpPipeline;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.rest.Response;
import com.azure.core.util.Context;
import reactor.core.publisher.Flux;

import org.slurmazure.power.cloud.CloudException;
import org.slurmazure.power.cloud.Operation;
import org.slurmazure.power.json.Json;
import org.slurmazure.power.json.JsonValue;

/**
 * ARM's asynchronous-operation contract, one poll at a time. The polls are ours, not the SDK poller's, so that a
 * throttled or failed poll is a retryable {@link CloudException} like any other request, never mistaken for a
 * failed operation, and so that the engine decides when to poll (Retry-After, back-off, the deadline).
 */
final class LongRunningOperations {
    private static final HttpHeaderName AZURE_ASYNC_OPERATION = HttpHeaderName.fromString("Azure-AsyncOperation");

    private final HttpPipeline pipeline;

    LongRunningOperations(HttpPipeline pipeline) {
        this.pipeline = pipeline;
    }

    /** The 200/202 answer to a start or deallocate: where to poll, and how soon. */
    static Operation accepted(Response<Flux<ByteBuffer>> r) {
        if (r.getValue() != null) {
            r.getValue().blockLast(); // drain the (empty) body so that the connection is reused
        }
        if (r.getStatusCode() != 202) {
            return new AzureOperation(null, null, null); // done already
        }
        return new AzureOperation(
                r.getHeaders().getValue(AZURE_ASYNC_OPERATION),
                r.getHeaders().getValue(HttpHeaderName.LOCATION),
                RetryAfter.parse(r.getHeaders(), null));
    }

    /**
     * GETs the {@code Azure-AsyncOperation} URL (body {@code status}: InProgress / Succeeded / Failed / Canceled,
     * with {@code error}), else the {@code Location} URL (202 while running, 200/204 when done, an ARM error body
     * with the operation's failure otherwise).
     */
    Operation.Status poll(Operation operation) throws CloudException {
        AzureOperation op = (AzureOperation) operation;
        if (op.asyncOperationUrl == null && op.locationUrl == null) {
            return Operation.Status.succeeded();
        }
        boolean async = op.asyncOperationUrl != null;
        return AzureCalls.call(() -> {
            HttpRequest request = new HttpRequest(HttpMethod.GET, async ? op.asyncOperationUrl : op.locationUrl);
            try (HttpResponse response = pipeline.sendSync(request, Context.NONE)) {
                String body = AzureCalls.body(response);
                Duration retryAfter = RetryAfter.parse(response.getHeaders(), null);
                return async ? asyncStatus(response, body, retryAfter) : locationStatus(response, body, retryAfter);
            }
        });
    }

    private static Operation.Status asyncStatus(HttpResponse response, String body, Duration retryAfter)
            throws CloudException, java.io.IOException {
        int status = response.getStatusCode();
        if (status == 404) {
            // The operation is unknown (expired, or another region's): its outcome must be read from the VM.
            return AzureFailures.operationFailed("OperationNotFound", "the operation's status URL answered 404");
        }
        if (status / 100 != 2) {
            throw AzureCalls.failed(response, body);
        }
        if (body.isBlank()) {
            return Operation.Status.inProgress(retryAfter);
        }
        JsonValue json = Json.parseFirstValue(body);
        String state = json.path("status").asText("");
        return switch (state.toLowerCase(Locale.ROOT)) {
            case "succeeded" -> Operation.Status.succeeded();
            case "failed", "canceled", "cancelled" -> {
                AzureCalls.ErrorBody err = AzureCalls.ErrorBody.of(json);
                yield AzureFailures.operationFailed(
                        err.code() != null ? err.code() : state.equalsIgnoreCase("failed") ? null : "Canceled",
                        err.message());
            }
            default -> Operation.Status.inProgress(retryAfter);
        };
    }

    private static Operation.Status locationStatus(HttpResponse response, String body, Duration retryAfter)
            throws CloudException {
        int status = response.getStatusCode();
        if (status == 202) {
            return Operation.Status.inProgress(retryAfter);
        }
        if (status / 100 == 2) {
            return Operation.Status.succeeded();
        }
        if (status == 404) {
            return AzureFailures.operationFailed("OperationNotFound", "the operation's location URL answered 404");
        }
        AzureCalls.ErrorBody err = AzureCalls.ErrorBody.parse(body);
        if (status == 429 || err.code() == null) {
            // Throttled, or an answer without ARM's error body (a gateway): the poll failed, not the operation.
            throw AzureCalls.failed(response, body);
        }
        // The operation's own failure, carried by the final answer's status and error body.
        return AzureFailures.operationFailed(err.code(), err.message());
    }

    /** An accepted long-running operation, polled by the engine one poll at a time. */
    private record AzureOperation(String asyncOperationUrl, String locationUrl, Duration retryAfter)
            implements Operation {
        @Override
        public Duration suggestedPollDelay() {
            return retryAfter;
        }
    }
}
