package org.slurmazure.power.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import org.slurmazure.power.cloud.CloudVms;
import org.slurmazure.power.config.Config;
import org.slurmazure.power.config.NodeGroup;
import org.slurmazure.power.engine.PowerRun;
import org.slurmazure.power.hostlist.Hostlist;
import org.slurmazure.power.hostlist.InvalidHostlistException;

/** What {@code status} and {@code reconcile} share: the nodes (a hostlist, or every node group), config and Azure. */
abstract class FleetCommand implements Callable<Integer> {
    @Parameters(
            arity = "0..*",
            paramLabel = "HOSTLIST",
            description = "Only these nodes (a Slurm hostlist); default: every node of the node groups.")
    List<String> hostlists = new ArrayList<>();

    @Mixin
    ConfigOption configOption;

    @Mixin
    VerboseOption verboseOption;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The nodes to look at. */
    List<String> nodes(Config config) {
        List<String> nodes = new ArrayList<>();
        if (hostlists.isEmpty()) {
            for (NodeGroup g : config.nodeGroups()) {
                nodes.addAll(g.nodeNames());
            }
            return nodes;
        }
        for (String expression : hostlists) {
            try {
                nodes.addAll(Hostlist.expand(expression));
            } catch (InvalidHostlistException e) {
                throw new UserException(ExitCode.INVALID_INPUT, e.getMessage(), e);
            }
        }
        return nodes;
    }

    /** The Azure client, its token taken within twice the request timeout. */
    static CloudVms cloud(Config config) {
        try {
            return CloudWiring.cloud(config, config.limits().requestTimeout().multipliedBy(2));
        } catch (PowerRun.CloudSetupException e) {
            throw new UserException(ExitCode.CONFIG_ERROR, e.getMessage(), e);
        }
    }
}
