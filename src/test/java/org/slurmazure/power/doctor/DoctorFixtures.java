package org.slurmazure.power.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;

import org.slurmazure.power.config.Config;
import org.slurmazure.power.config.ConfigLoader;
import org.slurmazure.power.config.FileInfo;
import org.slurmazure.power.slurm.SlurmSnapshot;

/** A cluster as the doctor rules see it: a configuration, and slurmctld's answers, both set up to pass. */
final class DoctorFixtures {
    static final String CONFIG = """
            azure:
              subscriptionId: 11111111-2222-3333-4444-555555555555
              credential: { type: managed-identity }
            cluster:
              tag: { name: slurm-cluster, value: hpc1 }
            nodeGroups:
              - nodes: "azc[001-004]"
                resourceGroup: hpc1-burst
            """;

    /** scontrol show config of a cluster set up as etc/slurm.conf.example says (Slurm 23.11). */
    static final String SHOW_CONFIG = """
            Configuration data as of 2026-12-06T10:00:00
            AccountingStorageHost   = (null)
            PrivateData             = cloud
            ReconfigFlags           = KeepPowerSaveSettings
            ResumeFailProgram       = /usr/libexec/slurm-azure-power/resume-fail
            ResumeProgram           = /usr/libexec/slurm-azure-power/resume
            ResumeRate              = 300 nodes/min
            ResumeTimeout           = 600 sec
            ReturnToService         = 2
            SlurmUser               = slurm(64030)
            SlurmctldParameters     = idle_on_node_suspend
            SlurmdPort              = 6818
            SLURM_VERSION           = 23.11.4
            SuspendExcNodes         = (null)
            SuspendExcParts         = onprem
            SuspendExcStates        = (null)
            SuspendProgram          = /usr/libexec/slurm-azure-power/suspend
            SuspendRate             = 300 nodes/min
            SuspendTime             = NONE
            SuspendTimeout          = 180 sec
            TreeWidth               = 65533
            """;

    static final String SHOW_PARTITION = """
            PartitionName=burst AllowGroups=ALL Default=NO Nodes=azc[001-004] ResumeTimeout=600 SuspendTimeout=180 \
            SuspendTime=600 State=UP
            PartitionName=onprem AllowGroups=ALL Default=YES Nodes=on[1-2] ResumeTimeout=GLOBAL \
            SuspendTimeout=GLOBAL SuspendTime=GLOBAL State=UP
            """;

    static final String SHOW_NODE = """
            NodeName=azc001 Arch=x86_64 CoresPerSocket=1 State=IDLE+CLOUD+POWERED_DOWN NodeAddr=azc001 Partitions=burst
            NodeName=azc002 Arch=x86_64 CoresPerSocket=1 State=IDLE+CLOUD+POWERED_DOWN NodeAddr=azc002 Partitions=burst
            NodeName=azc003 Arch=x86_64 CoresPerSocket=1 State=IDLE+CLOUD NodeAddr=10.1.0.6 Partitions=burst
            NodeName=azc004 Arch=x86_64 State=DOWN+CLOUD+POWERED_DOWN Partitions=burst Reason=azure: capacity: x=y [slurm@2026-12-06T08:00:00]
            NodeName=on1 Arch=x86_64 CoresPerSocket=8 State=IDLE NodeAddr=on1 Partitions=onprem
            NodeName=on2 Arch=x86_64 CoresPerSocket=8 State=ALLOCATED NodeAddr=on2 Partitions=onprem
            """;

    private DoctorFixtures() {}

    static Config config(String yaml) {
        return ConfigLoader.check(Path.of("/etc/slurm/azure-power.yaml"), yaml, FileInfo::missing)
                .config()
                .orElseThrow();
    }

    static Config config() {
        return config(CONFIG);
    }

    static SlurmView slurm(String config, String partitions, String nodes) {
        return SlurmView.parse(new SlurmSnapshot(config, partitions, nodes));
    }

    static SlurmView slurm() {
        return slurm(SHOW_CONFIG, SHOW_PARTITION, SHOW_NODE);
    }

    /** The one check of that name (fails the test when there are none or several). */
    static Check only(List<Check> checks, String name) {
        List<Check> found = checks.stream().filter(c -> c.name().equals(name)).toList();
        assertEquals(1, found.size(), () -> name + " in " + checks);
        return found.get(0);
    }

    static List<Check> named(List<Check> checks, String name) {
        return checks.stream().filter(c -> c.name().equals(name)).toList();
    }
}
