package org.slurmazure.power.cloud.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpPipeline;
import com.azure.core.http.HttpPipelineBuilder;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.util.Context;

import org.junit.jupiter.api.Test;

class ThrottleGateTest {

    @Test
    void aThrottledClassWaitsForRetryAfterBeforeItsNextRequest() throws Exception {
        ThrottleGate.RequestClass writes = new ThrottleGate.RequestClass();
        writes.throttled(Duration.ofMillis(400));

        long start = System.nanoTime();
        writes.awaitTurn();
        long waited = (System.nanoTime() - start) / 1_000_000;

        assertTrue(waited >= 350, "waited " + waited + " ms");
    }

    @Test
    void anUnthrottledClassDoesNotWait() throws Exception {
        ThrottleGate.RequestClass reads = new ThrottleGate.RequestClass();

        long start = System.nanoTime();
        for (int i = 0; i < 100; i++) {
            reads.awaitTurn();
        }

        assertTrue((System.nanoTime() - start) / 1_000_000 < 200);
        assertEquals(0, reads.spacingNanos());
    }

    @Test
    void throttlingPacesTheClassAndSuccessesRelaxTheSpacingUntilItIsGone() {
        ThrottleGate.RequestClass writes = new ThrottleGate.RequestClass();
        writes.throttled(Duration.ZERO);
        long first = writes.spacingNanos();
        writes.throttled(Duration.ZERO);

        assertEquals(ThrottleGate.RequestClass.MIN_SPACING, first);
        assertEquals(2 * first, writes.spacingNanos(), "each episode doubles the spacing");
        for (int i = 0; i < 200; i++) {
            writes.succeeded();
        }
        assertEquals(0, writes.spacingNanos());
    }

    @Test
    void manyThrottledAnswersInOnePauseCountAsOneEpisode() {
        ThrottleGate.RequestClass writes = new ThrottleGate.RequestClass();
        for (int i = 0; i < 64; i++) {
            writes.throttled(Duration.ofSeconds(1));
        }

        assertEquals(ThrottleGate.RequestClass.MIN_SPACING, writes.spacingNanos());
    }

    @Test
    void pacedRequestsAreSpacedApart() throws Exception {
        ThrottleGate.RequestClass writes = new ThrottleGate.RequestClass();
        writes.throttled(Duration.ZERO);
        writes.throttled(Duration.ZERO);
        writes.throttled(Duration.ZERO); // 80 ms spacing

        long start = System.nanoTime();
        for (int i = 0; i < 5; i++) {
            writes.awaitTurn();
        }
        long took = (System.nanoTime() - start) / 1_000_000;

        assertTrue(took >= 4 * 80 - 20, "5 paced sends took " + took + " ms");
    }

    @Test
    void aRequestWaitingForASlotWhenA429ArrivesIsHeldUntilItsRetryAfter() throws Exception {
        CountDownLatch firstOnTheWire = new CountDownLatch(1);
        CountDownLatch answerFirst = new CountDownLatch(1);
        AtomicReference<Long> throttledAt = new AtomicReference<>();
        ScriptedHttpClient http = new ScriptedHttpClient().then(r -> {
            firstOnTheWire.countDown();
            await(answerFirst);
            throttledAt.set(System.nanoTime());
            return ScriptedHttpClient.answer(r, 429, "{}", "Retry-After", "1");
        });
        ThrottleGate gate = new ThrottleGate(1); // one slot: the second request waits for it
        HttpPipeline pipeline = new HttpPipelineBuilder().httpClient(http).policies(gate).build();

        Thread first = send(pipeline, "https://arm.test/a");
        firstOnTheWire.await(5, TimeUnit.SECONDS);
        Thread second = send(pipeline, "https://arm.test/b"); // passes the class's turn, then waits for the slot
        Thread.sleep(200);
        answerFirst.countDown();
        first.join(5000);
        second.join(5000);

        assertEquals(2, http.sent.size());
        long gapMs = (http.sent.get(1).atNanos() - throttledAt.get()) / 1_000_000;
        assertTrue(gapMs >= 950, "the second request reached the wire " + gapMs + " ms after the 429 (Retry-After 1 s)");
        assertEquals(1, gate.throttled());
    }

    @Test
    void anInterruptedWaitSendsNothing() throws Exception {
        ScriptedHttpClient http = new ScriptedHttpClient();
        ThrottleGate gate = new ThrottleGate(4);
        HttpPipeline pipeline = new HttpPipelineBuilder().httpClient(http).policies(gate).build();
        http.then(r -> ScriptedHttpClient.answer(r, 429, "{}", "Retry-After", "30"));
        pipeline.sendSync(new HttpRequest(HttpMethod.POST, "https://arm.test/start"), Context.NONE).close();

        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread waiting = new Thread(() -> {
            try {
                pipeline.sendSync(new HttpRequest(HttpMethod.POST, "https://arm.test/start"), Context.NONE).close();
            } catch (RuntimeException e) {
                failure.set(e);
            }
        });
        waiting.start();
        Thread.sleep(200);
        waiting.interrupt();
        waiting.join(5000);

        assertEquals(1, http.sent.size(), "only the first request reached the wire");
        assertTrue(failure.get() != null && failure.get().getCause() instanceof java.io.InterruptedIOException,
                String.valueOf(failure.get()));
    }

    @Test
    void aHugeRetryAfterIsCutToAnHourInsteadOfOverflowing() {
        ThrottleGate.RequestClass writes = new ThrottleGate.RequestClass();
        com.azure.core.http.HttpHeaders h = new com.azure.core.http.HttpHeaders()
                .set(com.azure.core.http.HttpHeaderName.RETRY_AFTER, "99999999999");

        Duration d = RetryAfter.parse(h, null);
        writes.throttled(d);

        assertEquals(RetryAfter.MAX, d);
        assertTrue(writes.paused());
    }

    private static Thread send(HttpPipeline pipeline, String url) {
        Thread t = new Thread(() -> {
            try (HttpResponse r = pipeline.sendSync(new HttpRequest(HttpMethod.GET, URI.create(url).toURL()),
                    Context.NONE)) {
                r.getStatusCode();
            } catch (java.net.MalformedURLException e) {
                throw new IllegalStateException(e);
            }
        });
        t.start();
        return t;
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
