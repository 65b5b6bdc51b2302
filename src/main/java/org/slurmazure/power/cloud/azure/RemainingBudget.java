package org.slurmazure.power.cloud.azure;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpHeaders;

/**
 * What ARM says is left of the subscription's request budget, from the headers of an answer:
 * {@code x-ms-ratelimit-remaining-subscription-reads} or {@code -writes}. Compute's own policies
 * ({@code x-ms-ratelimit-remaining-resource}) are not read: some count per VM, and their budgets for starts and
 * deallocations are far above ARM's write budget; a 429 from one of them pauses the class all the same.
 */
final class RemainingBudget {
    static final HttpHeaderName READS = HttpHeaderName.fromString("x-ms-ratelimit-remaining-subscription-reads");
    static final HttpHeaderName WRITES = HttpHeaderName.fromString("x-ms-ratelimit-remaining-subscription-writes");

    private RemainingBudget() {}

    /** The count the headers give for this class of request, or -1 when they give none. */
    static long of(HttpHeaders headers, boolean write) {
        String value = headers.getValue(write ? WRITES : READS);
        if (value == null) {
            return -1;
        }
        try {
            long n = Long.parseLong(value.trim());
            return n < 0 ? -1 : n;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
