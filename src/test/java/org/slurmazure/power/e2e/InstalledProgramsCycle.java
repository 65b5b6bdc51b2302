package org.slurmazure.power.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.slurmazure.power.emulator.PowerState;

/**
 * The end-to-end harness pointed at an installed package: a real slurmctld whose ResumeProgram, SuspendProgram and
 * ResumeFailProgram are {@code /usr/libexec/slurm-azure-power/{resume,suspend,resume-fail}}, run as SlurmUser with
 * slurmctld's environment, reading {@code azure-power.yaml} beside {@code $SLURM_CONF} and the installed
 * {@code /etc/slurm/azure-power.jvm}. Called by {@code PackagesIT} while the DEB is installed. azc001 and azc002
 * run a job and are suspended after SuspendTime; azc003's VM starts but never boots, so ResumeFailProgram
 * deallocates it after ResumeTimeout.
 */
public final class InstalledProgramsCycle {
    private static final int RESUME_TIMEOUT = 25;
    private static final int SUSPEND_TIME = 10;
    private static final int SUSPEND_TIMEOUT = 10;

    private InstalledProgramsCycle() {
    }

    /** Null when a real Slurm lab can run here (installing Debian's Slurm if needed), else why not. */
    public static String prerequisites() {
        return Prerequisites.ensure(line -> System.out.println("[installed-e2e] " + line));
    }

    /** Runs the cycle with the programs in {@code libexec}; the logs end in {@code logsTo}. Throws on a failure. */
    public static void run(Path libexec, Path logsTo) throws Exception {
        Timeline timeline = new Timeline("installed-e2e", System.out);
        PowerLab.Spec spec = new PowerLab.Spec();
        spec.installedPrograms = libexec;
        spec.slurm.cluster = "pkg";
        spec.slurm.resumeTimeout = RESUME_TIMEOUT;
        spec.slurm.suspendTime = SUSPEND_TIME;
        spec.slurm.suspendTimeout = SUSPEND_TIMEOUT;
        for (String n : List.of("azc001", "azc002", "azc003")) {
            spec.slurm.node(n, 10);
        }
        spec.neverBoots.add("azc003");
        spec.logsTo = logsTo;
        try (PowerLab lab = PowerLab.start(spec, timeline)) {
            SlurmLab slurm = lab.slurm();
            long job = slurm.sbatch("--partition=cloud", "--nodes=2", "--nodelist=azc[001-002]", "--job-name=pkg",
                    "--wrap=srun --nodes=2 printenv SLURMD_NODENAME");
            long noboot = slurm.sbatch("--partition=cloud", "--nodes=1", "--nodelist=azc003", "--no-requeue",
                    "--job-name=noboot", "--wrap=true");
            timeline.log("submitted job " + job + " to azc[001-002] and job " + noboot + " to azc003");

            // The job runs on both nodes, which the installed ResumeProgram started as slurm.
            JobView done = Waits.until("job " + job, Duration.ofSeconds(90), () -> slurm.job(job), JobView::finished);
            timeline.log(done.summary());
            assertEquals("COMPLETED", done.state(), () -> done.raw() + story(lab, "azc001") + story(lab, "azc002"));
            PowerSaveLog.Run resume = lab.powerLog().runsFor("Resume", "azc001").get(0);
            assertEquals("slurm", resume.user(), () -> "invoked by " + resume.entries().get(0));
            assertTrue(resume.program().equals(libexec.resolve("resume").toString()), resume.program());
            assertTrue(resume.find("resume file /proc/").isPresent(), () -> "no resume file line: " + resume.entries());
            for (String n : List.of("azc001", "azc002")) {
                PowerSaveLog.NodeLine line = resume.node(n).orElseThrow(() -> new AssertionError(story(lab, n)));
                assertTrue(line.ok(), line::text);
                assertEquals(lab.emulator().vm(n).privateIp(), line.get("ip"), line::text);
                assertEquals(List.of(Long.toString(job)), line.jobs(), line::text);
            }

            // After SuspendTime idle the installed SuspendProgram deallocates them.
            for (String n : List.of("azc001", "azc002")) {
                Waits.until(n + " idle~", Duration.ofSeconds(SUSPEND_TIME + SUSPEND_TIMEOUT + 30),
                        Duration.ofMillis(500), () -> slurm.node(n), NodeView::poweredDownIdle);
                PowerSaveLog.Run suspend = lab.powerLog().runsFor("Suspend", n).get(0);
                assertTrue(suspend.program().equals(libexec.resolve("suspend").toString()), suspend.program());
                PowerSaveLog.NodeLine line = suspend.node(n).orElseThrow();
                assertEquals("running->deallocated", line.get("state"), line::text);
                assertEquals(PowerState.DEALLOCATED, lab.emulator().vm(n).powerState(), n);
            }

            // azc003 never registers: after ResumeTimeout the installed ResumeFailProgram deallocates it.
            Waits.until("azc003 idle~ after resume-fail", Duration.ofSeconds(RESUME_TIMEOUT + 40),
                    Duration.ofMillis(500), () -> slurm.node("azc003"), NodeView::poweredDownIdle);
            PowerSaveLog.Run resumeFail = lab.powerLog().runsFor("ResumeFail", "azc003").get(0);
            assertTrue(resumeFail.program().equals(libexec.resolve("resume-fail").toString()), resumeFail.program());
            PowerSaveLog.NodeLine failLine = resumeFail.node("azc003").orElseThrow();
            assertTrue(failLine.ok(), failLine::text);
            assertEquals("running->deallocated", failLine.get("state"), failLine::text);
            assertEquals(PowerState.DEALLOCATED, lab.emulator().vm("azc003").powerState());
            assertFalse(slurm.nodeRunning("azc003"));
            timeline.log("installed programs: resume, suspend and resume-fail ran from slurmctld");
        }
    }

    private static String story(PowerLab lab, String node) {
        return "\n  power_save.log for " + node + ":" + lab.powerLog().storyOf(node) + "\n  slurm: "
                + lab.slurm().node(node).raw() + "\n  emulator: " + lab.emulator().vm(node).powerState();
    }
}
