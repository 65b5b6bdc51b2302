package org.slurmazure.power.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slurmazure.power.testing.Cmd;

/**
 * A private Slurm cluster on this machine, in one directory: munged (own key and socket), slurmctld
 * ({@code SlurmUser=slurm}), the always-on node {@code local1}, and one {@code slurmd -b -N <node>} per cloud node
 * that is "booted". The Slurm is the host's (Debian 12: 22.05) or a newer one in a root file system
 * ({@link SlurmInstall}): then every daemon and Slurm command runs in that root, in a mount namespace of the lab's
 * own. Nothing in /etc is touched. Every daemon is a child of this JVM, started in the foreground, so it is stopped
 * by its own handle; teardown also kills what slurmctld started (power-saving programs, PrologSlurmctld) and any
 * process that still names this lab's directory (job steps). Labs with the same ports take turns through a lock
 * file, and a lab left behind by a killed JVM is cleaned up by the next one.
 */
final class SlurmLab implements AutoCloseable {
    /** A cloud node of slurm.conf: {@code State=CLOUD}, its own slurmd port, a scheduling weight (lower first). */
    record CloudNode(String name, int weight) {
    }

    /** What the lab looks like. */
    static final class Spec {
        /** Which Slurm: null = the host's packages. */
        SlurmInstall install;
        String cluster = "e2e";
        int ctldPort = 26817;
        int slurmdPort = 26818;
        int firstNodePort = 26901;
        int resumeTimeout = 25;
        int suspendTime = 15;
        int suspendTimeout = 10;
        final List<CloudNode> nodes = new ArrayList<>();
        /** Partitions besides {@code local} (local1) and {@code cloud} (every cloud node): name to node names. */
        final Map<String, List<String>> partitions = new LinkedHashMap<>();
        /**
         * Slurm 26.05+: run ResumeProgram through {@code PowerAction=azure-resume Location=slurmctld
         * Program="<resume> <these arguments>"}, whose fixed arguments come before the hostlist; null: a plain path.
         */
        String resumeActionArguments;

        Spec node(String name, int weight) {
            nodes.add(new CloudNode(name, weight));
            return this;
        }

        Spec partition(String name, String... nodeNames) {
            partitions.put(name, List.of(nodeNames));
            return this;
        }

        int port(String node) {
            for (int i = 0; i < nodes.size(); i++) {
                if (nodes.get(i).name().equals(node)) {
                    return firstNodePort + i;
                }
            }
            throw new IllegalArgumentException("no cloud node " + node);
        }

        List<Integer> ports() {
            List<Integer> p = new ArrayList<>(List.of(ctldPort, slurmdPort));
            for (int i = 0; i < nodes.size(); i++) {
                p.add(firstNodePort + i);
            }
            return p;
        }
    }

    static final String SCONTROL = "/usr/bin/scontrol";
    private static final String LAB_PREFIX = "slurm-azure-power-";

    private final Spec spec;
    private final SlurmInstall install;
    private final Path dir;
    private final Timeline timeline;
    private final Path conf;
    private final Map<String, Process> daemons = new LinkedHashMap<>();
    private final Map<String, Process> cloudSlurmds = new ConcurrentHashMap<>();
    /** For a Slurm in a root: the process holding the lab's mount namespace (bin/mountns), else null. */
    private Process mountNamespace;
    private FileChannel lockChannel;
    private Duration lockWait = Duration.ZERO;
    private FileLock lock;

    private SlurmLab(Spec spec, Path dir, Timeline timeline) {
        this.spec = spec;
        this.install = spec.install != null ? spec.install : SlurmInstall.host();
        this.dir = dir;
        this.timeline = timeline;
        this.conf = dir.resolve("etc/slurm.conf");
    }

