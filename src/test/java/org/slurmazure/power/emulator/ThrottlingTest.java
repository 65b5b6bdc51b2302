package org.slurmazure.power.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ThrottlingTest {
    private static final String API = "?api-version=2025-04-01";

    @Test
    void aBucketRefillsContinuouslyAndSaysWhenTheNextTokenComes() {
        AtomicLong now = new AtomicLong(0);
        TokenBucket b = new TokenBucket(ThrottleSettings.Bucket.perMinute(2, 4), now.get());

        assertTrue(b.hasToken());
        b.take();
        b.take();
        assertFalse(b.hasToken());
        assertEquals(15, b.secondsUntilToken(), "4/min = one token every 15 s");

        now.addAndGet(10_000_000_000L);
        b.refill(now.get());
        assertFalse(b.hasToken());
        assertEquals(5, b.secondsUntilToken());

        now.addAndGet(5_000_000_000L);
        b.refill(now.get());
        assertTrue(b.hasToken());
        now.addAndGet(3_600_000_000_000L);
        b.refill(now.get());
        assertEquals(2, b.remaining(), "never more than the burst");
    }

    @Test
    void theThrottlerTakesFromArmThenFromComputeBuckets() {
        AtomicLong now = new AtomicLong(1);
        ThrottleSettings s = ThrottleSettings.none()
                .with(ThrottleSettings.Policy.ARM_WRITES, ThrottleSettings.Bucket.perSecond(3, 1))
                .with(ThrottleSettings.Policy.START_PER_VM, ThrottleSettings.Bucket.perMinute(2, 4));
        Throttler t = new Throttler(s, now::get);
        List<ThrottleSettings.Policy> start = List.of(ThrottleSettings.Policy.START,
                ThrottleSettings.Policy.START_PER_VM);

        Throttler.Decision first = t.acquire("sub", true, start, "vm1");
        Throttler.Decision second = t.acquire("sub", true, start, "vm1");
        Throttler.Decision third = t.acquire("sub", true, start, "vm1");
        Throttler.Decision otherVm = t.acquire("sub", true, start, "vm2");

        assertNull(first.rejection);
        assertEquals("2", first.headers.get(Throttler.REMAINING_WRITES));
        assertEquals("Microsoft.Compute/StartVMResource3Min;1", first.headers.get(Throttler.REMAINING_RESOURCE));
        assertNull(second.rejection);
        assertEquals(429, third.rejection.status, "the VM's bucket is empty");
        assertEquals("15", third.rejection.headers.get("Retry-After"));
        assertEquals(429, otherVm.rejection.status, "the ARM write bucket is empty now");
        assertEquals("1", otherVm.rejection.headers.get("Retry-After"));
        assertEquals(2, t.throttledCount());
    }

    @Test
    void theAzurePresetHasThePublicCloudNumbers() {
        ThrottleSettings a = ThrottleSettings.azure();

        assertEquals(new ThrottleSettings.Bucket(200, 10), a.bucket(ThrottleSettings.Policy.ARM_WRITES));
        assertEquals(new ThrottleSettings.Bucket(250, 25), a.bucket(ThrottleSettings.Policy.ARM_READS));
        assertEquals("1500+500/min", a.bucket(ThrottleSettings.Policy.START).toString());
        assertEquals("12+4/min", a.bucket(ThrottleSettings.Policy.DEALLOCATE_PER_VM).toString());
        assertEquals("15000+5000/min", a.bucket(ThrottleSettings.Policy.GET_OPERATION).toString());
        assertEquals("900+300/min", a.bucket(ThrottleSettings.Policy.HIGH_COST_LIST).toString());
        assertFalse(ThrottleSettings.none().enabled());
        assertEquals(ThrottleSettings.Bucket.parse("12+4/m"), a.bucket(ThrottleSettings.Policy.START_PER_VM));
        assertNull(a.with("getOperation=off").bucket(ThrottleSettings.Policy.GET_OPERATION));
        assertThrows(IllegalArgumentException.class, () -> ThrottleSettings.Bucket.parse("12 per minute"));
        assertThrows(IllegalArgumentException.class, () -> a.with("nosuch=1+1/s"));
    }

    @Test
    void anEmptyWriteBucketAnswers429WithRetryAfterAndRecovers() throws Exception {
        ThrottleSettings s = ThrottleSettings.none()
                .with(ThrottleSettings.Policy.ARM_WRITES, ThrottleSettings.Bucket.perSecond(2, 2));
        try (ArmEmulator emu = ArmEmulator.builder().generate("azc[1-3]").lroDuration(java.time.Duration.ZERO)
                .throttle(s).start()) {
            EmuClient c = new EmuClient(emu);

            EmuClient.Resp a = c.post(c.vmPath("azc1") + "/start" + API);
            EmuClient.Resp b = c.post(c.vmPath("azc2") + "/start" + API);
            EmuClient.Resp refused = c.post(c.vmPath("azc3") + "/start" + API);

            assertEquals(202, a.status());
            assertEquals("1", a.header(Throttler.REMAINING_WRITES));
            assertEquals(202, b.status());
            assertEquals(429, refused.status());
            assertEquals("TooManyRequests", refused.errorCode());
            assertEquals("1", refused.header("Retry-After"));
            assertEquals("0", refused.header(Throttler.REMAINING_WRITES));
            assertEquals(1, emu.throttledCount());
            assertEquals(0, emu.vm("azc3").startCount());

            Thread.sleep(1000);
            assertEquals(202, c.post(c.vmPath("azc3") + "/start" + API).status());
            assertEquals(null, c.get(c.vmPath("azc3") + API).header(Throttler.REMAINING_READS),
                    "reads are not throttled here");
        }
    }

    @Test
    void readsIncludingPollsCountAgainstTheReadBucket() throws Exception {
        ThrottleSettings s = ThrottleSettings.azure()
                .with(ThrottleSettings.Policy.ARM_READS, ThrottleSettings.Bucket.perMinute(3, 1));
        try (ArmEmulator emu = ArmEmulator.builder().vm(VmSpec.of("azc1")).throttle(s).start()) {
            EmuClient c = new EmuClient(emu);
            EmuClient.Resp start = c.post(c.vmPath("azc1") + "/start" + API);

            EmuClient.Resp poll = c.get(start.header("Azure-AsyncOperation"));
            EmuClient.Resp get1 = c.get(c.vmPath("azc1") + API);
            EmuClient.Resp get2 = c.get(c.vmPath("azc1") + API);
            EmuClient.Resp refused = c.get(c.vmPath("azc1") + API);

            assertEquals(200, poll.status());
            assertEquals("2", poll.header(Throttler.REMAINING_READS));
            assertEquals("Microsoft.Compute/GetOperation3Min;14999", poll.header(Throttler.REMAINING_RESOURCE));
            assertTrue(start.header(Throttler.REMAINING_RESOURCE).startsWith("Microsoft.Compute/StartVM3Min;1499,"
                    + "Microsoft.Compute/StartVMResource3Min;11"), start.header(Throttler.REMAINING_RESOURCE));
            assertEquals("1", get1.header(Throttler.REMAINING_READS));
            assertEquals(200, get2.status());
            assertEquals(429, refused.status());
            assertEquals("60", refused.header("Retry-After"), "1/min: the next token comes in 60 s");
            assertEquals(1, emu.statusCount(429));
        }
    }

    @Test
    void theThrottleCanBeChangedWhileRunning() throws IOException {
        try (ArmEmulator emu = ArmEmulator.builder().vm(VmSpec.of("azc1")).start()) {
            EmuClient c = new EmuClient(emu);
            emu.throttle(ThrottleSettings.none().with("armReads=1+1/min"));

            assertEquals(200, c.get(c.vmPath("azc1") + API).status());
            assertEquals(429, c.get(c.vmPath("azc1") + API).status());
            assertEquals(0, emu.remainingTokens(ThrottleSettings.Policy.ARM_READS));

            emu.throttle(ThrottleSettings.none());
            assertEquals(200, c.get(c.vmPath("azc1") + API).status());
        }
    }

    @Test
    void anEmptyComputeBucketAnswersWithComputesOwnErrorBody() throws Exception {
        ThrottleSettings s = ThrottleSettings.azure()
                .with(ThrottleSettings.Policy.START_PER_VM, ThrottleSettings.Bucket.perMinute(1, 1))
                .with(ThrottleSettings.Policy.GET_OPERATION, ThrottleSettings.Bucket.perMinute(1, 1));
        try (ArmEmulator emu = ArmEmulator.builder().vm(VmSpec.of("azc1")).throttle(s).start()) {
            EmuClient c = new EmuClient(emu);
            EmuClient.Resp start = c.post(c.vmPath("azc1") + "/start" + API);

            EmuClient.Resp again = c.post(c.vmPath("azc1") + "/start" + API);
            c.get(start.header("Azure-AsyncOperation"));
            EmuClient.Resp poll = c.get(start.header("Azure-AsyncOperation"));

            assertEquals(202, start.status());
            assertEquals(429, again.status());
            assertEquals("60", again.header("Retry-After"));
            JsonNode error = again.json().get("error");
            assertEquals("OperationNotAllowed", error.get("code").asText());
            assertEquals("The server rejected the request because too many requests have been received for this "
                    + "subscription.", error.get("message").asText());
            JsonNode detail = error.get("details").get(0);
            assertEquals("TooManyRequests", detail.get("code").asText());
            assertEquals("StartVMResource3Min", detail.get("target").asText());
            JsonNode info = Json.read(detail.get("message").asText());
            assertEquals("StartVMResource3Min", info.get("operationGroup").asText());
            assertEquals(1, info.get("allowedRequestCount").asInt());
            assertTrue(again.header(Throttler.REMAINING_RESOURCE).contains("Microsoft.Compute/StartVMResource3Min;0"),
                    again.header(Throttler.REMAINING_RESOURCE));
            assertEquals(429, poll.status());
            assertEquals("OperationNotAllowed", poll.errorCode());
            assertEquals("GetOperation3Min", poll.json().get("error").get("details").get(0).get("target").asText());
            JsonNode byBucket = c.admin("GET", "stats", null).json().get("throttledByBucket");
            assertEquals(1, byBucket.path("startPerVm").asInt());
            assertEquals(1, byBucket.path("getOperation").asInt());
        }
    }

    @Test
    void armBucketsKeepArmsTooManyRequests() {
        AtomicLong now = new AtomicLong(1);
        Throttler t = new Throttler(ThrottleSettings.none().with("armReads=1+1/s"), now::get);
        t.acquire("sub", false, List.of(), null);

        Throttler.Decision refused = t.acquire("sub", false, List.of(), null);

        JsonNode error = Json.read(refused.rejection.body).get("error");
        assertEquals("TooManyRequests", error.get("code").asText());
        assertTrue(error.get("message").asText().startsWith("Number of 'read' requests for subscription 'sub'"));
    }

    @Test
    void requestsInsideAn429WindowOfTheirBucketAreCounted() {
        AtomicLong now = new AtomicLong(1_000_000_000L);
        ThrottleSettings s = ThrottleSettings.none()
                .with(ThrottleSettings.Policy.ARM_READS, ThrottleSettings.Bucket.perSecond(1, 0.5))
                .with(ThrottleSettings.Policy.START_PER_VM, ThrottleSettings.Bucket.perMinute(1, 1));
        Throttler t = new Throttler(s, now::get);
        List<ThrottleSettings.Policy> start = List.of(ThrottleSettings.Policy.START,
                ThrottleSettings.Policy.START_PER_VM);
        long t0 = now.get();

        assertNull(t.acquire("sub", false, List.of(), null).rejection);
        Throttler.Decision refused = t.acquire("sub", false, List.of(), null);
        assertEquals("2", refused.rejection.headers.get("Retry-After"));
        now.set(t0 + 50_000_000L);
        t.acquire("sub", false, List.of(), null);
        assertEquals(0, t.inWindowCount(), "within 100 ms of the 429: may have been sent before it arrived");
        now.set(t0 + 500_000_000L);
        t.acquire("sub", true, List.of(), null);
        assertEquals(0, t.inWindowCount(), "a write does not draw from the read bucket");
        t.acquire("sub", false, List.of(), null);
        assertEquals(1, t.inWindowCount(), "a read 0.5 s after a 429 with Retry-After 2");
        now.set(t0 + 2_500_000_000L);
        assertNull(t.acquire("sub", false, List.of(), null).rejection);
        assertEquals(1, t.inWindowCount(), "2.5 s after: the window has closed");

        assertNull(t.acquire("sub", true, start, "vm1").rejection);
        assertEquals(429, t.acquire("sub", true, start, "vm1").rejection.status);
        now.addAndGet(1_000_000_000L);
        assertNull(t.acquire("sub", true, start, "vm2").rejection, "another VM's bucket");
        t.acquire("sub", true, start, "vm1");
        assertEquals(2, t.inWindowCount());
        assertEquals(Map.of("armReads", 1L, "startPerVm", 1L), t.inWindowByPolicy());
    }

    @Test
    void theInWindowCountIsExposedByTheEmulatorAndItsAdminApi() throws Exception {
        ThrottleSettings s = ThrottleSettings.none().with("armReads=1+0.5/s");
        try (ArmEmulator emu = ArmEmulator.builder().vm(VmSpec.of("azc1")).throttle(s).start()) {
            EmuClient c = new EmuClient(emu);
            c.token();
            assertEquals(200, c.get(c.vmPath("azc1") + API).status());
            EmuClient.Resp refused = c.get(c.vmPath("azc1") + API);
            assertEquals(429, refused.status());
            assertEquals("2", refused.header("Retry-After"));

            Thread.sleep(500);
            assertEquals(429, c.get(c.vmPath("azc1") + API).status(), "too early, and counted");
            assertEquals(1, emu.inThrottleWindowCount());
            Thread.sleep(Duration.ofMillis(2300).toMillis());
            assertEquals(200, c.get(c.vmPath("azc1") + API).status());

            assertEquals(1, emu.inThrottleWindowCount());
            assertEquals(Map.of("armReads", 1L), emu.inThrottleWindowByBucket());
            JsonNode stats = c.admin("GET", "stats", null).json();
            assertEquals(1, stats.get("inThrottleWindow").asInt());
            assertEquals(1, stats.path("inThrottleWindowByBucket").path("armReads").asInt());
            assertTrue(ArmEmulatorMain.summary(emu).contains("2 throttled (429), 1 inside a 429 window "
                    + "{armReads=1}"), ArmEmulatorMain.summary(emu));
        }
    }
}
