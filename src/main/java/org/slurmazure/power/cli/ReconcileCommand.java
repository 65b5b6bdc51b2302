package org.slurmazure.power.cli;

import java.io.IOException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import org.slurmazure.power.cloud.CloudException;
import org.slurmazure.power.config.Config;
import org.slurmazure.power.config.LogSettings;
import org.slurmazure.power.domain.TimeBudget;
import org.slurmazure.power.engine.NodeLocks;
import org.slurmazure.power.log.PowerLog;
import org.slurmazure.power.reconcile.Reconciler;
import org.slurmazure.power.slurm.SlurmException;

/**
 * {@code reconcile [--dry-run] [HOSTLIST]}: one pass that brings Azure and Slurm back into agreement where they have
 * disagreed for longer than {@code reconcile.grace}; run every minute by the systemd timer.
 */
@Command(
        name = "reconcile",
        mixinStandardHelpOptions = true,
        description = {
            "One pass: deallocate VMs that run or are stopped while their node is powered down (orphan, stopped) or "
                    + "stuck powering down; mark down and power down nodes whose VM was deallocated under them "
                    + "(lost: their jobs requeue); return to service nodes an earlier failure held down once their "
                    + "VM is deallocated. Acts only on disagreements that have lasted reconcile.grace, only on tagged "
                    + "VMs of the node groups, never on a node a power program is working on.",
            "Logs each action and a summary to power_save.log. Exit code 0, 1 when an action failed or Slurm or Azure "
                    + "could not be read, 3 for a configuration or credential error."
        })
public final class ReconcileCommand extends FleetCommand {
    private static final Logger LOG = LoggerFactory.getLogger(ReconcileCommand.class);

    @Option(names = "--dry-run", description = "Say what the pass would do; change nothing and record nothing.")
    boolean dryRun;

    @Override
    public Integer call() throws InterruptedException {
        SlurmAzurePower root = (SlurmAzurePower) spec.root().userObject();
        Config config = configOption.load();
        TimeBudget budget = TimeBudget.of(root.startNanos(), config.reconcile().deadline());
        PowerLog.open(
                config.log().file(),
                config.log().level() == LogSettings.Level.DEBUG || verboseOption.verbose(),
                verboseOption.verbose() || dryRun,
                spec.commandLine().getErr());
        try {
            LOG.info("User {} invoked Reconcile{}", System.getProperty("user.name"), dryRun ? " --dry-run" : "");
            NodeLocks locks;
            try {
                locks = new NodeLocks(config.stateDir());
            } catch (IOException e) {
                LOG.error(
                        "reconcile: cannot use the state directory {}: {}; nothing done",
                        config.stateDir(),
                        e.getMessage());
                throw new UserException(
                        ExitCode.CONFIG_ERROR,
                        "cannot use the state directory " + config.stateDir() + ": " + e.getMessage(),
                        e);
            }
            Reconciler.Pass pass;
            try {
                pass = new Reconciler(config, cloud(config), CloudWiring.slurm(config), locks, budget)
                        .pass(nodes(config), hostlists.isEmpty(), dryRun);
            } catch (SlurmException e) {
                LOG.error("reconcile: cannot read the nodes from Slurm ({}); nothing done", e.getMessage());
                return ExitCode.PARTIAL_FAILURE;
            } catch (CloudException e) {
                LOG.error("reconcile: cannot read the VMs from Azure ({}); nothing done", e.describe());
                return ExitCode.PARTIAL_FAILURE;
            } catch (IOException e) {
                LOG.error(
                        "reconcile: cannot record the pass in {} ({}); nothing done",
                        config.stateDir(),
                        e.getMessage());
                return ExitCode.PARTIAL_FAILURE;
            } catch (UserException e) {
                LOG.error("reconcile: {}; nothing done", e.getMessage());
                throw e;
            }
            return pass.failedActions() > 0 ? ExitCode.PARTIAL_FAILURE : ExitCode.OK;
        } finally {
            PowerLog.close();
        }
    }
}
