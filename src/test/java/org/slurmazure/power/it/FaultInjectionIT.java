package org.slurmazure.power.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slurmazure.power.emulator.ArmEmulator;
import org.slurmazure.power.emulator.EmulatedVm;
import org.slurmazure.power.emulator.FaultRule;
import org.slurmazure.power.emulator.PowerState;
import org.slurmazure.power.emulator.VmSpec;
import org.slurmazure.power.testing.SecretScan;

/**
 * The built programs, run the way slurmctld runs them (a separate process as SlurmUser when this test is root, an
 * environment of SLURM_CONF only, stdio closed, one hostlist argument), through rounds of random faults: 429 storms,
 * 5xx, dropped connections, answers slower than the request timeout, token endpoint failures, operations that fail
 * and pass when tried again, starts that fail or never finish, a slow, failing or hung scontrol, overlapping
 * invocations and kill -9 at a random moment. After every round, for every node: it has its outcome line; its VM is
 * where the program said (running after a good resume, deallocated after a good suspend or resume-fail), or Slurm
 * was told the node is down or drained, or a log line names node and VM and why; every log line is whole, no secret
 * is written, exit codes are as documented and every run ends within its deadline. A run killed with -9 is followed
 * by what slurmctld (or a reconcile pass) does next, and the same checks.
 *
 * <p>{@code -Dfaults.rounds=N} and {@code -Dfaults.seed=S} repeat or reproduce a run (the seed is printed);
 * src/test/bench/faults.sh runs many rounds and reports the figures of docs/benchmarks.md.
 */
class FaultInjectionIT {
    static final Path CHECKOUT = Path.of("").toAbsolutePath();
    static final int ROUNDS = Integer.getInteger("faults.rounds", 12);
    static final int NODES = 10;
    static final String UNTAGGED = "azc10";
    static final Duration RESUME_DEADLINE = Duration.ofSeconds(12);
    static final Duration SUSPEND_DEADLINE = Duration.ofSeconds(10);
    static final String SECRET = "faults-client-secret-7Qx";
    static final Pattern OUTCOME = Pattern.compile(
            "\\[(\\d+)\\] node=(\\S+) vm=\\S+ action=\\S+ result=(ok|failed)(?: state=\\S+)?(?: ip=\\S+)?"
                    + "(?: duration=\\S+)?(?: jobs=\\S+)?(?: class=(\\S+))?");

    enum Program { RESUME, SUSPEND, RESUME_FAIL }

    @TempDir
    Path dir;
    ArmEmulator emu;
    Path log;
    UserPrincipal slurmUser;
    final Map<String, Integer> counts = new TreeMap<>();
    final List<String> violations = new ArrayList<>();
    long maxOverDeadlineMs = Long.MIN_VALUE;

    /** One program invocation of a round. */
    final class Invocation {
        final Program program;
        final List<String> nodes;
        final Path runDir;
        Process process;
        long startNanos;
        long wallMs;
        boolean killed;
        int exit;

        Invocation(Program program, List<String> nodes, Path runDir) {
            this.program = program;
            this.nodes = nodes;
            this.runDir = runDir;
        }

        String hostlist() {
            return String.join(",", nodes);
        }

        Duration deadline() {
            return program == Program.RESUME ? RESUME_DEADLINE : SUSPEND_DEADLINE;
        }
    }

