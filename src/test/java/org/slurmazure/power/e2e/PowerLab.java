package org.slurmazure.power.e2e;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.slurmazure.power.emulator.ArmEmulator;
import org.slurmazure.power.emulator.RequestRecord;
import org.slurmazure.power.emulator.VmSpec;
import org.slurmazure.power.testing.Cmd;

/**
 * The whole system on one machine: the ARM emulator (in this JVM) holding one VM per cloud node, a copy of the built
 * programs that SlurmUser can read, their configuration ({@code azure-power.yaml} beside slurm.conf, pointing at
 * the emulator), a {@link SlurmLab} whose ResumeProgram, SuspendProgram and ResumeFailProgram are those programs,
 * and the {@link BootAgent} that starts a node's slurmd when its VM runs. {@link #close} stops everything, copies the
 * logs to one folder and removes the lab directory.
 */
final class PowerLab implements AutoCloseable {
    static final String RESOURCE_GROUP = "hpc1-burst";
    static final String TAG_NAME = "slurm-cluster";
    static final String TAG_VALUE = "hpc1";
    static final String CLIENT_SECRET = "e2e-client-secret";

    /** What to build. */
    static final class Spec {
        final SlurmLab.Spec slurm = new SlurmLab.Spec();
        /** Per node: changes to its VM (start failure, ...); the VM gets the cluster tag unless in {@link #untagged}. */
        final Map<String, Consumer<VmSpec>> vmChanges = new LinkedHashMap<>();
        final Set<String> untagged = new LinkedHashSet<>();
        final Set<String> neverBoots = new LinkedHashSet<>();
        Duration lro = Duration.ofSeconds(2);
        Duration bootDelay = Duration.ofMillis(1500);
        String resumeDeadline = "15s";
        String suspendDeadline = "8s";
        /** reconcile.grace of the lab's configuration. */
        String reconcileGrace = "3m";
        /** Where the logs are copied at the end (replaced each run); null = nowhere. */
        Path logsTo;
        /** Keep the lab directory after {@link #close} (-De2e.keep=true). */
        boolean keep;
        /**
         * Run the installed package's programs from this directory (/usr/libexec/slurm-azure-power) instead of a
         * copy of the checkout's bin/: the same harness, pointed at the installed paths.
         */
        Path installedPrograms;
    }

    private final Spec spec;
    private final Timeline timeline;
    private final Path projectDir;
    private final Path buildDir;
    private SlurmLab slurm;
    private ArmEmulator emulator;
    private BootAgent agent;
    private NodeStateLog nodeStates;
    private Path app;
    private Path powerLog;
    private Thread shutdownHook;
    private boolean closed;

    private PowerLab(Spec spec, Timeline timeline, Path projectDir, Path buildDir) {
        this.spec = spec;
        this.timeline = timeline;
        this.projectDir = projectDir;
        this.buildDir = buildDir;
    }

    /** Builds and starts everything; on failure stops what was started and rethrows. */
    static PowerLab start(Spec spec, Timeline timeline) throws Exception {
        PowerLab lab = new PowerLab(spec, timeline, projectDir(), buildDir());
        try {
            lab.startAll();
            return lab;
        } catch (Exception | Error e) {
            lab.close();
            throw e;
        }
    }

