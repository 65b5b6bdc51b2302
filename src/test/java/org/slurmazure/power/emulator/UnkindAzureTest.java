package org.slurmazure.power.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Azure's unkind ways: failures that a retry gets past, the Location URL of failed operations. */
class UnkindAzureTest {
    private static final String API = "?api-version=2025-04-01";
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String INTERNAL = "InternalExecutionError";

    @Test
    void anInternalExecutionErrorForTheFirstStartsSucceedsWhenRetried() throws Exception {
        try (ArmEmulator emu = ArmEmulator.builder()
                .vm(VmSpec.of("flaky1").startFailure(INTERNAL, 2))
                .lroDuration(Duration.ofMillis(50)).start()) {
            EmuClient c = new EmuClient(emu);

            JsonNode first = c.pollUntilDone(c.post(c.vmPath("flaky1") + "/start" + API)
                    .header("Azure-AsyncOperation"), WAIT).json();
            assertEquals(1, c.admin("GET", "vms/flaky1", null).json().get("startFailureTimes").asInt());
            JsonNode second = c.pollUntilDone(c.post(c.vmPath("flaky1") + "/start" + API)
                    .header("Azure-AsyncOperation"), WAIT).json();
            JsonNode third = c.pollUntilDone(c.post(c.vmPath("flaky1") + "/start" + API)
                    .header("Azure-AsyncOperation"), WAIT).json();

            assertEquals("Failed", first.get("status").asText());
            assertEquals(INTERNAL, first.path("error").path("code").asText());
            assertEquals("An internal execution error occurred. Please retry later.",
                    first.path("error").path("message").asText());
            assertEquals("Failed", second.get("status").asText());
            assertEquals("Succeeded", third.get("status").asText());
            assertEquals(PowerState.RUNNING, emu.vm("flaky1").powerState());
            assertEquals(3, emu.vm("flaky1").startCount());
            assertTrue(c.admin("GET", "vms/flaky1", null).json().get("startFailure").isNull(), "used up");
        }
    }

    @Test
    void aDeallocateFailureWithACountIsRetryableToo() throws Exception {
        try (ArmEmulator emu = ArmEmulator.builder().vm(VmSpec.of("azc1").powerState(PowerState.RUNNING))
                .vm(VmSpec.of("azc2").powerState(PowerState.RUNNING))
                .lroDuration(Duration.ofMillis(50)).start()) {
            EmuClient c = new EmuClient(emu);
            emu.vm("azc1").deallocateFailure(INTERNAL, 1);
            assertEquals(200, c.admin("POST", "vms/azc2", "{\"deallocateFailure\":\"" + INTERNAL
                    + "\",\"deallocateFailureTimes\":1}").status());

            for (String vm : new String[] {"azc1", "azc2"}) {
                JsonNode failed = c.pollUntilDone(c.post(c.vmPath(vm) + "/deallocate" + API)
                        .header("Azure-AsyncOperation"), WAIT).json();
                assertEquals(INTERNAL, failed.path("error").path("code").asText(), vm);
                assertEquals(PowerState.RUNNING, emu.vm(vm).powerState(), vm);
                JsonNode retried = c.pollUntilDone(c.post(c.vmPath(vm) + "/deallocate" + API)
                        .header("Azure-AsyncOperation"), WAIT).json();
                assertEquals("Succeeded", retried.get("status").asText(), vm);
                assertEquals(PowerState.DEALLOCATED, emu.vm(vm).powerState(), vm);
            }
            assertEquals(400, c.admin("POST", "vms/azc1", "{\"startFailureTimes\":0}").status());
        }
    }

    @Test
    void theLocationUrlOfAFailedOperationAnswersItsErrorWith500Or409() throws Exception {
        try (ArmEmulator emu = ArmEmulator.builder().vm(VmSpec.of("azc1").startFailure(INTERNAL))
                .vm(VmSpec.of("azc2")).lroDuration(Duration.ofMillis(50)).start()) {
            EmuClient c = new EmuClient(emu);
            EmuClient.Resp internal = c.post(c.vmPath("azc1") + "/start" + API);
            c.pollUntilDone(internal.header("Azure-AsyncOperation"), WAIT);
            emu.lroDuration(Duration.ofSeconds(30));
            EmuClient.Resp preempted = c.post(c.vmPath("azc2") + "/start" + API);
            assertEquals(202, c.post(c.vmPath("azc2") + "/deallocate" + API).status());

            EmuClient.Resp internalMonitor = c.get(internal.header("Location"));
            EmuClient.Resp preemptedMonitor = c.get(preempted.header("Location"));

            assertEquals(500, internalMonitor.status());
            assertEquals(INTERNAL, internalMonitor.errorCode());
            assertEquals("An internal execution error occurred. Please retry later.",
                    internalMonitor.json().path("error").path("message").asText());
            assertEquals(409, preemptedMonitor.status());
            assertEquals("OperationPreempted", preemptedMonitor.errorCode());
            assertEquals("Operation execution has been preempted by a more recent operation.",
                    preemptedMonitor.json().path("error").path("message").asText());
        }
    }
}
