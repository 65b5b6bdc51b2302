package org.slurmazure.power.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;
import org.slurmazure.power.emulator.PowerState;
import org.slurmazure.power.emulator.FaultRule;
import org.slurmazure.power.emulator.VmSpec;

/**
 * The three power programs, in-process through the real command line, against the ARM emulator over HTTPS with
 * the real Azure SDK and credential, and a recording fake scontrol. One behaviour per test: the node outcome, the
 * power_save.log line and the exact scontrol calls.
 */
class PowerProgramsTest {
    @TempDir
    Path dir;

    /** The first scontrol call that sets a state (down, resume...), not an address. */
    private static List<String> stateCall(PowerTestBed bed) throws java.io.IOException {
        return bed.scontrolCalls().stream().filter(c -> c.stream().anyMatch(a -> a.startsWith("state="))).findFirst()
                .orElseThrow(() -> new AssertionError("no state call"));
    }

    /** The node lines say ok, and Slurm got each node's address and no state change. */
    private static void assertResumedOk(PowerTestBed bed, String... nodes) throws java.io.IOException {
        String log = bed.log();
        List<List<String>> calls = bed.scontrolCalls();
        for (String node : nodes) {
            assertTrue(log.contains("node=" + node + " vm=hpc1-burst/" + node + " action=start result=ok"), log);
            String ip = bed.emulator.vm(node).privateIp();
            assertTrue(calls.stream().anyMatch(c -> c.get(1).matches("nodename=(.*,)?" + node + "(,.*)?")
                    && c.get(2).contains(ip)), node + " " + calls);
        }
        assertTrue(calls.stream().noneMatch(c -> c.stream().anyMatch(a -> a.startsWith("state="))), calls.toString());
    }

    private static List<String> update(String... args) {
        List<String> call = new java.util.ArrayList<>(List.of("update"));
        call.addAll(List.of(args));
        return call;
    }

    @Test
    void resumeStartsTheVmsSetsTheirAddressesAndLogsTheJobs() throws Exception {
        try (PowerTestBed bed = new PowerTestBed(dir, PowerTestBed.emulator(2))) {
            Path resumeFile = dir.resolve("resume.json");
            Files.writeString(resumeFile, "{\"all_nodes_resume\":\"azc[001-002]\",\"jobs\":[{\"job_id\":140814,"
                    + "\"nodes_resume\":\"azc[001-002]\",\"nodes_alloc\":\"azc[001-002],onprem1\",\"partition\":\"burst\","
                    + "\"some_future_key\":{\"x\":1}}],\"another_unknown\":true}");

            PowerTestBed.Run run = bed.run("resume", "azc[001-002]", "--resume-file", resumeFile.toString());

            assertEquals(0, run.exit(), run.err() + run.out());
            assertEquals(PowerState.RUNNING, bed.emulator.vm("azc001").powerState());
            assertEquals(PowerState.RUNNING, bed.emulator.vm("azc002").powerState());
            String ip1 = bed.emulator.vm("azc001").privateIp();
            String ip2 = bed.emulator.vm("azc002").privateIp();
            // Addresses go to Slurm as soon as they are known, batched: one call or one per flush.
            java.util.Map<String, String> addrByNode = new java.util.TreeMap<>();
            for (List<String> call : bed.scontrolCalls()) {
                assertEquals("update", call.get(0), call.toString());
                String[] nodes = call.get(1).substring("nodename=".length()).split(",");
                String[] addrs = call.get(2).substring("nodeaddr=".length()).split(",");
                String[] hosts = call.get(3).substring("nodehostname=".length()).split(",");
                assertEquals(List.of(nodes), List.of(hosts), "NodeHostname is the node name");
                for (int i = 0; i < nodes.length; i++) {
                    addrByNode.put(nodes[i], addrs[i]);
                }
            }
            assertEquals(java.util.Map.of("azc001", ip1, "azc002", ip2), addrByNode);
            String log = bed.log();
            assertTrue(log.contains("invoked Resume slurm-azure-power resume azc[001-002]"), log);
            assertTrue(log.contains("node=azc001 vm=hpc1-burst/azc001 action=start result=ok state=deallocated->running ip="
                    + ip1), log);
            assertTrue(log.contains("jobs=140814"), log);
            assertTrue(log.contains("summary: resume 2 nodes: 2 ok, 0 failed"), log);
            assertTrue(log.matches("(?s).*summary: .*, \\d+ Azure requests, 0 throttled.*"), log);
        }
    }

    @Test
    void manyNodesAreReadWithListCallsNotOneGetEach() throws Exception {
        try (PowerTestBed bed = new PowerTestBed(dir, PowerTestBed.emulator(19)
                .vm(VmSpec.of("azc020").resourceGroup("hpc1-burst").tag("slurm-cluster", "other")))) {
            PowerTestBed.Run run = bed.run("resume", "azc[001-020]");

            assertEquals(1, run.exit(), run.out());
            assertEquals(19, bed.emulator.vms().stream().filter(v -> v.powerState() == PowerState.RUNNING).count());
            assertEquals(0, bed.emulator.count("GET", "/virtualMachines/azc0\\d\\d$"), "no per-VM GET");
            assertEquals(0, bed.emulator.count("GET", "/networkInterfaces/."), "no per-NIC GET");
            assertEquals(0, bed.posts("azc020", "start"), "the untagged VM is still refused");
            assertTrue(bed.log().contains("read 20 of 20 VMs and 20 addresses with list calls"), bed.log());
        }
    }

    @Test
    void theConfiguredProxyCarriesBothTokenAndResourceManagerRequests() throws Exception {
        try (ConnectProxy proxy = new ConnectProxy();
             PowerTestBed bed = new PowerTestBed(dir, PowerTestBed.emulator(1))) {
            // The token endpoint by name (localhost), Resource Manager by address (127.0.0.1): both through the proxy.
            String yaml = Files.readString(bed.config)
                    .replace("authority: https://127.0.0.1:", "authority: https://localhost:")
                    .replaceFirst("(  caCertificates: .*\n)", "$1  proxy: http://127.0.0.1:" + proxy.port() + "\n");
            Files.writeString(bed.config, yaml);

            PowerTestBed.Run run = bed.run("resume", "azc001");

            assertEquals(0, run.exit(), run.out() + bed.log());
            assertEquals(PowerState.RUNNING, bed.emulator.vm("azc001").powerState());
            assertTrue(proxy.connects.contains("localhost:" + bed.emulator.port()), "token: " + proxy.connects);
            assertTrue(proxy.connects.contains("127.0.0.1:" + bed.emulator.port()), "ARM: " + proxy.connects);
        }
    }

