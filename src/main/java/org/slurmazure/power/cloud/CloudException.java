package org.slurmazure.power.cloud;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.slurmazure.power.domain.FailureClass;

/**
 * A failed call to the cloud, classified once at the boundary: what kind of failure it is, whether the same request
 * may succeed later, and Azure's own words (HTTP status, error code, message) for the log. Code above the boundary
 * decides from {@link #failure()} and {@link #retryable()} alone.
 */
public class CloudException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient FailureClass failure;
    private final boolean retryable;
    private final int httpStatus;
    private final @Nullable String errorCode;
    private final @Nullable Duration retryAfter;

    /**
     * @param failure    the kind of failure
     * @param retryable  true when the same request may succeed later (throttling, a server error, no answer)
     * @param httpStatus the HTTP status, 0 when no response arrived
     * @param errorCode  Azure's error code, or null
     * @param message    one line, safe to log
     * @param retryAfter Azure's Retry-After, or null
     */
    public CloudException(
            FailureClass failure,
            boolean retryable,
            int httpStatus,
            @Nullable String errorCode,
            String message,
            @Nullable Duration retryAfter,
            @Nullable Throwable cause) {
        super(message, cause);
        this.failure = failure;
        this.retryable = retryable;
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
        this.retryAfter = retryAfter;
    }

    public FailureClass failure() {
        return failure;
    }

    public boolean retryable() {
        return retryable;
    }

    /** The HTTP status, 0 when no response arrived. */
    public int httpStatus() {
        return httpStatus;
    }

    /** Azure's error code ({@code ResourceNotFound}, {@code AllocationFailed}, ...), or null. */
    public @Nullable String errorCode() {
        return errorCode;
    }

    /** Azure's Retry-After, or null. */
    public @Nullable Duration retryAfter() {
        return retryAfter;
    }

    /** {@code Code: message (HTTP n)}: the detail for the log and the Slurm reason. */
    public String describe() {
        String message = String.valueOf(getMessage());
        String code = errorCode == null || message.startsWith(errorCode) ? "" : errorCode + ": ";
        String status = httpStatus == 0 ? "" : " (HTTP " + httpStatus + ")";
        return code + message + status;
    }
}
