package org.slurmazure.power.doctor;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.slurmazure.power.config.Config;
import org.slurmazure.power.slurm.SlurmLimits;

/**
 * The Slurm side: which slurmctld and who runs the check, the three programs slurm.conf names
 * ({@link ProgramChecks}), the cloud nodes and the node groups ({@link CloudNodeChecks}), when nodes are powered down
 * and which are kept up ({@link PowerDownChecks}), the timeouts against the programs' deadlines
 * ({@link TimeoutChecks}), and the other settings of the power-saving block of {@code etc/slurm.conf.example}
 * ({@link SlurmSettingChecks}). Pure.
 */
public final class SlurmChecks {
    private SlurmChecks() {}

    /**
     * Every Slurm check, in the report's order.
     *
     * @param user     the user running the check
     * @param programs what is at the three programs' paths, in {@link ProgramFile#KEYS} order
     */
    public static List<Check> check(Config config, SlurmView slurm, String user, List<ProgramFile> programs) {
        List<Check> checks = new ArrayList<>();
        checks.add(version(slurm.limits()));
        checks.add(user(slurm, user));
        programs.forEach(
                p -> checks.add(ProgramChecks.check(p, slurm.slurmUser().orElse("SlurmUser"))));
        Set<String> groupNodes = SlurmTopic.groupNodes(config);
        checks.addAll(new CloudNodeChecks(config, slurm, groupNodes).check());
        checks.addAll(new PowerDownChecks(config, slurm, groupNodes).check());
        checks.addAll(new TimeoutChecks(config, slurm, groupNodes).check());
        checks.addAll(new SlurmSettingChecks(config, slurm, groupNodes).check());
        return checks;
    }

    /** The one check made when slurmctld's configuration cannot be read. */
    public static Check unreadable(String error) {
        return Check.fail(
                Area.SLURM,
                "scontrol",
                "cannot read slurmctld's configuration: " + error + "; the Slurm checks were not made",
                "check slurm.scontrol in azure-power.yaml and that slurmctld answers (scontrol ping)");
    }

    private static Check version(SlurmLimits limits) {
        if (limits.version() == null) {
            return Check.warn(
                    Area.SLURM,
                    "version",
                    "scontrol show config names no SLURM_VERSION: the checks of Slurm 23.02+ assume an older Slurm",
                    "run doctor with the scontrol of the slurmctld host");
        }
        return Check.pass(Area.SLURM, "version", "slurmctld " + limits.version());
    }

    private static Check user(SlurmView slurm, String user) {
        Optional<String> slurmUser = slurm.slurmUser();
        if (slurmUser.isEmpty()) {
            return Check.warn(
                    Area.SLURM,
                    "user",
                    "running as " + user + "; scontrol show config names no SlurmUser to compare with",
                    "run doctor as the user slurmctld runs the programs as");
        }
        if (!slurmUser.get().equals(user)) {
            return Check.warn(
                    Area.SLURM,
                    "user",
                    "running as " + user + ", not as SlurmUser " + slurmUser.get()
                            + ": files, the credential and scontrol were used as " + user
                            + ", and may behave differently for " + slurmUser.get(),
                    "run it as SlurmUser: sudo -u " + slurmUser.get() + " slurm-azure-power doctor");
        }
        return Check.pass(Area.SLURM, "user", "running as " + user + ", the SlurmUser");
    }
}