    @Test
    void unusableStateDirectoryFailsEveryNodeLoudlyWithExit3() throws Exception {
        try (PowerTestBed bed = new PowerTestBed(dir, PowerTestBed.emulator(2))) {
            // A valid stateDir whose locks/ cannot be made (a file is in the way; as root, modes would not stop us).
            Files.writeString(Files.createDirectories(dir.resolve("state")).resolve("locks"), "in the way");

            PowerTestBed.Run run = bed.run("resume", "azc[001-002]");

            assertEquals(ExitCode.CONFIG_ERROR, run.exit(), run.out());
            assertEquals(0, bed.emulator.count("POST", "/virtualMachines/"));
            assertTrue(bed.log().contains("node=azc001 vm=hpc1-burst/azc001 action=none result=failed class=locked"),
                    bed.log());
            List<String> down = stateCall(bed);
            assertEquals(List.of("update", "nodename=azc001,azc002", "state=down"), down.subList(0, 3));
            assertTrue(down.get(3).startsWith("reason=azure: locked: cannot use the state directory"), down.get(3));
        }
    }

    @Test
    void resumeOfARunningVmSendsNoStart() throws Exception {
        try (PowerTestBed bed = new PowerTestBed(dir, PowerTestBed.emulator(0)
                .vm(PowerTestBed.vm("azc001").powerState(PowerState.RUNNING)))) {
            PowerTestBed.Run run = bed.run("resume", "azc001");

            assertEquals(0, run.exit(), run.err());
            assertEquals(0, bed.posts("azc001", "start"));
            assertEquals(List.of(update("nodename=azc001", "nodeaddr=" + bed.emulator.vm("azc001").privateIp(),
                    "nodehostname=azc001")), bed.scontrolCalls());
            assertTrue(bed.log().contains("node=azc001 vm=hpc1-burst/azc001 action=none result=ok state=running->running"));
        }
    }

    @Test
    void allocationFailedMarksTheNodeDownWithTheCapacityClassAndLeavesTheVmDeallocated() throws Exception {
        try (PowerTestBed bed = new PowerTestBed(dir, PowerTestBed.emulator(0)
                .vm(PowerTestBed.vm("azc001").startFailure(VmSpec.ALLOCATION_FAILED))
                .vm(PowerTestBed.vm("azc002")))) {
            PowerTestBed.Run run = bed.run("resume", "azc[001-002]");

            assertEquals(1, run.exit());
            assertEquals(PowerState.DEALLOCATED, bed.emulator.vm("azc001").powerState());
            assertEquals(PowerState.RUNNING, bed.emulator.vm("azc002").powerState());
            List<String> down = bed.scontrolCalls().stream().filter(c -> c.contains("state=down")).findFirst()
                    .orElseThrow();
            assertEquals("nodename=azc001", down.get(1));
            assertTrue(down.get(3).startsWith("reason=azure: capacity: AllocationFailed: "), down.toString());
            assertTrue(bed.log().contains("node=azc001 vm=hpc1-burst/azc001 action=start result=failed class=capacity"),
                    bed.log());
        }
    }

    @Test
    void quotaErrorIsClassifiedAsQuota() throws Exception {
        try (PowerTestBed bed = new PowerTestBed(dir, PowerTestBed.emulator(0)
                .vm(PowerTestBed.vm("azc001").startFailure(VmSpec.QUOTA_EXCEEDED)))) {
            PowerTestBed.Run run = bed.run("resume", "azc001");

            assertEquals(1, run.exit());
            assertTrue(bed.log().contains("result=failed class=quota"), bed.log());
            assertTrue(stateCall(bed).get(3).startsWith("reason=azure: quota: OperationNotAllowed"));
        }
    }

    @Test
    void missingVmIsNotFoundAndTheOtherNodesProceed() throws Exception {
        try (PowerTestBed bed = new PowerTestBed(dir, PowerTestBed.emulator(1))) {
            PowerTestBed.Run run = bed.run("resume", "azc[001-002]");

            assertEquals(1, run.exit());
            assertEquals(PowerState.RUNNING, bed.emulator.vm("azc001").powerState());
            assertTrue(bed.log().contains("node=azc002 vm=hpc1-burst/azc002 action=none result=failed class=not-found"),
                    bed.log());
            assertTrue(bed.scontrolCalls().stream().anyMatch(c -> c.equals(update("nodename=azc002", "state=down",
                    c.get(3))) && c.get(3).startsWith("reason=azure: not-found: ResourceNotFound")));
        }
    }

    @Test
    void untaggedVmIsNeverStartedAndFailsWithAReason() throws Exception {
        try (PowerTestBed bed = new PowerTestBed(dir, PowerTestBed.emulator(0)
                .vm(VmSpec.of("azc001").resourceGroup("hpc1-burst").tag("slurm-cluster", "other")))) {
            PowerTestBed.Run run = bed.run("resume", "azc001");

            assertEquals(1, run.exit());
            assertEquals(0, bed.posts("azc001", "start"));
            assertEquals(0, bed.emulator.count("POST", "/virtualMachines/"));
            assertTrue(stateCall(bed).get(3).startsWith("reason=azure: not-tagged: "));
        }
    }

    @Test
    void nodeOutsideEveryGroupFailsAloneAndTheRestProceed() throws Exception {
        try (PowerTestBed bed = new PowerTestBed(dir, PowerTestBed.emulator(1))) {
            PowerTestBed.Run run = bed.run("resume", "azc001,gpu7");

            assertEquals(1, run.exit());
            assertEquals(PowerState.RUNNING, bed.emulator.vm("azc001").powerState());
            assertTrue(bed.log().contains("node=gpu7 vm=- action=none result=failed class=no-group"), bed.log());
            assertTrue(bed.scontrolCalls().stream().anyMatch(c -> c.get(1).equals("nodename=gpu7")
                    && c.get(3).startsWith("reason=azure: no-group: ")));
        }
    }

    @Test
    void throttledStartsHoldBackEveryWriteUntilRetryAfterThenSucceed() throws Exception {
        try (PowerTestBed bed = new PowerTestBed(dir, PowerTestBed.emulator(2))) {
            // More 429s than the SDK's own retries (3): the engine and the throttle gate must handle them.
            bed.emulator.addFault(FaultRule.on("POST", "/azc001/start$").status(429).retryAfter(1).times(5));

            PowerTestBed.Run run = bed.run("resume", "azc[001-002]");

            assertEquals(0, run.exit(), run.out() + bed.log());
            assertEquals(5, bed.emulator.statusCount(429));
            assertTrue(bed.log().contains(" Azure requests, 5 throttled"), bed.log());
            assertResumedOk(bed, "azc001", "azc002");
            // No write reached Azure inside a window a 429 had opened (from 0.1 s after it, for its Retry-After).
            List<org.slurmazure.power.emulator.RequestRecord> posts = bed.emulator.requests().stream()
                    .filter(r -> r.method().equals("POST")).toList();
            for (org.slurmazure.power.emulator.RequestRecord throttled : posts) {
                if (throttled.status() != 429) {
                    continue;
                }
                java.time.Instant open = throttled.time().plusMillis(100);
                java.time.Instant close = throttled.time().plusSeconds(1);
                for (org.slurmazure.power.emulator.RequestRecord r : posts) {
                    assertFalse(r.time().isAfter(open) && r.time().isBefore(close),
                            r + " was sent inside the window of " + throttled);
                }
            }
        }
    }

