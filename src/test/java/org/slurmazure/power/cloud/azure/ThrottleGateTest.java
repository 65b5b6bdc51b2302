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
        ThrottleGate.RequestClass writes = ThrottleGate.RequestClass.writes();
        writes.throttled(Duration.ofMillis(400));

        long start = System.nanoTime();
        writes.awaitTurn();
        long waited = (System.nanoTime() - start) / 1_000_000;

        assertTrue(waited >= 350, "waited " + waited + " ms");
    }

    @Test
    void aClassWhoseBucketHoldsTokensDoesNotWait() throws Exception {
        ThrottleGate.RequestClass reads = ThrottleGate.RequestClass.reads();

        long start = System.nanoTime();
        for (int i = 0; i < 100; i++) {
            reads.awaitTurn();
        }

        assertTrue((System.nanoTime() - start) / 1_000_000 < 200);
        assertTrue(reads.tokens() >= 149 && reads.tokens() < 152, "tokens " + reads.tokens());
    }

    @Test
    void aBurstBeyondTheBucketGoesOutAtTheRefillRate() throws Exception {
        ThrottleGate.RequestClass cls = new ThrottleGate.RequestClass(5, 20); // 5, then 20 a second

        long start = System.nanoTime();
        for (int i = 0; i < 15; i++) {
            cls.awaitTurn();
        }
        long took = (System.nanoTime() - start) / 1_000_000;

        assertTrue(took >= 450, "10 requests beyond a bucket of 5 at 20/s took " + took + " ms (at least 500)");
    }

    @Test
    void whatAzureSaysIsLeftLowersTheBucketLessTheRequestsStillOnTheirWay() throws Exception {
        ThrottleGate.RequestClass writes = ThrottleGate.RequestClass.writes();
        for (int i = 0; i < 5; i++) {
            writes.awaitTurn(); // five requests on their way
        }

        writes.remaining(10); // the answer to one of them: 10 left, the other four not counted yet
        writes.answered();

        assertTrue(writes.tokens() >= 6 && writes.tokens() < 6.5, "tokens " + writes.tokens());
        writes.remaining(150); // a higher count never raises the bucket: the refill does
        assertTrue(writes.tokens() < 6.5, "tokens " + writes.tokens());
    }

    @Test
    void a429EmptiesTheBucket() {
        ThrottleGate.RequestClass writes = ThrottleGate.RequestClass.writes();

        writes.throttled(Duration.ZERO);

        assertTrue(writes.tokens() < 0.5, "tokens " + writes.tokens());
    }

    @Test
    void anAnswerSayingTheBudgetIsSpentHoldsBackTheNextRequestOfItsClass() throws Exception {
        ScriptedHttpClient http = new ScriptedHttpClient()
                .then(r -> ScriptedHttpClient.answer(r, 202, "", "x-ms-ratelimit-remaining-subscription-writes", "0"))
                .then(r -> ScriptedHttpClient.answer(r, 202, "", "x-ms-ratelimit-remaining-subscription-writes", "0"))
                .then(r -> ScriptedHttpClient.answer(r, 200, "{}", "x-ms-ratelimit-remaining-subscription-reads", "249"));
        ThrottleGate gate = new ThrottleGate(8);
        HttpPipeline pipeline = new HttpPipelineBuilder().httpClient(http).policies(gate).build();

        pipeline.sendSync(new HttpRequest(HttpMethod.POST, "https://arm.test/a/start"), Context.NONE).close();
        pipeline.sendSync(new HttpRequest(HttpMethod.POST, "https://arm.test/b/start"), Context.NONE).close();
        pipeline.sendSync(new HttpRequest(HttpMethod.GET, "https://arm.test/b"), Context.NONE).close();

        long gapMs = (http.sent.get(1).atNanos() - http.sent.get(0).atNanos()) / 1_000_000;
        assertTrue(gapMs >= 90, "the second write went out " + gapMs + " ms after an answer said none was left "
                + "(writes refill at 10 a second)");
        long readGapMs = (http.sent.get(2).atNanos() - http.sent.get(1).atNanos()) / 1_000_000;
        assertTrue(readGapMs < 90, "reads have a budget of their own: " + readGapMs + " ms");
        assertEquals(0, gate.throttled());
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
        ThrottleGate.RequestClass writes = ThrottleGate.RequestClass.writes();
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
