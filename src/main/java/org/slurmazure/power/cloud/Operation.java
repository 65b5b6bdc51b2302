package org.slurmazure.power.cloud;

import java.time.Duration;

/**
 * A long-running operation (start or deallocate) that Azure accepted. {@link CloudVms#poll} asks for its status;
 * the handle itself is opaque to the core.
 */
public interface Operation {
    /** How long Azure asked us to wait before the next poll (its Retry-After), if it said. */
    Duration suggestedPollDelay();

    /** The status of an operation after one poll. */
    record Status(State state, String errorCode, String errorMessage, Duration retryAfter) {
        public enum State { IN_PROGRESS, SUCCEEDED, FAILED }

        public static Status inProgress(Duration retryAfter) {
            return new Status(State.IN_PROGRESS, null, null, retryAfter);
        }

        public static Status succeeded() {
            return new Status(State.SUCCEEDED, null, null, null);
        }

        public static Status failed(String code, String message) {
            return new Status(State.FAILED, code, message, null);
        }
    }
}
