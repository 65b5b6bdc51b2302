package org.slurmazure.power.e2e;

import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import org.slurmazure.power.emulator.ArmEmulator;
import org.slurmazure.power.emulator.VmSpec;
import org.slurmazure.power.testing.Cmd;

/**
 * {@code bin/demo}: a burst cycle to watch, with no Azure account. The ARM emulator stands in for Azure, with
 * three VMs: azc001 and azc002 start normally, azc003 fails with AllocationFailed (no capacity in the region).
 * <ul>
 * <li>As root (installing Debian's Slurm packages with apt-get if needed): a private slurmctld runs this project's
 * programs, exactly as the end-to-end test does; a 2-node job resumes azc[001-002], runs, and the nodes are
 * suspended after SuspendTime; a job for azc003 shows a failed resume.</li>
 * <li>Otherwise (or with {@code --direct}): the programs are run by hand, as slurmctld would run them, against the
 * emulator: resume, suspend, resume-fail. A stand-in scontrol records what they would tell Slurm.</li>
 * </ul>
 * Then it prints power_save.log and what happened. Exit code 0 when the cycle went as described.
 */
public final class Demo {
    private static final PrintStream OUT = System.out;
    private static final int RESUME_TIMEOUT = 20;
    private static final int SUSPEND_TIME = 10;
    private static final int SUSPEND_TIMEOUT = 8;

    private Demo() {
    }

