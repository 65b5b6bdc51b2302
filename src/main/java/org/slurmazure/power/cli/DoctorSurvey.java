package org.slurmazure.power.cli;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadFactory;

import org.slurmazure.power.cloud.AccessProbe;
import org.slurmazure.power.cloud.CloudVms;
import org.slurmazure.power.config.Config;
import org.slurmazure.power.doctor.AzureFacts;
import org.slurmazure.power.doctor.NetworkFacts;
import org.slurmazure.power.doctor.ProgramFile;
import org.slurmazure.power.doctor.SlurmView;

/**
 * What {@code doctor} looks at, gathered: the files slurm.conf names as programs ({@link DoctorProgramInspector}),
 * Azure through the project's own boundary ({@link DoctorAzureSurvey}), and the network ({@link DoctorNetworkProbe}:
 * TCP connections, name lookups). Read only, and the only I/O of doctor; the rules that judge it are in the
 * {@code doctor} package.
 */
final class DoctorSurvey {
    /** SlurmdPort when slurmctld does not say. */
    static final int DEFAULT_SLURMD_PORT = 6818;

    private final DoctorAzureSurvey azure;
    private final DoctorNetworkProbe network;

    /**
     * @param all            try every running VM and every node name, not a sample
     * @param sample         how many VMs (and names) to try without {@code all}
     * @param connectTimeout how long a TCP connection (and a name lookup) may take
     */
    DoctorSurvey(Config config, boolean all, int sample, Duration connectTimeout) {
        this.azure = new DoctorAzureSurvey(config, all, sample);
        this.network = new DoctorNetworkProbe(config, all, sample, connectTimeout);
    }

    /** The three programs slurm.conf names, looked at as {@code slurmUser} would run them. */
    List<ProgramFile> programs(SlurmView slurm, String slurmUser, String runningUser) {
        return DoctorProgramInspector.programs(slurm, slurmUser, runningUser);
    }

    /** Every node's VM, the role on each resource group and the quotas of the VMs' regions. */
    AzureFacts azure(AzureFacts.Token token, CloudVms cloud, AccessProbe probe, SlurmView slurm)
            throws InterruptedException {
        return azure.read(token, cloud, probe, slurm);
    }

    /** slurmd's port on a sample of the running VMs (or all), and the node names when NodeAddr is not set. */
    NetworkFacts network(AzureFacts azure, int port) throws InterruptedException {
        return network.probe(azure, port);
    }

    /** slurmd's port: SlurmdPort of slurmctld's configuration, else Slurm's default. */
    static int slurmdPort(SlurmView slurm) {
        if (slurm == null) {
            return DEFAULT_SLURMD_PORT;
        }
        String v = slurm.get("SlurmdPort");
        try {
            return v == null ? DEFAULT_SLURMD_PORT : Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            return DEFAULT_SLURMD_PORT;
        }
    }

    /** Daemon threads for the survey's parallel reads, connections and lookups: none keeps the JVM alive. */
    static ThreadFactory daemonThreads(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
