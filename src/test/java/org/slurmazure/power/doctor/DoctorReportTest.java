package org.slurmazure.power.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The report: one line per check, the worst status, the summary, and no secret in any line. */
class DoctorReportTest {
    @Test
    void oneLinePerCheckThenTheSummaryAndTheWorstStatus() {
        DoctorReport r = new DoctorReport(List.of(
                Check.pass(Area.SLURM, "version", "slurmctld 23.11.4"),
                Check.warn(Area.SLURM, "TreeWidth", "TreeWidth=50 is below the 100 cloud nodes", "set TreeWidth=65533"),
                Check.fail(Area.AZURE, "role hpc1-burst", "no role", "assign one")));

        assertEquals(List.of(
                "PASS  slurm   version                 slurmctld 23.11.4",
                "WARN  slurm   TreeWidth               TreeWidth=50 is below the 100 cloud nodes -> set TreeWidth=65533",
                "FAIL  azure   role hpc1-burst         no role -> assign one",
                "",
                "3 checks: 1 passed, 1 warning, 1 failure"), r.lines());
        assertEquals(Status.FAIL, r.worst());
        assertEquals(Status.PASS, new DoctorReport(List.of()).worst());
        assertEquals(Status.WARN, new DoctorReport(r.checks().subList(0, 2)).worst());
    }

    @Test
    void aSecretInAMessageIsMaskedAndLinesStayOneLine() {
        Check c = Check.fail(Area.AZURE, "token", "failed: client_secret=hunter2\nsecond line",
                "see https://user:pw@proxy:3128");

        assertEquals("failed: client_secret=**** second line", c.message());
        assertEquals("see https://user:****@proxy:3128", c.advice());
    }
}
