package org.slurmazure.power.cloud.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.file.NoSuchFileException;
import java.time.Duration;

import javax.net.ssl.SSLHandshakeException;

import com.azure.core.exception.ClientAuthenticationException;
import com.fasterxml.jackson.core.JsonParseException;
import com.microsoft.aad.msal4j.MsalClientException;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.slurmazure.power.cloud.CloudException;
import org.slurmazure.power.cloud.Operation;
import org.slurmazure.power.domain.FailureClass;

/** Azure's answers, each turned into the project's failure class and whether it may pass. */
class AzureFailuresTest {

    @Nested
    class HttpAnswers {
        @Test
        void throttlingIsRetryableWhateverItsCode() {
            for (String code : new String[] {"TooManyRequests", "SubscriptionRequestsThrottled", null}) {
                CloudException e = AzureFailures.http(429, code, "slow down", Duration.ofSeconds(3), null);
                assertEquals(FailureClass.THROTTLED, e.failure(), code);
                assertTrue(e.retryable());
                assertEquals(Duration.ofSeconds(3), e.retryAfter());
            }
        }

        @Test
        void theComputeProvidersTooManyRequestsIsThrottlingNotQuota() {
            CloudException e = AzureFailures.http(429, "OperationNotAllowed", "The server rejected the request "
                    + "because too many requests have been received for this subscription.", null, null);

            assertEquals(FailureClass.THROTTLED, e.failure());
            assertTrue(e.retryable());
        }

        @Test
        void anOperationInProgressIsAConflictThatPasses() {
            CloudException e = AzureFailures.http(409, "OperationNotAllowed", "Operation 'start' is not allowed on "
                    + "VM 'azc001' since the VM is deallocating (operation 'deallocate' is in progress).", null, null);

            assertEquals(FailureClass.AZURE_ERROR, e.failure());
            assertTrue(e.retryable());
        }

        @Test
        void aQuotaRefusalDoesNotPass() {
            CloudException e = AzureFailures.http(409, "OperationNotAllowed", "Operation could not be completed as "
                    + "it results in exceeding approved standardHBv4Family Cores quota.", null, null);

            assertEquals(FailureClass.QUOTA, e.failure());
            assertFalse(e.retryable());
        }

        @Test
        void clientErrorsAreFinal() {
            assertEquals(FailureClass.NOT_FOUND, AzureFailures.http(404, "ResourceNotFound", "gone", null, null)
                    .failure());
            assertEquals(FailureClass.FORBIDDEN, AzureFailures.http(403, "AuthorizationFailed", "no", null, null)
                    .failure());
            assertEquals(FailureClass.AUTH, AzureFailures.http(401, "InvalidAuthenticationToken", "x", null, null)
                    .failure());
            CloudException apiVersion = AzureFailures.http(400, "MissingApiVersionParameter", "x", null, null);
            assertEquals(FailureClass.AZURE_ERROR, apiVersion.failure());
            assertFalse(apiVersion.retryable());
            assertFalse(AzureFailures.http(404, "ResourceNotFound", "gone", null, null).retryable());
        }

        @Test
        void serverErrorsPass() {
            for (int status : new int[] {500, 502, 503, 504}) {
                CloudException e = AzureFailures.http(status, null, null, null, null);
                assertEquals(FailureClass.AZURE_ERROR, e.failure());
                assertTrue(e.retryable(), "HTTP " + status);
                assertEquals("HTTP " + status, e.getMessage());
            }
        }

        @Test
        void aMultiLineMessageBecomesOneLine() {
            CloudException e = AzureFailures.http(500, "InternalServerError", "line one\n  line two", null, null);

            assertEquals("line one line two", e.getMessage());
            assertEquals("InternalServerError: line one line two (HTTP 500)", e.describe());
        }
    }

    @Nested
    class OperationsThatFailed {
        @Test
        void capacityIsFinalForTheRun() {
            Operation.Status s = AzureFailures.operationFailed("AllocationFailed", "Allocation failed. We do not "
                    + "have sufficient capacity for the requested VM size in this region. Please try again later.");

            assertEquals(FailureClass.CAPACITY, s.failure());
            assertFalse(s.retryable(), "a region out of capacity is retried by Slurm's pace, not in a loop");
        }

