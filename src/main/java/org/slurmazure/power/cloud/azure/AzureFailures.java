package org.slurmazure.power.cloud.azure;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLHandshakeException;

import com.azure.core.exception.ClientAuthenticationException;
import com.azure.core.exception.HttpResponseException;
import com.azure.core.http.HttpResponse;
import com.azure.core.management.exception.ManagementError;
import com.azure.core.management.exception.ManagementException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.microsoft.aad.msal4j.MsalServiceException;
import com.microsoft.aad.msal4j.MsalThrottlingException;

import org.slurmazure.power.cloud.CloudException;
import org.slurmazure.power.cloud.Operation;
import org.slurmazure.power.domain.FailureClass;

/**
 * The one place that knows Azure's error codes: turns what Azure answered (an HTTP status and error body, the final
 * status of a long-running operation, an exception of the SDK, the identity library or the transport) into the
 * project's failure class and whether trying again may succeed. Pure functions of what they are given.
 */
final class AzureFailures {
    private static final Set<String> CAPACITY = Set.of(
            "AllocationFailed",
            "OverconstrainedAllocationRequest",
            "OverconstrainedZonalAllocationRequest",
            "ZonalAllocationFailed",
            "AllocationFailedVMSizeNotAvailable",
            "SkuNotAvailable");
    private static final Set<String> QUOTA = Set.of("QuotaExceeded", "OperationNotAllowedQuotaExceeded");
    private static final Set<String> NOT_FOUND = Set.of(
            "ResourceNotFound", "ResourceGroupNotFound", "NotFound", "ParentResourceNotFound", "SubscriptionNotFound");
    private static final Set<String> FORBIDDEN =
            Set.of("AuthorizationFailed", "LinkedAuthorizationFailed", "Forbidden");
    private static final Set<String> AUTH = Set.of(
            "AuthenticationFailed",
            "InvalidAuthenticationToken",
            "InvalidAuthenticationTokenTenant",
            "ExpiredAuthenticationToken");
    private static final Set<String> THROTTLED =
            Set.of("TooManyRequests", "SubscriptionRequestsThrottled", "ResourceRequestsThrottled");
    /** Failures Azure itself says may pass: the same operation, issued again, usually succeeds. */
    private static final Set<String> TRANSIENT = Set.of(
            "InternalExecutionError",
            "InternalOperationError",
            "OperationPreempted",
            "RetryableError",
            "InternalServerError",
            "ServiceUnavailable",
            "GatewayTimeout",
            "Canceled",
            "OperationNotFound");

    private static final Pattern AADSTS = Pattern.compile("AADSTS\\d+:[^\\r\\n]*");

    private AzureFailures() {}

    /** A non-2xx answer to a request (not a long-running operation's final status). */
    static CloudException http(int status, String code, String message, Duration retryAfter, Throwable cause) {
        String text = message == null || message.isBlank() ? "HTTP " + status : oneLine(message);
        FailureClass byCode = byCode(code, text);
        if (status == 429 || byCode == FailureClass.THROTTLED) {
            return new CloudException(FailureClass.THROTTLED, true, status, code, text, retryAfter, cause);
        }
        if (byCode != null) {
            return new CloudException(byCode, false, status, code, text, retryAfter, cause);
        }
        boolean transientCode = code != null && TRANSIENT.contains(code);
        return switch (status) {
            case 401 -> new CloudException(FailureClass.AUTH, false, status, code, text, retryAfter, cause);
            case 403 -> new CloudException(FailureClass.FORBIDDEN, false, status, code, text, retryAfter, cause);
            case 404 -> new CloudException(FailureClass.NOT_FOUND, false, status, code, text, retryAfter, cause);
            // A 408, or a 409 "operation ... is in progress": the same request later.
            case 408, 409 -> new CloudException(FailureClass.AZURE_ERROR, true, status, code, text, retryAfter, cause);
            default ->
                new CloudException(
                        FailureClass.AZURE_ERROR,
                        status >= 500 || transientCode,
                        status,
                        code,
                        text,
                        retryAfter,
                        cause);
        };
    }

    /** The final status of a long-running operation that did not succeed ({@code Failed} or {@code Canceled}). */
    static Operation.Status operationFailed(String code, String message) {
        String text = message == null || message.isBlank() ? null : oneLine(message);
        FailureClass byCode = byCode(code, text);
        if (byCode != null) {
            return Operation.Status.failed(byCode, byCode == FailureClass.THROTTLED, code, text);
        }
        boolean retry = code == null
                || TRANSIENT.contains(code)
                || (text != null && text.toLowerCase(Locale.ROOT).contains("retry"));
        return Operation.Status.failed(FailureClass.AZURE_ERROR, retry, code, text);
    }

