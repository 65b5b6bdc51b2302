package org.slurmazure.power.cli;

import java.time.Instant;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import org.slurmazure.power.cloud.CloudException;
import org.slurmazure.power.config.Config;
import org.slurmazure.power.reconcile.FleetView;
import org.slurmazure.power.reconcile.StatusReport;
import org.slurmazure.power.slurm.SlurmException;

/** {@code status [HOSTLIST]}: Slurm's view and Azure's of every node, joined, with a verdict; read only. */
@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        description = {
            "Show every node of the node groups as Slurm and Azure see it, with a verdict: ok, orphan (VM running, "
                    + "node powered down), lost (VM deallocated, node up), stopped (VM stopped, still billing), stuck, "
                    + "addr-mismatch, untagged, missing, not-in-slurm; and the tagged VMs that are no node's (stray).",
            "Read only: one scontrol call and a few list calls. Needs read permissions only.",
            "Exit code 0 when everything agrees, 1 when something does not, 3 for a configuration or credential error."
        })
public final class StatusCommand extends FleetCommand {
    @Option(names = "--json", description = "Print JSON instead of a table (for scripts).")
    boolean json;

    @Override
    public Integer call() throws InterruptedException {
        Config config = configOption.load();
        StatusReport report;
        try {
            FleetView.Fleet fleet =
                    new FleetView(config, cloud(config), CloudWiring.slurm(config)).observe(nodes(config));
            report = StatusReport.of(fleet, config, Instant.now());
        } catch (SlurmException e) {
            throw new UserException(ExitCode.PARTIAL_FAILURE, "cannot read the nodes from Slurm: " + e.getMessage(), e);
        } catch (CloudException e) {
            throw new UserException(
                    e.failure() == org.slurmazure.power.domain.FailureClass.AUTH
                            ? ExitCode.CONFIG_ERROR
                            : ExitCode.PARTIAL_FAILURE,
                    "cannot read the VMs from Azure: " + e.describe(),
                    e);
        }
        if (json) {
            report.printJson(spec.commandLine().getOut());
        } else {
            report.printTable(spec.commandLine().getOut());
        }
        return report.allOk() ? ExitCode.OK : ExitCode.PARTIAL_FAILURE;
    }
}
