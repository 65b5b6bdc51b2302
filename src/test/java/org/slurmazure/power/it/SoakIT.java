package org.slurmazure.power.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slurmazure.power.emulator.ArmEmulator;
import org.slurmazure.power.emulator.EmulatedVm;
import org.slurmazure.power.emulator.FaultRule;
import org.slurmazure.power.emulator.PowerState;
import org.slurmazure.power.emulator.RequestRecord;
import org.slurmazure.power.testing.SecretScan;

/**
 * The soak: cycles of resume, ResumeTimeout and resume-fail, suspend, with reconcile passes between them, over many
 * nodes, with random faults (Azure's: 429 storms, 5xx, dropped connections, failing operations; kill -9 of a program at
 * a random moment) and VMs started, deallocated or stopped behind the tool's back. Slurm is {@link SlurmSim}, a model
 * of slurmctld's cloud-node states (a real slurmctld with one slurmd per node does not fit on this machine for
 * hundreds of nodes; the end-to-end test covers the real one); the programs are the built ones, as slurmctld runs
 * them. After every reconcile pass: no VM runs behind a powered-down node, and no node is up without its VM, for
 * longer than the grace and one pass; every VM the pass wrote to and every node it told Slurm about has its log line.
 *
 * <p>{@code -Dsoak.nodes=N -Dsoak.cycles=C -Dsoak.seed=S}; src/test/bench/soak.sh runs a long one and prints the
 * figures of docs/benchmarks.md. CI runs a short one.
 */
class SoakIT {
    static final Path CHECKOUT = Path.of("").toAbsolutePath();
    static final int NODES = Integer.getInteger("soak.nodes", 30);
    static final int CYCLES = Integer.getInteger("soak.cycles", 2);
    static final Duration GRACE = Duration.ofSeconds(3);
    static final long RESUME_TIMEOUT_MS = 25_000;
    static final long SUSPEND_TIMEOUT_MS = 6_000;
    static final String SECRET = "soak-client-secret-4Kd";

    @TempDir
    Path dir;
    ArmEmulator emu;
    SlurmSim slurm;
    Path config;
    Path log;
    Random random;
    final Map<String, Integer> counts = new TreeMap<>();
    final List<String> violations = new ArrayList<>();
    /** When each node's disagreement (an orphan VM, or a node up without its VM) was first seen by a check. */
    final Map<String, Instant> orphanSince = new HashMap<>();
    final Map<String, Instant> lostSince = new HashMap<>();
    double orphanVmSeconds;
    double orphanVmSecondsBeyondGrace;
    double lostNodeSeconds;
    Instant lastCheck;
    Instant lastPass = Instant.now();
    Duration longestPassInterval = Duration.ZERO;

