package org.slurmazure.power.cloud.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Duration;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpHeaders;
import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpPipelineBuilder;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.rest.SimpleResponse;

import org.junit.jupiter.api.Test;
import org.slurmazure.power.cloud.CloudException;
import org.slurmazure.power.cloud.Operation;
import org.slurmazure.power.domain.FailureClass;

import reactor.core.publisher.Flux;

/** ARM's long-running-operation contract, poll by poll, over answers Azure gives and the emulator does not. */
class LongRunningOperationsTest {
    static final String ASYNC = "https://arm.test/operations/1?api-version=2025-04-01";
    static final String LOCATION = "https://arm.test/operations/1?monitor=true&api-version=2025-04-01";

    final ScriptedHttpClient http = new ScriptedHttpClient();
    final LongRunningOperations lro = new LongRunningOperations(new HttpPipelineBuilder().httpClient(http).build());

    static Operation accepted(String async, String location, String retryAfter) throws Exception {
        HttpHeaders h = new HttpHeaders();
        if (async != null) {
            h.set(HttpHeaderName.fromString("Azure-AsyncOperation"), async);
        }
        if (location != null) {
            h.set(HttpHeaderName.LOCATION, location);
        }
        if (retryAfter != null) {
            h.set(HttpHeaderName.RETRY_AFTER, retryAfter);
        }
        HttpRequest post = new HttpRequest(HttpMethod.POST, "https://arm.test/vm/start");
        return LongRunningOperations.accepted(new SimpleResponse<Flux<ByteBuffer>>(post, 202, h, Flux.empty()));
    }

    @Test
    void theAsyncUrlIsPreferredAndItsRetryAfterIsTheFirstPoll() throws Exception {
        Operation op = accepted(ASYNC, LOCATION, "3");
        http.then(r -> ScriptedHttpClient.answer(r, 200, "{\"status\":\"InProgress\"}", "Retry-After", "2"))
                .then(r -> ScriptedHttpClient.answer(r, 200, "{\"status\":\"Succeeded\"}"));

        Operation.Status first = lro.poll(op);
        Operation.Status second = lro.poll(op);

        assertEquals(Duration.ofSeconds(3), op.suggestedPollDelay());
        assertEquals(Operation.Status.State.IN_PROGRESS, first.state());
        assertEquals(Duration.ofSeconds(2), first.retryAfter());
        assertEquals(Operation.Status.State.SUCCEEDED, second.state());
        assertEquals(ASYNC, http.sent.get(0).url());
    }

    @Test
    void aLocationOnlyOperationIsPolledUntilItsFinalAnswer() throws Exception {
        Operation op = accepted(null, LOCATION, null);
        http.then(r -> ScriptedHttpClient.answer(r, 202, "")).then(r -> ScriptedHttpClient.answer(r, 204, ""));

        assertEquals(Operation.Status.State.IN_PROGRESS, lro.poll(op).state());
        assertEquals(Operation.Status.State.SUCCEEDED, lro.poll(op).state());
        assertEquals(LOCATION, http.sent.get(1).url());
    }

    @Test
    void aLocationAnswerWithTheOperationsErrorIsTheOperationsFailureNotAPollToRetry() throws Exception {
        Operation op = accepted(null, LOCATION, null);
        http.then(r -> ScriptedHttpClient.answer(r, 500, "{\"error\":{\"code\":\"AllocationFailed\",\"message\":"
                + "\"Allocation failed.\"}}"));

        Operation.Status s = lro.poll(op);

        assertEquals(Operation.Status.State.FAILED, s.state());
        assertEquals(FailureClass.CAPACITY, s.failure());
    }

    @Test
    void aLocationAnswerWithoutAnErrorBodyIsAFailedPollThatMayPass() throws Exception {
        Operation op = accepted(null, LOCATION, null);
        http.then(r -> ScriptedHttpClient.answer(r, 503, "<html>Service Unavailable</html>"));

        CloudException e = assertThrows(CloudException.class, () -> lro.poll(op));

        assertTrue(e.retryable());
        assertEquals(503, e.httpStatus());
    }

    @Test
    void aCanceledOperationMayBeIssuedAgain() throws Exception {
        Operation op = accepted(ASYNC, null, null);
        http.then(r -> ScriptedHttpClient.answer(r, 200, "{\"status\":\"Canceled\"}"));

        Operation.Status s = lro.poll(op);

        assertEquals(Operation.Status.State.FAILED, s.state());
        assertEquals("Canceled", s.errorCode());
        assertTrue(s.retryable());
    }

    @Test
    void anOperationUnknownToAzureIsLeftToAFreshReadOfTheVm() throws Exception {
        Operation op = accepted(ASYNC, null, null);
        http.then(r -> ScriptedHttpClient.answer(r, 404, "{\"error\":{\"code\":\"NotFound\"}}"));

        Operation.Status s = lro.poll(op);

        assertEquals(Operation.Status.State.FAILED, s.state());
        assertTrue(s.retryable(), "the engine re-reads the VM and plans again");
    }

    @Test
    void anEmptyAsyncBodyIsStillInProgressAndAnUnreadableOneIsAnAzureError() throws Exception {
        Operation op = accepted(ASYNC, null, null);
        http.then(r -> ScriptedHttpClient.answer(r, 200, "")).then(r -> ScriptedHttpClient.answer(r, 200, "<html>"));

        assertEquals(Operation.Status.State.IN_PROGRESS, lro.poll(op).state());
        CloudException e = assertThrows(CloudException.class, () -> lro.poll(op));
        assertEquals(FailureClass.AZURE_ERROR, e.failure());
        assertFalse(e.retryable());
    }

    @Test
    void aThrottledPollIsThrottledNotAFailedOperation() throws Exception {
        Operation op = accepted(ASYNC, null, null);
        http.then(r -> ScriptedHttpClient.answer(r, 429, "{\"error\":{\"code\":\"OperationNotAllowed\",\"message\":"
                + "\"The server rejected the request because too many requests have been received\"}}",
                "Retry-After", "5"));

        CloudException e = assertThrows(CloudException.class, () -> lro.poll(op));

        assertEquals(FailureClass.THROTTLED, e.failure());
        assertEquals(Duration.ofSeconds(5), e.retryAfter());
    }

    @Test
    void anAnswerOtherThan202IsAnOperationAlreadyDone() throws Exception {
        HttpRequest post = new HttpRequest(HttpMethod.POST, "https://arm.test/vm/start");
        Operation op = LongRunningOperations.accepted(new SimpleResponse<Flux<ByteBuffer>>(post, 200,
                new HttpHeaders(), Flux.empty()));

        assertEquals(Operation.Status.State.SUCCEEDED, lro.poll(op).state());
        assertEquals(0, http.sent.size());
    }
}
