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

/**
 * Enforces {@link ThrottleSettings}: ARM's read/write buckets per subscription and compute's per policy. Also counts
 * requests sent inside an open 429 window: a 429 with {@code Retry-After R} at {@code t} opens the window
 * {@code [t + 100 ms, t + R)} for the bucket that was empty, and every later request that draws from that bucket
 * and arrives inside the window is counted, throttled or not (the 100 ms spare requests already under way).
 */
final class Throttler {
    /** Requests this soon after a 429 may have been sent before the client saw it: not counted. */
    static final long WINDOW_GRACE_NANOS = 100_000_000L;

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
    /** Open 429 windows by bucket ({@code policy|subscription} or {@code policy|vm}): {start, end} in nanos. */
    private final Map<String, long[]> windows = new HashMap<>();
    private final Map<ThrottleSettings.Policy, Long> inWindowByPolicy = new EnumMap<>(ThrottleSettings.Policy.class);
    private long inWindow;

    Throttler(ThrottleSettings settings, LongSupplier nanoClock) {
        this.settings = settings;
        this.clock = nanoClock;
    }

    /** Replaces the settings; every bucket starts full again. */
    synchronized void settings(ThrottleSettings newSettings) {
        this.settings = newSettings;
        subscriptionBuckets.clear();
        vmBuckets.clear();
        windows.clear();
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
        countIfInWindow(sub, armPolicy, compute, vmKey, now);
        TokenBucket arm = bucket(sub, null, armPolicy, now);
        String armHeader = write ? REMAINING_WRITES : REMAINING_READS;
        if (arm != null) {
            if (!arm.hasToken()) {
                long retryAfter = arm.secondsUntilToken();
                d.headers.put(armHeader, "0");
                d.rejection = armThrottled(write, subscription, retryAfter);
                count(armPolicy);
                openWindow(windowKey(armPolicy, sub, vmKey), now, retryAfter);
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
            openWindow(windowKey(failed, sub, vmKey), now, wait);
        }
        return d;
    }

    private static String windowKey(ThrottleSettings.Policy p, String sub, String vmKey) {
        return p.key() + "|" + (p.perVm() ? vmKey : sub);
    }

    /** A 429 at {@code now}: the bucket's window becomes [now + grace, now + retryAfter), joined to an open one. */
    private void openWindow(String key, long now, long retryAfterSeconds) {
        long start = now + WINDOW_GRACE_NANOS;
        long end = now + retryAfterSeconds * 1_000_000_000L;
        if (end <= start) {
            return;
        }
        long[] w = windows.get(key);
        if (w != null && start - w[1] <= 0) {
            w[1] = Math.max(w[1], end);
        } else {
            windows.put(key, new long[] {start, end});
        }
    }

    /** Counts the request (once, and once per bucket kind) if it arrives in an open window of a bucket it uses. */
    private void countIfInWindow(String sub, ThrottleSettings.Policy armPolicy, List<ThrottleSettings.Policy> compute,
            String vmKey, long now) {
        if (windows.isEmpty()) {
            return;
        }
        boolean counted = false;
        List<ThrottleSettings.Policy> all = new ArrayList<>(compute.size() + 1);
        all.add(armPolicy);
        all.addAll(compute);
        for (ThrottleSettings.Policy p : all) {
            if (p.perVm() && vmKey == null) {
                continue;
            }
            String key = windowKey(p, sub, vmKey);
            long[] w = windows.get(key);
            if (w == null) {
                continue;
            }
            if (now - w[1] >= 0) {
                windows.remove(key);
                continue;
            }
            if (now - w[0] >= 0) {
                inWindowByPolicy.merge(p, 1L, Long::sum);
                counted = true;
            }
        }
        if (counted) {
            inWindow++;
        }
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

    /** Requests that arrived inside an open 429 window of a bucket they draw from. */
    synchronized long inWindowCount() {
        return inWindow;
    }

    /** {@link #inWindowCount()} by bucket kind ({@code armReads}, {@code startPerVm}, ...). */
    synchronized Map<String, Long> inWindowByPolicy() {
        Map<String, Long> m = new java.util.TreeMap<>();
        inWindowByPolicy.forEach((p, n) -> m.put(p.key(), n));
        return m;
    }

    /** Whole tokens left in a subscription-level bucket (for tests and the admin API), or -1 when not enforced. */
    synchronized int remaining(String subscription, ThrottleSettings.Policy p) {
        TokenBucket b = bucket(subscription.toLowerCase(Locale.ROOT), null, p, clock.getAsLong());
        return b == null ? -1 : b.remaining();
    }
}