    /**
     * Makes a new lab directory under the temp directory (mode 0755, so SlurmUser can reach into it), after
     * waiting for any other lab on the same ports to finish and cleaning up labs whose JVM died.
     */
    static SlurmLab create(Spec spec, Timeline timeline) throws IOException {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir", "/tmp"));
        SlurmLab lab = null;
        FileChannel ch = FileChannel.open(tmp.resolve(LAB_PREFIX + "lab-" + spec.ctldPort + ".lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            FileLock l = ch.tryLock();
            long waitedFrom = System.nanoTime();
            if (l == null) {
                timeline.log("another lab (an end-to-end test or demo of another checkout?) uses ports "
                        + spec.ctldPort + "...: waiting up to 5 min for it to finish");
                long end = System.nanoTime() + Duration.ofMinutes(5).toNanos();
                while (l == null && System.nanoTime() < end) {
                    Waits.sleep(Duration.ofSeconds(1));
                    l = ch.tryLock();
                }
                if (l == null) {
                    throw new IllegalStateException("another lab has held " + tmp.resolve(LAB_PREFIX + "lab-"
                            + spec.ctldPort + ".lock") + " for 5 minutes; its directory is " + tmp + "/"
                            + LAB_PREFIX + "*");
                }
                timeline.log(String.format("the other lab has finished: waited %.1f s for it",
                        (System.nanoTime() - waitedFrom) / 1e9));
            }
            Duration waited = Duration.ofNanos(System.nanoTime() - waitedFrom);
            cleanUpStaleLabs(tmp, spec.ctldPort, timeline);
            for (int port : spec.ports()) {
                requireFree(port);
            }
            Path dir = Files.createTempDirectory(tmp, LAB_PREFIX + spec.cluster + "-");
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            lab = new SlurmLab(spec, dir, timeline);
            lab.lockChannel = ch;
            lab.lock = l;
            lab.lockWait = waited;
            for (String d : List.of("etc", "bin", "run", "log", "state", "spool", "jobs", "munge")) {
                Files.createDirectories(dir.resolve(d));
                Files.setPosixFilePermissions(dir.resolve(d), PosixFilePermissions.fromString("rwxr-xr-x"));
            }
            Files.writeString(dir.resolve("run/owner"), spec.ctldPort + " " + ProcessHandle.current().pid() + " "
                    + startMillis(ProcessHandle.current()) + "\n");
            return lab;
        } catch (IOException | RuntimeException e) {
            if (lab == null) {
                ch.close();
            }
            throw e;
        }
    }

    Path dir() {
        return dir;
    }

    Path conf() {
        return conf;
    }

    Path logDir() {
        return dir.resolve("log");
    }

    Spec spec() {
        return spec;
    }

    SlurmInstall install() {
        return install;
    }

    /** How long {@link #create} waited for another lab on the same ports. */
    Duration lockWait() {
        return lockWait;
    }

    /** The three slurm.conf programs. */
    record Programs(Path resume, Path suspend, Path resumeFail) {
        /** A copy of the checkout's bin/ ({@link PowerLab#installApp}). */
        static Programs checkout(Path appDir) {
            Path bin = appDir.resolve("bin");
            return new Programs(bin.resolve("slurm-azure-resume"), bin.resolve("slurm-azure-suspend"),
                    bin.resolve("slurm-azure-resume-fail"));
        }

        /** The installed package's: {@code /usr/libexec/slurm-azure-power/{resume,suspend,resume-fail}}. */
        static Programs installed(Path libexec) {
            return new Programs(libexec.resolve("resume"), libexec.resolve("suspend"), libexec.resolve("resume-fail"));
        }
    }

    /** Writes slurm.conf and PrologSlurmctld, with these power-saving programs. */
    void writeConfig(Programs programs) throws IOException {
        StringBuilder nodes = new StringBuilder();
        for (CloudNode n : spec.nodes) {
            nodes.append("NodeName=").append(n.name()).append(" CPUs=1 State=CLOUD Port=").append(spec.port(n.name()))
                    .append(" Weight=").append(n.weight()).append('\n');
        }
        StringBuilder parts = new StringBuilder();
        parts.append("PartitionName=cloud Nodes=")
                .append(spec.nodes.stream().map(CloudNode::name).collect(Collectors.joining(",")))
                .append(" MaxTime=INFINITE State=UP\n");
        spec.partitions.forEach((name, members) -> parts.append("PartitionName=").append(name).append(" Nodes=")
                .append(String.join(",", members)).append(" MaxTime=INFINITE State=UP\n"));
        String resumeProgram = programs.resume().toString();
        String powerActions = "";
        if (spec.resumeActionArguments != null) {
            powerActions = "PowerAction=azure-resume Location=slurmctld Program=\"" + resumeProgram + " "
                    + spec.resumeActionArguments.replace("@LAB@", dir.toString()) + "\"";
            resumeProgram = "azure-resume";
        }
        Map<String, String> values = Map.ofEntries(Map.entry("@LAB@", dir.toString()),
                Map.entry("@POWER_ACTIONS@", powerActions),
                Map.entry("@RESUME_PROGRAM@", resumeProgram),
                Map.entry("@SUSPEND_PROGRAM@", programs.suspend().toString()),
                Map.entry("@RESUME_FAIL_PROGRAM@", programs.resumeFail().toString()),
                Map.entry("@CLUSTER@", spec.cluster), Map.entry("@CTLD_PORT@", Integer.toString(spec.ctldPort)),
                Map.entry("@SLURMD_PORT@", Integer.toString(spec.slurmdPort)),
                Map.entry("@RESUME_TIMEOUT@", Integer.toString(spec.resumeTimeout)),
                Map.entry("@SUSPEND_TIME@", Integer.toString(spec.suspendTime)),
                Map.entry("@SUSPEND_TIMEOUT@", Integer.toString(spec.suspendTimeout)),
                Map.entry("@CLOUD_NODES@", nodes.toString().strip()),
                Map.entry("@PARTITIONS@", parts.toString().strip()));
        Files.writeString(conf, render(resource("slurm.conf.in"), values));
        Path prolog = dir.resolve("bin/prolog-ctld");
        Files.writeString(prolog, render(resource("prolog-ctld.in"), Map.of("@SLURM_CONF@", conf.toString(),
                "@RESUME_TIMEOUT@", Integer.toString(spec.resumeTimeout))));
        Files.setPosixFilePermissions(prolog, PosixFilePermissions.fromString("rwxr-xr-x"));
        if (install.atLeast("24.11")) {
            // slurmd 24.11+ initialises a cgroup plugin even with proctrack/linuxproc and task/none, and fails
            // without a cgroup file system ("Unable to initialize cgroup plugin"); the root has none mounted
            Files.writeString(conf.resolveSibling("cgroup.conf"), "CgroupPlugin=disabled\n");
        }
        for (String d : List.of("run", "log", "state")) {
            chown(dir.resolve(d), "slurm");
        }
    }

    /** Starts munged, slurmctld and the always-on node local1; returns once local1 is idle. */
    void start() throws IOException, InterruptedException {
        if (install.inRoot()) {
            startMountNamespace();
        }
        startMunge();
        Process ctld = daemon("slurmctld", List.of("/usr/sbin/slurmctld", "-D", "-c", "-f", conf.toString()),
                logDir());
        Waits.until("slurmctld to answer (see " + logDir().resolve("slurmctld.log") + ")", Duration.ofSeconds(30),
                Duration.ofMillis(200), () -> ctld.isAlive() ? scontrol("ping") : null,
                r -> r == null || r.out().contains("is UP"));
        if (!ctld.isAlive()) {
            throw new IllegalStateException("slurmctld exited with " + ctld.exitValue() + "; see "
                    + logDir().resolve("slurmctld.log") + ":\n" + tail(logDir().resolve("slurmctld.log"), 15));
        }
        daemon("slurmd.local1", List.of("/usr/sbin/slurmd", "-D", "-f", conf.toString(), "-N", "local1"), dir);
        Waits.until("local1 to be idle", Duration.ofSeconds(30), Duration.ofMillis(200), () -> node("local1"),
                n -> n.base().equals("IDLE") && !n.has("NOT_RESPONDING"));
        timeline.log("slurmctld " + ctld.pid() + " (slurmctld -V: " + version() + "; package "
                + install.packageVersion() + (install.inRoot() ? " in the root " + install.root() : " of the host")
                + "; SlurmUser=slurm, ports " + spec.ctldPort + "/" + spec.slurmdPort + "/" + spec.firstNodePort
                + "+) and local1 are up");
    }

    /**
     * For a Slurm in a root: the lab's private mount namespace (bin/mountns), set up once and held by a process of
     * its own, which every daemon and command of the lab then enters ({@link #inLab}). Entering an existing
     * namespace costs one exec (about 30 ms on a loaded 2-core machine); setting one up per command, with its ten
     * mounts, cost 250 ms, and the scenarios poll Slurm about 20 times a second.
     */
    private void startMountNamespace() throws IOException {
        Path script = dir.resolve("bin/mountns");
        Files.writeString(script, install.mountNamespaceScript(dir));
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        Process holder = spawn("mountns", List.of("/usr/bin/unshare", "--mount", "--propagation", "private", "--",
                "/bin/sh", script.toString()), dir);
        Path root = Path.of("/proc/" + holder.pid() + "/root");
        Waits.until("the mount namespace of " + install.root() + " (see " + logDir().resolve("mountns.stdout")
                + ")", Duration.ofSeconds(10), Duration.ofMillis(50), () -> !holder.isAlive() || chrootedInto(root),
                b -> b);
        if (!holder.isAlive()) {
            throw new IllegalStateException("the mount namespace for " + install.root() + " failed (exit "
                    + holder.exitValue() + "): " + tail(logDir().resolve("mountns.stdout"), 10));
        }
        mountNamespace = holder;
        Path inroot = dir.resolve("bin/inroot");
        Files.writeString(inroot, render(resource("inroot.in"), Map.of("@SERIES@", install.series(), "@ROOT@",
                install.root().toString(), "@CONF@", conf.toString(), "@HOLDER@", Long.toString(holder.pid()),
                "@LAB@", dir.toString())));
        Files.setPosixFilePermissions(inroot, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private boolean chrootedInto(Path procRoot) {
        try {
            return Files.readSymbolicLink(procRoot).equals(install.root());
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * {@code argv} as this lab runs it: unchanged with the host's Slurm; in the lab's mount namespace, chrooted into
     * the root and in {@code cwd}, for a Slurm in a root. nsenter and env exec: a daemon keeps the PID it got.
     */
    private List<String> inLab(List<String> argv, Path cwd) {
        if (!install.inRoot()) {
            return argv;
        }
        Process holder = mountNamespace;
        if (holder == null || !holder.isAlive()) {
            throw new IllegalStateException("the lab's mount namespace for " + install.root() + " is not there "
                    + "(not started yet, or its holder died): cannot run " + argv);
        }
        List<String> all = new ArrayList<>(List.of("/usr/bin/nsenter", "--target", Long.toString(holder.pid()),
                "--mount", "--root", "--", "/usr/bin/env", "--chdir=" + (cwd != null ? cwd : dir)));
        all.addAll(argv);
        return all;
    }

    private void startMunge() throws IOException, InterruptedException {
        Path m = dir.resolve("munge");
        byte[] key = new byte[1024];
        new SecureRandom().nextBytes(key);
        Path keyFile = m.resolve("munge.key");
        Files.write(keyFile, key);
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
        chown(keyFile, "munge");
        chown(m, "munge");
        Path socket = m.resolve("munge.socket");
        Process p = daemon("munged", List.of("/usr/bin/setpriv", "--reuid=munge", "--regid=munge", "--init-groups",
                "/usr/sbin/munged", "--foreground", "--socket=" + socket, "--key-file=" + keyFile,
                "--pid-file=" + m.resolve("munged.pid"), "--log-file=" + m.resolve("munged.log"),
                "--seed-file=" + m.resolve("munged.seed")), m);
        Waits.until("munged's socket " + socket, Duration.ofSeconds(10), Duration.ofMillis(100),
                () -> Files.exists(socket) || !p.isAlive(), b -> b);
        if (!p.isAlive()) {
            throw new IllegalStateException("munged exited with " + p.exitValue() + ": "
                    + tail(logDir().resolve("munged.stdout"), 10) + tail(m.resolve("munged.log"), 10));
        }
    }

    /** Starts a daemon of this lab's Slurm in the foreground as a child of this JVM ({@link #spawn}). */
    private Process daemon(String name, List<String> argv, Path cwd) throws IOException {
        return spawn(name, inLab(argv, cwd), cwd);
    }

    /** Starts a process as a child of this JVM, its stdout and stderr in log/NAME.stdout, its PID recorded. */
    private Process spawn(String name, List<String> argv, Path cwd) throws IOException {
        Process p = Cmd.of(argv).env("SLURM_CONF", conf.toString()).dir(cwd).builder()
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logDir().resolve(name + ".stdout").toFile()))
                .start();
        synchronized (daemons) {
            daemons.put(name + "#" + p.pid(), p);
        }
        Files.writeString(dir.resolve("run/harness.pids"), p.pid() + " " + startMillis(p.toHandle()) + " " + name
                + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        return p;
    }

    /** "The VM has booted": starts {@code slurmd -b -N node} unless it runs already. */
    void bootNode(String node) throws IOException {
        Process running = cloudSlurmds.get(node);
        if (running != null && running.isAlive()) {
            return;
        }
        // -b: the node reports that it booted when slurmd started, which slurmctld needs to accept a powering-up node
        Process p = daemon("slurmd." + node, List.of("/usr/sbin/slurmd", "-D", "-b", "-f", conf.toString(), "-N",
                node), dir);
        cloudSlurmds.put(node, p);
    }

    /**
     * "The VM is powered off": its slurmd, its slurmstepd daemons (they hold files in the node's spool directory) and
     * their jobs all stop at once, none able to report anything: they are frozen (SIGSTOP) together, then killed.
     * A graceful stop would let a slurmstepd report its job killed (the job would fail instead of being requeued),
     * and a job left running would outlive its "VM" and come back as "Duplicate jobid" when the node boots again.
     */
    int haltNode(String node) {
        Process p = cloudSlurmds.remove(node);
        if (p == null || !p.isAlive()) {
            return 0;
        }
        // freeze until a scan finds nothing new: a slurmstepd being forked while we look is caught by the next scan
        Set<Long> frozen = new LinkedHashSet<>();
        List<ProcessHandle> all = new ArrayList<>();
        for (int round = 0; round < 20; round++) {
            List<ProcessHandle> found = new ArrayList<>();
            found.add(p.toHandle());
            found.addAll(p.toHandle().descendants().toList());
            for (ProcessHandle h : processesOf(node)) {
                found.add(h);
                found.addAll(h.descendants().toList());
            }
            List<String> kill = new ArrayList<>(List.of("/bin/kill", "-STOP"));
            for (ProcessHandle h : found) {
                if (h.isAlive() && frozen.add(h.pid())) {
                    all.add(h);
                    kill.add(Long.toString(h.pid()));
                }
            }
            if (kill.size() == 2) {
                break;
            }
            Cmd.of(kill).timeout(Duration.ofSeconds(10)).run();
        }
        all.forEach(ProcessHandle::destroyForcibly);
        try {
            p.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return all.size();
    }

    /**
     * The processes of one node's "VM" besides slurmd's descendants: those with a file or a socket under its spool
     * directory. That is how a slurmstepd is found: slurmd forks it away, and its process title overwrites the
     * environment /proc shows.
     */
    private List<ProcessHandle> processesOf(String node) {
        String spool = dir.resolve("spool/slurmd." + node) + "/";
        Set<String> sockets = new HashSet<>();
        try {
            // Num RefCount Protocol Flags Type St Inode Path
            for (String line : Files.readAllLines(Path.of("/proc/net/unix"))) {
                String[] f = line.trim().split("\\s+");
                if (f.length >= 8 && f[7].startsWith(spool)) {
                    sockets.add("socket:[" + f[6] + "]");
                }
            }
        } catch (IOException e) {
            // no sockets to go by
        }
        List<ProcessHandle> found = new ArrayList<>();
        ProcessHandle.allProcesses().forEach(h -> {
            try (Stream<Path> open = Files.list(Path.of("/proc/" + h.pid() + "/fd"))) {
                if (open.anyMatch(fd -> {
                    try {
                        String target = Files.readSymbolicLink(fd).toString();
                        return target.startsWith(spool) || sockets.contains(target);
                    } catch (IOException e) {
                        return false;
                    }
                })) {
                    found.add(h);
                }
            } catch (IOException | SecurityException | UncheckedIOException e) {
                // gone, or not ours to see
            }
        });
        return found;
    }

    /** True while slurmctld runs (Slurm commands would otherwise wait for their timeouts). */
    boolean controllerRunning() {
        return daemon("slurmctld").map(Process::isAlive).orElse(false);
    }

    boolean nodeRunning(String node) {
        Process p = cloudSlurmds.get(node);
        return p != null && p.isAlive();
    }

    // ------------------------------------------------------------------ Slurm commands

    Cmd.Result scontrol(String... args) {
        return slurmCommand(SCONTROL, args);
    }

    Cmd.Result slurmCommand(String program, String... args) {
        List<String> argv = new ArrayList<>();
        argv.add(program);
        argv.addAll(List.of(args));
        return command(argv).timeout(Duration.ofSeconds(30)).run();
    }

    /** A command of this lab's Slurm (in its root, if it has one), with SLURM_CONF set, run in {@code cwd}. */
    Cmd command(List<String> argv, Path cwd) {
        return Cmd.of(inLab(argv, cwd)).env("SLURM_CONF", conf.toString()).dir(cwd);
    }

    Cmd command(List<String> argv) {
        return command(argv, dir);
    }

    NodeView node(String name) {
        Cmd.Result r = scontrol("show", "node", "-o", name).check();
        return NodeView.parse(r.out().strip().split("\n")[0]);
    }

    List<NodeView> nodes() {
        Cmd.Result r = scontrol("show", "node", "-o").check();
        return r.out().lines().filter(l -> l.startsWith("NodeName=")).map(NodeView::parse).toList();
    }

    JobView job(long id) {
        Cmd.Result r = scontrol("show", "job", "-o", Long.toString(id)).check();
        return JobView.parse(r.out().strip().split("\n")[0]);
    }

    /** sbatch with these options as root from the jobs directory; returns the job id. */
    long sbatch(String... options) {
        List<String> argv = new ArrayList<>(List.of("/usr/bin/sbatch", "--parsable", "--chdir=" + dir.resolve("jobs"),
                "--output=" + dir.resolve("jobs/%j.out")));
        argv.addAll(List.of(options));
        Cmd.Result r = command(argv, dir.resolve("jobs")).timeout(Duration.ofSeconds(30)).run().check();
        return Long.parseLong(r.out().strip().split(";")[0]);
    }

    String jobOutput(long id) {
        try {
            Path f = dir.resolve("jobs/" + id + ".out");
            return Files.exists(f) ? Files.readString(f) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What {@code slurmctld -V} says, e.g. {@code slurm-wlm 24.11.5}. */
    String version() {
        return command(List.of("/usr/sbin/slurmctld", "-V")).run().out().strip();
    }

    // ------------------------------------------------------------------ teardown

    /**
     * Stops everything this lab started, in an order that leaves nothing behind: jobs, slurmctld's children
     * (power-saving programs inherit a blocked SIGTERM, so SIGKILL), the cloud slurmds, local1, slurmctld, munged,
     * then any process that still names the lab directory. Safe to call twice.
     */
    @Override
    public void close() {
        try {
            Optional<Process> ctld = daemon("slurmctld");
            if (ctld.isPresent() && ctld.get().isAlive()) {
                Cmd.Result q = slurmCommand("/usr/bin/squeue", "-h", "-o", "%i");
                List<String> jobs = q.ok() ? q.out().lines().map(String::strip).filter(s -> !s.isEmpty()).toList()
                        : List.of();
                if (!jobs.isEmpty()) {
                    List<String> args = new ArrayList<>(List.of("/usr/bin/scancel"));
                    args.addAll(jobs);
                    command(args).timeout(Duration.ofSeconds(15)).run();
                }
                ctld.get().descendants().filter(h -> !command(h).contains("slurmscriptd"))
                        .forEach(ProcessHandle::destroyForcibly);
            }
            for (String node : List.copyOf(cloudSlurmds.keySet())) {
                haltNode(node);
            }
            List<Process> order = new ArrayList<>();
            synchronized (daemons) {
                daemons.forEach((k, p) -> {
                    if (k.startsWith("slurmd.")) {
                        order.add(p);
                    }
                });
                daemon("slurmctld").ifPresent(order::add);
                daemon("munged").ifPresent(order::add);
                daemon("mountns").ifPresent(order::add);
            }
            for (Process p : order) {
                stop(p, Duration.ofSeconds(10));
            }
            killProcessesNaming(dir);
        } finally {
            try {
                if (lock != null) {
                    lock.release();
                }
                if (lockChannel != null) {
                    lockChannel.close();
                }
            } catch (IOException e) {
                // released when the JVM exits anyway
            }
        }
    }

    private Optional<Process> daemon(String name) {
        synchronized (daemons) {
            return daemons.entrySet().stream().filter(e -> e.getKey().startsWith(name + "#")).map(Map.Entry::getValue)
                    .reduce((a, b) -> b);
        }
    }

    private static void stop(Process p, Duration grace) {
        if (!p.isAlive()) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
        }
    }

    /** SIGKILLs every process (but this JVM) whose command line or environment contains the lab directory. */
    static int killProcessesNaming(Path labDir) {
        String needle = labDir.toString() + "/";
        long self = ProcessHandle.current().pid();
        int killed = 0;
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path p : procs) {
                long pid = Long.parseLong(p.getFileName().toString());
                if (pid == self || zombie(pid)) {
                    continue;
                }
                if (read(p.resolve("cmdline")).contains(needle) || read(p.resolve("environ")).contains(needle)) {
                    Optional<ProcessHandle> h = ProcessHandle.of(pid);
                    if (h.isPresent() && h.get().destroyForcibly()) {
                        killed++;
                    }
                }
            }
        } catch (IOException e) {
            // /proc not readable: nothing more to do
        }
        return killed;
    }

    private static boolean zombie(long pid) {
        String stat = read(Path.of("/proc/" + pid + "/stat"));
        int close = stat.lastIndexOf(')');
        return close < 0 || stat.length() < close + 3 || stat.charAt(close + 2) == 'Z';
    }

    /** The file's text (NULs as spaces, for /proc files), or "" when it cannot be read. */
    static String read(Path p) {
        try {
            return new String(Files.readAllBytes(p), StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static String command(ProcessHandle h) {
        return read(Path.of("/proc/" + h.pid() + "/cmdline"));
    }

    /**
     * Labs on these ports whose JVM is gone (killed before its teardown): stop what they started, by the PIDs they
     * recorded (checked against the recorded start time), and remove their directory.
     */
    private static void cleanUpStaleLabs(Path tmp, int ctldPort, Timeline timeline) throws IOException {
        List<Path> labs;
        try (Stream<Path> s = Files.list(tmp)) {
            labs = s.filter(p -> p.getFileName().toString().startsWith(LAB_PREFIX) && Files.isDirectory(p)).toList();
        }
        for (Path lab : labs) {
            String[] owner = read(lab.resolve("run/owner")).strip().split(" ");
            if (owner.length != 3 || !owner[0].equals(Integer.toString(ctldPort))) {
                continue;
            }
            if (alive(Long.parseLong(owner[1]), Long.parseLong(owner[2]))) {
                continue;
            }
            int n = 0;
            for (String line : read(lab.resolve("run/harness.pids")).split("\n")) {
                String[] f = line.strip().split(" ");
                if (f.length >= 2 && alive(Long.parseLong(f[0]), Long.parseLong(f[1]))) {
                    ProcessHandle h = ProcessHandle.of(Long.parseLong(f[0])).orElseThrow();
                    h.descendants().forEach(ProcessHandle::destroyForcibly);
                    h.destroyForcibly();
                    n++;
                }
            }
            n += killProcessesNaming(lab);
            deleteTree(lab);
            timeline.log("removed the lab " + lab + " left behind by a killed run (" + n + " processes stopped)");
        }
    }

    private static boolean alive(long pid, long startMillis) {
        Optional<ProcessHandle> h = ProcessHandle.of(pid);
        return h.isPresent() && h.get().isAlive() && !zombie(pid) && startMillis(h.get()) == startMillis;
    }

    private static long startMillis(ProcessHandle h) {
        return h.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
    }

    private static void requireFree(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(port));
        } catch (IOException e) {
            throw new IllegalStateException("port " + port + " is in use by another program (this lab needs "
                    + "it for Slurm): " + e.getMessage());
        }
    }

    // ------------------------------------------------------------------ files

    static String resource(String name) throws IOException {
        try (InputStream in = SlurmLab.class.getResourceAsStream("/e2e/" + name)) {
            if (in == null) {
                throw new IOException("resource /e2e/" + name + " not found on the test classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static String render(String template, Map<String, String> values) {
        String out = template;
        for (Map.Entry<String, String> e : values.entrySet()) {
            out = out.replace(e.getKey(), e.getValue());
        }
        if (out.matches("(?s).*@[A-Z_]+@.*")) {
            throw new IllegalStateException("unfilled placeholder in template: " + out);
        }
        return out;
    }

    /** Gives {@code p} to a user of this lab's Slurm (munge's uid in a root is not the host's). */
    void chown(Path p, String user) throws IOException {
        install.chown(p, user);
    }

    static String tail(Path file, int lines) {
        String text = read(file);
        List<String> all = text.lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // a socket or a file still being written: go on with the rest
                }
            }
        }
    }
}