    @Test
    void serverErrorsAndConnectionResetsAreRetried() throws Exception {
        try (PowerTestBed bed = new PowerTestBed(dir, PowerTestBed.emulator(1))) {
            bed.emulator.addFault(FaultRule.on("GET", "/virtualMachines/azc001$").status(503).times(1));
            bed.emulator.addFault(FaultRule.on("POST", "/start$").status(500).times(1));
            bed.emulator.addFault(FaultRule.on("GET", "/networkInterfaces/").connectionReset().times(1));

            PowerTestBed.Run run = bed.run("resume", "azc001");

            assertEquals(0, run.exit(), run.out() + bed.log());
            assertEquals(PowerState.RUNNING, bed.emulator.vm("azc001").powerState());
            assertEquals(1, bed.emulator.statusCount(503));
            assertResumedOk(bed, "azc001");
        }
    }

    @Test
    void aResponseSlowerThanTheRequestTimeoutIsRetried() throws Exception {
        try (PowerTestBed bed = new PowerTestBed(dir, PowerTestBed.emulator(1),
                "limits: { resumeDeadline: 30s, requestTimeout: 1s }\n")) {
            bed.emulator.addFault(FaultRule.on("GET", "/virtualMachines/azc001$").delay(Duration.ofSeconds(3)).times(1));

            PowerTestBed.Run run = bed.run("resume", "azc001");

            assertEquals(0, run.exit(), run.out() + bed.log());
            assertEquals(PowerState.RUNNING, bed.emulator.vm("azc001").powerState());
            assertResumedOk(bed, "azc001");
        }
    }

    @Test
    void tokenEndpointFailureFailsEveryNodeAsAuthWithExit3() throws Exception {
        try (PowerTestBed bed = new PowerTestBed(dir, PowerTestBed.emulator(2),
                "limits: { resumeDeadline: 20s, requestTimeout: 5s }\n")) {
            bed.emulator.failTokenRequests(500, 1000);

            long start = System.nanoTime();
            PowerTestBed.Run run = bed.run("resume", "azc[001-002]");
            long tookMs = (System.nanoTime() - start) / 1_000_000;

            assertEquals(ExitCode.CONFIG_ERROR, run.exit(), run.out() + bed.log());
            assertEquals(0, bed.emulator.count("POST", "/start$"));
            // A 500 of the token endpoint may pass: tried again until the work end, and no longer than the deadline.
            assertTrue(bed.log().contains("cannot reach Azure yet"), bed.log());
            assertTrue(bed.emulator.count("POST", "/oauth2/v2.0/token$") >= 2, bed.log());
            assertTrue(tookMs < 20_000, "took " + tookMs + " ms with a 20 s deadline");
            assertTrue(bed.log().contains("node=azc001 vm=hpc1-burst/azc001 action=none result=failed class=auth"),
                    bed.log());
            List<String> down = stateCall(bed);
            assertTrue(down.contains("state=down") && down.get(3).startsWith("reason=azure: auth: "), down.toString());
        }
    }

    @Test
    void startThatNeverFinishesTimesOutIsMarkedDownAndIsDeallocated() throws Exception {
        try (PowerTestBed bed = new PowerTestBed(dir, PowerTestBed.emulator(0)
                .vm(PowerTestBed.vm("azc001").startHangs(true)),
                "limits: { resumeDeadline: 6s, requestTimeout: 2s }\n")) {
            PowerTestBed.Run run = bed.run("resume", "azc001");

            assertEquals(1, run.exit());
            assertTrue(bed.log().contains("result=failed class=timeout"), bed.log());
            assertEquals(1, bed.posts("azc001", "deallocate"));
            assertTrue(stateCall(bed).get(3).startsWith("reason=azure: timeout: "));
        }
    }

    @Test
    void missingScontrolIsLoggedAndTheExitCodeSaysSo() throws Exception {
        try (PowerTestBed bed = new PowerTestBed(dir, PowerTestBed.emulator(1))) {
            Files.delete(bed.scontrol.path());

            PowerTestBed.Run run = bed.run("resume", "azc001");

            // Nothing is started that Slurm could not be told about.
            assertEquals(ExitCode.CONFIG_ERROR, run.exit());
            assertEquals(PowerState.DEALLOCATED, bed.emulator.vm("azc001").powerState());
            assertEquals(0, bed.emulator.count("POST", "/start$"));
            assertTrue(bed.log().contains("resume: cannot tell Slurm anything: scontrol not found at "
                    + bed.scontrol.path() + " (set slurm.scontrol in the configuration); nothing started"), bed.log());
            assertTrue(bed.log().contains("node=azc001 vm=hpc1-burst/azc001 action=none result=failed class=config"),
                    bed.log());
        }
    }

    @Test
    void failingScontrolIsLoggedWithTheNodes() throws Exception {
        try (PowerTestBed bed = new PowerTestBed(dir, PowerTestBed.emulator(1))) {
            bed.scontrol.failWhen("nodeaddr=", 1, "slurm_update error: Unable to contact slurm controller");

            PowerTestBed.Run run = bed.run("resume", "azc001");

            assertEquals(1, run.exit());
            assertTrue(bed.log().contains("FAILED: "), bed.log());
            assertTrue(bed.log().contains("Unable to contact slurm controller"), bed.log());
        }
    }

    @Test
    void unreadableResumeFileIsAWarningAndTheNodesStillResume() throws Exception {
        try (PowerTestBed bed = new PowerTestBed(dir, PowerTestBed.emulator(1))) {
            Path broken = dir.resolve("resume.json");
            Files.writeString(broken, "{\"jobs\":[{\"job_id\":");

            PowerTestBed.Run missing = bed.run("resume", "azc001", "--resume-file", dir.resolve("gone").toString());
            PowerTestBed.Run malformed = bed.run("resume", "azc001", "--resume-file", broken.toString());

            assertEquals(0, missing.exit());
            assertEquals(0, malformed.exit());
            String log = bed.log();
            assertTrue(log.contains("WARN") && log.contains("cannot read SLURM_RESUME_FILE " + dir.resolve("gone")), log);
            assertTrue(log.contains("is unusable"), log);
        }
    }

