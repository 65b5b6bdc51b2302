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

    private RetryAfter() {
    }

    /** The delay the headers ask for, or {@code fallback} when they ask none (or nonsense). */
    static Duration parse(HttpHeaders headers, Duration fallback) {
        Duration d = millis(headers.getValue(RETRY_AFTER_MS));
        if (d == null) {
            d = millis(headers.getValue(X_MS_RETRY_AFTER_MS));
        }
        if (d == null) {
            d = retryAfter(headers.getValue(HttpHeaderName.RETRY_AFTER));
        }
        return d == null ? fallback : d;
    }

    private static Duration millis(String value) {
        try {
            return value == null ? null : Duration.ofMillis(Math.max(0, Long.parseLong(value.trim())));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Duration retryAfter(String value) {
        if (value == null) {
            return null;
        }
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(value.trim())));
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
