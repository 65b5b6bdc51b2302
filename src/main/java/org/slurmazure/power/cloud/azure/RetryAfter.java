package org.slurmazure.power.cloud.azure;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpHeaders;

/** Reads Azure's retry hints: {@code retry-after-ms}, {@code x-ms-retry-after-ms}, {@code Retry-After}. */
final class RetryAfter {
    private static final HttpHeaderName RETRY_AFTER_MS = HttpHeaderName.fromString("retry-after-ms");
    private static final HttpHeaderName X_MS_RETRY_AFTER_MS = HttpHeaderName.fromString("x-ms-retry-after-ms");

    /** Longer hints are cut to this: no run lasts an hour, and a larger value must not overflow nanoseconds. */
    static final Duration MAX = Duration.ofHours(1);

    private RetryAfter() {}

    /** The delay the headers ask for, or {@code fallback} when they ask none (or nonsense). */
    static Duration parse(HttpHeaders headers, Duration fallback) {
        Duration d = millis(headers.getValue(RETRY_AFTER_MS));
        if (d == null) {
            d = millis(headers.getValue(X_MS_RETRY_AFTER_MS));
        }
        if (d == null) {
            d = retryAfter(headers.getValue(HttpHeaderName.RETRY_AFTER));
        }
        if (d == null) {
            return fallback;
        }
        return d.compareTo(MAX) > 0 ? MAX : d;
    }

    private static Duration millis(String value) {
        try {
            return value == null ? null : clamp(Long.parseLong(value.trim()), 1);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** {@code amount} units of {@code millisPerUnit} ms, at least 0 and at most {@link #MAX}. */
    private static Duration clamp(long amount, long millisPerUnit) {
        if (amount <= 0) {
            return Duration.ZERO;
        }
        return amount > MAX.toMillis() / millisPerUnit ? MAX : Duration.ofMillis(amount * millisPerUnit);
    }

    private static Duration retryAfter(String value) {
        if (value == null) {
            return null;
        }
        try {
            return clamp(Long.parseLong(value.trim()), 1000);
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration d = Duration.between(ZonedDateTime.now(at.getZone()), at);
                return d.isNegative() ? Duration.ZERO : d;
            } catch (DateTimeParseException notDate) {
                return null;
            }
        }
    }
}
