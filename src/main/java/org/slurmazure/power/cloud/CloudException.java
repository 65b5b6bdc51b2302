package org.slurmazure.power.cloud;

import java.time.Duration;

/**
 * A failed call to the cloud, already translated at the boundary: the HTTP status (0 when no response arrived),
 * Azure's error code when it gave one, and whether retrying later may succeed.
 */
public class CloudException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int httpStatus;
    private final String errorCode;
    private final Duration retryAfter;

    public CloudException(int httpStatus, String errorCode, String message, Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
        this.retryAfter = retryAfter;
    }

    public int httpStatus() {
        return httpStatus;
    }

    /** Azure's error code ({@code ResourceNotFound}, {@code AllocationFailed}, ...), or null. */
    public String errorCode() {
        return errorCode;
    }

    /** Azure's Retry-After, or null. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