        @Test
        void internalErrorsAndPreemptionPass() {
            for (String code : new String[] {"InternalExecutionError", "OperationPreempted", "InternalOperationError",
                    "Canceled"}) {
                Operation.Status s = AzureFailures.operationFailed(code, "An internal execution error occurred. "
                        + "Please retry later.");
                assertTrue(s.retryable(), code);
                assertEquals(FailureClass.AZURE_ERROR, s.failure());
            }
        }

        @Test
        void aFailureWithoutCodeMayPass() {
            assertTrue(AzureFailures.operationFailed(null, null).retryable());
        }

        @Test
        void quotaIsFinal() {
            Operation.Status s = AzureFailures.operationFailed("OperationNotAllowed", "Operation could not be "
                    + "completed as it results in exceeding approved Total Regional Cores quota.");

            assertEquals(FailureClass.QUOTA, s.failure());
            assertFalse(s.retryable());
        }
    }

    @Nested
    class Exceptions {
        @Test
        void aNetworkFailureAtTheTokenEndpointIsNetworkAndPassesNotAuth() {
            ClientAuthenticationException e = new ClientAuthenticationException("ClientSecretCredential failed",
                    null, new MsalClientException(new UnknownHostException("login.microsoftonline.com")));

            CloudException c = AzureFailures.thrown(e);

            assertEquals(FailureClass.NETWORK, c.failure());
            assertTrue(c.retryable());
            assertTrue(c.getMessage().contains("UnknownHostException: login.microsoftonline.com"), c.getMessage());
        }

        @Test
        void aResetConnectionPasses() {
            CloudException c = AzureFailures.thrown(new RuntimeException(new ConnectException("Connection refused")));

            assertEquals(FailureClass.NETWORK, c.failure());
            assertTrue(c.retryable());
        }

        @Test
        void anUntrustedCertificateDoesNotPass() {
            CloudException c = AzureFailures.thrown(new RuntimeException(new SSLHandshakeException(
                    "PKIX path building failed")));

            assertEquals(FailureClass.NETWORK, c.failure());
            assertFalse(c.retryable());
            assertTrue(c.getMessage().contains("azure.caCertificates"), c.getMessage());
        }

        @Test
        void anUnreadableAnswerIsAnAzureErrorNotANetworkFailure() {
            CloudException c = AzureFailures.thrown(new java.io.UncheckedIOException(
                    new JsonParseException(null, "Unexpected end-of-input")));

            assertEquals(FailureClass.AZURE_ERROR, c.failure());
            assertFalse(c.retryable());
        }

        @Test
        void aBugIsInternalAndNotRetried() {
            CloudException c = AzureFailures.thrown(new NullPointerException("x"));

            assertEquals(FailureClass.INTERNAL, c.failure());
            assertFalse(c.retryable());
        }

        @Test
        void anAadErrorIsAuthWithItsCodeAndWithoutMsalsTrailer() {
            ClientAuthenticationException e = new ClientAuthenticationException("ClientSecretCredential "
                    + "authentication failed", null, new RuntimeException("AADSTS7000215: Invalid client secret "
                    + "provided. Trace ID: 1 Correlation ID: 2 Timestamp: 3"));

            CloudException c = AzureFailures.thrown(e);

            assertEquals(FailureClass.AUTH, c.failure());
            assertFalse(c.retryable());
            assertEquals("token request failed: AADSTS7000215: Invalid client secret provided.", c.getMessage());
        }

        @Test
        void aSetUpProblemSaysWhatIsWrongWithTheFile() {
            assertEquals("file not found: /etc/slurm/azure-power.secret",
                    AzureFailures.setupProblem(new NoSuchFileException("/etc/slurm/azure-power.secret")));
            assertEquals("IOException: /x is empty", AzureFailures.setupProblem(new IOException("/x is empty")));
        }
    }
}