    @Test
    void overlappingInvocationsDoNotStartAVmTwice() throws Exception {
        try (PowerTestBed bed = new PowerTestBed(dir, PowerTestBed.emulator(3))) {
            ExecutorService two = Executors.newFixedThreadPool(2);
            Future<PowerTestBed.Run> a = two.submit(() -> bed.run("resume", "azc[001-003]"));
            Future<PowerTestBed.Run> b = two.submit(() -> bed.run("resume", "azc[001-003]"));

            assertEquals(0, a.get().exit(), a.get().out());
            assertEquals(0, b.get().exit(), b.get().out());
            two.shutdown();
            for (String vm : List.of("azc001", "azc002", "azc003")) {
                assertEquals(1, bed.emulator.vm(vm).startCount(), vm);
            }
        }
    }

    @Test
    void suspendDeallocatesAndAnAlreadyDeallocatedVmIsSuccess() throws Exception {
        try (PowerTestBed bed = new PowerTestBed(dir, PowerTestBed.emulator(0)
                .vm(PowerTestBed.vm("azc001").powerState(PowerState.RUNNING))
                .vm(PowerTestBed.vm("azc002")))) {
            PowerTestBed.Run run = bed.run("suspend", "azc[001-002]");

            assertEquals(0, run.exit(), run.out());
            assertEquals(PowerState.DEALLOCATED, bed.emulator.vm("azc001").powerState());
            assertEquals(1, bed.posts("azc001", "deallocate"));
            assertEquals(0, bed.posts("azc002", "deallocate"));
            assertEquals(0, bed.emulator.count("POST", "/powerOff$"));
            assertEquals(List.of(), bed.scontrolCalls());
            assertTrue(bed.log().contains("invoked Suspend"));
        }
    }

    @Test
    void suspendThatCannotDeallocateLogsTheVmIdAtError() throws Exception {
        try (PowerTestBed bed = new PowerTestBed(dir, PowerTestBed.emulator(0)
                .vm(PowerTestBed.vm("azc001").powerState(PowerState.RUNNING).deallocateHangs(true)),
                "limits: { suspendDeadline: 5s, requestTimeout: 2s }\n")) {
            PowerTestBed.Run run = bed.run("suspend", "azc001");

            assertEquals(1, run.exit());
            String log = bed.log();
            assertTrue(log.contains("ERROR") && log.contains("class=timeout"), log);
            assertTrue(log.contains(bed.emulator.vm("azc001").resourceId()), log);
        }
    }

    @Test
    void resumeFailDeallocatesThenReturnsTheNodesToService() throws Exception {
        try (PowerTestBed bed = new PowerTestBed(dir, PowerTestBed.emulator(0)
                .vm(PowerTestBed.vm("azc001").powerState(PowerState.RUNNING))
                .vm(PowerTestBed.vm("azc002")))) {
            PowerTestBed.Run run = bed.run("resume-fail", "azc[001-002]");

            assertEquals(0, run.exit(), run.out());
            assertEquals(PowerState.DEALLOCATED, bed.emulator.vm("azc001").powerState());
            // Batched as outcomes arrive: one call, or one per flush.
            List<String> resumed = new java.util.ArrayList<>();
            for (List<String> call : bed.scontrolCalls()) {
                assertEquals("state=resume", call.get(2), call.toString());
                resumed.addAll(List.of(call.get(1).substring("nodename=".length()).split(",")));
            }
            java.util.Collections.sort(resumed);
            assertEquals(List.of("azc001", "azc002"), resumed);
            assertTrue(bed.log().contains("invoked ResumeFail"));
        }
    }

    @Test
    void dryRunPrintsThePlanAndWritesNothing() throws Exception {
        try (PowerTestBed bed = new PowerTestBed(dir, PowerTestBed.emulator(0)
                .vm(PowerTestBed.vm("azc001").powerState(PowerState.RUNNING))
                .vm(PowerTestBed.vm("azc002")))) {
            PowerTestBed.Run run = bed.run("resume", "azc[001-002]", "--dry-run");
            PowerTestBed.Run offline = bed.run("suspend", "azc[001-002]", "--dry-run", "--offline");

            assertEquals(0, run.exit(), run.err());
            assertTrue(run.out().matches("(?s).*azc001\\s+azc001\\s+hpc1-burst\\s+running\\s+none \\(already running\\).*"),
                    run.out());
            assertTrue(run.out().matches("(?s).*azc002\\s+azc002\\s+hpc1-burst\\s+deallocated\\s+start.*"), run.out());
            assertEquals(0, offline.exit());
            assertTrue(offline.out().contains("deallocate unless deallocated"));
            assertEquals(0, bed.emulator.count("POST", "/virtualMachines/"));
            assertEquals(2, bed.emulator.count("GET", "/virtualMachines/"), "only the dry run (not offline) read");
            assertEquals(List.of(), bed.scontrolCalls());
            assertFalse(Files.exists(bed.log), "a dry run writes no power_save.log");
        }
    }

    /** The scontrol calls a dry run printed under "Slurm:", each split back into its arguments. */
    private static List<List<String>> shownCalls(PowerTestBed bed, String out) {
        String prefix = "  " + bed.scontrol.path() + " ";
        return out.lines().filter(l -> l.startsWith(prefix)).map(PowerProgramsTest::words).toList();
    }

