package org.slurmazure.power.emulator;

/** A token bucket refilled continuously. Not thread-safe: {@link Throttler} guards it. */
final class TokenBucket {
    private final double capacity;
    private final double perNano;
    private double tokens;
    private long lastNanos;

    TokenBucket(ThrottleSettings.Bucket spec, long nowNanos) {
        this.capacity = spec.burst();
        this.perNano = spec.refillPerSecond() / 1e9;
        this.tokens = capacity;
        this.lastNanos = nowNanos;
    }

    void refill(long nowNanos) {
        if (nowNanos > lastNanos) {
            tokens = Math.min(capacity, tokens + (nowNanos - lastNanos) * perNano);
            lastNanos = nowNanos;
        }
    }

    boolean hasToken() {
        return tokens >= 1.0;
    }

    void take() {
        tokens -= 1.0;
    }

    /** Whole tokens left. */
    int remaining() {
        return (int) Math.floor(tokens);
    }

    /** Whole seconds until one token is available (at least 1), for {@code Retry-After}. */
    long secondsUntilToken() {
        double missing = 1.0 - tokens;
        if (missing <= 0) {
            return 1;
        }
        return Math.max(1, (long) Math.ceil(missing / perNano / 1e9));
    }
}