    public static void main(String[] args) {
        boolean direct = false;
        boolean keep = false;
        boolean hold = false;
        String version = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--direct" -> direct = true;
                case "--keep" -> keep = true;
                case "--hold" -> hold = true;
                case "--slurm" -> {
                    version = i + 1 < args.length ? args[++i] : "";
                    if (!SlurmInstall.SERIES.contains(version)) {
                        System.err.println("demo: --slurm takes one of " + String.join(", ", SlurmInstall.SERIES)
                                + " (try --help)");
                        System.exit(2);
                    }
                }
                case "-h", "--help" -> {
                    OUT.println("""
                            Usage: bin/demo [--direct] [--keep] [--hold] [--slurm %s]
                            A burst cycle of slurm-azure-power against the ARM emulator (no Azure account needed).
                              --direct  run resume, suspend and resume-fail by hand, without Slurm (the default
                                        when not root or when Slurm cannot be installed with apt-get)
                              --keep    keep the lab directory afterwards (with Slurm)
                              --hold    after the cycle, keep the cluster running for your own jobs until Enter
                                        or Ctrl-C (with Slurm)
                              --slurm   which Slurm runs the programs: the host's packages (Debian 12: 22.05, the
                                        default), or 24.11 / 26.05 from a root file system built once per machine
                                        with mmdebstrap (src/test/e2e/slurm-root; about a minute the first time)
                            """.formatted(String.join("|", SlurmInstall.SERIES)));
                    return;
                }
                default -> {
                    System.err.println("demo: unknown option " + a + " (try --help)");
                    System.exit(2);
                }
            }
        }
        if (direct && version != null) {
            System.err.println("demo: --direct runs no Slurm: drop --slurm or --direct");
            System.exit(2);
        }
        int rc;
        try {
            Timeline t = new Timeline("demo", OUT);
            if (version != null) {
                // an explicit version: that one or nothing (no fallback to the run without Slurm)
                Prerequisites.Choice c = Prerequisites.slurm(version, t::log);
                if (c.install() == null) {
                    System.err.println("demo: no Slurm " + version + " here: "
                            + (c.skip() != null ? c.skip() : c.problem()));
                    System.exit(1);
                }
                c.install().note().ifPresent(n -> t.log("Slurm " + c.install().series() + ": " + n));
                System.exit(withSlurm(t, keep, hold, c.install()));
            }
            String noSlurm = direct ? "--direct was given" : Prerequisites.ensure(t::log);
            if (noSlurm == null) {
                rc = withSlurm(t, keep, hold, SlurmInstall.host());
            } else {
                OUT.println("No real Slurm for this demo: " + noSlurm + ".");
                OUT.println("Running the programs by hand instead, as slurmctld would (run as root for the real "
                        + "thing).\n");
                rc = direct(t);
            }
        } catch (Exception | AssertionError e) {
            System.err.println("demo: " + e.getMessage());
            System.err.println("demo: the logs are in " + PowerLab.buildDir().resolve("demo-logs") + " (with Slurm)");
            rc = 1;
        }
        System.exit(rc);
    }

    // ------------------------------------------------------------------ with a real slurmctld

    private static int withSlurm(Timeline t, boolean keep, boolean hold, SlurmInstall install) throws Exception {
        PowerLab.Spec spec = new PowerLab.Spec();
        spec.slurm.install = install;
        spec.slurm.cluster = "demo";
        spec.slurm.ctldPort = 27817;
        spec.slurm.slurmdPort = 27818;
        spec.slurm.firstNodePort = 27901;
        spec.slurm.resumeTimeout = RESUME_TIMEOUT;
        spec.slurm.suspendTime = SUSPEND_TIME;
        spec.slurm.suspendTimeout = SUSPEND_TIMEOUT;
        spec.slurm.node("azc001", 10).node("azc002", 10).node("azc003", 10);
        spec.vmChanges.put("azc003", vm -> vm.startFailure(VmSpec.ALLOCATION_FAILED));
        spec.resumeDeadline = "12s";
        spec.suspendDeadline = "6s";
        spec.logsTo = PowerLab.buildDir().resolve("demo-logs");
        spec.keep = keep;
        OUT.println("""
                A private Slurm cluster on this machine: slurmctld (SlurmUser=slurm) with three cloud nodes
                azc[001-003] (State=CLOUD), whose ResumeProgram, SuspendProgram and ResumeFailProgram are
                bin/slurm-azure-resume, -suspend and -resume-fail. "Azure" is the ARM emulator; the VM of azc003 fails
                to start (AllocationFailed). When a VM runs, a stand-in for its boot starts "slurmd -N <node>".
                Timers: SuspendTime=%d s, SuspendTimeout=%d s, ResumeTimeout=%d s.
                Slurm %s%s.
                """.formatted(SUSPEND_TIME, SUSPEND_TIMEOUT, RESUME_TIMEOUT, install.series(), install.inRoot()
                ? ", from the root file system " + install.root() : ", the host's packages"));
        boolean ok;
        long jobA;
        long jobB;
        String jobOutput;
        try (PowerLab lab = PowerLab.start(spec, t)) {
            SlurmLab slurm = lab.slurm();
            Watcher watcher = new Watcher(lab, t);
            watcher.start();
            try {
                jobA = slurm.sbatch("--partition=cloud", "--nodes=2", "--nodelist=azc[001-002]", "--job-name=burst",
                        "--wrap=srun --nodes=2 printenv SLURMD_NODENAME; sleep 2");
                t.log("sbatch: job " + jobA + " needs azc[001-002] (2 nodes, powered down)");
                jobB = slurm.sbatch("--partition=cloud", "--nodes=1", "--nodelist=azc003", "--no-requeue",
                        "--job-name=nocapacity", "--wrap=true");
                t.log("sbatch: job " + jobB + " needs azc003 (its VM will not start)");
                JobView a = Waits.until("job " + jobA, Duration.ofSeconds(90), () -> slurm.job(jobA),
                        JobView::finished);
                t.log(a.summary());
                jobOutput = slurm.jobOutput(jobA).strip();
                t.log("waiting for SuspendTime (" + SUSPEND_TIME + " s idle) and ResumeTimeout (" + RESUME_TIMEOUT
                        + " s) to pass...");
                Waits.until("the cloud nodes to be powered down", Duration.ofSeconds(90), Duration.ofMillis(500),
                        () -> slurm.nodes().stream().filter(n -> n.name().startsWith("azc")).toList(),
                        l -> l.size() == 3 && l.stream().allMatch(NodeView::poweredDownIdle));
                Waits.sleep(Duration.ofMillis(800));
                ok = a.state().equals("COMPLETED");
            } finally {
                watcher.stop();
            }
            t.log("every cloud node is powered down again; every VM is " + lab.emulator().vms().stream()
                    .map(vm -> vm.powerState().id()).distinct().collect(Collectors.joining("/")));
            if (hold) {
                hold(lab);
            }
        }
        printLog(spec.logsTo.resolve("power_save.log"));
        OUT.println("""
                What happened
                  1. Job %d asked for azc[001-002], which were powered down (idle~). slurmctld ran ResumeProgram
                     (bin/slurm-azure-resume) as the slurm user, with the hostlist of the nodes to start and
                     SLURM_RESUME_FILE naming the waiting jobs (jobs= in the log).
                  2. The program started the VMs through Azure Resource Manager (here: the emulator), waited for them,
                     and set each node's NodeAddr to its VM's private IP with scontrol. The VMs "booted", slurmd
                     registered, and the job ran: %s
                  3. azc003's VM could not start (AllocationFailed): the program marked the node DOWN with the reason
                     "azure: capacity: ..." at once, so job %d failed at once (a job that may be requeued would
                     have been, and run elsewhere) instead of waiting for ResumeTimeout.
                     After ResumeTimeout, slurmctld ran ResumeFailProgram, which made sure the VM was deallocated and
                     returned the node to service (idle~).
                  4. After SuspendTime idle, slurmctld ran SuspendProgram (bin/slurm-azure-suspend), which
                     deallocated the VMs: a deallocated VM costs nothing, a merely stopped one keeps billing.
                All logs: %s
                """.formatted(jobA, jobOutput.replace("\n", " "), jobB, spec.logsTo));
        if (!ok) {
            OUT.println("The job did not complete: see the logs above.");
        }
        return ok ? 0 : 1;
    }

    /** Keeps the cluster for the user's own jobs until Enter (or end of input, or Ctrl-C). */
    private static void hold(PowerLab lab) throws IOException {
        Path conf = lab.slurm().conf();
        // a Slurm in a root runs its commands in the lab's mount namespace: through bin/inroot
        String commands = lab.slurm().install().inRoot()
                ? "  I=" + lab.slurm().dir().resolve("bin/inroot") + "\n  $I sbatch --partition=cloud --nodes=2 "
                        + "--wrap='srun hostname'; $I sinfo; $I scontrol show node azc001"
                : "  export SLURM_CONF=" + conf + "\n  sbatch --partition=cloud --nodes=2 --wrap='srun hostname'; "
                        + "sinfo; scontrol show node azc001";
        OUT.println("""

                The cluster keeps running. In another shell (as root):
                %s
                  tail -f %s
                The programs' configuration: %s
                The ARM emulator: %s (admin API: %s__emulator/vms; CA: %s)
                Press Enter (or Ctrl-C) to stop everything.
                """.formatted(commands, lab.powerLogFile(), conf.resolveSibling("azure-power.yaml"),
                lab.emulator().baseUrl(), lab.emulator().baseUrl(),
                lab.slurm().dir().resolve("emulator/emulator-ca.pem")));
        Watcher watcher = new Watcher(lab, lab.timeline());
        watcher.offset = Files.size(lab.powerLogFile());
        watcher.start();
        try {
            System.in.read();
        } finally {
            watcher.stop();
        }
    }

    /** Prints node state changes and new power_save.log lines while the demo runs. */
    private static final class Watcher {
        private final PowerLab lab;
        private final Timeline t;
        private final Map<String, String> last = new HashMap<>();
        private final Thread thread;
        private volatile boolean stopped;
        private long offset;

        Watcher(PowerLab lab, Timeline t) {
            this.lab = lab;
            this.t = t;
            this.thread = new Thread(this::loop, "demo-watcher");
            this.thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        void stop() {
            poll();
            stopped = true;
            thread.interrupt();
            try {
                thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private void loop() {
            while (!stopped) {
                poll();
                try {
                    Thread.sleep(400);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        private synchronized void poll() {
            try {
                for (NodeView n : lab.slurm().nodes()) {
                    if (!n.name().startsWith("azc")) {
                        continue;
                    }
                    String now = describe(n);
                    if (!now.equals(last.put(n.name(), now))) {
                        t.log("slurm: " + n.name() + " " + now);
                    }
                }
                Path f = lab.powerLogFile();
                if (Files.exists(f) && Files.size(f) > offset) {
                    try (RandomAccessFile r = new RandomAccessFile(f.toFile(), "r")) {
                        r.seek(offset);
                        byte[] b = new byte[(int) (r.length() - offset)];
                        r.readFully(b);
                        String text = new String(b, StandardCharsets.UTF_8);
                        int end = text.lastIndexOf('\n') + 1;
                        offset += text.substring(0, end).getBytes(StandardCharsets.UTF_8).length;
                        for (String line : text.substring(0, end).split("\n")) {
                            if (!line.isBlank()) {
                                t.log("power_save.log: " + shorten(line));
                            }
                        }
                    }
                }
            } catch (IOException | RuntimeException e) {
                // the next poll tries again
            }
        }
    }

    /** Slurm's state in words, e.g. "ALLOCATED+POWERING_UP (powering up)". */
    static String describe(NodeView n) {
        String flags = n.flags().stream().filter(f -> !f.equals("CLOUD")).collect(Collectors.joining("+"));
        String words;
        if (n.has("POWERING_UP")) {
            words = n.base().equals("DOWN") ? "down, resume failed" : "powering up";
        } else if (n.has("POWERING_DOWN")) {
            words = "powering down";
        } else if (n.has("POWERED_DOWN")) {
            words = switch (n.base()) {
                case "DOWN" -> "down, powered down";
                case "IDLE" -> "powered down, idle~";
                default -> "powered down, allocated: resume requested";
            };
        } else if (n.base().equals("DOWN")) {
            words = "down";
        } else {
            words = "up, " + n.base().toLowerCase(Locale.ROOT);
        }
        return flags + " (" + words + ")" + (n.addr().equals(n.name()) || n.addr().isEmpty() ? ""
                : " NodeAddr=" + n.addr()) + (n.reason().isEmpty() ? "" : " Reason=\"" + shorten(n.reason()) + "\"");
    }

    private static String shorten(String s) {
        return s.length() > 150 ? s.substring(0, 147) + "..." : s;
    }

    private static void printLog(Path file) throws IOException {
        OUT.println("\n---------------- power_save.log");
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file)) {
                OUT.println(line);
            }
        }
        OUT.println("----------------\n");
    }

    // ------------------------------------------------------------------ without Slurm

    private static int direct(Timeline t) throws Exception {
        Path project = PowerLab.projectDir();
        Path dir = Files.createTempDirectory("slurm-azure-power-demo-");
        try {
            List<VmSpec> vms = List.of(
                    VmSpec.of("azc001").resourceGroup(PowerLab.RESOURCE_GROUP).tag(PowerLab.TAG_NAME, PowerLab.TAG_VALUE),
                    VmSpec.of("azc002").resourceGroup(PowerLab.RESOURCE_GROUP).tag(PowerLab.TAG_NAME, PowerLab.TAG_VALUE),
                    VmSpec.of("azc003").resourceGroup(PowerLab.RESOURCE_GROUP).tag(PowerLab.TAG_NAME, PowerLab.TAG_VALUE)
                            .startFailure(VmSpec.ALLOCATION_FAILED));
            try (ArmEmulator emu = ArmEmulator.builder().vms(vms).resourceGroup(PowerLab.RESOURCE_GROUP)
                    .clientSecret(PowerLab.CLIENT_SECRET).lroDuration(Duration.ofSeconds(2))
                    .tlsDirectory(dir.resolve("tls")).start()) {
                t.log("ARM emulator " + emu.baseUrl() + ": VMs azc001 azc002 azc003 (deallocated; azc003 will fail "
                        + "with AllocationFailed)");
                Path secret = dir.resolve("azure-power.secret");
                Files.writeString(secret, PowerLab.CLIENT_SECRET + "\n");
                Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
                Path scontrolLog = dir.resolve("scontrol-calls.log");
                Path scontrol = dir.resolve("scontrol");
                Files.writeString(scontrol, "#!/bin/bash\n# stands in for scontrol: records what the programs tell "
                        + "Slurm\nprintf 'scontrol %s\\n' \"$*\" >> '" + scontrolLog + "'\n");
                Files.setPosixFilePermissions(scontrol, PosixFilePermissions.fromString("rwxr-xr-x"));
                Files.createDirectories(dir.resolve("state"));
                Path log = dir.resolve("power_save.log");
                Path config = dir.resolve("azure-power.yaml");
                Files.writeString(config, SlurmLab.render(SlurmLab.resource("azure-power.yaml.in"), Map.ofEntries(
                        Map.entry("@URL@", emu.baseUrl()), Map.entry("@SUBSCRIPTION@", emu.subscriptionId()),
                        Map.entry("@TENANT@", emu.tenantId()), Map.entry("@CLIENT@", emu.clientId()),
                        Map.entry("@SECRET_FILE@", secret.toString()),
                        Map.entry("@CA@", emu.caCertificatePem().toString()),
                        Map.entry("@TAG_NAME@", PowerLab.TAG_NAME), Map.entry("@TAG_VALUE@", PowerLab.TAG_VALUE),
                        Map.entry("@NODES@", "azc[001-003]"), Map.entry("@RESOURCE_GROUP@", PowerLab.RESOURCE_GROUP),
                        Map.entry("@SCONTROL@", scontrol.toString()), Map.entry("@RESUME_DEADLINE@", "30s"),
                        Map.entry("@SUSPEND_DEADLINE@", "30s"), Map.entry("@LOG@", log.toString()),
                        Map.entry("@STATE@", dir.resolve("state").toString()))));
                Path resumeFile = dir.resolve("resume.json");
                Files.writeString(resumeFile, "{\"jobs\":[{\"job_id\":1,\"nodes\":\"azc[001-003]\"}],"
                        + "\"all_nodes\":\"azc[001-003]\"}");
                Path app = PowerLab.installApp(project, PowerLab.buildDir(), dir.resolve("app"));
                String program = app.resolve("bin/slurm-azure-power").toString();

                t.log("1. a job needs azc[001-003]: slurmctld would run ResumeProgram with SLURM_RESUME_FILE:");
                run(t, Cmd.of(program, "resume", "--config", config.toString(), "azc[001-003]")
                        .env("SLURM_RESUME_FILE", resumeFile.toString()));
                t.log("   VMs now: " + states(emu));
                t.log("2. the job ran; after SuspendTime idle, slurmctld would run SuspendProgram:");
                run(t, Cmd.of(program, "suspend", "--config", config.toString(), "azc[001-002]"));
                t.log("   VMs now: " + states(emu));
                t.log("3. azc003 never came up; after ResumeTimeout, slurmctld would run ResumeFailProgram:");
                run(t, Cmd.of(program, "resume-fail", "--config", config.toString(), "azc003"));
                t.log("   VMs now: " + states(emu));

                printLog(log);
                OUT.println("---------------- what the programs told Slurm (scontrol stand-in)");
                OUT.println(Files.exists(scontrolLog) ? Files.readString(scontrolLog).strip() : "(nothing)");
                OUT.println("""
                        ----------------

                        What happened
                          1. resume started the VMs of azc001 and azc002 through Azure Resource Manager (here: the
                             emulator), waited until they ran, and set each node's NodeAddr to its VM's private IP.
                             azc003's VM could not start (AllocationFailed): the node was marked DOWN with the reason
                             "azure: capacity: ...", so Slurm requeues its job at once instead of waiting.
                          2. suspend deallocated azc001 and azc002: a deallocated VM costs nothing.
                          3. resume-fail made sure azc003's VM was deallocated and returned the node to service.
                        resume exited with 1 because one node failed; slurmctld only logs exit codes, so the programs
                        tell Slurm everything through scontrol. Every step is in power_save.log, one line per node, with the job ids Slurm passed.
                        Run as root (with apt-get available) to see the same with a real slurmctld.
                        """);
                boolean ok = emu.vms().stream().allMatch(vm -> vm.powerState().id().equals("deallocated"))
                        && emu.vm("azc001").startCount() == 1 && emu.vm("azc001").deallocateCount() == 1;
                return ok ? 0 : 1;
            }
        } finally {
            SlurmLab.deleteTree(dir);
        }
    }

    private static void run(Timeline t, Cmd cmd) {
        Cmd.Result r = cmd.timeout(Duration.ofMinutes(2)).run();
        for (String line : (r.out() + r.err()).strip().split("\n")) {
            if (!line.isBlank()) {
                t.log("   | " + line);
            }
        }
        t.log("   exit code " + r.exitCode());
    }

    private static String states(ArmEmulator emu) {
        return emu.vms().stream().map(vm -> vm.name() + " " + vm.powerState().id()).collect(Collectors.joining(", "));
    }
}
