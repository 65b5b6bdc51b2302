package org.slurmazure.power.emulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the ARM emulator as a process ({@code bin/arm-emulator}). Prints
 * {@code ARM emulator listening on https://127.0.0.1:PORT/} on stdout once ready, then serves until SIGTERM/SIGINT.
 * Exit codes: 0 after a clean stop, 2 for invalid options or VM specs, 1 when it cannot start.
 */
public final class ArmEmulatorMain {
    static final String USAGE = """
            Usage: arm-emulator [options]
            A stateful fake of Azure Resource Manager and of the Entra ID token endpoint, over HTTPS.

            VMs (at least one of --vms and --generate, both may be repeated):
              --vms FILE               JSON or YAML list of VM specs (see docs/emulator.md)
              --generate NAMES         quick form: one deallocated VM per name of e.g. 'azc[001-010]'
              --resource-group RG      resource group of generated VMs and default of spec entries (slurm-rg)
              --location LOC           region of generated VMs and default of spec entries (westeurope)
              --tag KEY=VALUE          tag of every generated VM (repeatable)
              --vm-size SIZE           size of generated VMs (Standard_D4s_v5)
              --power-state STATE      initial state of generated VMs: deallocated (default), running, stopped
              --first-ip IP            private IP of the first generated VM, the next ones follow (default:
                                       the next free address from 10.1.0.4)
            Identity:
              --subscription GUID      default subscription (00000000-0000-0000-0000-000000000001)
              --tenant GUID            the tenant the token endpoint accepts (11111111-1111-1111-1111-111111111111)
              --client-id ID           the only client id accepted (default: any)
              --client-secret SECRET   the only client secret accepted (default: any non-empty one)
              --lenient-auth           ARM accepts any bearer token, not only issued ones
            Behaviour:
              --latency DURATION       delay added to every response, e.g. 100ms (default 0)
              --lro DURATION           duration of start/deallocate/powerOff, e.g. 20s (default 2s)
              --retry-after SECONDS    Retry-After of 202s and InProgress polls (default 1)
              --page-size N            items per list page (default 100)
              --throttle PRESET        none (default) or azure
              --bucket NAME=SPEC       one bucket, e.g. armWrites=200+10/s, start=1500+500/min, getOperation=off
                                       (armWrites armReads start deallocate startPerVm deallocatePerVm
                                       getOperation highCostList; repeatable, applied after --throttle)
            Azure's unkind ways (all off by default):
              --state-lag DURATION     after a write, the instance view shows the old power state (updating)
                                       for this long, e.g. 5s
              --failed-start-state S   what a failed start leaves: deallocated (default), starting, running
              --require-api-version    ARM requests without api-version answer 400 MissingApiVersionParameter
              --resource-group-scope RG[,RG...]
                                       the principal's role covers only these resource groups: the
                                       subscription-wide VM list and other groups answer 403 AuthorizationFailed
              --deny RG=ACTION         the role lacks ACTION in RG, e.g.
                                       hpc1-burst=Microsoft.Compute/virtualMachines/deallocate/action (repeatable)
              --quota NAME=LIMIT       the limit of a compute quota in every region: cores, virtualMachines or a
                                       family such as standardDSv5Family (default 1000; repeatable)
            Server and files:
              --port N                 HTTPS port, 0 = a free one (default 0)
              --bind ADDRESS           listen address (default 127.0.0.1)
              --http-port N            also serve plain HTTP on this port (e.g. for a managed-identity client)
              --state-dir DIR          writes cert.pem, url, emulator.pid, emulator.json, vms.json, events.log
              --events FILE            power-state changes, one line each: <epochMillis> <vm> <state>
                                       (default DIR/events.log with --state-dir, else none)
              --no-journal             keep only counters, not the request record (long benchmarks)
              --threads N              server request threads (default 64)
              -h, --help               this text
            On SIGTERM/SIGINT it prints one summary line on stderr: requests, 429s, requests inside 429 windows.
            """;

    private static final java.util.Set<String> VALUE_OPTIONS = java.util.Set.of("--vms", "--generate",
            "--resource-group", "--location", "--tag", "--vm-size", "--power-state", "--first-ip", "--subscription",
            "--tenant", "--client-id", "--client-secret", "--latency", "--lro", "--retry-after", "--page-size",
            "--throttle", "--bucket", "--port", "--bind", "--http-port", "--state-dir", "--events", "--threads",
            "--state-lag", "--failed-start-state", "--resource-group-scope", "--deny", "--quota");

    private ArmEmulatorMain() {
    }

    /** Parsed options. */
    static final class Options {
        final List<Path> vmFiles = new ArrayList<>();
        final List<String> generate = new ArrayList<>();
        final Map<String, String> tags = new LinkedHashMap<>();
        final List<String> buckets = new ArrayList<>();
        final List<String> denied = new ArrayList<>();
        final Map<String, Integer> quotas = new LinkedHashMap<>();
        List<String> resourceGroupScope;
        Duration stateLag;
        PowerState failedStartState;
        boolean requireApiVersion;
        String resourceGroup;
        String location;
        String vmSize;
        PowerState powerState;
        String firstIp;
        String subscription;
        String tenant;
        String clientId;
        String clientSecret;
        boolean lenientAuth;
        Duration latency;
        Duration lro;
        Integer retryAfter;
        Integer pageSize;
        String throttle;
        int port;
        String bind;
        Integer httpPort;
        Path stateDir;
        Path events;
        boolean noJournal;
        Integer threads;
        boolean help;
    }

    /** A usage error: message for stderr, exit code 2. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    public static void main(String[] args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        Options o;
        try {
            o = parse(args);
        } catch (UsageException e) {
            err.println("arm-emulator: " + e.getMessage());
            err.println("Try 'arm-emulator --help'.");
            System.exit(2);
            return;
        }
        if (o.help) {
            out.print(USAGE);
            return;
        }
        Running running;
        try {
            running = start(o);
        } catch (IllegalArgumentException e) {
            err.println("arm-emulator: " + e.getMessage());
            System.exit(2);
            return;
        } catch (IOException | RuntimeException e) {
            err.println("arm-emulator: cannot start: " + e);
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            err.println("arm-emulator: " + summary(running.emulator));
            running.close();
            stopped.countDown();
        }, "arm-emulator-shutdown"));
        out.println("ARM emulator listening on " + running.emulator.baseUrl());
        out.flush();
        ArmEmulator emu = running.emulator;
        err.println("arm-emulator: " + emu.vms().size() + " VMs, subscription " + emu.subscriptionId() + ", tenant "
                + emu.tenantId() + ", certificate " + emu.caCertificatePem()
                + (emu.eventsFile() != null ? ", events " + emu.eventsFile() : "")
                + "; ready " + java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime()
                + " ms after JVM start");
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The exit summary: {@code stopped: 5726 requests, 8277 throttled (429), 0 inside a 429 window {}}. */
    static String summary(ArmEmulator emu) {
        return "stopped: " + emu.requestCount() + " requests, " + emu.throttledCount() + " throttled (429), "
                + emu.inThrottleWindowCount() + " inside a 429 window " + emu.inThrottleWindowByBucket();
    }

    /** A started emulator and the state files it wrote (removed again by {@link #close}). */
    static final class Running implements AutoCloseable {
        final ArmEmulator emulator;
        private final List<Path> transientFiles;

        Running(ArmEmulator emulator, List<Path> transientFiles) {
            this.emulator = emulator;
            this.transientFiles = transientFiles;
        }

        @Override
        public void close() {
            emulator.close();
            for (Path p : transientFiles) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // best effort at shutdown
                }
            }
        }
    }

    static Options parse(String[] args) throws UsageException {
        Options o = new Options();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String value = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                value = a.substring(eq + 1);
                a = a.substring(0, eq);
            }
            try {
                switch (a) {
                    case "-h", "--help" -> o.help = true;
                    case "--lenient-auth" -> o.lenientAuth = true;
                    case "--no-journal" -> o.noJournal = true;
                    case "--require-api-version" -> o.requireApiVersion = true;
                    default -> {
                        if (!VALUE_OPTIONS.contains(a)) {
                            throw new UsageException("unknown option " + a);
                        }
                        if (value == null) {
                            if (i + 1 >= args.length) {
                                throw new UsageException("option " + a + " needs a value");
                            }
                            value = args[++i];
                        }
                        option(o, a, value);
                    }
                }
            } catch (IllegalArgumentException e) {
                throw new UsageException(a + ": " + e.getMessage());
            }
        }
        if (!o.help && o.vmFiles.isEmpty() && o.generate.isEmpty()) {
            throw new UsageException("no VMs: give --vms FILE and/or --generate NAMES");
        }
        return o;
    }

    private static void option(Options o, String name, String v) throws UsageException {
        switch (name) {
            case "--vms" -> o.vmFiles.add(Paths.get(v));
            case "--generate" -> {
                VmSpecs.expandNames(v);
                o.generate.add(v);
            }
            case "--resource-group" -> o.resourceGroup = v;
            case "--location" -> o.location = v;
            case "--tag" -> VmSpecs.parseTag(v, o.tags);
            case "--vm-size" -> o.vmSize = v;
            case "--power-state" -> o.powerState = PowerState.parse(v);
            case "--first-ip" -> {
                VmSpecs.ipToInt(v);
                o.firstIp = v;
            }
            case "--subscription" -> o.subscription = v;
            case "--tenant" -> o.tenant = v;
            case "--client-id" -> o.clientId = v;
            case "--client-secret" -> o.clientSecret = v;
            case "--latency" -> o.latency = Durations.parse(v);
            case "--lro" -> o.lro = Durations.parse(v);
            case "--retry-after" -> o.retryAfter = nonNegative(v);
            case "--page-size" -> o.pageSize = nonNegative(v);
            case "--throttle" -> {
                ThrottleSettings.preset(v);
                o.throttle = v;
            }
            case "--bucket" -> {
                ThrottleSettings.none().with(v);
                o.buckets.add(v);
            }
            case "--port" -> o.port = nonNegative(v);
            case "--bind" -> o.bind = v;
            case "--http-port" -> o.httpPort = nonNegative(v);
            case "--state-dir" -> o.stateDir = Paths.get(v);
            case "--events" -> o.events = Paths.get(v);
            case "--threads" -> o.threads = nonNegative(v);
            case "--state-lag" -> o.stateLag = ArmEmulator.checkLag(Durations.parse(v));
            case "--failed-start-state" -> o.failedStartState = ArmEmulator.checkFailedStartState(PowerState.parse(v));
            case "--resource-group-scope" -> {
                List<String> groups = new ArrayList<>();
                for (String g : v.split(",")) {
                    if (!g.isBlank()) {
                        groups.add(g.trim());
                    }
                }
                if (groups.isEmpty()) {
                    throw new IllegalArgumentException("no resource groups in '" + v + "'");
                }
                o.resourceGroupScope = groups;
            }
            case "--deny" -> {
                AccessScope.subscription().denyAssignment(v);
                o.denied.add(v);
            }
            case "--quota" -> {
                int eq = v.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("'" + v + "' is not NAME=LIMIT");
                }
                o.quotas.put(v.substring(0, eq).trim(), nonNegative(v.substring(eq + 1)));
            }
            default -> throw new UsageException("unknown option " + name);
        }
    }

    private static int nonNegative(String v) {
        try {
            int n = Integer.parseInt(v.trim());
            if (n < 0) {
                throw new IllegalArgumentException("must be >= 0");
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + v + "' is not a number");
        }
    }

    /** Builds and starts the emulator, then writes the state files. */
    static Running start(Options o) throws IOException {
        ArmEmulator.Builder b = ArmEmulator.builder();
        for (Path f : o.vmFiles) {
            b.vms(VmSpecs.load(f));
        }
        int ip = o.firstIp == null ? 0 : VmSpecs.ipToInt(o.firstIp);
        for (String g : o.generate) {
            for (String n : VmSpecs.expandNames(g)) {
                VmSpec s = VmSpec.of(n).tags(o.tags);
                if (o.resourceGroup != null) {
                    s.resourceGroup(o.resourceGroup);
                }
                if (o.vmSize != null) {
                    s.vmSize(o.vmSize);
                }
                if (o.powerState != null) {
                    s.powerState(o.powerState);
                }
                if (o.firstIp != null) {
                    s.privateIp(VmSpecs.intToIp(ip++));
                }
                b.vm(s);
            }
        }
        if (o.resourceGroup != null) {
            b.resourceGroup(o.resourceGroup);
        }
        if (o.location != null) {
            b.location(o.location);
        }
        if (o.subscription != null) {
            b.subscriptionId(o.subscription);
        }
        if (o.tenant != null) {
            b.tenantId(o.tenant);
        }
        if (o.clientId != null) {
            b.clientId(o.clientId);
        } else {
            b.acceptAnyClientId();
        }
        if (o.clientSecret != null) {
            b.clientSecret(o.clientSecret);
        } else {
            b.acceptAnyClientSecret();
        }
        b.lenientAuth(o.lenientAuth);
        if (o.latency != null) {
            b.latency(o.latency);
        }
        if (o.lro != null) {
            b.lroDuration(o.lro);
        }
        if (o.retryAfter != null) {
            b.retryAfterSeconds(o.retryAfter);
        }
        if (o.pageSize != null) {
            b.pageSize(Math.max(1, o.pageSize));
        }
        ThrottleSettings t = o.throttle == null ? ThrottleSettings.none() : ThrottleSettings.preset(o.throttle);
        for (String bucket : o.buckets) {
            t = t.with(bucket);
        }
        b.throttle(t);
        if (o.stateLag != null) {
            b.stateLag(o.stateLag);
        }
        if (o.failedStartState != null) {
            b.failedStartState(o.failedStartState);
        }
        b.requireApiVersion(o.requireApiVersion);
        AccessScope access = o.resourceGroupScope == null ? AccessScope.subscription()
                : AccessScope.resourceGroups(o.resourceGroupScope.toArray(String[]::new));
        for (String d : o.denied) {
            access = access.denyAssignment(d);
        }
        b.access(access);
        o.quotas.forEach(b::quota);
        b.port(o.port);
        if (o.bind != null) {
            b.bindAddress(o.bind);
        }
        if (o.httpPort != null) {
            b.httpPort(o.httpPort);
        }
        b.journal(!o.noJournal);
        if (o.threads != null) {
            b.containerThreads(Math.max(8, o.threads));
        }
        Path events = o.events;
        if (o.stateDir != null) {
            Files.createDirectories(o.stateDir);
            b.tlsDirectory(o.stateDir);
            if (events == null) {
                events = o.stateDir.resolve("events.log");
            }
        }
        b.eventsFile(events);
        ArmEmulator emu = b.start();
        List<Path> transientFiles = new ArrayList<>();
        if (o.stateDir != null) {
            try {
                Path dir = o.stateDir;
                write(dir.resolve("vms.json"), VmSpecs.toJson(emu.vmSpecs()));
                ObjectNode info = Json.object();
                info.put("url", emu.baseUrl());
                info.put("localhostUrl", emu.localhostUrl());
                info.put("port", emu.port());
                info.put("pid", ProcessHandle.current().pid());
                info.put("subscriptionId", emu.subscriptionId());
                info.put("tenantId", emu.tenantId());
                info.put("clientId", emu.clientId());
                info.put("clientSecret", emu.clientSecret());
                info.put("resourceGroup", emu.resourceGroup());
                info.put("caCertificate", emu.caCertificatePem().toAbsolutePath().toString());
                info.put("eventsFile", emu.eventsFile() == null ? null : emu.eventsFile().toAbsolutePath().toString());
                write(dir.resolve("emulator.json"), Json.pretty(info));
                write(dir.resolve("emulator.pid"), ProcessHandle.current().pid() + "\n");
                transientFiles.add(dir.resolve("emulator.pid"));
                write(dir.resolve("url"), emu.baseUrl() + "\n");
                transientFiles.add(dir.resolve("url"));
            } catch (IOException | RuntimeException e) {
                emu.close();
                throw e;
            }
        }
        return new Running(emu, transientFiles);
    }

    /** Writes a file atomically (a reader never sees it half-written). */
    private static void write(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