    /** A failure that came as an exception: from the SDK (with or without an answer), the identity library, TLS. */
    static CloudException thrown(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof HttpResponseException h && h.getResponse() != null) {
                return fromResponseException(h);
            }
        }
        Throwable io = causeOf(e, IOException.class);
        if (io != null && !(io instanceof JsonProcessingException)) {
            if (causeOf(e, SSLHandshakeException.class) != null || causeOf(e, CertificateException.class) != null) {
                return new CloudException(
                        FailureClass.NETWORK,
                        false,
                        0,
                        null,
                        "TLS handshake failed: " + oneLine(io.getMessage())
                                + " (is the server's CA in azure.caCertificates?)",
                        null,
                        e);
            }
            return new CloudException(FailureClass.NETWORK, true, 0, null, describeIo(io), null, e);
        }
        Throwable timeout = causeOf(e, TimeoutException.class);
        if (timeout != null) {
            return new CloudException(
                    FailureClass.NETWORK,
                    true,
                    0,
                    null,
                    "no answer in time: " + oneLine(timeout.getMessage()),
                    null,
                    e);
        }
        MsalServiceException msal = causeOf(e, MsalServiceException.class);
        if (msal != null) {
            int status = msal.statusCode();
            boolean transientStatus = msal instanceof MsalThrottlingException || status == 429 || status >= 500;
            // The token endpoint's own trouble (5xx, throttling) may pass; an AADSTS error about the credential not.
            return new CloudException(
                    FailureClass.AUTH,
                    transientStatus,
                    status,
                    msal.errorCode(),
                    "token request failed: " + aadMessage(e) + (status > 0 ? " (HTTP " + status + ")" : ""),
                    null,
                    e);
        }
        if (causeOf(e, ClientAuthenticationException.class) != null
                || causeOf(e, com.microsoft.aad.msal4j.MsalException.class) != null) {
            return new CloudException(
                    FailureClass.AUTH, false, 0, null, "token request failed: " + aadMessage(e), null, e);
        }
        if (io != null) {
            return new CloudException(
                    FailureClass.AZURE_ERROR,
                    false,
                    0,
                    null,
                    "unreadable answer from Azure: " + oneLine(io.getMessage()),
                    null,
                    e);
        }
        return new CloudException(FailureClass.INTERNAL, false, 0, null, "internal error: " + e, null, e);
    }

    /** Why a credential could not be built or used, as one line: what is wrong with which file. */
    static String setupProblem(Throwable e) {
        if (e instanceof NoSuchFileException f) {
            return "file not found: " + f.getFile();
        }
        if (e instanceof AccessDeniedException f) {
            return "permission denied: " + f.getFile();
        }
        if (e instanceof GeneralSecurityException || e instanceof IOException) {
            return e.getClass().getSimpleName() + ": " + oneLine(e.getMessage());
        }
        return oneLine(String.valueOf(e.getMessage()));
    }

    private static CloudException fromResponseException(HttpResponseException e) {
        HttpResponse r = e.getResponse();
        Duration retryAfter = RetryAfter.parse(r.getHeaders(), null);
        if (e instanceof ManagementException m && m.getValue() != null) {
            ManagementError err = m.getValue();
            return http(r.getStatusCode(), err.getCode(), err.getMessage(), retryAfter, e);
        }
        return http(r.getStatusCode(), null, firstLine(e.getMessage()), retryAfter, e);
    }

    /** The failure class an Azure error code (and, for some codes, its message) stands for; null when unknown. */
    static FailureClass byCode(String code, String message) {
        String text = message == null ? "" : message.toLowerCase(Locale.ROOT);
        if (code != null) {
            if (CAPACITY.contains(code)) {
                return FailureClass.CAPACITY;
            }
            if (QUOTA.contains(code)) {
                return FailureClass.QUOTA;
            }
            if (NOT_FOUND.contains(code)) {
                return FailureClass.NOT_FOUND;
            }
            if (FORBIDDEN.contains(code)) {
                return FailureClass.FORBIDDEN;
            }
            if (AUTH.contains(code)) {
                return FailureClass.AUTH;
            }
            if (THROTTLED.contains(code)) {
                return FailureClass.THROTTLED;
            }
            // The compute provider says "too many requests" with OperationNotAllowed; quota failures share the code.
            if (code.equals("OperationNotAllowed")) {
                if (text.contains("too many requests")) {
                    return FailureClass.THROTTLED;
                }
                if (text.contains("quota")) {
                    return FailureClass.QUOTA;
                }
            }
        }
        if (text.contains("allocation failed") || text.contains("sufficient capacity")) {
            return FailureClass.CAPACITY;
        }
        return null;
    }

    private static String describeIo(Throwable io) {
        String message = oneLine(io.getMessage());
        return io.getClass().getSimpleName() + (message.isEmpty() ? "" : ": " + message);
    }

    /** The AADSTS error of an identity failure (code and text), else the first line of the deepest message. */
    private static String aadMessage(Throwable e) {
        String last = "";
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (m != null) {
                Matcher aad = AADSTS.matcher(m);
                if (aad.find()) {
                    return clip(aad.group().trim());
                }
                last = firstLine(m);
            }
        }
        return clip(last);
    }

    private static String clip(String s) {
        // MSAL appends "Trace ID: ... Correlation ID: ... Timestamp: ..." to the AADSTS text.
        int trace = s.indexOf(" Trace ID:");
        return trace > 0 ? s.substring(0, trace).trim() : s;
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> T causeOf(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return (T) t;
            }
        }
        return null;
    }

    static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).trim();
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s+", " ").trim();
    }
}
