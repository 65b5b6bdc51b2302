package org.slurmazure.power.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VmSpecsTest {

    @Test
    void nameRangesExpandWithTheWidthOfTheLowBound() {
        assertEquals(List.of("azc001", "azc002", "azc003", "azc007"), VmSpecs.expandNames("azc[001-003,007]"));
        assertEquals(List.of("c9", "c10"), VmSpecs.expandNames("c[9-10]"));
        assertEquals(List.of("c098", "c099", "c100"), VmSpecs.expandNames("c[098-100]"));
        assertEquals(List.of("a1", "b2", "b3", "gpu1-ib"), VmSpecs.expandNames("a1,b[2-3] gpu[1]-ib"));
        assertEquals(List.of("r1n1", "r1n2", "r2n1", "r2n2"), VmSpecs.expandNames("r[1-2]n[1-2]"));
    }

    @Test
    void invalidRangesAreRefused() {
        for (String bad : List.of("c[3-1]", "c[a-c]", "c[]", "c[1-3", "c1-3]", "c[1--3]", "", "c[0-200000]")) {
            assertThrows(IllegalArgumentException.class, () -> VmSpecs.expandNames(bad), bad);
        }
    }

    @Test
    void aYamlFileWithDefaultsAndRangesLoads(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("vms.yaml");
        Files.writeString(f, """
                defaults:
                  resourceGroup: hpc1-burst
                  tags: {slurm-cluster: hpc1}
                vms:
                  - name: azc[001-003]
                    privateIp: 10.1.0.10
                    lroDuration: 45s
                  - name: gpu1
                    vmSize: Standard_NC24ads_A100_v4
                    startFailure: AllocationFailed
                    powerState: running
                    location: eastus
                  - name: gone
                    missing: true
                    deallocateHangs: "true"
                """);

        List<VmSpec> specs = VmSpecs.load(f);

        assertEquals(5, specs.size());
        VmSpec third = specs.get(2);
        assertEquals("azc003", third.name());
        assertEquals("hpc1-burst", third.resourceGroup());
        assertEquals("hpc1", third.tags().get("slurm-cluster"));
        assertEquals("10.1.0.12", third.privateIp());
        assertEquals(Duration.ofSeconds(45), third.lroDuration());
        VmSpec gpu = specs.get(3);
        assertEquals("AllocationFailed", gpu.startFailure());
        assertEquals(PowerState.RUNNING, gpu.powerState());
        assertEquals("eastus", gpu.location());
        assertNull(gpu.privateIp());
        assertTrue(specs.get(4).missing());
        assertTrue(specs.get(4).deallocateHangs());
        assertFalse(specs.get(4).startHangs());
    }

    @Test
    void theExampleSpecFileLoads() throws Exception {
        Path example = Path.of(VmSpecsTest.class.getResource("/emulator/example-vms.yaml").toURI());

        List<VmSpec> specs = VmSpecs.load(example);

        assertEquals(111, specs.size());
        assertEquals("hpc1-gpu01", specs.get(100).name());
        assertEquals(Duration.ofSeconds(45), specs.get(0).lroDuration());
        VmSpec untagged = specs.get(110);
        assertEquals("azc103", untagged.name());
        assertTrue(untagged.tags().isEmpty(), "an entry's tags replace the default tags");
        assertEquals(PowerState.RUNNING, untagged.powerState());
    }

    @Test
    void aJsonListLoadsAndWhatIsWrittenReadsBack(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("vms.json");
        Files.writeString(f, "[{\"name\":\"azc1\",\"tags\":{\"a\":\"b\"},\"lroDuration\":1500,\"startHangs\":true}]");
        List<VmSpec> specs = new ArrayList<>(VmSpecs.load(f));
        specs.get(0).subscriptionId("s").resourceGroup("rg").location("westeurope");
        VmSpecs.assignPrivateIps(specs);

        Path back = dir.resolve("back.json");
        Files.writeString(back, VmSpecs.toJson(specs));
        VmSpec again = VmSpecs.load(back).get(0);

        assertEquals("azc1", again.name());
        assertEquals(Duration.ofMillis(1500), again.lroDuration());
        assertTrue(again.startHangs());
        assertEquals("10.1.0.4", again.privateIp());
        assertEquals("b", again.tags().get("a"));
        assertEquals("rg", again.resourceGroup());
    }

    @Test
    void failureCountsLoadAndAreWrittenBack(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("vms.yaml");
        Files.writeString(f, """
                defaults: {startFailure: InternalExecutionError, startFailureTimes: 1}
                vms:
                  - {name: 'azc[1-2]'}
                  - {name: azc3, deallocateFailure: InternalExecutionError, deallocateFailureTimes: "2",
                     startFailure: AllocationFailed, startFailureTimes: -1}
                """);

        List<VmSpec> specs = new ArrayList<>(VmSpecs.load(f));
        specs.forEach(s -> s.subscriptionId("s").resourceGroup("rg").location("westeurope"));
        VmSpecs.assignPrivateIps(specs);
        Path back = dir.resolve("back.json");
        Files.writeString(back, VmSpecs.toJson(specs));
        List<VmSpec> again = VmSpecs.load(back);

        for (List<VmSpec> l : List.of(specs, again)) {
            assertEquals("InternalExecutionError", l.get(1).startFailure());
            assertEquals(1, l.get(1).startFailureTimes());
            assertEquals(FaultRule.ALWAYS, l.get(2).startFailureTimes());
            assertEquals(2, l.get(2).deallocateFailureTimes());
        }
        Files.writeString(f, "[{\"name\":\"azc1\",\"startFailure\":\"X\",\"startFailureTimes\":0}]");
        assertThrows(IllegalArgumentException.class, () -> VmSpecs.load(f));
        Files.writeString(f, "[{\"name\":\"azc1\",\"startFailure\":\"X\",\"startFailureTimes\":\"once\"}]");
        assertThrows(IllegalArgumentException.class, () -> VmSpecs.load(f));
    }

    @Test
    void unknownFieldsAndBadValuesAreReportedWithTheEntry(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("vms.json");
        Files.writeString(f, "[{\"name\":\"ok\"},{\"name\":\"azc2\",\"startHang\":true}]");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> VmSpecs.load(f));
        assertTrue(e.getMessage().contains("VM #2: unknown field 'startHang'"), e.getMessage());

        Files.writeString(f, "[{\"name\":\"azc1\",\"powerState\":\"starting\"}]");
        assertThrows(IllegalArgumentException.class, () -> VmSpecs.load(f));
        Files.writeString(f, "[{\"name\":\"azc1\",\"privateIp\":\"10.1.0.300\"}]");
        assertThrows(IllegalArgumentException.class, () -> VmSpecs.load(f));
        Files.writeString(f, "{\"machines\":[]}");
        assertThrows(IllegalArgumentException.class, () -> VmSpecs.load(f));
    }

    @Test
    void privateIpsSkipTheExplicitOnesAndDuplicatesAreRefused() {
        List<VmSpec> specs = List.of(VmSpec.of("a"), VmSpec.of("b").privateIp("10.1.0.5"), VmSpec.of("c"));
        VmSpecs.assignPrivateIps(specs);
        assertEquals(List.of("10.1.0.4", "10.1.0.5", "10.1.0.6"), specs.stream().map(VmSpec::privateIp).toList());

        assertThrows(IllegalArgumentException.class, () -> VmSpecs.assignPrivateIps(
                List.of(VmSpec.of("a").privateIp("10.1.0.9"), VmSpec.of("b").privateIp("10.1.0.9"))));
    }

    @Test
    void durationsNeedAUnit() {
        assertEquals(Duration.ofMillis(100), Durations.parse("100ms"));
        assertEquals(Duration.ofSeconds(20), Durations.parse("20s"));
        assertEquals(Duration.ofMinutes(2), Durations.parse("2m"));
        assertEquals(Duration.ofMillis(1500), Durations.parse("1.5s"));
        assertEquals(Duration.ZERO, Durations.parse("0"));
        assertThrows(IllegalArgumentException.class, () -> Durations.parse("20"));
        assertThrows(IllegalArgumentException.class, () -> Durations.parse("soon"));
        assertEquals("300ms", Durations.format(Duration.ofMillis(300)));
        assertEquals("20s", Durations.format(Duration.ofSeconds(20)));
    }

    @Test
    void theQuotaFamilyIsDerivedFromTheSize() {
        assertEquals("standardNCADSA100v4Family", FailureMessages.family("Standard_NC24ads_A100_v4"));
        assertEquals("standardDSv5Family", FailureMessages.family("Standard_D4s_v5"));
        assertEquals(24, FailureMessages.cores("Standard_NC24ads_A100_v4"));
    }
}