    @Test
    void cyclesWithFaultsAndReconcilePassesKeepSlurmAndAzureTogether() throws Exception {
        long seed = Long.getLong("soak.seed", System.nanoTime());
        random = new Random(seed);
        System.out.println("soak: " + NODES + " nodes, " + CYCLES + " cycles, seed " + seed);
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= NODES; i++) {
            names.add(String.format("azc%03d", i));
        }
        long started = System.nanoTime();
        try (ArmEmulator started2 = ArmEmulator.builder().resourceGroup("hpc1-burst").clientSecret(SECRET)
                .generate(String.format("azc[001-%03d]", NODES),
                        v -> v.resourceGroup("hpc1-burst").tag("slurm-cluster", "hpc1"))
                .lroDuration(Duration.ofMillis(600)).retryAfterSeconds(1).start()) {
            emu = started2;
            setUp(names);
            lastCheck = Instant.now();
            for (int cycle = 1; cycle <= CYCLES; cycle++) {
                cycle(cycle);
            }
            // Quiet: faults cleared, the timers and passes settle everything.
            emu.clearFaults();
            for (int i = 0; i < 3; i++) {
                Thread.sleep(GRACE.toMillis() + 500);
                timers();
                reconcilePass("final " + (i + 1));
            }
        }
        SecretScan.secret(SECRET);
        SecretScan.file("soak-power_save.log", log);
        String report = String.format(java.util.Locale.ROOT, "soak: %d nodes, %d cycles, wall %.0f s; injected %s; "
                        + "orphan-VM-seconds %.1f (beyond grace + one pass: %.1f), node-up-without-VM seconds %.1f; "
                        + "longest interval between passes %.1f s", NODES, CYCLES,
                (System.nanoTime() - started) / 1e9, counts, orphanVmSeconds, orphanVmSecondsBeyondGrace,
                lostNodeSeconds, longestPassInterval.toMillis() / 1000.0);
        System.out.println(report);
        Path kept = Path.of(System.getProperty("basedir", ".")).resolve("target/soak-logs");
        Files.createDirectories(kept);
        Files.writeString(kept.resolve("report.txt"), report + "\n");
        Files.copy(log, kept.resolve("power_save.log"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertTrue(violations.isEmpty(), "seed " + seed + ": " + String.join("\n", violations));
        assertTrue(orphanVmSecondsBeyondGrace == 0, report);
    }

    private void cycle(int cycle) throws Exception {
        // Resume some idle~ nodes, under Azure's faults.
        injectFaults();
        List<String> idle = slurm.nodes.values().stream().filter(n -> n.poweredDown() && !n.down() && !n.drained())
                .map(n -> n.name).toList();
        List<String> resumed = slurm.beginResume(sample(idle, 0.4), now());
        if (!resumed.isEmpty()) {
            run("resume", resumed);
            for (String n : resumed) {
                if (emu.vm(n).powerState() == PowerState.RUNNING) {
                    slurm.registered(n);
                }
            }
        }
        emu.clearFaults();
        behindTheBack();
        reconcilePass("cycle " + cycle + " after resume");

        // Time passes: ResumeTimeout and resume-fail, jobs end, SuspendTime, suspend.
        Thread.sleep(1000);
        timers();
        injectFaults();
        List<String> up = slurm.nodes.values().stream().filter(n -> n.up() && !n.down() && !n.drained())
                .map(n -> n.name).toList();
        List<String> suspended = slurm.beginSuspend(sample(up, 0.5), now());
        if (!suspended.isEmpty()) {
            run("suspend", suspended);
        }
        emu.clearFaults();
        behindTheBack();
        reconcilePass("cycle " + cycle + " after suspend");
        Thread.sleep(500);
        timers();
    }

    /** slurmctld's timers: ResumeTimeout (then the ResumeFailProgram), SuspendTimeout; power_down_force's suspends. */
    private void timers() throws Exception {
        // A VM that runs boots, and its slurmd registers (a killed resume may have started it).
        for (SlurmSim.Node n : slurm.nodes.values()) {
            if (n.poweringUp() && !n.down() && emu.vm(n.name).powerState() == PowerState.RUNNING) {
                slurm.registered(n.name);
            }
        }
        List<String> failed = slurm.timers(now(), RESUME_TIMEOUT_MS, SUSPEND_TIMEOUT_MS);
        slurm.publish();
        if (!failed.isEmpty()) {
            run("resume-fail", failed);
        }
        if (!slurm.toSuspend.isEmpty()) {
            List<String> again = List.copyOf(slurm.toSuspend);
            slurm.toSuspend.clear();
            run("suspend", again);
        }
    }

    private void reconcilePass(String when) throws Exception {
        Instant before = Instant.now();
        Duration interval = Duration.between(lastPass, before);
        if (interval.compareTo(longestPassInterval) > 0) {
            longestPassInterval = interval;
        }
        slurm.publish();
        long requestsBefore = emu.requests().size();
        Run r = run("reconcile", List.of());
        lastPass = Instant.now();
        // Every VM the pass wrote to, and every node it told Slurm about, has its own log line.
        List<String> lines = r.lines();
        Set<String> deallocated = new HashSet<>();
        List<RequestRecord> requests = emu.requests();
        for (RequestRecord q : requests.subList((int) Math.min(requestsBefore, requests.size()), requests.size())) {
            if (q.method().equals("POST") && q.path().endsWith("/deallocate")) {
                String vm = q.path().replaceAll(".*/virtualMachines/([^/]+)/deallocate$", "$1");
                deallocated.add(vm);
            }
        }
        for (String vm : deallocated) {
            if (lines.stream().noneMatch(l -> l.contains("reconcile: node=" + vm + " ") && (l.contains("deallocated")
                    || l.contains("deallocation FAILED")))) {
                violations.add(when + ": the pass deallocated " + vm + " without a log line");
            }
        }
        for (List<String> update : r.updates()) {
            for (String node : update.get(1).substring("nodename=".length()).split(",")) {
                if (lines.stream().noneMatch(l -> l.contains("reconcile: node=" + node + " ")
                        && (l.contains("returned to service") || l.contains("marked down")))) {
                    violations.add(when + ": the pass told Slurm " + update + " without a log line for " + node);
                }
            }
        }
        count("reconcile passes");
        check(when);
    }

    /** The invariants: how long each disagreement has lasted, against the grace and one pass. */
    private void check(String when) {
        Instant now = Instant.now();
        double elapsed = Duration.between(lastCheck, now).toMillis() / 1000.0;
        lastCheck = now;
        Duration allowance = GRACE.plus(longestPassInterval).plusSeconds(2);
        for (SlurmSim.Node n : slurm.nodes.values()) {
            PowerState vm = emu.vm(n.name).powerState();
            boolean vmBills = vm == PowerState.RUNNING || vm == PowerState.STARTING || vm == PowerState.STOPPED
                    || vm == PowerState.STOPPING;
            boolean orphan = n.poweredDown() && !n.poweringDown() && vmBills;
            boolean lost = n.up() && !n.down() && vm != PowerState.RUNNING;
            track(orphanSince, n.name, orphan, now, elapsed, allowance, when, "a VM running behind a powered-down "
                    + "node", true);
            track(lostSince, n.name, lost, now, elapsed, allowance, when, "a node up without its VM", false);
        }
    }

    private void track(Map<String, Instant> since, String node, boolean bad, Instant now, double elapsed,
                       Duration allowance, String when, String what, boolean orphan) {
        if (!bad) {
            since.remove(node);
            return;
        }
        Instant first = since.computeIfAbsent(node, k -> now);
        Duration age = Duration.between(first, now);
        if (orphan) {
            orphanVmSeconds += elapsed;
            if (age.compareTo(allowance) > 0) {
                orphanVmSecondsBeyondGrace += elapsed;
            }
        } else {
            lostNodeSeconds += elapsed;
        }
        if (age.compareTo(allowance) > 0) {
            violations.add(when + ": " + what + " for " + age.toSeconds() + " s (allowed " + allowance.toSeconds()
                    + " s): " + node + " " + slurm.nodes.get(node).line() + " VM " + emu.vm(node).powerState());
        }
    }

    // --- faults ---

    private void injectFaults() {
        if (random.nextInt(3) == 0) {
            emu.addFault(FaultRule.on(null, "/virtualMachines/").status(429).retryAfter(1).times(2 + random.nextInt(6)));
            count("429 storm");
        }
        if (random.nextInt(3) == 0) {
            emu.addFault(FaultRule.on(random.nextBoolean() ? "GET" : "POST", "/virtualMachines/").status(503)
                    .times(1 + random.nextInt(3)));
            count("5xx");
        }
        if (random.nextInt(5) == 0) {
            emu.addFault(FaultRule.on("GET", "/virtualMachines/").connectionReset().times(1));
            count("connection reset");
        }
        if (random.nextInt(3) == 0) {
            EmulatedVm vm = emu.vm(String.format("azc%03d", 1 + random.nextInt(NODES)));
            if (random.nextBoolean()) {
                vm.startFailure("InternalExecutionError", 1);
                count("start fails once");
            } else {
                vm.deallocateFailure("InternalExecutionError", 1);
                count("deallocate fails once");
            }
        }
    }

    /** VMs changed outside the tool: started in the portal, evicted, powered off in the guest. */
    private void behindTheBack() {
        List<String> names = new ArrayList<>(slurm.nodes.keySet());
        for (int k = 0; k < 1 + NODES / 20; k++) {
            SlurmSim.Node n = slurm.nodes.get(names.get(random.nextInt(names.size())));
            EmulatedVm vm = emu.vm(n.name);
            if (n.poweredDown() && vm.powerState() == PowerState.DEALLOCATED) {
                vm.forcePowerState(random.nextInt(3) == 0 ? PowerState.STOPPED : PowerState.RUNNING);
                count("VM started (or left stopped) behind a powered-down node");
            } else if (n.up() && vm.powerState() == PowerState.RUNNING) {
                vm.forcePowerState(random.nextBoolean() ? PowerState.DEALLOCATED : PowerState.STOPPED);
                count("VM evicted or stopped under an up node");
            }
        }
    }

    // --- runs ---

    /** What one program run did: its log lines and its scontrol updates. */
    record Run(List<String> lines, List<List<String>> updates) {}

    private Run run(String program, List<String> nodes) throws Exception {
        long logBefore = Files.exists(log) ? Files.size(log) : 0;
        List<String> argv = new ArrayList<>();
        if (slurmUser()) {
            argv.addAll(List.of("/usr/bin/setpriv", "--reuid=slurm", "--regid=slurm", "--init-groups", "--"));
        }
        String wrapper = program.equals("reconcile") ? "bin/slurm-azure-power" : "bin/slurm-azure-" + program;
        argv.addAll(List.of("/bin/bash", "-c", "exec 0<&- 1>&- 2>&-; exec \"$0\" \"$@\"",
                CHECKOUT.resolve(wrapper).toString()));
        if (program.equals("reconcile")) {
            argv.addAll(List.of("reconcile", "--config", config.toString()));
        } else {
            argv.add(String.join(",", nodes));
        }
        ProcessBuilder pb = new ProcessBuilder(argv).directory(dir.toFile());
        pb.environment().clear();
        pb.environment().put("SLURM_CONF", dir.resolve("etc/slurm.conf").toString());
        Process p = pb.start();
        count(program + " runs");
        if (!program.equals("reconcile") && random.nextInt(12) == 0) {
            Thread.sleep(300 + random.nextInt(2500));
            if (p.isAlive()) {
                p.destroyForcibly();
                count("kill -9");
            }
        }
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            violations.add(program + " " + nodes + " did not end within 120 s");
        }
        List<List<String>> updates = slurm.applyUpdates(now());
        String fresh = Files.exists(log) ? new String(Files.readAllBytes(log), StandardCharsets.UTF_8)
                .substring((int) Math.min(logBefore, Files.size(log))) : "";
        long pid = p.pid();
        return new Run(fresh.lines().filter(l -> l.contains("[" + pid + "]")).toList(), updates);
    }

