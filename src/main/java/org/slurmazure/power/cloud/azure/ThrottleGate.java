package org.slurmazure.power.cloud.azure;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpPipelineNextPolicy;
import com.azure.core.http.HttpPipelineNextSyncPolicy;
import com.azure.core.http.HttpPipelinePosition;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.HttpPipelinePolicy;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Bounds the requests in flight and honours ARM throttling for the whole process, not per request.
 *
 * <p>ARM throttles with token buckets per class of request (reads, writes). A 429 means the bucket is empty for
 * every request of that class, so when one request gets a 429 the gate holds back every request of the class until
 * its Retry-After has passed; the SDK's retry policy alone would let other workers keep sending and prolong the
 * throttling. Placed after the retry policy, so each attempt passes the gate.
 */
final class ThrottleGate implements HttpPipelinePolicy {
    static final Duration DEFAULT_PAUSE = Duration.ofSeconds(5);

    private final Semaphore inFlight;
    // System.nanoTime() values; compared by difference only (nanoTime may be negative and wraps).
    private final AtomicLong readsPausedUntil = new AtomicLong(System.nanoTime());
    private final AtomicLong writesPausedUntil = new AtomicLong(System.nanoTime());
    private final LongAdder sent = new LongAdder();
    private final LongAdder throttled = new LongAdder();

    ThrottleGate(int maxInFlight) {
        this.inFlight = new Semaphore(maxInFlight, true);
    }

    @Override
    public HttpPipelinePosition getPipelinePosition() {
        return HttpPipelinePosition.PER_RETRY;
    }

    @Override
    public HttpResponse processSync(HttpPipelineCallContext context, HttpPipelineNextSyncPolicy next) {
        AtomicLong pause = pauseOf(context.getHttpRequest().getHttpMethod());
        waitWhilePaused(pause);
        inFlight.acquireUninterruptibly();
        try {
            sent.increment();
            return observe(pause, next.processSync());
        } finally {
            inFlight.release();
        }
    }

    @Override
    public Mono<HttpResponse> process(HttpPipelineCallContext context, HttpPipelineNextPolicy next) {
        // The async path (token refreshes inside the SDK, never our own calls) blocks on a bounded-elastic thread.
        AtomicLong pause = pauseOf(context.getHttpRequest().getHttpMethod());
        return Mono.fromRunnable(() -> {
            waitWhilePaused(pause);
            inFlight.acquireUninterruptibly();
        }).subscribeOn(Schedulers.boundedElastic())
                .then(Mono.defer(() -> {
                    sent.increment();
                    return next.process();
                }))
                .map(response -> observe(pause, response))
                .doFinally(signal -> inFlight.release());
    }

    /** Requests sent through the gate (each retry counts). */
    long sent() {
        return sent.sum();
    }

    /** Responses that were 429. */
    long throttled() {
        return throttled.sum();
    }

    private HttpResponse observe(AtomicLong pause, HttpResponse response) {
        if (response.getStatusCode() == 429) {
            throttled.increment();
            long until = System.nanoTime() + RetryAfter.parse(response.getHeaders(), DEFAULT_PAUSE).toNanos();
            pause.accumulateAndGet(until, (a, b) -> a - b >= 0 ? a : b);
        }
        return response;
    }

    private AtomicLong pauseOf(HttpMethod method) {
        return method == HttpMethod.GET || method == HttpMethod.HEAD ? readsPausedUntil : writesPausedUntil;
    }

    private static void waitWhilePaused(AtomicLong pause) {
        while (true) {
            long wait = pause.get() - System.nanoTime();
            if (wait <= 0) {
                return;
            }
            try {
                Thread.sleep(Math.max(1, wait / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
