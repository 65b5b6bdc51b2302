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
 * Bounds the requests in flight and keeps the whole process within ARM's request budget, instead of learning it
 * from 429s.
 *
 * <p>ARM meters requests with token buckets per subscription, principal and region: reads (250, refilled at 25 a
 * second) and writes (200, 10 a second), documented in "Understand how Azure Resource Manager throttles requests".
 * The gate keeps a bucket of its own per class with those sizes, and lowers it to what Azure says is left (the
 * {@code x-ms-ratelimit-remaining-subscription-reads|writes} header of every answer) less the requests still on
 * their way: other programs and other tools share the budget. A request waits for a token, so a burst of a thousand
 * starts goes out at the rate Azure refills. A 429 still happens (the budget is shared, the rates differ by
 * subscription): it empties the bucket and holds back every request of its class until its Retry-After has passed,
 * checked again right before the request goes out. Placed after the retry policy, so each attempt passes the gate.
 */
final class ThrottleGate implements HttpPipelinePolicy {
    static final Duration DEFAULT_PAUSE = Duration.ofSeconds(5);

    private final Semaphore inFlight;
    private final RequestClass reads = RequestClass.reads();
    private final RequestClass writes = RequestClass.writes();
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
            cls.answered();
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
                        cls.answered();
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
            try {
                inFlight.acquire();
            } catch (InterruptedException e) {
                cls.unsent();
                throw e;
            }
            if (!cls.paused()) {
                return;
            }
            inFlight.release();
            cls.unsent();
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
        } else {
            long left = RemainingBudget.of(response.getHeaders(), cls == writes);
            if (left >= 0) {
                cls.remaining(left);
            }
        }
        return response;
    }

    private RequestClass classOf(HttpMethod method) {
        return method == HttpMethod.GET || method == HttpMethod.HEAD ? reads : writes;
    }

    /**
     * The budget of one class of requests: a token bucket and the pause of a 429. Times are System.nanoTime()
     * values, compared by difference.
     */
    static final class RequestClass {
        private static final long MAX_NAP = Duration.ofMillis(100).toNanos();
        private static final long NANOS_PER_SECOND = 1_000_000_000L;

        private final double capacity;
        private final double refillPerSecond;
        private double tokens;
        private long refilledAt = System.nanoTime();
        private long pausedUntil = System.nanoTime();
        private int inFlight;

        /**
         * @param capacity        the bucket's size (Azure's: 250 reads, 200 writes)
         * @param refillPerSecond tokens added a second (Azure's: 25 reads, 10 writes)
         */
        RequestClass(double capacity, double refillPerSecond) {
            this.capacity = capacity;
            this.refillPerSecond = refillPerSecond;
            this.tokens = capacity;
        }

        static RequestClass reads() {
            return new RequestClass(250, 25);
        }

        static RequestClass writes() {
            return new RequestClass(200, 10);
        }

        /**
         * Blocks until this class may send (no pause, a token in the bucket), takes the token and counts the
         * request in flight until {@link #answered}. Nothing is reserved ahead: a waiting request re-checks after
         * short naps, so a 429 or a lower count from Azure takes effect at once.
         */
        void awaitTurn() throws InterruptedException {
            while (true) {
                long wait;
                synchronized (this) {
                    long now = System.nanoTime();
                    refill(now);
                    if (pausedUntil - now > 0) {
                        wait = pausedUntil - now;
                    } else if (tokens >= 1) {
                        tokens -= 1;
                        inFlight++;
                        return;
                    } else {
                        wait = (long) Math.ceil((1 - tokens) / refillPerSecond * NANOS_PER_SECOND);
                    }
                }
                long nap = Math.max(1, Math.min(wait, MAX_NAP));
                Thread.sleep(nap / 1_000_000, (int) (nap % 1_000_000));
            }
        }

        /** A request that took a token gave it back unsent (its slot wait saw a pause): it may go again later. */
        synchronized void unsent() {
            inFlight--;
            tokens = Math.min(capacity, tokens + 1);
        }

        /** The answer to a request of this class arrived (whatever it was). */
        synchronized void answered() {
            inFlight--;
        }

        /**
         * What Azure says is left of the budget after this answer. The requests of the class still on their way
         * are not in that count yet, and the gate has taken their tokens already: the bucket is lowered to the
         * count less them, never raised (the refill does that).
         */
        synchronized void remaining(long left) {
            refill(System.nanoTime());
            double known = left - Math.max(0, inFlight - 1);
            if (known < tokens) {
                tokens = Math.max(0, known);
            }
        }

        /** True while a 429's Retry-After holds the class back. */
        synchronized boolean paused() {
            return pausedUntil - System.nanoTime() > 0;
        }

        /** A 429: the bucket is empty; nothing of this class goes out before the Retry-After has passed. */
        synchronized void throttled(Duration retryAfter) {
            long now = System.nanoTime();
            refill(now);
            tokens = 0;
            long until = now + retryAfter.toNanos();
            if (until - pausedUntil > 0) {
                pausedUntil = until;
            }
        }

        synchronized double tokens() {
            refill(System.nanoTime());
            return tokens;
        }

        private void refill(long now) {
            long elapsed = now - refilledAt;
            if (elapsed > 0) {
                tokens = Math.min(capacity, tokens + elapsed * refillPerSecond / NANOS_PER_SECOND);
                refilledAt = now;
            }
        }
    }
}