    private void setUp(List<String> names) throws IOException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        slurm = new SlurmSim(dir.resolve("slurm"), names);
        Path etc = Files.createDirectories(dir.resolve("etc"));
        Files.writeString(etc.resolve("slurm.conf"), "# only its directory matters here\n");
        Path secret = etc.resolve("azure-power.secret");
        Files.writeString(secret, SECRET + "\n");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        Files.copy(emu.caCertificatePem(), etc.resolve("emulator-ca.pem"));
        log = dir.resolve("power_save.log");
        config = etc.resolve("azure-power.yaml");
        Files.writeString(config, """
                azure:
                  cloud: custom
                  endpoints: { resourceManager: %s, authority: %s }
                  subscriptionId: %s
                  credential: { type: client-secret, tenantId: %s, clientId: %s, secretFile: %s }
                  caCertificates: %s
                cluster: { tag: { name: slurm-cluster, value: hpc1 } }
                nodeGroups: [ { nodes: "azc[001-%03d]", resourceGroup: hpc1-burst } ]
                slurm: { scontrol: %s }
                limits: { resumeDeadline: 15s, suspendDeadline: 12s, requestTimeout: 3s, concurrency: 16 }
                reconcile: { grace: %ds, deadline: 30s }
                log: { file: %s }
                stateDir: %s
                """.formatted(emu.baseUrl(), emu.baseUrl(), emu.subscriptionId(), emu.tenantId(), emu.clientId(),
                secret, etc.resolve("emulator-ca.pem"), NODES, slurm.scontrol, GRACE.toSeconds(), log,
                Files.createDirectories(dir.resolve("state"))));
        if (slurmUser()) {
            var slurmPrincipal = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("slurm");
            try (var paths = Files.walk(dir)) {
                for (Path p : paths.toList()) {
                    Files.setOwner(p, slurmPrincipal);
                }
            }
        }
    }

    private static boolean slurmUser() {
        if (!"root".equals(System.getProperty("user.name")) || !Files.isExecutable(Path.of("/usr/bin/setpriv"))) {
            return false;
        }
        try {
            Path.of("/").getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("slurm");
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private List<String> sample(List<String> from, double share) {
        List<String> picked = new ArrayList<>();
        for (String n : from) {
            if (random.nextDouble() < share) {
                picked.add(n);
            }
        }
        return picked;
    }

    private static long now() {
        return System.currentTimeMillis();
    }

    private void count(String what) {
        counts.merge(what, 1, Integer::sum);
    }
}
