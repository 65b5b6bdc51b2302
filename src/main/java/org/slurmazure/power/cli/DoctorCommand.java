package org.slurmazure.power.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import org.slurmazure.power.cloud.azure.AzureCloudFactory;
import org.slurmazure.power.config.Config;
import org.slurmazure.power.config.ConfigLoader;
import org.slurmazure.power.config.ConfigProblem;
import org.slurmazure.power.config.ConfigReport;
import org.slurmazure.power.doctor.Area;
import org.slurmazure.power.doctor.AzureChecks;
import org.slurmazure.power.doctor.AzureFacts;
import org.slurmazure.power.doctor.Check;
import org.slurmazure.power.doctor.DoctorReport;
import org.slurmazure.power.doctor.NetworkChecks;
import org.slurmazure.power.doctor.SlurmChecks;
import org.slurmazure.power.doctor.SlurmView;
import org.slurmazure.power.doctor.Status;
import org.slurmazure.power.engine.PowerRun;
import org.slurmazure.power.json.JsonValue;
import org.slurmazure.power.slurm.SlurmException;

/**
 * {@code doctor}: the whole chain checked before the first job waits in vain: the configuration, slurm.conf as
 * slurmctld has it, the credential and the role in Azure, the VMs, and the network to them. Read only.
 */
@Command(
        name = "doctor",
        mixinStandardHelpOptions = true,
        description = {
            "Check the whole set-up and print one line per check: PASS, WARN or FAIL, with what to do.",
            "Slurm (scontrol show config, partition, node): the three programs, the cloud nodes and the node groups,"
                    + " SuspendTime and what is kept up, ResumeTimeout/SuspendTimeout against the deadlines and the"
                    + " kill timer, ReconfigFlags, PrivateData, cloud_dns, TreeWidth, idle_on_node_suspend,"
                    + " ReturnToService.",
            "Azure: a token (and its time), the role on each resource group, every node's VM (exists, tagged,"
                    + " private IP), the VM sizes, the quota headroom of their regions.",
            "Network: TCP to slurmd's port on a few running VMs (--all: every one); with slurm.setNodeAddr false,"
                    + " whether the node names resolve to the VMs.",
            "Run it as SlurmUser (sudo -u slurm ...). Reads only: nothing is started, changed or logged.",
            "Exit code 0 when every check passes, 1 when some warn, 3 when some fail."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:every check passed",
            "1:some checks warned, or could not be made (e.g. no VM running to try slurmd's port)",
            "2:invalid usage",
            "3:some checks failed, or the configuration is invalid"
        })
public final class DoctorCommand implements Callable<Integer> {
    @Mixin
    ConfigOption configOption;

    @Mixin
    VerboseOption verboseOption;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--json", description = "Print the checks as JSON (for scripts).")
    boolean json;

    @Option(
            names = "--all",
            description = "Try slurmd's port on every running VM (reading each VM's power state when the role cannot"
                    + " list them), and every node name.")
    boolean all;

    @Option(
            names = "--sample",
            paramLabel = "N",
            defaultValue = "3",
            description = "How many running VMs (and node names) to try without --all (default: ${DEFAULT-VALUE}).")
    int sample;

    @Option(
            names = "--connect-timeout",
            paramLabel = "SECONDS",
            defaultValue = "3",
            description = "How long one TCP connection to slurmd may take (default: ${DEFAULT-VALUE}).")
    int connectTimeout;

    @Override
    public Integer call() throws InterruptedException {
        if (sample < 1 || connectTimeout < 1) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--sample and --connect-timeout must be at least 1");
        }
        DoctorReport report = new DoctorReport(checks());
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            printJson(report, out);
        } else {
            report.lines().forEach(out::println);
        }
        out.flush();
        return switch (report.worst()) {
            case PASS -> ExitCode.OK;
            case WARN -> ExitCode.PARTIAL_FAILURE;
            case FAIL -> ExitCode.CONFIG_ERROR;
        };
    }

    private List<Check> checks() throws InterruptedException {
        List<Check> checks = new ArrayList<>();
        Path file = configOption.path();
        ConfigReport configReport = ConfigLoader.check(file);
        for (ConfigProblem e : configReport.errors()) {
            checks.add(Check.fail(Area.CONFIG, "configuration", e.toString(), ""));
        }
        for (ConfigProblem w : configReport.warnings()) {
            checks.add(Check.warn(Area.CONFIG, "configuration", w.toString(), "see slurm-azure-power config check"));
        }
        if (configReport.config().isEmpty()) {
            checks.add(Check.fail(
                    Area.CONFIG,
                    "configuration",
                    file + " is not valid: nothing else was checked",
                    "fix it (slurm-azure-power config check --config " + file + ")"));
            return checks;
        }
        Config config = configReport.config().get();
        if (configReport.warnings().isEmpty()) {
            checks.add(Check.pass(Area.CONFIG, "configuration", file + ": valid"));
        }

        DoctorSurvey survey = new DoctorSurvey(config, all, sample, Duration.ofSeconds(connectTimeout));
        String user = System.getProperty("user.name", "?");
        SlurmView slurm = null;
        try {
            slurm = SlurmView.parse(CloudWiring.slurm(config).snapshot());
        } catch (SlurmException e) {
            checks.add(SlurmChecks.unreadable(e.getMessage()));
        }
        if (slurm != null) {
            String slurmUser = slurm.slurmUser().orElse(user);
            checks.addAll(SlurmChecks.check(config, slurm, user, survey.programs(slurm, slurmUser, user)));
        }

        String credential = config.azure().credential().type();
        long start = System.nanoTime();
        AzureCloudFactory.Connected azure = null;
        AzureFacts facts;
        try {
            azure = CloudWiring.connect(config, config.limits().requestTimeout().multipliedBy(2));
            facts = survey.azure(
                    new AzureFacts.Token(credential, azure.tokenTime(), "", null), azure.vms(), azure.probe(), slurm);
        } catch (PowerRun.CloudSetupException e) {
            String why = String.valueOf(e.getMessage());
            String prefix = credential + " credential: ";
            facts = AzureFacts.noToken(new AzureFacts.Token(
                    credential,
                    Duration.ofNanos(System.nanoTime() - start),
                    why.startsWith(prefix) ? why.substring(prefix.length()) : why,
                    e.failure()));
        }
        checks.addAll(AzureChecks.check(config, facts));
        if (azure == null) {
            checks.add(NetworkChecks.notChecked("without Azure, the VMs' addresses are not known"));
        } else {
            checks.addAll(NetworkChecks.check(config, survey.network(facts, DoctorSurvey.slurmdPort(slurm))));
        }
        return checks;
    }

    private static void printJson(DoctorReport report, PrintWriter out) {
        List<JsonValue> checks = new ArrayList<>();
        for (Check c : report.checks()) {
            JsonValue.ObjectBuilder o = JsonValue.objectBuilder()
                    .put("status", c.status().name())
                    .put("area", c.area().label())
                    .put("check", c.name())
                    .put("message", c.message());
            if (!c.advice().isEmpty()) {
                o.put("advice", c.advice());
            }
            checks.add(o.build());
        }
        JsonValue summary = JsonValue.objectBuilder()
                .put("pass", report.count(Status.PASS))
                .put("warn", report.count(Status.WARN))
                .put("fail", report.count(Status.FAIL))
                .build();
        out.println(JsonValue.objectBuilder()
                .put("checks", JsonValue.array(checks))
                .put("summary", summary)
                .put("status", report.worst().name())
                .build()
                .toPrettyString());
    }
}
