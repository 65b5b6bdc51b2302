package org.slurmazure.power.emulator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/** Enforces {@link ThrottleSettings}: ARM's read/write buckets per subscription and compute's per policy. */
final class Throttler {
    static final String REMAINING_READS = "x-ms-ratelimit-remaining-subscription-reads";
    static final String REMAINING_WRITES = "x-ms-ratelimit-remaining-subscription-writes";
    static final String REMAINING_RESOURCE = "x-ms-ratelimit-remaining-resource";

    /** The outcome for one request: the headers to add and, when throttled, the 429 to send instead. */
    static final class Decision {
        final Map<String, String> headers = new HashMap<>();
        EmulatorResponse rejection;
    }

    private final LongSupplier clock;
    private ThrottleSettings settings;
    private final Map<String, Map<ThrottleSettings.Policy, TokenBucket>> subscriptionBuckets = new HashMap<>();
    private final Map<String, Map<ThrottleSettings.Policy, TokenBucket>> vmBuckets = new HashMap<>();
    private final Map<ThrottleSettings.Policy, Long> throttledByPolicy = new EnumMap<>(ThrottleSettings.Policy.class);
    private long throttled;

    Throttler(ThrottleSettings settings, LongSupplier nanoClock) {
        this.settings = settings;
        this.clock = nanoClock;
    }

    /** Replaces the settings; every bucket starts full again. */
    synchronized void settings(ThrottleSettings newSettings) {
        this.settings = newSettings;
        subscriptionBuckets.clear();
        vmBuckets.clear();
    }

    synchronized ThrottleSettings settings() {
        return settings;
    }

    /**
     * Takes the tokens one ARM request needs: the subscription's read or write bucket, then the compute policies
     * (all or none of them). {@code vmKey} identifies the VM for the per-VM policies.
     */
    synchronized Decision acquire(String subscription, boolean write, List<ThrottleSettings.Policy> compute,
            String vmKey) {
        Decision d = new Decision();
        if (!settings.enabled()) {
            return d;
        }
        long now = clock.getAsLong();
        String sub = subscription.toLowerCase(Locale.ROOT);
        ThrottleSettings.Policy armPolicy = write ? ThrottleSettings.Policy.ARM_WRITES
                : ThrottleSettings.Policy.ARM_READS;
        TokenBucket arm = bucket(sub, null, armPolicy, now);
        String armHeader = write ? REMAINING_WRITES : REMAINING_READS;
        if (arm != null) {
            if (!arm.hasToken()) {
                d.headers.put(armHeader, "0");
                d.rejection = armThrottled(write, subscription, arm.secondsUntilToken());
                count(armPolicy);
                return d;
            }
            arm.take();
            d.headers.put(armHeader, Integer.toString(arm.remaining()));
        }
        List<ThrottleSettings.Policy> applied = new ArrayList<>();
        List<TokenBucket> buckets = new ArrayList<>();
        ThrottleSettings.Policy failed = null;
        long wait = 0;
        for (ThrottleSettings.Policy p : compute) {
            TokenBucket b = bucket(sub, p.perVm() ? vmKey : null, p, now);
            if (b == null) {
                continue;
            }
            applied.add(p);
            buckets.add(b);
            if (!b.hasToken() && b.secondsUntilToken() > wait) {
                failed = p;
                wait = b.secondsUntilToken();
            }
        }
        if (failed == null) {
            buckets.forEach(TokenBucket::take);
        }
        if (!applied.isEmpty()) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < applied.size(); i++) {
                sb.append(i == 0 ? "" : ",").append(applied.get(i).headerName()).append(';')
                        .append(Math.max(0, buckets.get(i).remaining()));
            }
            d.headers.put(REMAINING_RESOURCE, sb.toString());
        }
        if (failed != null) {
            d.rejection = computeThrottled(failed, settings.bucket(failed), wait);
            count(failed);
        }
        return d;
    }

    private void count(ThrottleSettings.Policy p) {
        throttled++;
        throttledByPolicy.merge(p, 1L, Long::sum);
    }

    private TokenBucket bucket(String sub, String vmKey, ThrottleSettings.Policy p, long now) {
        ThrottleSettings.Bucket spec = settings.bucket(p);
        if (spec == null || (p.perVm() && vmKey == null)) {
            return null;
        }
        Map<String, Map<ThrottleSettings.Policy, TokenBucket>> scope = p.perVm() ? vmBuckets : subscriptionBuckets;
        String key = p.perVm() ? vmKey : sub;
        TokenBucket b = scope.computeIfAbsent(key, k -> new EnumMap<>(ThrottleSettings.Policy.class))
                .computeIfAbsent(p, k -> new TokenBucket(spec, now));
        b.refill(now);
        return b;
    }

    private static EmulatorResponse armThrottled(boolean write, String subscription, long retryAfter) {
        String kind = write ? "write" : "read";
        return EmulatorResponse.armError(429, "TooManyRequests", "Number of '" + kind + "' requests for subscription '"
                        + subscription + "' actor 'arm-emulator' exceeded. Please try again after '" + retryAfter
                        + "' seconds after the last request. Please see https://aka.ms/ARMThrottling for more "
                        + "information.")
                .header("Retry-After", Long.toString(retryAfter))
                .header("x-ms-failure-cause", "gateway");
    }

    private static EmulatorResponse computeThrottled(ThrottleSettings.Policy p, ThrottleSettings.Bucket spec,
            long retryAfter) {
        ObjectNode body = Json.armError("OperationNotAllowed", "The server rejected the request because too many "
                + "requests have been received for this subscription.");
        ArrayNode details = ((ObjectNode) body.get("error")).putArray("details");
        ObjectNode detail = details.addObject();
        String group = p.headerName().substring(p.headerName().indexOf('/') + 1);
        detail.put("code", "TooManyRequests");
        detail.put("target", group);
        ObjectNode info = Json.object();
        Instant now = Instant.now();
        info.put("operationGroup", group);
        info.put("startTime", Json.time(now.minusSeconds(180)));
        info.put("endTime", Json.time(now));
        info.put("allowedRequestCount", spec.burst());
        info.put("measuredRequestCount", spec.burst() + 1);
        detail.put("message", Json.write(info));
        return EmulatorResponse.json(429, body)
                .header("Retry-After", Long.toString(retryAfter))
                .header("x-ms-failure-cause", "service");
    }

    /** The number of 429 answers the buckets caused. */
    synchronized long throttledCount() {
        return throttled;
    }

    synchronized Map<String, Long> throttledByPolicy() {
        Map<String, Long> m = new java.util.TreeMap<>();
        throttledByPolicy.forEach((p, n) -> m.put(p.key(), n));
        return m;
    }

    /** Whole tokens left in a subscription-level bucket (for tests and the admin API), or -1 when not enforced. */
    synchronized int remaining(String subscription, ThrottleSettings.Policy p) {
        TokenBucket b = bucket(subscription.toLowerCase(Locale.ROOT), null, p, clock.getAsLong());
        return b == null ? -1 : b.remaining();
    }
}
