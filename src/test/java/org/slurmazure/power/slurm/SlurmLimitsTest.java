package org.slurmazure.power.slurm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class SlurmLimitsTest {
    static final String CONFIG_2411 = """
            Configuration data as of 2026-12-06T08:00:00
            AccountingStorageBackupHost = (null)
            ResumeFailProgram       = /usr/libexec/slurm-azure-power/resume-fail
            ResumeProgram           = /usr/libexec/slurm-azure-power/resume
            ResumeRate              = 300 nodes/min
            ResumeTimeout           = 600 sec
            SLURM_VERSION           = 24.11.5
            SuspendTimeout          = 120 sec
            """;

    @Test
    void readsTheVersionAndTheGlobalTimeouts() {
        SlurmLimits l = SlurmLimits.parse(CONFIG_2411, null);

        assertEquals("24.11.5", l.version());
        assertEquals(Duration.ofSeconds(600), l.resumeTimeout());
        assertEquals(Duration.ofSeconds(120), l.suspendTimeout());
        assertEquals(Optional.of(Duration.ofSeconds(600)), l.killTimer());
    }

    @Test
    void partitionsCountTowardsTheKillTimerAndTheShortestResumeTimeout() {
        String partitions = "PartitionName=burst AllowGroups=ALL ResumeTimeout=1800 SuspendTimeout=GLOBAL\n"
                + "PartitionName=quick ResumeTimeout=300 SuspendTime=GLOBAL\n"
                + "PartitionName=local ResumeTimeout=GLOBAL\n";

        SlurmLimits l = SlurmLimits.parse(CONFIG_2411, partitions);

        assertEquals(Optional.of(Duration.ofSeconds(1800)), l.killTimer());
        assertEquals(Optional.of(Duration.ofSeconds(300)), l.shortestResumeTimeout());
    }

    @Test
    void slurm2205HasNoKillTimer() {
        SlurmLimits l = SlurmLimits.parse(CONFIG_2411.replace("24.11.5", "22.05.8"), null);

        assertFalse(l.hasKillTimer());
        assertEquals(Optional.empty(), l.killTimer());
        assertEquals(Optional.of(Duration.ofSeconds(600)), l.shortestResumeTimeout());
    }

    @Test
    void versionsCompareByMajorAndMinor() {
        SlurmLimits l = SlurmLimits.parse("SLURM_VERSION = 23.02.0\n", null);

        assertTrue(l.atLeast(23, 2));
        assertFalse(l.atLeast(23, 11));
        assertTrue(SlurmLimits.parse("SLURM_VERSION = 26.05.5\n", null).atLeast(23, 11));
        assertFalse(SlurmLimits.parse("", null).atLeast(1, 0));
    }

    @Test
    void anInfiniteResumeTimeoutMakesTheKillTimerInfiniteToo() {
        // 25.05+: max(ResumeTimeout, SuspendTimeout) with INFINITE stored as 65534 s: no kill in practice, so the
        // SuspendTimeout alone must not be taken for the kill timer (it would cut every resume to 162 s)
        SlurmLimits l = SlurmLimits.parse(
                "SLURM_VERSION = 25.05.1\nResumeTimeout = INFINITE\nSuspendTimeout = 180 sec\n", null);

        assertTrue(l.resumeTimeoutInfinite());
        assertEquals(Optional.of(SlurmLimits.INFINITE), l.killTimer());
        assertEquals(Optional.empty(), l.shortestResumeTimeout(), "Slurm never fails such a node");
        assertEquals(Optional.of(Duration.ofSeconds(65534)), l.killTimer());
    }

    @Test
    void aPartitionsInfiniteResumeTimeoutCountsForThatPartitionOnly() {
        SlurmLimits l = SlurmLimits.parse("SLURM_VERSION = 25.05.1\nResumeTimeout = 600 sec\n",
                "PartitionName=gpu ResumeTimeout=INFINITE\nPartitionName=cpu ResumeTimeout=300\n");

        assertTrue(l.resumeTimeoutInfinite());
        assertEquals(Optional.of(Duration.ofSeconds(300)), l.shortestResumeTimeout());
    }

    @Test
    void missingValuesAreUnknown() {
        SlurmLimits l = SlurmLimits.parse("SLURM_VERSION = 25.05.1\nResumeTimeout = GLOBAL\n", null);

        assertEquals(null, l.resumeTimeout());
        assertEquals(Optional.empty(), l.killTimer());
        assertFalse(l.resumeTimeoutInfinite());
    }
}
