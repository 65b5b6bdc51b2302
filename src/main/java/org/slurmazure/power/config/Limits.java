package org.slurmazure.power.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The {@code limits} section.
 *
 * @param concurrency     how many Azure requests one program run keeps in flight at once (1..1000)
 * @param resumeDeadline  how long the resume program waits for VMs before failing the rest; well below ResumeTimeout
 * @param suspendDeadline how long the suspend program works before giving up; well below SuspendTimeout
 * @param requestTimeout  the time limit of one HTTP request to Azure
 */
public record Limits(int concurrency, Duration resumeDeadline, Duration suspendDeadline, Duration requestTimeout) {
    public static final int DEFAULT_CONCURRENCY = 64;
    public static final int MAX_CONCURRENCY = 1000;
    public static final Duration DEFAULT_RESUME_DEADLINE = Duration.ofMinutes(9);
    public static final Duration DEFAULT_SUSPEND_DEADLINE = Duration.ofSeconds(100);
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);

    public Limits {
        Objects.requireNonNull(resumeDeadline, "resumeDeadline");
        Objects.requireNonNull(suspendDeadline, "suspendDeadline");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
    }

    public static Limits defaults() {
        return new Limits(
                DEFAULT_CONCURRENCY, DEFAULT_RESUME_DEADLINE, DEFAULT_SUSPEND_DEADLINE, DEFAULT_REQUEST_TIMEOUT);
    }
}
