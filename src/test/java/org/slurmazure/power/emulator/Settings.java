package org.slurmazure.power.emulator;

import java.time.Duration;

/** The emulator's settings; the volatile ones can change while it runs (Java API, admin API). */
final class Settings {
    final String subscriptionId;
    final String tenantId;
    final String clientId;
    final boolean enforceClientId;
    final String clientSecret;
    final boolean enforceClientSecret;
    final String defaultResourceGroup;
    final String defaultLocation;
    final Duration tokenLifetime;

    volatile Duration latency;
    volatile Duration lroDuration;
    volatile int retryAfterSeconds;
    volatile int pageSize;
    volatile boolean lenientAuth;
    /** How long after a write the instance view still shows the old power state (ZERO = none). */
    volatile Duration stateLag;
    /** What a failed start leaves: DEALLOCATED, STARTING or RUNNING. */
    volatile PowerState failedStartState;
    /** ARM paths without {@code api-version} answer 400 MissingApiVersionParameter. */
    volatile boolean requireApiVersion;
    /** What the principal may do (subscription-wide by default). */
    volatile AccessScope access;
    /** Compute quota limits by lower-case usage name ({@code cores}, {@code standarddsv5family}); see {@link Quotas}. */
    volatile java.util.Map<String, Integer> quotas;

    Settings(ArmEmulator.Builder b) {
        this.subscriptionId = b.subscriptionId;
        this.tenantId = b.tenantId;
        this.clientId = b.clientId;
        this.enforceClientId = b.enforceClientId;
        this.clientSecret = b.clientSecret;
        this.enforceClientSecret = b.enforceClientSecret;
        this.defaultResourceGroup = b.resourceGroup;
        this.defaultLocation = b.location;
        this.tokenLifetime = b.tokenLifetime;
        this.latency = b.latency;
        this.lroDuration = b.lroDuration;
        this.retryAfterSeconds = b.retryAfterSeconds;
        this.pageSize = b.pageSize;
        this.lenientAuth = b.lenientAuth;
        this.stateLag = b.stateLag;
        this.failedStartState = b.failedStartState;
        this.requireApiVersion = b.requireApiVersion;
        this.access = b.access;
        this.quotas = java.util.Map.copyOf(b.quotas);
    }
}
