package org.slurmazure.power.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.slurmazure.power.config.Config;

/** The network rules: slurmd's port on running VMs, and name resolution when NodeAddr is not set. */
class NetworkChecksTest {
    private static final Duration T = Duration.ofSeconds(3);

    private static NetworkFacts.Reach ok(String node) {
        return new NetworkFacts.Reach(node, "10.1.0.4", Duration.ofMillis(12), "");
    }

    @Test
    void slurmdAnsweringOnEveryVmTriedPassesAndSaysHowManyWereTried() {
        Check all = NetworkChecks.slurmd(new NetworkFacts(6818, T, 2, 0, List.of(ok("azc001"), ok("azc002")), List.of()));
        Check sample = NetworkChecks.slurmd(new NetworkFacts(6818, T, 9, 0, List.of(ok("azc001")), List.of()));

        assertEquals(Status.PASS, all.status());
        assertEquals("slurmd's port 6818 answers on 2 running VMs (azc[001-002]), within 12 ms", all.message());
        assertTrue(sample.message().contains("on 1 of 9 running VMs (--all for all)"), sample::toString);
    }

    @Test
    void vmsWhosePowerStateWasNotReadAreCounted() {
        Check c = NetworkChecks.slurmd(new NetworkFacts(6818, T, 1, 17, List.of(ok("azc001")), List.of()));

        assertEquals(Status.PASS, c.status());
        assertTrue(c.message().endsWith("(the power states of 17 VMs were not read: the role cannot list them; --all "
                + "reads each)"), c::toString);
    }

    @Test
    void anUnreachableVmFailsWithItsAddressAndTheError() {
        Check c = NetworkChecks.slurmd(new NetworkFacts(6818, T, 2, 0, List.of(ok("azc001"),
                new NetworkFacts.Reach("azc002", "10.1.0.5", T, "connect timed out")), List.of()));

        assertEquals(Status.FAIL, c.status());
        assertTrue(c.message().startsWith("no TCP connection to slurmd's port 6818 within 3 s on 1 of 2 running VMs: "
                + "azc002 (10.1.0.5: connect timed out)"), c::toString);
        assertTrue(c.advice().contains("TCP 6818"), c::toString);
    }

    @Test
    void noRunningVmIsAWarningThatSaysHowToTest() {
        Check c = NetworkChecks.slurmd(new NetworkFacts(6818, T, 0, 0, List.of(), List.of()));

        assertEquals(Status.WARN, c.status());
        assertTrue(c.advice().contains("state=power_up"), c::toString);
    }

    @Test
    void namesMustResolveToTheVmsWhenTheResumeProgramDoesNotSetNodeAddr() {
        Config noAddr = DoctorFixtures.config(DoctorFixtures.CONFIG + "slurm: { setNodeAddr: false }\n");
        NetworkFacts good = new NetworkFacts(6818, T, 0, 0, List.of(), List.of(
                new NetworkFacts.Name("azc001", "10.1.0.4", List.of("10.1.0.4"), "")));
        NetworkFacts bad = new NetworkFacts(6818, T, 0, 0, List.of(), List.of(
                new NetworkFacts.Name("azc001", "10.1.0.4", List.of("10.9.9.9"), ""),
                new NetworkFacts.Name("azc002", "10.1.0.5", List.of(), "unknown host")));

        assertEquals(Status.PASS, NetworkChecks.names(noAddr, good).status());
        Check c = NetworkChecks.names(noAddr, bad);
        assertEquals(Status.FAIL, c.status());
        assertTrue(c.message().startsWith("2 of 2 node names do not resolve to their VM's private IP: azc001 -> "
                + "10.9.9.9, VM 10.1.0.4; azc002 -> nothing (unknown host), VM 10.1.0.5"), c::toString);
        assertEquals(Status.PASS, NetworkChecks.names(DoctorFixtures.config(), bad).status(), "NodeAddr is set");
    }
}
