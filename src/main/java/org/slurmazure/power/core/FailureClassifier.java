package org.slurmazure.power.core;

import java.util.Locale;

/** Maps what Azure answered (HTTP status, error code, message) to a {@link FailureClass}. Pure. */
public final class FailureClassifier {
    private FailureClassifier() {
    }

    /**
     * @param httpStatus the HTTP status, 0 when no response arrived; for a failed long-running operation Azure
     *                   answers the poll with 200, so the error code decides
     * @param errorCode  Azure's error code, or null
     * @param message    Azure's message, or null
     */
    public static FailureClass classify(int httpStatus, String errorCode, String message) {
        String code = errorCode == null ? "" : errorCode;
        String text = message == null ? "" : message.toLowerCase(Locale.ROOT);
        switch (code) {
            case "AllocationFailed", "OverconstrainedAllocationRequest", "OverconstrainedZonalAllocationRequest",
                 "ZonalAllocationFailed", "AllocationFailedVMSizeNotAvailable", "SkuNotAvailable" -> {
                return FailureClass.CAPACITY;
            }
            case "QuotaExceeded", "OperationNotAllowedQuotaExceeded" -> {
                return FailureClass.QUOTA;
            }
            case "ResourceNotFound", "ResourceGroupNotFound", "NotFound", "ParentResourceNotFound" -> {
                return FailureClass.NOT_FOUND;
            }
            case "AuthorizationFailed", "LinkedAuthorizationFailed", "Forbidden" -> {
                return FailureClass.FORBIDDEN;
            }
            case "AuthenticationFailed", "InvalidAuthenticationToken", "InvalidAuthenticationTokenTenant",
                 "ExpiredAuthenticationToken" -> {
                return FailureClass.AUTH;
            }
            case "TooManyRequests", "SubscriptionRequestsThrottled", "ResourceRequestsThrottled" -> {
                return FailureClass.THROTTLED;
            }
            default -> {
                // fall through to the status and the message
            }
        }
        // Quota errors arrive as OperationNotAllowed with a message about the quota.
        if ("OperationNotAllowed".equals(code) && text.contains("quota")) {
            return FailureClass.QUOTA;
        }
        if (text.contains("allocation failed") || text.contains("sufficient capacity")) {
            return FailureClass.CAPACITY;
        }
        return switch (httpStatus) {
            case 0 -> FailureClass.NETWORK;
            case 401 -> FailureClass.AUTH;
            case 403 -> FailureClass.FORBIDDEN;
            case 404 -> FailureClass.NOT_FOUND;
            case 429 -> FailureClass.THROTTLED;
            default -> FailureClass.AZURE_ERROR;
        };
    }

    /** True when the same request may succeed later: throttling, server errors, no answer. */
    public static boolean isRetryable(int httpStatus) {
        return httpStatus == 0 || httpStatus == 408 || httpStatus == 429 || httpStatus >= 500;
    }
}
