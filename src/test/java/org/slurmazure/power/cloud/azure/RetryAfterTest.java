package org.slurmazure.power.cloud.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpHeaders;

import org.junit.jupiter.api.Test;

class RetryAfterTest {
    private static HttpHeaders headers(String... kv) {
        HttpHeaders h = new HttpHeaders();
        for (int i = 0; i < kv.length; i += 2) {
            h.set(HttpHeaderName.fromString(kv[i]), kv[i + 1]);
        }
        return h;
    }

    @Test
    void millisecondHintsComeFirst() {
        assertEquals(Duration.ofMillis(1500), RetryAfter.parse(headers("retry-after-ms", "1500", "Retry-After", "9"),
                null));
        assertEquals(Duration.ofMillis(250), RetryAfter.parse(headers("x-ms-retry-after-ms", "250"), null));
    }

    @Test
    void secondsAndHttpDates() {
        assertEquals(Duration.ofSeconds(17), RetryAfter.parse(headers("Retry-After", " 17 "), null));
        String inTenSeconds = DateTimeFormatter.RFC_1123_DATE_TIME.format(
                ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(10));
        Duration d = RetryAfter.parse(headers("Retry-After", inTenSeconds), null);
        assertTrue(d.compareTo(Duration.ofSeconds(8)) >= 0 && d.compareTo(Duration.ofSeconds(11)) <= 0, d::toString);
    }

    @Test
    void nonsenseGivesTheFallbackAndNegativesZero() {
        assertNull(RetryAfter.parse(headers("Retry-After", "soon"), null));
        assertEquals(Duration.ofSeconds(5), RetryAfter.parse(headers(), Duration.ofSeconds(5)));
        assertEquals(Duration.ZERO, RetryAfter.parse(headers("Retry-After", "-4"), null));
    }

    @Test
    void hugeValuesAreCutToTheMaximumWithoutOverflow() {
        assertEquals(RetryAfter.MAX, RetryAfter.parse(headers("Retry-After", "99999999999"), null));
        assertEquals(RetryAfter.MAX, RetryAfter.parse(headers("retry-after-ms", "9223372036854775807"), null));
        RetryAfter.parse(headers("Retry-After", "99999999999"), null).toNanos(); // does not throw
    }
}
