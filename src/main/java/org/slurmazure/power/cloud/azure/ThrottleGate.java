package org.slurmazure.power.cloud.azure;

import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * throttling. After a 429 the class is also paced (additive-increase, multiplicative-decrease on the spacing
 * between sends), so that it settles near the bucket's refill rate instead of bursting into 429s after every pause.
 * Placed after the retry policy, so each attempt passes the gate.
 */
final class ThrottleGate implements HttpPipelinePolicy {
    static final Duration DEFAULT_PAUSE = Duration.ofSeconds(5);

    private final Semaphore inFlight;
    private final RequestClass reads = new RequestClass();
    private final RequestClass writes = new RequestClass();
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
        RequestClass cls = classOf(context.getHttpRequest().getHttpMethod());
        try {
            enter(cls);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new InterruptedIOException("interrupted before the request was sent"));
        }
        try {
            sent.increment();
            return observe(cls, next.processSync());
        } finally {
            inFlight.release();
        }
    }

    @Override
    public Mono<HttpResponse> process(HttpPipelineCallContext context, HttpPipelineNextPolicy next) {
        // The generated clients' sync methods block on this async path: wait on a bounded-elastic thread, and
        // release the slot only if it was taken (a cancelled or interrupted wait takes none and sends nothing).
        RequestClass cls = classOf(context.getHttpRequest().getHttpMethod());
        AtomicBoolean holding = new AtomicBoolean();
        return Mono.fromCallable(() -> {
                    enter(cls);
                    holding.set(true);
                    return cls;
                })
                .subscribeOn(Schedulers.boundedElastic())
                .onErrorMap(
                        InterruptedException.class,
                        e -> new UncheckedIOException(
                                new InterruptedIOException("interrupted before the request " + "was sent")))
                .then(Mono.defer(() -> {
                    sent.increment();
                    return next.process();
                }))
                .map(response -> observe(cls, response))
                .doFinally(signal -> {
                    if (holding.getAndSet(false)) {
                        inFlight.release();
                    }
                });
    }

    /**
     * Waits until the class may send and a slot is free, and returns holding the slot. The pause is checked again
     * once the slot is held, right before the request goes out: a 429 that arrived while this request waited for a
     * slot sends it back to wait, instead of letting it through the window that 429 opened.
     */
    private void enter(RequestClass cls) throws InterruptedException {
        while (true) {
            cls.awaitTurn();
            inFlight.acquire();
            if (!cls.paused()) {
                return;
            }
            inFlight.release();
        }
    }

    /** Requests sent through the gate (each retry counts). */
    long sent() {
        return sent.sum();
    }

    /** Responses that were 429. */
    long throttled() {
        return throttled.sum();
    }

    private HttpResponse observe(RequestClass cls, HttpResponse response) {
        if (response.getStatusCode() == 429) {
            throttled.increment();
            cls.throttled(RetryAfter.parse(response.getHeaders(), DEFAULT_PAUSE));
        } else if (response.getStatusCode() / 100 == 2) {
            cls.succeeded();
        }
        return response;
    }

    private RequestClass classOf(HttpMethod method) {
        return method == HttpMethod.GET || method == HttpMethod.HEAD ? reads : writes;
    }

    /** Pause and pacing of one class of requests. Times are System.nanoTime() values, compared by difference. */
    static final class RequestClass {
        static final long MIN_SPACING = Duration.ofMillis(20).toNanos();
        static final long MAX_SPACING = Duration.ofSeconds(2).toNanos();
        private static final long MAX_NAP = Duration.ofMillis(100).toNanos();

        private long pausedUntil = System.nanoTime();
        private long lastSend = System.nanoTime() - MAX_SPACING;
        private long spacing; // 0 = not paced (no 429 seen yet, or paced down to nothing)

        /**
         * Blocks until this class may send: after any pause, and one spacing after the previous send. Nothing is
         * reserved ahead: a waiting request re-checks after short naps, so a spacing that relaxes takes effect at
         * once.
         */
        void awaitTurn() throws InterruptedException {
            while (true) {
                long wait;
                synchronized (this) {
                    long now = System.nanoTime();
                    long slot = lastSend + spacing;
                    if (pausedUntil - slot > 0) {
                        slot = pausedUntil;
                    }
                    wait = slot - now;
                    if (wait <= 0) {
                        lastSend = now;
                        return;
                    }
                }
                long nap = Math.min(wait, MAX_NAP);
                Thread.sleep(nap / 1_000_000, (int) (nap % 1_000_000));
            }
        }

        /** True while a 429's Retry-After holds the class back. */
        synchronized boolean paused() {
            return pausedUntil - System.nanoTime() > 0;
        }

        /** A 429: pause the class; the first 429 of a throttling episode also doubles the spacing. */
        synchronized void throttled(Duration retryAfter) {
            long now = System.nanoTime();
            if (now - pausedUntil >= 0) {
                spacing = Math.min(MAX_SPACING, Math.max(MIN_SPACING, spacing * 2));
            }
            long until = now + retryAfter.toNanos();
            if (until - pausedUntil > 0) {
                pausedUntil = until;
            }
        }

        synchronized void succeeded() {
            if (spacing > 0) {
                spacing = spacing * 97 / 100;
                if (spacing < MIN_SPACING / 4) {
                    spacing = 0;
                }
            }
        }

        synchronized long spacingNanos() {
            return spacing;
        }
    }
}