    /** Splits a line as a shell would: spaces between words, single quotes, a backslash escapes outside quotes. */
    private static List<String> words(String line) {
        List<String> words = new java.util.ArrayList<>();
        StringBuilder w = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        String text = line.strip();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\'') {
                quoted = !quoted;
                any = true;
            } else if (c == '\\' && !quoted && i + 1 < text.length()) {
                w.append(text.charAt(++i));
                any = true;
            } else if (c == ' ' && !quoted) {
                if (any) {
                    words.add(w.toString());
                }
                w.setLength(0);
                any = false;
            } else {
                w.append(c);
                any = true;
            }
        }
        if (any) {
            words.add(w.toString());
        }
        return words;
    }

    /**
     * What each node is told, from scontrol calls (program name first or not): its address, or its state change with
     * the reason. Batching aside, a dry run and a run must tell every node the same.
     */
    private static java.util.Map<String, String> perNode(List<List<String>> calls) {
        java.util.Map<String, String> told = new java.util.TreeMap<>();
        for (List<String> call : calls) {
            List<String> args = call.get(0).startsWith("/") ? call.subList(1, call.size()) : call;
            assertEquals("update", args.get(0), call.toString());
            String[] nodes = args.get(1).substring("nodename=".length()).split(",", -1);
            for (int i = 0; i < nodes.length; i++) {
                String update;
                if (args.get(2).startsWith("nodeaddr=")) {
                    update = "nodeaddr=" + args.get(2).substring(9).split(",", -1)[i] + " nodehostname="
                            + args.get(3).substring(13).split(",", -1)[i];
                } else {
                    update = String.join(" ", args.subList(2, args.size()));
                }
                told.merge(nodes[i], update, (a, b) -> a + " | " + b);
            }
        }
        return told;
    }

    /** azc001 running, azc002 deallocated, azc003 tagged for another cluster. */
    PowerTestBed runningDeallocatedAndUntagged() throws Exception {
        return new PowerTestBed(dir, PowerTestBed.emulator(0)
                .vm(PowerTestBed.vm("azc001").powerState(PowerState.RUNNING))
                .vm(PowerTestBed.vm("azc002"))
                .vm(VmSpec.of("azc003").resourceGroup("hpc1-burst").tag("slurm-cluster", "other")));
    }

    @Test
    void aResumeDryRunShowsTheScontrolCallsOfARunAndSendsNone() throws Exception {
        try (PowerTestBed bed = runningDeallocatedAndUntagged()) {
            String scontrol = bed.scontrol.path().toString();

            PowerTestBed.Run dry = bed.run("resume", "azc[001-004],gpu7", "--dry-run");

            assertEquals(1, dry.exit(), dry.out());
            assertEquals(List.of(), bed.scontrolCalls(), "a dry run sends no update");
            assertEquals(List.of(), bed.scontrol.reads(), "nor reads anything from Slurm");
            assertEquals(0, bed.emulator.count("POST", "/virtualMachines/"));
            List<List<String>> shown = shownCalls(bed, dry.out());
            String ip1 = bed.emulator.vm("azc001").privateIp();
            String ip2 = bed.emulator.vm("azc002").privateIp();
            assertEquals(List.of(scontrol, "update", "nodename=azc001,azc002", "nodeaddr=" + ip1 + "," + ip2,
                    "nodehostname=azc001,azc002"), shown.get(0), dry.out());
            assertEquals(List.of(scontrol, "update", "nodename=azc003", "state=down",
                    "reason=azure: not-tagged: VM lacks tag slurm-cluster=hpc1: refused, not touched"), shown.get(1));
            assertEquals(List.of(scontrol, "update", "nodename=azc004", "state=down"), shown.get(2).subList(0, 4));
            assertTrue(shown.get(2).get(4).startsWith("reason=azure: not-found: "), shown.get(2).toString());
            assertEquals(List.of(scontrol, "update", "nodename=gpu7", "state=down",
                    "reason=azure: no-group: node is in no node group of " + bed.config), shown.get(3));
            assertEquals(4, shown.size(), dry.out());
            assertTrue(dry.out().contains("dry run: nothing was written to Azure or Slurm"), dry.out());

            PowerTestBed.Run run = bed.run("resume", "azc[001-004],gpu7");

            assertEquals(1, run.exit(), run.out());
            assertEquals(perNode(bed.scontrolCalls()), perNode(shown), "the run tells each node what the dry run said");
        }
    }

    @Test
    void resumeFailAndSuspendDryRunsShowReturnToServiceAndDrainsAsTheirRunsSendThem() throws Exception {
        try (PowerTestBed bed = runningDeallocatedAndUntagged()) {
            String scontrol = bed.scontrol.path().toString();

            PowerTestBed.Run dry = bed.run("resume-fail", "azc[001-003],gpu7", "--dry-run");

            assertEquals(List.of(), bed.scontrolCalls(), "a dry run sends no update");
            List<List<String>> shown = shownCalls(bed, dry.out());
            assertEquals(List.of(
                    List.of(scontrol, "update", "nodename=azc003", "state=drain",
                            "reason=azure: not-tagged: VM lacks tag slurm-cluster=hpc1: refused, not touched"),
                    List.of(scontrol, "update", "nodename=gpu7", "state=drain",
                            "reason=azure: no-group: node is in no node group of " + bed.config),
                    List.of(scontrol, "update", "nodename=azc001,azc002", "state=resume")), shown, dry.out());
            bed.run("resume-fail", "azc[001-003],gpu7");
            assertEquals(perNode(bed.scontrolCalls()), perNode(shown), "the run tells each node what the dry run said");

            PowerTestBed.Run suspendDry = bed.run("suspend", "azc[001-003],gpu7", "--dry-run");
            List<List<String>> suspendShown = shownCalls(bed, suspendDry.out());
            assertEquals(shown.subList(0, 2), suspendShown, "drains only: a deallocated node is not Slurm's news");
            int before = bed.scontrolCalls().size();
            bed.run("suspend", "azc[001-003],gpu7");
            assertEquals(perNode(suspendShown), perNode(bed.scontrolCalls().subList(before, bed.scontrolCalls()
                    .size())));
        }
    }

    @Test
    void anOfflineDryRunShowsTheCallsWithoutTheAddressesAndReadsNothing() throws Exception {
        try (PowerTestBed bed = new PowerTestBed(dir, PowerTestBed.emulator(2))) {
            String scontrol = bed.scontrol.path().toString();

            PowerTestBed.Run resume = bed.run("resume", "azc[001-002],gpu7", "--dry-run", "--offline");
            PowerTestBed.Run resumeFail = bed.run("resume-fail", "azc[001-002],gpu7", "--dry-run", "--offline");

            assertTrue(resume.out().contains("(offline: no VM was read; <IP> is each VM's private IP)"), resume.out());
            assertTrue(resume.out().contains("  " + scontrol + " update nodename=azc001,azc002 'nodeaddr=<IP>,<IP>' "
                    + "nodehostname=azc001,azc002\n"), resume.out());
            assertEquals(List.of(scontrol, "update", "nodename=gpu7", "state=down",
                    "reason=azure: no-group: node is in no node group of " + bed.config),
                    shownCalls(bed, resume.out()).get(1));
            assertEquals(List.of(List.of(scontrol, "update", "nodename=gpu7", "state=drain",
                    "reason=azure: no-group: node is in no node group of " + bed.config),
                    List.of(scontrol, "update", "nodename=azc001,azc002", "state=resume")),
                    shownCalls(bed, resumeFail.out()));
            assertEquals(0, bed.emulator.requests().size(), "offline: Azure not even asked for a token");
            assertEquals(List.of(), bed.scontrolCalls());
        }
    }

    @Test
    void invalidHostlistExits2WithOneLine() throws Exception {
        try (PowerTestBed bed = new PowerTestBed(dir, PowerTestBed.emulator(0))) {
            PowerTestBed.Run run = bed.run("resume", "azc[3-1]");

            assertEquals(ExitCode.INVALID_INPUT, run.exit());
            assertEquals(1, run.err().lines().count(), run.err());
            assertTrue(run.err().contains("invalid hostlist \"azc[3-1]\""), run.err());
            assertTrue(bed.log().contains("nothing done"));
        }
    }

    @Test
    void aSlowScontrolStillGetsEveryAddressAndTheSummaryCountsIt() throws Exception {
        try (PowerTestBed bed = new PowerTestBed(dir, PowerTestBed.emulator(3))) {
            bed.scontrol.delay(1.5);

            PowerTestBed.Run run = bed.run("resume", "azc[001-003]");

            assertEquals(0, run.exit(), run.out() + bed.log());
            assertResumedOk(bed, "azc001", "azc002", "azc003");
            assertFalse(bed.log().contains("FAILED"), bed.log());
        }
    }

    @Test
    void aSlowScontrolStillReturnsEveryResumeFailNodeToService() throws Exception {
        try (PowerTestBed bed = new PowerTestBed(dir, PowerTestBed.emulator(0)
                .vm(PowerTestBed.vm("azc001").powerState(PowerState.RUNNING))
                .vm(PowerTestBed.vm("azc002")))) {
            bed.scontrol.delay(1.5);

            PowerTestBed.Run run = bed.run("resume-fail", "azc[001-002]");

            assertEquals(0, run.exit(), run.out() + bed.log());
            List<String> resumed = new java.util.ArrayList<>();
            bed.scontrolCalls().forEach(c -> resumed.addAll(List.of(c.get(1).substring(9).split(","))));
            java.util.Collections.sort(resumed);
            assertEquals(List.of("azc001", "azc002"), resumed);
        }
    }

    @Test
    void aHungScontrolCannotStretchTheRunPastItsDeadline() throws Exception {
        try (PowerTestBed bed = new PowerTestBed(dir, PowerTestBed.emulator(2),
                "limits: { resumeDeadline: 8s, requestTimeout: 2s }\n")) {
            bed.scontrol.hang();

            long start = System.nanoTime();
            PowerTestBed.Run run = bed.run("resume", "azc[001-002]");
            long tookMs = (System.nanoTime() - start) / 1_000_000;

            assertEquals(ExitCode.PARTIAL_FAILURE, run.exit(), run.out());
            assertTrue(tookMs < 9_000, "took " + tookMs + " ms with an 8 s deadline");
            String log = bed.log();
            assertTrue(log.contains("node=azc001 vm=hpc1-burst/azc001: Slurm was not told NodeAddr="), log);
            assertTrue(log.contains("node=azc002 vm=hpc1-burst/azc002: Slurm was not told NodeAddr="), log);
            assertTrue(log.contains("summary: resume 2 nodes: 2 ok, 0 failed") && log.contains(
                    "Slurm not told about 2 node(s)"), log);
        }
    }

    @ParameterizedTest(name = "Slurm {0}: {1}")
    @CsvSource({"22.05.8, none", "23.11.10, one call per node", "24.11.5, one call per node", "26.05.5, paired lists"})
    void resumeRecordsEachVmForSlurmsInstanceAccountingAsTheVersionTakesIt(String version, String how)
            throws Exception {
        try (PowerTestBed bed = new PowerTestBed(dir, PowerTestBed.emulator(2))) {
            bed.scontrol.showConfig("SLURM_VERSION = " + version + "\nResumeTimeout = 600 sec\n");

            PowerTestBed.Run run = bed.run("resume", "azc[001-002]");

            assertEquals(0, run.exit(), run.err() + run.out());
            List<List<String>> updates = bed.scontrolCalls();
            List<List<String>> instance = updates.stream()
                    .filter(c -> c.stream().anyMatch(a -> a.startsWith("instanceid=")))
                    .toList();
            // never in the call that sets NodeAddr: a refused instance field must not cost the node its address
            assertTrue(updates.stream().filter(c -> c.stream().anyMatch(a -> a.startsWith("nodeaddr=")))
                    .noneMatch(c -> c.stream().anyMatch(a -> a.startsWith("instance"))), updates.toString());
            String id1 = bed.emulator.vm("azc001").resourceId();
            String id2 = bed.emulator.vm("azc002").resourceId();
            String size = bed.emulator.vm("azc001").vmSize();
            switch (how) {
                case "none" -> assertEquals(List.of(), instance);
                case "one call per node" -> assertEquals(
                        java.util.Set.of(
                                List.of("update", "nodename=azc001", "instanceid=" + id1, "instancetype=" + size),
                                List.of("update", "nodename=azc002", "instanceid=" + id2, "instancetype=" + size)),
                        java.util.Set.copyOf(instance));
                default -> {
                    java.util.Map<String, String> idByNode = new java.util.TreeMap<>();
                    for (List<String> call : instance) {
                        String[] nodes = call.get(1).substring("nodename=".length()).split(",");
                        String[] ids = call.get(2).substring("instanceid=".length()).split(",");
                        String[] types = call.get(3).substring("instancetype=".length()).split(",");
                        assertEquals(nodes.length, ids.length, call.toString());
                        assertEquals(nodes.length, types.length, call.toString());
                        for (int i = 0; i < nodes.length; i++) {
                            idByNode.put(nodes[i], ids[i] + " " + types[i]);
                        }
                    }
                    assertEquals(java.util.Map.of("azc001", id1 + " " + size, "azc002", id2 + " " + size), idByNode);
                }
            }
            if (!how.equals("none")) {
                assertTrue(bed.log().contains("slurm: set InstanceId/InstanceType of ["), bed.log());
            }
        }
    }

    @Test
    void instanceFieldsSlurmRefusesAreLoggedButDoNotFailTheRun() throws Exception {
        try (PowerTestBed bed = new PowerTestBed(dir, PowerTestBed.emulator(1))) {
            bed.scontrol.showConfig("SLURM_VERSION = 24.11.5\nResumeTimeout = 600 sec\n");
            bed.scontrol.failWhen("instanceid=", 1, "scontrol: error: Update of this parameter is not supported: instanceid");

            PowerTestBed.Run run = bed.run("resume", "azc001");

            assertEquals(0, run.exit(), run.err() + run.out());
            String log = bed.log();
            assertTrue(log.contains("slurm: set NodeAddr of [azc001="), log);
            assertTrue(log.contains("InstanceId/InstanceType of [azc001] not recorded (accounting only)"), log);
            assertFalse(log.contains("Slurm was not told"), log);
        }
    }

    @Test
    void aPowerActionsFixedArgumentsComeBeforeTheHostlistAndAreLogged() throws Exception {
        // slurm.conf 26.05: PowerAction=azure-resume Location=slurmctld Program="<resume> --config <file>"
        try (PowerTestBed bed = new PowerTestBed(dir, PowerTestBed.emulator(2))) {
            PowerTestBed.Run run = bed.runAsGiven("resume", "--config", bed.config.toString(), "azc[001-002]");

            assertEquals(0, run.exit(), run.err() + run.out());
            assertEquals(PowerState.RUNNING, bed.emulator.vm("azc002").powerState());
            assertTrue(bed.log().contains("invoked Resume slurm-azure-power resume azc[001-002] (arguments: --config "
                    + bed.config + ")"), bed.log());
        }
    }

    @Test
    void aSlowTokenEndpointDoesNotCarryTheRunPastSlurmsResumeTimeout() throws Exception {
        // the token is asked for while Slurm's limits are read: once they cut the deadline to 7 s, the token is not
        // waited for past that, however long limits.requestTimeout would allow
        try (PowerTestBed bed = new PowerTestBed(dir, PowerTestBed.emulator(1),
                "limits: { resumeDeadline: 60s, requestTimeout: 30s }\n")) {
            bed.scontrol.showConfig("SLURM_VERSION = 24.11.5\nResumeTimeout = 12 sec\nSuspendTimeout = 10 sec\n");
            bed.emulator.addFault(FaultRule.on("POST", "/oauth2/v2.0/token$").delay(Duration.ofSeconds(20)));

            long start = System.nanoTime();
            PowerTestBed.Run run = bed.run("resume", "azc001");
            long tookMs = (System.nanoTime() - start) / 1_000_000;

            assertEquals(ExitCode.CONFIG_ERROR, run.exit(), run.out()); // a token endpoint failing until the deadline
            assertTrue(tookMs < 9_000, "took " + tookMs + " ms; ResumeTimeout=12 leaves 7 s");
            String log = bed.log();
            assertTrue(log.contains("no token from the identity endpoint before the run's work end"), log);
            assertTrue(log.contains("slurm: mark down [azc001]: done"), log);
            assertEquals(0, bed.posts("azc001", "start"));
        }
    }

    @Test
    void aDeadlineAboveSlurmsResumeTimeoutIsCutAndSaidSo() throws Exception {
        try (PowerTestBed bed = new PowerTestBed(dir, PowerTestBed.emulator(0)
                .vm(PowerTestBed.vm("azc001").startHangs(true)),
                "limits: { resumeDeadline: 60s, requestTimeout: 2s }\n")) {
            bed.scontrol.showConfig("SLURM_VERSION = 24.11.5\nResumeTimeout = 12 sec\nSuspendTimeout = 10 sec\n");

            long start = System.nanoTime();
            PowerTestBed.Run run = bed.run("resume", "azc001");
            long tookMs = (System.nanoTime() - start) / 1_000_000;

            assertEquals(ExitCode.PARTIAL_FAILURE, run.exit(), run.out());
            assertTrue(tookMs < 8_000, "took " + tookMs + " ms; ResumeTimeout=12 leaves 7 s");
            String log = bed.log();
            assertTrue(log.contains("limits.resumeDeadline (60 s) does not fit in Slurm's limits "
                    + "(ResumeTimeout=12)"), log);
            assertTrue(log.contains("this run ends within 7 s"), log);
            assertTrue(log.contains("class=timeout"), log);
            assertEquals(1, bed.posts("azc001", "deallocate"));
            assertEquals(List.of(List.of("show", "config"), List.of("show", "partition", "--oneliner")),
                    bed.scontrol.reads());
        }
    }

    @Test
    void suspendThatCannotDeallocateMarksTheNodeDownSoItIsNotCountedAsPoweredDown() throws Exception {
        try (PowerTestBed bed = new PowerTestBed(dir, PowerTestBed.emulator(0)
                .vm(PowerTestBed.vm("azc001").powerState(PowerState.RUNNING)),
                "limits: { suspendDeadline: 5s, requestTimeout: 2s }\n")) {
            bed.emulator.addFault(FaultRule.on("POST", "/deallocate$").status(500).times(FaultRule.ALWAYS));

            PowerTestBed.Run run = bed.run("suspend", "azc001");

            assertEquals(ExitCode.PARTIAL_FAILURE, run.exit());
            assertTrue(bed.emulator.count("POST", "/deallocate$") >= 2, "retried until the deadline");
            List<String> down = stateCall(bed);
            assertEquals(List.of("update", "nodename=azc001", "state=down"), down.subList(0, 3));
            assertTrue(down.get(3).startsWith("reason=azure: azure-error: "), down.toString());
            assertTrue(bed.log().contains("VM " + bed.emulator.vm("azc001").resourceId()
                    + " may still be running (and billing)"), bed.log());
        }
    }

    @Test
    void resumeFailDrainsNodesThatCanNeverWorkInsteadOfReturningThemToTheLoop() throws Exception {
        try (PowerTestBed bed = new PowerTestBed(dir, PowerTestBed.emulator(0)
                .vm(PowerTestBed.vm("azc001").tag("slurm-cluster", "other"))
                .vm(PowerTestBed.vm("azc003")))) {
            // azc001 is not ours, azc002 does not exist, gpu1 is in no group, azc003 is fine.
            PowerTestBed.Run run = bed.run("resume-fail", "azc[001-003],gpu1");

            assertEquals(ExitCode.PARTIAL_FAILURE, run.exit());
            List<List<String>> calls = bed.scontrolCalls();
            assertTrue(calls.contains(List.of("update", "nodename=azc003", "state=resume")), calls.toString());
            java.util.Set<String> drained = new java.util.TreeSet<>();
            for (List<String> c : calls) {
                if (c.get(2).equals("state=drain")) {
                    drained.addAll(List.of(c.get(1).substring(9).split(",")));
                }
                assertFalse(c.get(2).equals("state=resume") && !c.get(1).equals("nodename=azc003"), c.toString());
            }
            assertEquals(java.util.Set.of("azc001", "azc002", "gpu1"), drained);
            assertFalse(bed.log().contains("azc002: VM"), "a VM that does not exist is not 'still running'");
        }
    }

    @Test
    void nodesInNoGroupShareOneScontrolCall() throws Exception {
        try (PowerTestBed bed = new PowerTestBed(dir, PowerTestBed.emulator(0))) {
            PowerTestBed.Run run = bed.run("resume", "gpu[1-50]");

            assertEquals(ExitCode.PARTIAL_FAILURE, run.exit());
            List<List<String>> calls = bed.scontrolCalls();
            assertEquals(1, calls.size(), calls.toString());
            assertTrue(calls.get(0).get(1).startsWith("nodename=gpu1,gpu2,"), calls.toString());
            assertEquals("reason=azure: no-group: node is in no node group of " + bed.config, calls.get(0).get(3));
        }
    }

    @Test
    void aBrokenConfigurationLogsWhereItSaysAndMarksTheNodesDown() throws Exception {
        try (PowerTestBed bed = new PowerTestBed(dir, PowerTestBed.emulator(1))) {
            Files.writeString(bed.config, Files.readString(bed.config).replace("resourceGroup: hpc1-burst",
                    "resourceGroup: \"bad group/\""));

            PowerTestBed.Run run = bed.run("resume", "azc001");

            assertEquals(ExitCode.CONFIG_ERROR, run.exit());
            assertTrue(bed.log().contains("resume azc001: invalid configuration " + bed.config), bed.log());
            List<String> down = stateCall(bed);
            assertEquals(List.of("update", "nodename=azc001", "state=down"), down.subList(0, 3));
            assertTrue(down.get(3).startsWith("reason=azure: config: invalid configuration " + bed.config),
                    down.toString());
            assertEquals(0, bed.emulator.count("POST", "/start$"));
        }
    }

    @Test
    void aHostlistLargerThanTheNodeGroupsIsRefusedAtOnce() throws Exception {
        try (PowerTestBed bed = new PowerTestBed(dir, PowerTestBed.emulator(0))) {
            long start = System.nanoTime();
            PowerTestBed.Run run = bed.run("resume", "c[1-2000]x[1-2000]");
            long tookMs = (System.nanoTime() - start) / 1_000_000;

            assertEquals(ExitCode.INVALID_INPUT, run.exit());
            assertEquals("resume: the hostlist names 4000000 nodes, far more than the node groups hold (20): not a "
                    + "list slurmctld sends", run.err().strip());
            assertTrue(tookMs < 5_000, "took " + tookMs + " ms");
            assertTrue(bed.log().length() < 2_000, bed.log());
        }
    }

    @Test
    void aNodeNameThatIsNotAsciiIsRefusedWithOneLine() throws Exception {
        try (PowerTestBed bed = new PowerTestBed(dir, PowerTestBed.emulator(0))) {
            PowerTestBed.Run run = bed.run("resume", "n\u00f6de1");
            PowerTestBed.Run mangled = bed.run("resume", "n??de1");

            assertEquals(ExitCode.INVALID_INPUT, run.exit());
            assertEquals(1, run.err().lines().count(), run.err());
            assertTrue(run.err().contains("invalid character '\u00f6' (U+00F6) at position 2"), run.err());
            assertEquals(ExitCode.INVALID_INPUT, mangled.exit());
            assertEquals(List.of(), bed.scontrolCalls());
        }
    }

    @Test
    void aHugeResumeFileIsNotReadAndTheRunGoesOnFromTheHostlist() throws Exception {
        try (PowerTestBed bed = new PowerTestBed(dir, PowerTestBed.emulator(1))) {
            Path huge = dir.resolve("resume.json");
            try (java.io.OutputStream out = Files.newOutputStream(huge)) {
                byte[] chunk = new byte[1 << 20];
                java.util.Arrays.fill(chunk, (byte) ' ');
                for (int i = 0; i <= PowerCommandRunner.MAX_RESUME_FILE >> 20; i++) {
                    out.write(chunk);
                }
            }

            PowerTestBed.Run run = bed.run("resume", "azc001", "--resume-file", huge.toString());

            assertEquals(0, run.exit(), run.out() + bed.log());
            assertTrue(bed.log().contains("is larger than 64 MiB: not read; going on from the hostlist alone"),
                    bed.log());
            assertResumedOk(bed, "azc001");
        }
    }

    @Test
    void everySubcommandAnswersHelp() {
        for (String command : List.of("resume", "suspend", "resume-fail")) {
            java.io.StringWriter out = new java.io.StringWriter();
            int exit = SlurmAzurePower.commandLine(new java.io.PrintWriter(out, true),
                    new java.io.PrintWriter(new java.io.StringWriter(), true)).execute(command, "--help");
            assertEquals(0, exit, command);
            assertTrue(out.toString().contains("Usage: slurm-azure-power " + command), out.toString());
        }
    }

    @Test
    void anUnwritableLogFallsBackToSyslogAndSaysSo() throws Exception {
        Path notADir = Files.writeString(dir.resolve("not-a-dir"), "x");
        try (PowerTestBed bed = new PowerTestBed(dir, PowerTestBed.emulator(1), "log: { file: "
                + notADir.resolve("power_save.log") + " }\n")) {
            PowerTestBed.Run run = bed.run("resume", "azc001");

            assertEquals(0, run.exit(), run.err());
            assertTrue(run.err().startsWith("slurm-azure-power: warning: cannot write " + notADir.resolve(
                    "power_save.log") + " (log.file); logging to "), run.err());
            assertTrue(run.err().contains("node=azc001 vm=hpc1-burst/azc001 action=start result=ok"), run.err());
        }
    }

    @Test
    void aProxyPasswordInTheConfigurationIsNeverRepeated() throws Exception {
        String password = "S3cretPass-proxy";
        org.slurmazure.power.testing.SecretScan.secret(password);
        try (PowerTestBed bed = new PowerTestBed(dir, PowerTestBed.emulator(1))) {
            Files.writeString(bed.config, Files.readString(bed.config).replaceFirst("(  caCertificates: .*\n)",
                    "$1  proxy: http://svc:" + password + "@proxy.example:3128\n"));

            PowerTestBed.Run run = bed.run("resume", "azc001");
            PowerTestBed.Run check = bed.run("config", "check");

            assertEquals(ExitCode.CONFIG_ERROR, run.exit());
            assertEquals(ExitCode.CONFIG_ERROR, check.exit());
            assertTrue(check.err().contains("azure.proxy: found \"http://svc:****@proxy.example:3128\""), check.err());
            for (String output : List.of(run.out(), run.err(), check.out(), check.err(), bed.log(),
                    String.valueOf(bed.scontrolCalls()))) {
                assertFalse(output.contains(password), output);
            }
        }
    }

    @Test
    void aHandRunAsRootLeavesItsFilesToSlurmUser() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "only root can run as root");
        java.nio.file.attribute.UserPrincipal slurmUser = dir.getFileSystem().getUserPrincipalLookupService()
                .lookupPrincipalByName("nobody"); // stands for SlurmUser: any user but root
        Path logDir = Files.createDirectories(dir.resolve("log"));
        Path state = Files.createDirectories(dir.resolve("state"));
        Files.setOwner(logDir, slurmUser);
        Files.setOwner(state, slurmUser);
        try (PowerTestBed bed = new PowerTestBed(dir, PowerTestBed.emulator(1), "log: { file: "
                + logDir.resolve("power_save.log") + " }\n")) {
            PowerTestBed.Run run = bed.run("resume", "azc001");

            assertEquals(0, run.exit(), run.err());
            assertEquals(slurmUser, Files.getOwner(state.resolve("locks")));
            assertEquals(slurmUser, Files.getOwner(state.resolve("locks/azc001.lock")));
            assertEquals(slurmUser, Files.getOwner(logDir.resolve("power_save.log")));
        }
    }

    @Test
    void noSecretReachesTheLogEvenAtDebug() throws Exception {
        try (PowerTestBed bed = new PowerTestBed(dir, PowerTestBed.emulator(1), "log: { file: "
                + dir.resolve("power_save.log") + ", level: DEBUG }\n")) {
            bed.emulator.failTokenRequests(400, 1);
            bed.run("resume", "azc001", "--verbose");
            bed.run("suspend", "azc001", "--verbose");

            String log = bed.log();
            assertTrue(log.contains("DEBUG") || log.contains("INFO"), log);
            assertFalse(log.contains(PowerTestBed.SECRET), "the client secret leaked");
            assertFalse(log.contains(bed.emulator.issueToken().substring(0, 8)), "a token leaked");
            assertFalse(log.toLowerCase().contains("bearer "), "an Authorization header leaked");
        }
    }
}
