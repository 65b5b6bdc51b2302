package org.slurmazure.power.cloud;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.slurmazure.power.domain.FailureClass;

/**
 * A long-running operation (start or deallocate) that Azure accepted. {@link CloudVms#poll} asks for its status;
 * the handle itself is opaque to the core.
 */
public interface Operation {
    /** How long Azure asked us to wait before the next poll (its Retry-After), if it said. */
    @Nullable
    Duration suggestedPollDelay();

    /**
     * The status of an operation after one poll. A failed one is classified at the boundary like a failed call:
     * {@code retryable} when issuing the same operation again may succeed (Azure's "please retry later" errors, an
     * operation preempted by another one).
     */
    record Status(
            State state,
            @Nullable FailureClass failure,
            boolean retryable,
            @Nullable String errorCode,
            @Nullable String errorMessage,
            @Nullable Duration retryAfter) {
        public enum State {
            IN_PROGRESS,
            SUCCEEDED,
            FAILED
        }

        public static Status inProgress(@Nullable Duration retryAfter) {
            return new Status(State.IN_PROGRESS, null, false, null, null, retryAfter);
        }

        public static Status succeeded() {
            return new Status(State.SUCCEEDED, null, false, null, null, null);
        }

        public static Status failed(
                FailureClass failure, boolean retryable, @Nullable String code, @Nullable String message) {
            return new Status(State.FAILED, failure, retryable, code, message, null);
        }

        /** Why a failed operation failed; {@code azure-error} when the status says nothing. */
        public FailureClass failureClass() {
            return failure == null ? FailureClass.AZURE_ERROR : failure;
        }

        /** {@code Code: message}, for the log and the Slurm reason. */
        public String describe() {
            String message = errorMessage == null ? "the operation failed without details" : errorMessage;
            return errorCode == null ? message : errorCode + ": " + message;
        }
    }
}
