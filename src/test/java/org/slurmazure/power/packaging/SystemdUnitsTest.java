package org.slurmazure.power.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.slurmazure.power.config.ReconcileSettings;
import org.slurmazure.power.testing.Cmd;

/** The reconcile units in systemd/: what systemd itself says of them, and the settings the design relies on. */
class SystemdUnitsTest {
    static final Path SERVICE = Path.of("systemd/slurm-azure-power-reconcile.service");
    static final Path TIMER = Path.of("systemd/slurm-azure-power-reconcile.timer");
    static final String NOT_INSTALLED = "Command /usr/bin/slurm-azure-power is not executable";

    @Test
    void systemdAnalyzeVerifyFindsNothingButTheProgramNotInstalledHere() {
        Path analyze = Path.of("/usr/bin/systemd-analyze");
        Assumptions.assumeTrue(Files.isExecutable(analyze), "systemd-analyze is not installed: the units are not "
                + "verified here (apt-get install systemd)");

        Cmd.Result r = Cmd.of(List.of(analyze.toString(), "verify", "--man=no", SERVICE.toAbsolutePath().toString(),
                        TIMER.toAbsolutePath().toString()))
                .env("PATH", "/usr/bin:/bin")
                .timeout(Duration.ofSeconds(60))
                .run();

        List<String> complaints = (r.out() + r.err()).lines()
                .filter(l -> !l.isBlank())
                .filter(l -> !(l.contains(NOT_INSTALLED) && !Files.exists(Path.of("/usr/bin/slurm-azure-power"))))
                .toList();
        assertEquals(List.of(), complaints);
    }

    @Test
    void aOneshotPassAsSlurmUserHardenedEveryMinuteWithinItsTimeout() throws IOException {
        String service = Files.readString(SERVICE, StandardCharsets.UTF_8);
        String timer = Files.readString(TIMER, StandardCharsets.UTF_8);

        for (String line : List.of("Type=oneshot", "User=slurm", "ExecStart=/usr/bin/slurm-azure-power reconcile",
                "Environment=SLURM_CONF=/etc/slurm/slurm.conf", "ConditionPathExists=/etc/slurm/azure-power.yaml",
                "NoNewPrivileges=yes", "ProtectSystem=strict", "PrivateTmp=yes", "ProtectHome=yes",
                "ReadWritePaths=/var/lib/slurm-azure-power /var/log/slurm", "CapabilityBoundingSet=")) {
            assertTrue(service.lines().anyMatch(line::equals), "missing from the service: " + line);
        }
        for (String line : List.of("OnCalendar=minutely", "Persistent=yes", "WantedBy=timers.target")) {
            assertTrue(timer.lines().anyMatch(line::equals), "missing from the timer: " + line);
        }
        // The pass's own deadline ends well before systemd's timeout and the next tick.
        assertTrue(ReconcileSettings.DEFAULT_DEADLINE.compareTo(Duration.ofSeconds(60)) < 0);
        assertTrue(service.contains("TimeoutStartSec=90"));
    }
}