    private void startAll() throws Exception {
        if (spec.installedPrograms == null) {
            requireBuild(buildDir);
        }
        slurm = SlurmLab.create(spec.slurm, timeline);
        Path dir = slurm.dir();
        timeline.file(slurm.logDir().resolve("harness.log"));
        shutdownHook = new Thread(this::close, "e2e-teardown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        SlurmLab.Programs programs;
        if (spec.installedPrograms == null) {
            timeline.log("lab directory " + dir + " (program from " + buildDir + ")");
            app = installApp(projectDir, buildDir, dir.resolve("app"));
            programs = SlurmLab.Programs.checkout(app);
        } else {
            timeline.log("lab directory " + dir + " (installed programs in " + spec.installedPrograms + ")");
            programs = SlurmLab.Programs.installed(spec.installedPrograms);
        }
        startEmulator(dir.resolve("emulator"));
        writePowerConfig(dir);
        slurm.writeConfig(programs);
        slurm.start();
        nodeStates = new NodeStateLog(slurm, slurm.logDir().resolve("node-states.log"));
        nodeStates.start();
        agent = new BootAgent(emulator.eventsFile(), slurm, timeline,
                spec.slurm.nodes.stream().map(SlurmLab.CloudNode::name).collect(Collectors.toSet()), spec.neverBoots,
                spec.bootDelay, true);
        agent.start();
    }

    /**
     * Copies the programs of bin/ and the build output (slurm-azure-power.jar, lib/) to {@code appDir}/{bin,target},
     * world-readable and not writable by others: SlurmUser may not be able to read the checkout, and slurmctld
     * refuses group- or world-writable programs.
     */
    static Path installApp(Path projectDir, Path buildDir, Path appDir) throws IOException {
        requireBuild(buildDir);
        Path bin = appDir.resolve("bin");
        Path lib = appDir.resolve("target/lib");
        Files.createDirectories(bin);
        Files.createDirectories(lib);
        for (String p : List.of("slurm-azure-power", "slurm-azure-resume", "slurm-azure-suspend",
                "slurm-azure-resume-fail")) {
            copy(projectDir.resolve("bin/" + p), bin.resolve(p), "rwxr-xr-x");
        }
        copy(buildDir.resolve("slurm-azure-power.jar"), appDir.resolve("target/slurm-azure-power.jar"), "rw-r--r--");
        try (Stream<Path> jars = Files.list(buildDir.resolve("lib"))) {
            for (Path j : jars.toList()) {
                copyUnsigned(j, lib.resolve(j.getFileName()));
            }
        }
        if (Files.isReadable(projectDir.resolve("etc/launcher.jvm"))) {
            Files.createDirectories(appDir.resolve("etc"));
            copy(projectDir.resolve("etc/launcher.jvm"), appDir.resolve("etc/launcher.jvm"), "rw-r--r--");
        }
        trainStartArchive(appDir);
        try (Stream<Path> all = Files.walk(appDir)) {
            for (Path d : all.filter(Files::isDirectory).toList()) {
                Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        }
        return appDir;
    }

    /**
     * What the packages do at install (packaging/common/train-archive): an AppCDS archive of a training run
     * ({@code train-start-archive}), which the launcher then uses through etc/launcher.jvm. It halves the CPU a
     * program needs to start, and the lab starts many at once on a small machine, as a controller does. Made with
     * /usr/bin/java, the JDK the launcher finds under slurmctld's empty environment; best effort: without it the
     * programs start without an archive.
     */
    private static void trainStartArchive(Path appDir) throws IOException {
        Path java = Path.of("/usr/bin/java");
        Path archive = appDir.resolve("target/app.jsa");
        Path jvmFile = appDir.resolve("etc/launcher.jvm");
        if (!Files.isExecutable(java) || Files.exists(jvmFile)) {
            return; // no JDK where the launcher looks, or a launcher.jvm of the checkout's own
        }
        Cmd.Result r = Cmd.of(java.toString(), "-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1",
                "-XX:+UseSerialGC", "-Xss512k", "-Xms16m", "-Xmx512m", "-XX:-UsePerfData",
                "-Xlog:cds=off", "-Xlog:cds+dynamic=off", "-XX:ArchiveClassesAtExit=" + archive, "-jar", appDir.resolve("target/slurm-azure-power.jar").toString(),
                "train-start-archive").dir(appDir).timeout(Duration.ofSeconds(120)).run();
        if (r.exitCode() != 0 || !Files.isReadable(archive)) {
            return;
        }
        Files.setPosixFilePermissions(archive, PosixFilePermissions.fromString("rw-r--r--"));
        Files.createDirectories(jvmFile.getParent());
        Files.writeString(jvmFile, "# written by the end-to-end lab: the archive of a training run (warnings on stderr,\n"
                + "# as the packages' launcher does)\n-Xlog:disable\n-Xlog:all=warning:stderr\n"
                + "-XX:SharedArchiveFile=" + archive + "\n");
        Files.setPosixFilePermissions(jvmFile, PosixFilePermissions.fromString("rw-r--r--"));
    }

    private static void requireBuild(Path buildDir) {
        Path jar = buildDir.resolve("slurm-azure-power.jar");
        if (!Files.isReadable(jar) || !Files.isDirectory(buildDir.resolve("lib"))) {
            throw new IllegalStateException(jar + " or " + buildDir.resolve("lib") + " is missing: build first "
                    + "(mvn -DskipTests package), or name the build directory with -De2e.buildDir=DIR");
        }
    }

    /**
     * Copies a jar without its signature files, as the packages do (packaging/build-packages.sh): class-data sharing
     * skips the classes of signed jars, and JDK 17 crashed dumping an archive with them.
     */
    private static void copyUnsigned(Path from, Path to) throws IOException {
        java.util.regex.Pattern signature = java.util.regex.Pattern.compile("META-INF/[^/]+\\.(SF|RSA|DSA|EC)");
        try (java.util.zip.ZipFile in = new java.util.zip.ZipFile(from.toFile());
                java.util.zip.ZipOutputStream out = new java.util.zip.ZipOutputStream(Files.newOutputStream(to))) {
            for (java.util.zip.ZipEntry e : java.util.Collections.list(in.entries())) {
                if (signature.matcher(e.getName()).matches()) {
                    continue;
                }
                java.util.zip.ZipEntry copy = new java.util.zip.ZipEntry(e.getName());
                copy.setTime(e.getTime());
                out.putNextEntry(copy);
                try (java.io.InputStream data = in.getInputStream(e)) {
                    data.transferTo(out);
                }
                out.closeEntry();
            }
        }
        Files.setPosixFilePermissions(to, PosixFilePermissions.fromString("rw-r--r--"));
    }

    private static void copy(Path from, Path to, String mode) throws IOException {
        Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(to, PosixFilePermissions.fromString(mode));
    }

    private void startEmulator(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        List<VmSpec> vms = new ArrayList<>();
        int i = 0;
        for (SlurmLab.CloudNode n : spec.slurm.nodes) {
            // 127.0.1.N: a loopback address of its own per VM, so NodeAddr shows the value our program set
            VmSpec vm = VmSpec.of(n.name()).resourceGroup(RESOURCE_GROUP).privateIp("127.0.1." + ++i);
            if (!spec.untagged.contains(n.name())) {
                vm.tag(TAG_NAME, TAG_VALUE);
            }
            spec.vmChanges.getOrDefault(n.name(), v -> { }).accept(vm);
            vms.add(vm);
        }
        emulator = ArmEmulator.builder().vms(vms).resourceGroup(RESOURCE_GROUP).clientSecret(CLIENT_SECRET)
                .lroDuration(spec.lro).retryAfterSeconds(1).tlsDirectory(dir.resolve("tls"))
                .eventsFile(dir.resolve("events.log")).start();
        Path ca = dir.resolve("emulator-ca.pem");
        copy(emulator.caCertificatePem(), ca, "rw-r--r--");
        timeline.log("ARM emulator " + emulator.baseUrl() + " with " + vms.size() + " VMs, start/deallocate take "
                + spec.lro.toMillis() + " ms");
    }

    private void writePowerConfig(Path dir) throws IOException {
        Path secret = dir.resolve("etc/azure-power.secret");
        Files.writeString(secret, CLIENT_SECRET + "\n");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        slurm.chown(secret, "slurm");
        Path state = dir.resolve("azure-state");
        Files.createDirectories(state);
        Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwx------"));
        slurm.chown(state, "slurm");
        powerLog = slurm.logDir().resolve("power_save.log");
        String nodes = spec.slurm.nodes.stream().map(SlurmLab.CloudNode::name).collect(Collectors.joining(","));
        String yaml = SlurmLab.render(SlurmLab.resource("azure-power.yaml.in"), Map.ofEntries(
                Map.entry("@URL@", emulator.baseUrl()),
                Map.entry("@SUBSCRIPTION@", emulator.subscriptionId()),
                Map.entry("@TENANT@", emulator.tenantId()),
                Map.entry("@CLIENT@", emulator.clientId()),
                Map.entry("@SECRET_FILE@", secret.toString()),
                Map.entry("@CA@", dir.resolve("emulator/emulator-ca.pem").toString()),
                Map.entry("@TAG_NAME@", TAG_NAME), Map.entry("@TAG_VALUE@", TAG_VALUE),
                Map.entry("@NODES@", nodes), Map.entry("@RESOURCE_GROUP@", RESOURCE_GROUP),
                Map.entry("@SCONTROL@", SlurmLab.SCONTROL),
                Map.entry("@RESUME_DEADLINE@", spec.resumeDeadline),
                Map.entry("@SUSPEND_DEADLINE@", spec.suspendDeadline),
                Map.entry("@RECONCILE_GRACE@", spec.reconcileGrace),
                Map.entry("@LOG@", powerLog.toString()), Map.entry("@STATE@", state.toString())));
        Path config = dir.resolve("etc/azure-power.yaml");
        Files.writeString(config, yaml, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-r--r--"));
    }

    // ------------------------------------------------------------------ accessors

    SlurmLab slurm() {
        return slurm;
    }

    Spec spec() {
        return spec;
    }

    ArmEmulator emulator() {
        return emulator;
    }

    Timeline timeline() {
        return timeline;
    }

    Path powerLogFile() {
        return powerLog;
    }

    PowerSaveLog powerLog() {
        return PowerSaveLog.read(powerLog);
    }

    /** Where the logs end up: the folder they are copied to, else the lab's log directory. */
    Path logsFolder() {
        return spec.logsTo != null ? spec.logsTo : slurm.logDir();
    }

    Path app() {
        return app;
    }

    BootAgent agent() {
        return agent;
    }

    /** The configuration's stateDir: the per-node locks the programs and reconcile share. */
    Path stateDir() {
        return slurm.dir().resolve("azure-state");
    }

    /**
     * {@code slurm-azure-power ARGS} as the systemd timer runs it: as SlurmUser with SLURM_CONF alone (in the root of
     * a newer Slurm, with its scontrol).
     */
    Cmd.Result tool(String... args) {
        Path program = spec.installedPrograms != null ? Path.of("/usr/bin/slurm-azure-power")
                : app.resolve("bin/slurm-azure-power");
        List<String> argv = new ArrayList<>(List.of("/usr/sbin/runuser", "-u", "slurm", "--", "/usr/bin/env", "-i",
                "SLURM_CONF=" + slurm.conf(), program.toString()));
        argv.addAll(List.of(args));
        return slurm.command(argv).timeout(Duration.ofSeconds(90)).run();
    }

    // ------------------------------------------------------------------ teardown

    /** Stops everything (also from the shutdown hook), copies the logs, removes the lab directory. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // already shutting down
            }
        }
        if (agent != null) {
            agent.close();
        }
        if (nodeStates != null) {
            nodeStates.close();
        }
        if (slurm != null) {
            snapshot();
            slurm.close();
        }
        if (emulator != null) {
            emulator.close();
        }
        if (slurm != null) {
            timeline.log("stopped everything");
            collectLogs();
            if (!spec.keep) {
                try {
                    SlurmLab.deleteTree(slurm.dir());
                } catch (IOException e) {
                    timeline.log("cannot remove " + slurm.dir() + ": " + e.getMessage());
                }
            }
        }
    }

    /** Slurm's and the emulator's final view, into the log folder. */
    private void snapshot() {
        try {
            StringBuilder sb = new StringBuilder();
            List<String[]> commands = !slurm.controllerRunning() ? List.of()
                    : List.of(new String[] {"show", "node", "-o"}, new String[] {"show", "job", "-o"});
            for (String[] args : commands) {
                Cmd.Result r = slurm.scontrol(args);
                sb.append("$ scontrol ").append(String.join(" ", args)).append('\n').append(r.out()).append(r.err())
                        .append('\n');
            }
            Files.writeString(slurm.logDir().resolve("final-state.txt"), sb.toString());
            if (emulator != null) {
                StringBuilder req = new StringBuilder();
                for (RequestRecord r : emulator.requests()) {
                    req.append(r).append('\n');
                }
                Files.writeString(slurm.logDir().resolve("emulator-requests.txt"), req.toString());
            }
        } catch (IOException | RuntimeException e) {
            timeline.log("cannot write the final state: " + e);
        }
    }

    private void collectLogs() {
        if (spec.logsTo == null) {
            return;
        }
        try {
            SlurmLab.deleteTree(spec.logsTo);
            Files.createDirectories(spec.logsTo);
            List<Path> sources = new ArrayList<>();
            try (Stream<Path> s = Files.list(slurm.logDir())) {
                sources.addAll(s.toList());
            }
            Path dir = slurm.dir();
            for (String extra : List.of("etc/slurm.conf", "etc/azure-power.yaml", "emulator/events.log",
                    "munge/munged.log")) {
                sources.add(dir.resolve(extra));
            }
            try (Stream<Path> s = Files.list(dir.resolve("jobs"))) {
                sources.addAll(s.toList());
            }
            for (Path p : sources) {
                if (Files.isRegularFile(p)) {
                    Path to = spec.logsTo.resolve(p.getParent().getFileName().toString().equals("jobs")
                            ? "job-" + p.getFileName() : p.getFileName().toString());
                    Files.copy(p, to, StandardCopyOption.REPLACE_EXISTING);
                }
            }
            timeline.log("logs in " + spec.logsTo + (spec.keep ? ", lab kept in " + slurm.dir() : ""));
        } catch (IOException e) {
            timeline.log("cannot copy the logs to " + spec.logsTo + ": " + e);
        }
    }

    // ------------------------------------------------------------------ where things are

    /** The checkout: -De2e.projectDir, else Maven's basedir, else the working directory. */
    static Path projectDir() {
        String p = System.getProperty("e2e.projectDir", System.getProperty("basedir", ""));
        Path dir = Paths.get(p.isEmpty() ? "" : p).toAbsolutePath().normalize();
        if (!Files.isRegularFile(dir.resolve("bin/slurm-azure-power"))) {
            throw new IllegalStateException(dir + " is not a checkout of slurm-azure-power (no bin/slurm-azure-power);"
                    + " set -De2e.projectDir=DIR");
        }
        return dir;
    }

    /**
     * The build output holding slurm-azure-power.jar and lib/: -De2e.buildDir, else the directory these test
     * classes were loaded from (its test-classes' parent: the current build, also with -Dbuild.dir=...), else
     * {@code <project>/target}.
     */
    static Path buildDir() {
        String p = System.getProperty("e2e.buildDir");
        if (p != null && !p.isBlank()) {
            return projectDirOrCwd().resolve(p).toAbsolutePath().normalize();
        }
        try {
            Path classes = Paths.get(PowerLab.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isDirectory(classes) && classes.getFileName().toString().equals("test-classes")
                    && Files.isRegularFile(classes.resolveSibling("slurm-azure-power.jar"))) {
                return classes.getParent();
            }
        } catch (URISyntaxException | RuntimeException e) {
            // fall through to the default
        }
        return projectDirOrCwd().resolve("target");
    }

    private static Path projectDirOrCwd() {
        try {
            return projectDir();
        } catch (IllegalStateException e) {
            return Paths.get("").toAbsolutePath();
        }
    }
}