    @Test
    void randomFaultsNeverLeaveSlurmAndAzureApartUnseen() throws Exception {
        long seed = Long.getLong("faults.seed", System.nanoTime());
        System.out.println("fault injection: " + ROUNDS + " rounds, seed " + seed + " (-Dfaults.seed=" + seed + ")");
        Random random = new Random(seed);
        slurmUser = slurmUser();
        try (ArmEmulator started = ArmEmulator.builder().resourceGroup("hpc1-burst").clientSecret(SECRET)
                .generate("azc[01-09]", v -> v.resourceGroup("hpc1-burst").tag("slurm-cluster", "hpc1"))
                .vm(VmSpec.of(UNTAGGED).resourceGroup("hpc1-burst").tag("slurm-cluster", "someone-else"))
                .lroDuration(Duration.ofMillis(400)).retryAfterSeconds(1).start()) {
            emu = started;
            setUpShared();
            for (int round = 1; round <= ROUNDS; round++) {
                round(round, random);
            }
        }
        SecretScan.file("faults-power_save.log", log);
        Path kept = Path.of(System.getProperty("basedir", ".")).resolve("target/faults-logs");
        Files.createDirectories(kept);
        if (Files.exists(log)) {
            Files.copy(log, kept.resolve("power_save.log"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        System.out.println("fault injection: " + counts + "; worst run ended " + maxOverDeadlineMs
                + " ms after its deadline (negative: before)");
        assertTrue(violations.isEmpty(), "seed " + seed + ": " + violations.size() + " violation(s):\n"
                + String.join("\n", violations));
    }

    private void round(int round, Random random) throws Exception {
        Program program = random.nextInt(10) < 6 ? Program.RESUME : random.nextInt(4) < 3 ? Program.SUSPEND
                : Program.RESUME_FAIL;
        List<String> nodes = pickNodes(random);
        String scontrol = pick(random, "normal", "normal", "normal", "normal", "slow", "failing", "hung");
        boolean faults = injectFaults(random);
        count("program " + program.name().toLowerCase());
        count("scontrol " + scontrol);

        List<Invocation> runs = new ArrayList<>();
        runs.add(invocation(round, 0, program, nodes, scontrol));
        if (program == Program.RESUME && random.nextInt(5) == 0) {
            List<String> overlap = new ArrayList<>(pickNodes(random));
            overlap.add(nodes.get(0));
            runs.add(invocation(round, 1, Program.RESUME, new ArrayList<>(new TreeSet<>(overlap)), scontrol));
            count("overlapping resumes");
        }
        for (Invocation r : runs) {
            start(r);
        }
        if (random.nextInt(7) == 0) {
            Thread.sleep(200 + random.nextInt(2500));
            if (runs.get(0).process.isAlive()) {
                runs.get(0).process.destroyForcibly();
                runs.get(0).killed = true;
                count("kill -9");
            }
        }
        for (Invocation r : runs) {
            finish(r);
        }
        clearFaults();
        settle();
        for (Invocation r : runs) {
            check(round, r);
            boolean clean = !faults && scontrol.equals("normal") && runs.size() == 1 && !r.killed
                    && !r.nodes.contains(UNTAGGED);
            if (clean && r.exit != 0) {
                violations.add("round " + round + " " + r.program + " " + r.hostlist() + ": no fault was injected, "
                        + "yet it exited " + r.exit);
            }
        }
        for (Invocation r : runs) {
            if (r.killed) {
                followUpAfterKill(round, r);
            }
        }
    }

    // --- faults ---

    /** Injects a random mix of faults; false when this round has none. */
    private boolean injectFaults(Random random) {
        int before = counts.values().stream().mapToInt(Integer::intValue).sum();
        if (random.nextInt(4) == 0) {
            emu.addFault(FaultRule.on(null, "/virtualMachines/").status(429).retryAfter(1).times(3 + random.nextInt(8)));
            count("429 storm");
        }
        if (random.nextInt(4) == 0) {
            emu.addFault(FaultRule.on(random.nextBoolean() ? "GET" : "POST", "/virtualMachines/")
                    .status(random.nextBoolean() ? 500 : 503).times(1 + random.nextInt(3)));
            count("5xx");
        }
        if (random.nextInt(5) == 0) {
            emu.addFault(FaultRule.on("GET", "/virtualMachines/").connectionReset().times(1 + random.nextInt(2)));
            count("connection reset");
        }
        if (random.nextInt(6) == 0) {
            emu.addFault(FaultRule.on(null, "/virtualMachines/").delay(Duration.ofSeconds(3)).times(1));
            count("answer slower than requestTimeout");
        }
        if (random.nextInt(6) == 0) {
            emu.failTokenRequests(500, 1 + random.nextInt(2));
            count("token endpoint 500");
        }
        EmulatedVm vm = emu.vm(String.format("azc%02d", 1 + random.nextInt(NODES - 1)));
        switch (random.nextInt(8)) {
            case 0 -> {
                vm.startFailure("InternalExecutionError", 1);
                count("start fails once, then passes");
            }
            case 1 -> {
                vm.deallocateFailure("InternalExecutionError", 1);
                count("deallocate fails once, then passes");
            }
            case 2 -> {
                vm.startFailure("AllocationFailed", 1);
                count("start AllocationFailed");
            }
            case 3 -> {
                vm.startHangs(true);
                count("start never finishes");
            }
            default -> {
                // no VM-level fault this round
            }
        }
        return counts.values().stream().mapToInt(Integer::intValue).sum() > before;
    }

    private void clearFaults() {
        emu.clearFaults();
        emu.clearTokenFailures();
        for (EmulatedVm vm : emu.vms()) {
            vm.startHangs(false);
            vm.startFailure(null);
            vm.deallocateFailure(null);
        }
    }

    // --- runs ---

    private Invocation invocation(int round, int n, Program program, List<String> nodes, String scontrolMode)
            throws IOException {
        Path runDir = Files.createDirectories(dir.resolve("round-" + round + "-" + n));
        Path etc = Files.createDirectories(runDir.resolve("etc"));
        Files.writeString(etc.resolve("slurm.conf"), "# only its directory matters here\n");
        Path scontrolDir = Files.createDirectories(runDir.resolve("scontrol"));
        Path scontrol = scontrolDir.resolve("scontrol");
        try (InputStream in = FaultInjectionIT.class.getResourceAsStream("/slurm/fake-scontrol.sh")) {
            Files.copy(in, scontrol);
        }
        Files.setPosixFilePermissions(scontrol, PosixFilePermissions.fromString("rwxr-xr-x"));
        switch (scontrolMode) {
            case "slow" -> Files.writeString(scontrolDir.resolve("delay"), "1.5");
            case "hung" -> Files.writeString(scontrolDir.resolve("hang"), "");
            case "failing" -> Files.writeString(scontrolDir.resolve("rules"),
                    "nodename=\t1\tslurm_update error: Unable to contact slurm controller (connect failure)\n");
            default -> {
                // a healthy scontrol
            }
        }
        Files.writeString(etc.resolve("azure-power.yaml"), """
                azure:
                  cloud: custom
                  endpoints: { resourceManager: %s, authority: %s }
                  subscriptionId: %s
                  credential: { type: client-secret, tenantId: %s, clientId: %s, secretFile: %s }
                  caCertificates: %s
                cluster: { tag: { name: slurm-cluster, value: hpc1 } }
                nodeGroups: [ { nodes: "azc[01-%02d]", resourceGroup: hpc1-burst } ]
                slurm: { scontrol: %s }
                limits: { resumeDeadline: %ds, suspendDeadline: %ds, requestTimeout: 2s, concurrency: 8 }
                log: { file: %s }
                stateDir: %s
                """.formatted(emu.baseUrl(), emu.baseUrl(), emu.subscriptionId(), emu.tenantId(), emu.clientId(),
                dir.resolve("shared/azure-power.secret"), dir.resolve("shared/emulator-ca.pem"), NODES, scontrol,
                RESUME_DEADLINE.toSeconds(), SUSPEND_DEADLINE.toSeconds(), log, dir.resolve("shared/state")));
        giveToSlurm(runDir);
        return new Invocation(program, nodes, runDir);
    }

    private void start(Invocation r) throws IOException {
        String wrapper = CHECKOUT.resolve("bin/slurm-azure-" + switch (r.program) {
            case RESUME -> "resume";
            case SUSPEND -> "suspend";
            case RESUME_FAIL -> "resume-fail";
        }).toString();
        List<String> argv = new ArrayList<>();
        if (slurmUser != null) {
            // setpriv execs (no fork): kill -9 of the process is kill -9 of the program, as slurmscriptd's is.
            argv.addAll(List.of("/usr/bin/setpriv", "--reuid=slurm", "--regid=slurm", "--init-groups", "--"));
        }
        argv.addAll(List.of("/bin/bash", "-c", "exec 0<&- 1>&- 2>&-; exec \"$0\" \"$1\"", wrapper, r.hostlist()));
        ProcessBuilder pb = new ProcessBuilder(argv).directory(r.runDir.toFile());
        pb.environment().clear();
        pb.environment().put("SLURM_CONF", r.runDir.resolve("etc/slurm.conf").toString());
        r.startNanos = System.nanoTime();
        r.process = pb.start();
    }

    private void finish(Invocation r) throws InterruptedException {
        if (!r.process.waitFor(r.deadline().toSeconds() + 30, TimeUnit.SECONDS)) {
            r.process.destroyForcibly();
            violations.add(r.runDir.getFileName() + ": did not end within 30 s after its deadline");
        }
        r.process.waitFor();
        r.wallMs = (System.nanoTime() - r.startNanos) / 1_000_000;
        r.exit = r.process.exitValue();
        if (!r.killed) {
            maxOverDeadlineMs = Math.max(maxOverDeadlineMs, r.wallMs - r.deadline().toMillis());
            count("exit " + r.exit);
        }
    }

    /** Waits until no VM is in a transition (bounded): the states to check are the settled ones. */
    private void settle() throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(8).toNanos();
        while (System.nanoTime() < end && emu.vms().stream().anyMatch(v -> v.powerState() == PowerState.STARTING
                || v.powerState() == PowerState.DEALLOCATING)) {
            Thread.sleep(100);
        }
    }

    /**
     * After kill -9: a resume's nodes reach ResumeTimeout and slurmctld runs the ResumeFailProgram; a suspend's
     * nodes look powered down to Slurm, so the next suspend (or a reconcile pass) deallocates them.
     */
    private void followUpAfterKill(int round, Invocation killed) throws Exception {
        Program next = killed.program == Program.SUSPEND ? Program.SUSPEND : Program.RESUME_FAIL;
        Invocation r = invocation(round, 9, next, killed.nodes, "normal");
        start(r);
        finish(r);
        settle();
        check(round, r);
        count("follow-up " + next.name().toLowerCase() + " after kill -9");
    }

    // --- checks ---

    private void check(int round, Invocation r) throws IOException {
        String name = "round " + round + " " + r.program + " " + r.hostlist() + " (" + r.runDir.getFileName() + ")";
        long pid = r.process.pid();
        List<String> lines = Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
        List<String> mine = lines.stream().filter(l -> l.contains("[" + pid + "]")).toList();
        for (String line : lines) {
            if (!BuiltResumeProgramIT.LOG_LINE.matcher(line).matches()) {
                violations.add(name + ": a torn line: " + line);
            }
            if (line.contains(SECRET)) {
                violations.add(name + ": the client secret was logged");
            }
        }
        if (r.killed) {
            return; // no promise but the follow-up's
        }
        if (r.wallMs > r.deadline().toMillis() + 3000) {
            violations.add(name + ": ran " + r.wallMs + " ms, deadline " + r.deadline().toMillis() + " ms");
        }
        Map<String, String> outcome = new LinkedHashMap<>(); // node -> "ok" or the failure class
        for (String line : mine) {
            Matcher m = OUTCOME.matcher(line);
            if (m.find()) {
                if (outcome.put(m.group(2), m.group(3).equals("ok") ? "ok" : m.group(4)) != null) {
                    violations.add(name + ": two outcome lines for " + m.group(2));
                }
            }
        }
        boolean anyFailed = false;
        boolean notTold = mine.stream().anyMatch(l -> l.contains("Slurm was not told"));
        SlurmView slurm = SlurmView.read(r.runDir.resolve("scontrol/scontrol.calls"),
                Files.exists(r.runDir.resolve("scontrol/rules")) || Files.exists(r.runDir.resolve("scontrol/hang")));
        for (String node : r.nodes) {
            String o = outcome.get(node);
            if (o == null) {
                violations.add(name + ": no outcome line for " + node + "\n  " + String.join("\n  ", mine));
                continue;
            }
            anyFailed |= !o.equals("ok");
            PowerState vm = emu.vm(node).powerState();
            boolean namedInLog = mine.stream().anyMatch(l -> l.contains("node=" + node + " vm=hpc1-burst/" + node
                    + ": ") || l.contains("node=" + node + ": VM "));
            boolean toldOrNamed = namedInLog || mine.stream().anyMatch(l -> l.contains("node=" + node + " ")
                    && l.contains("Slurm was not told"));
            switch (r.program) {
                case RESUME -> {
                    if (o.equals("ok")) {
                        if (vm != PowerState.RUNNING) {
                            violations.add(name + ": " + node + " resumed ok but its VM is " + vm);
                        }
                        if (!slurm.addressed(node) && !toldOrNamed) {
                            violations.add(name + ": " + node + " resumed ok but Slurm got no NodeAddr, and no line "
                                    + "says so");
                        }
                    } else if (!slurm.state(node, "down") && !toldOrNamed) {
                        // Down: its jobs requeue, ResumeFailProgram deallocates the VM after ResumeTimeout.
                        violations.add(name + ": " + node + " failed (" + o + ") but Slurm was not told down");
                    }
                }
                case SUSPEND, RESUME_FAIL -> {
                    if (o.equals("ok")) {
                        if (vm != PowerState.DEALLOCATED) {
                            violations.add(name + ": " + node + " ok but its VM is " + vm);
                        }
                        if (r.program == Program.RESUME_FAIL && !slurm.state(node, "resume") && !toldOrNamed) {
                            violations.add(name + ": " + node + " deallocated but not returned to service");
                        }
                    } else {
                        boolean drainedOrDown = slurm.state(node, "down") || slurm.state(node, "drain");
                        if (!drainedOrDown && !toldOrNamed) {
                            violations.add(name + ": " + node + " failed (" + o + ") but Slurm was not told");
                        }
                        if (vm != PowerState.DEALLOCATED && !namedInLog && !drainedOrDown && !UNTAGGED.equals(node)) {
                            violations.add(name + ": " + node + " failed (" + o + "), VM " + vm
                                    + ", and no line names it");
                        }
                    }
                }
                default -> throw new IllegalStateException();
            }
        }
        if (r.exit == 0 && (anyFailed || notTold)) {
            violations.add(name + ": exit 0 although " + (anyFailed ? "a node failed" : "Slurm was not told"));
        }
        outcome.values().forEach(o -> count(o.equals("ok") ? "node ok" : "node failed " + o));
        if (r.exit != 0 && r.exit != 1 && r.exit != 3) {
            violations.add(name + ": exit " + r.exit + " is not a documented outcome of a power program");
        }
        if (r.exit != 0 && !anyFailed && !notTold) {
            violations.add(name + ": exit " + r.exit + " although every node succeeded and Slurm was told");
        }
    }

    /** What the fake scontrol of one run applied: which nodes got which state or an address. */
    record SlurmView(Map<String, Set<String>> told) {
        static SlurmView read(Path calls, boolean failing) throws IOException {
            Map<String, Set<String>> told = new TreeMap<>();
            if (failing || !Files.exists(calls)) {
                return new SlurmView(told);
            }
            String[] fields = Files.readString(calls, StandardCharsets.UTF_8).split("\0", -1);
            int i = 0;
            while (i < fields.length - 1) {
                int argc = Integer.parseInt(fields[i++]);
                List<String> args = List.of(fields).subList(i, i + argc);
                i += argc;
                String what = args.stream().filter(a -> a.startsWith("state=")).findFirst()
                        .map(a -> a.substring(6)).orElse(args.stream().anyMatch(a -> a.startsWith("nodeaddr="))
                                ? "nodeaddr" : "?");
                for (String a : args) {
                    if (a.startsWith("nodename=")) {
                        for (String n : a.substring(9).split(",")) {
                            told.computeIfAbsent(n, k -> new TreeSet<>()).add(what);
                        }
                    }
                }
            }
            return new SlurmView(told);
        }

        boolean state(String node, String state) {
            return told.getOrDefault(node, Set.of()).contains(state);
        }

        boolean addressed(String node) {
            return state(node, "nodeaddr");
        }
    }

    // --- plumbing ---

    private void setUpShared() throws IOException {
        Path shared = Files.createDirectories(dir.resolve("shared"));
        Files.createDirectories(shared.resolve("state"));
        Path secret = shared.resolve("azure-power.secret");
        Files.writeString(secret, SECRET + "\n");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        log = shared.resolve("power_save.log");
        Files.copy(emu.caCertificatePem(), shared.resolve("emulator-ca.pem"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        giveToSlurm(shared);
        SecretScan.secret(SECRET);
    }

    private List<String> pickNodes(Random random) {
        List<String> nodes = new ArrayList<>();
        int n = 1 + random.nextInt(4);
        while (nodes.size() < n) {
            String node = String.format("azc%02d", 1 + random.nextInt(NODES));
            if (!nodes.contains(node)) {
                nodes.add(node);
            }
        }
        nodes.sort(null);
        return nodes;
    }

    private static String pick(Random random, String... options) {
        return options[random.nextInt(options.length)];
    }

    private void count(String what) {
        counts.merge(what, 1, Integer::sum);
    }

    /** SlurmUser when this test runs as root and a slurm user exists, else null (run as this user). */
    private UserPrincipal slurmUser() {
        if (!"root".equals(System.getProperty("user.name")) || !Files.isExecutable(Path.of("/usr/bin/setpriv"))) {
            return null;
        }
        try {
            return dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("slurm");
        } catch (IOException noSuchUser) {
            return null;
        }
    }

    private void giveToSlurm(Path root) throws IOException {
        if (slurmUser == null) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path p : paths.toList()) {
                Files.setOwner(p, slurmUser);
            }
        }
    }
}
