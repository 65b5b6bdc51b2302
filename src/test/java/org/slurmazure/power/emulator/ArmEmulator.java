package org.slurmazure.power.emulator;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.http.client.HttpClientFactory;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;

/**
 * A stateful fake of Azure Resource Manager (VMs, their NICs, long-running operations, throttling) and of the
 * Entra ID token endpoint, served over HTTPS by WireMock. Tests use it in-process; {@link ArmEmulatorMain} runs it
 * standalone.
 *
 * <pre>{@code
 * try (ArmEmulator emu = ArmEmulator.builder()
 *         .vm(VmSpec.of("azc001").resourceGroup("hpc1-burst").tag("slurm-cluster", "hpc1"))
 *         .lroDuration(Duration.ofMillis(300))
 *         .start()) {
 *     // point the product at emu.baseUrl(), trust emu.caCertificatePem(), log in with emu.tenantId(),
 *     // emu.clientId(), emu.clientSecret(); then look at emu.vm("azc001").powerState()
 * }
 * }</pre>
 */
public final class ArmEmulator implements AutoCloseable {
    public static final String DEFAULT_SUBSCRIPTION_ID = "00000000-0000-0000-0000-000000000001";
    public static final String DEFAULT_TENANT_ID = "11111111-1111-1111-1111-111111111111";
    public static final String DEFAULT_CLIENT_ID = "22222222-2222-2222-2222-222222222222";
    public static final String DEFAULT_CLIENT_SECRET = "arm-emulator-secret";
    public static final String DEFAULT_RESOURCE_GROUP = "slurm-rg";
    public static final String DEFAULT_LOCATION = "westeurope";

    private final WireMockServer server;
    private final EmulatorHandler handler;
    private final Cloud cloud;
    private final EventLog events;
    private final TlsMaterial tls;
    private final List<VmSpec> specs;
    private final String baseUrl;
    private volatile boolean closed;

    private ArmEmulator(WireMockServer server, EmulatorHandler handler, EventLog events, TlsMaterial tls,
            List<VmSpec> specs, String baseUrl) {
        this.server = server;
        this.handler = handler;
        this.cloud = handler.cloud;
        this.events = events;
        this.tls = tls;
        this.specs = specs;
        this.baseUrl = baseUrl;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** {@code https://127.0.0.1:<port>/}, the ARM endpoint and the authority host (also valid with localhost). */
    public String baseUrl() {
        return baseUrl;
    }

    public URI baseUri() {
        return URI.create(baseUrl);
    }

    /** The same server with {@code localhost} as host name. */
    public String localhostUrl() {
        return "https://localhost:" + port() + "/";
    }

    public int port() {
        return server.httpsPort();
    }

    /** The plain-HTTP URL when {@link Builder#httpPort} enabled it, else null. */
    public String httpBaseUrl() {
        return server.isHttpEnabled() ? "http://127.0.0.1:" + server.port() + "/" : null;
    }

    /** The PEM file of the emulator's self-signed certificate: what clients must trust. */
    public Path caCertificatePem() {
        return tls.certificatePem();
    }

    /** An SSLContext trusting only the emulator's certificate. */
    public SSLContext sslContext() {
        return TlsMaterial.trusting(caCertificatePem());
    }

    public String tenantId() {
        return handler.settings.tenantId;
    }

    public String clientId() {
        return handler.settings.clientId;
    }

    public String clientSecret() {
        return handler.settings.clientSecret;
    }

    public String subscriptionId() {
        return handler.settings.subscriptionId;
    }

    /** The resource group of VMs whose spec names none. */
    public String resourceGroup() {
        return handler.settings.defaultResourceGroup;
    }

    /** The VM of that name (case-insensitive); IllegalArgumentException if there is none. */
    public EmulatedVm vm(String name) {
        EmulatedVm vm = cloud.byName(name);
        if (vm == null) {
            throw new IllegalArgumentException("the emulator has no VM named '" + name + "'");
        }
        return vm;
    }

    public List<EmulatedVm> vms() {
        return cloud.vms();
    }

    /** The VM specs in effect (defaults filled in, private IPs assigned). */
    public List<VmSpec> vmSpecs() {
        return specs;
    }

    /** A valid bearer token, as if the token endpoint had issued it. */
    public String issueToken() {
        return handler.tokens.issue(tenantId(), clientId(), "https://management.core.windows.net/",
                handler.settings.tokenLifetime);
    }

    // ---- faults ----

    /** Adds a fault rule; rules are tried in the order added. Returns the rule ({@code remaining()} counts down). */
    public FaultRule addFault(FaultRule rule) {
        handler.faults.add(Objects.requireNonNull(rule));
        return rule;
    }

    public List<FaultRule> faults() {
        return List.copyOf(handler.faults);
    }

    public void clearFaults() {
        handler.faults.clear();
    }

    /** The token endpoints (client credentials and managed identity) answer {@code status} the next {@code times}. */
    public void failTokenRequests(int status, int times) {
        handler.identity.failTokenRequests(status, times);
    }

    public void clearTokenFailures() {
        handler.identity.clearTokenFailures();
    }

    // ---- observation ----

    /** The recorded requests (the last 100,000 by default; empty when the journal is off), oldest first. */
    public List<RequestRecord> requests() {
        return handler.log.snapshot();
    }

    /** Recorded requests with this method (null = any) whose path contains a match of the regex. */
    public long count(String method, String pathRegex) {
        return handler.log.count(method, pathRegex);
    }

    public void clearRequests() {
        handler.log.clear();
    }

    /** All requests answered so far (counted even when the journal is off). */
    public long requestCount() {
        return handler.log.total();
    }

    /** Responses with this status so far (counted even when the journal is off; 0 = dropped connections). */
    public long statusCount(int status) {
        return handler.log.countStatus(status);
    }

    /** 429s the throttling buckets sent (injected 429 faults are not included). */
    public long throttledCount() {
        return handler.throttler.throttledCount();
    }

    /**
     * Requests that arrived inside an open 429 window of a bucket they draw from: after a 429 with
     * {@code Retry-After R} at {@code t}, the window {@code [t + 100 ms, t + R)} of the empty bucket (ARM reads or
     * writes of a subscription, a compute policy of a subscription, or a per-VM compute policy). Each such request
     * counts once, throttled or not. A client that honours every 429 for its whole class keeps this at 0.
     */
    public long inThrottleWindowCount() {
        return handler.throttler.inWindowCount();
    }

    /**
     * {@link #inThrottleWindowCount()} by bucket kind ({@code armReads}, {@code armWrites}, {@code start},
     * {@code startPerVm}, ...); a request inside the windows of two buckets counts under both.
     */
    public java.util.Map<String, Long> inThrottleWindowByBucket() {
        return handler.throttler.inWindowByPolicy();
    }

    /** Whole tokens left in a subscription-level bucket of the default subscription, -1 when it is not enforced. */
    public int remainingTokens(ThrottleSettings.Policy policy) {
        return handler.throttler.remaining(subscriptionId(), policy);
    }

    /** The power-state changes so far (the last 10,000), as written to the events file. */
    public List<String> events() {
        return events.lines();
    }

    /** The events file, or null if none was configured. */
    public Path eventsFile() {
        return events.file();
    }

    // ---- run-time settings ----

    public void latency(Duration latency) {
        handler.settings.latency = Objects.requireNonNull(latency);
    }

    /** The default duration of operations started from now on (a VM's own setting wins). */
    public void lroDuration(Duration d) {
        handler.settings.lroDuration = Objects.requireNonNull(d);
    }

    public void retryAfterSeconds(int seconds) {
        handler.settings.retryAfterSeconds = seconds;
    }

    public void pageSize(int size) {
        handler.settings.pageSize = size;
    }

    public void lenientAuth(boolean lenient) {
        handler.settings.lenientAuth = lenient;
    }

    /** Replaces the throttling settings; every bucket starts full. */
    public void throttle(ThrottleSettings settings) {
        handler.throttler.settings(Objects.requireNonNull(settings));
    }

    /** See {@link Builder#stateLag}; applies to writes accepted from now on. */
    public void stateLag(Duration lag) {
        handler.settings.stateLag = checkLag(lag);
    }

    /** See {@link Builder#failedStartState}; applies to starts that fail from now on. */
    public void failedStartState(PowerState state) {
        handler.settings.failedStartState = checkFailedStartState(state);
    }

    /** See {@link Builder#requireApiVersion}. */
    public void requireApiVersion(boolean required) {
        handler.settings.requireApiVersion = required;
    }

    /** See {@link Builder#access}. */
    public void access(AccessScope scope) {
        handler.settings.access = Objects.requireNonNull(scope);
    }

    /** See {@link Builder#quota}; applies from now on. */
    public void quota(String usageName, int limit) {
        java.util.Map<String, Integer> q = new java.util.HashMap<>(handler.settings.quotas);
        q.put(Quotas.key(usageName), Quotas.checkLimit(limit));
        handler.settings.quotas = java.util.Map.copyOf(q);
    }

    static Duration checkLag(Duration lag) {
        if (lag.isNegative()) {
            throw new IllegalArgumentException("state lag must be >= 0");
        }
        return lag;
    }

    static PowerState checkFailedStartState(PowerState state) {
        if (state != PowerState.DEALLOCATED && state != PowerState.STARTING && state != PowerState.RUNNING) {
            throw new IllegalArgumentException("a failed start leaves the VM deallocated, starting or running, not "
                    + state);
        }
        return state;
    }

    @Override
    public void close() {
        // What a run must never log: recorded for SecretScanIT.
        org.slurmazure.power.testing.SecretScan.secret(clientSecret());
        for (String token : handler.tokens.issued()) {
            org.slurmazure.power.testing.SecretScan.secret(token.substring(token.lastIndexOf('.') + 1));
        }
        if (closed) {
            return;
        }
        closed = true;
        try {
            server.stop();
        } finally {
            cloud.close();
            events.close();
        }
    }

    /** Configures and starts an emulator. Every setting has a default; only VMs are usually given. */
    public static final class Builder {
        String subscriptionId = DEFAULT_SUBSCRIPTION_ID;
        String tenantId = DEFAULT_TENANT_ID;
        String clientId = DEFAULT_CLIENT_ID;
        boolean enforceClientId = true;
        String clientSecret = DEFAULT_CLIENT_SECRET;
        boolean enforceClientSecret = true;
        String resourceGroup = DEFAULT_RESOURCE_GROUP;
        String location = DEFAULT_LOCATION;
        final List<VmSpec> vms = new ArrayList<>();
        int port;
        int httpPort = -1;
        String bindAddress = "127.0.0.1";
        Duration latency = Duration.ZERO;
        Duration lroDuration = Duration.ofSeconds(2);
        int retryAfterSeconds = 1;
        int pageSize = 100;
        ThrottleSettings throttle = ThrottleSettings.none();
        Duration stateLag = Duration.ZERO;
        PowerState failedStartState = PowerState.DEALLOCATED;
        boolean requireApiVersion;
        AccessScope access = AccessScope.subscription();
        final java.util.Map<String, Integer> quotas = new java.util.HashMap<>();
        boolean journal = true;
        int journalCapacity = 100_000;
        boolean lenientAuth;
        Duration tokenLifetime = Duration.ofSeconds(3599);
        Path tlsDirectory;
        Path eventsFile;
        int containerThreads = 64;
        int asyncThreads = 8;

        private Builder() {
        }

        public Builder vm(VmSpec spec) {
            vms.add(Objects.requireNonNull(spec));
            return this;
        }

        public Builder vms(Collection<VmSpec> specs) {
            specs.forEach(this::vm);
            return this;
        }

        /** One VM per name of {@code azc[001-010]}, each passed to {@code customize}. */
        public Builder generate(String names, Consumer<VmSpec> customize) {
            for (String n : VmSpecs.expandNames(names)) {
                VmSpec s = VmSpec.of(n);
                customize.accept(s);
                vm(s);
            }
            return this;
        }

        public Builder generate(String names) {
            return generate(names, s -> { });
        }

        /** The subscription of VMs whose spec names none (default {@value ArmEmulator#DEFAULT_SUBSCRIPTION_ID}). */
        public Builder subscriptionId(String id) {
            this.subscriptionId = Objects.requireNonNull(id);
            return this;
        }

        /** The only tenant the token endpoint knows (default {@value ArmEmulator#DEFAULT_TENANT_ID}). */
        public Builder tenantId(String id) {
            this.tenantId = Objects.requireNonNull(id);
            return this;
        }

        /** The client id the token endpoint requires (default {@value ArmEmulator#DEFAULT_CLIENT_ID}). */
        public Builder clientId(String id) {
            this.clientId = Objects.requireNonNull(id);
            this.enforceClientId = true;
            return this;
        }

        /** The client secret the token endpoint requires (default {@value ArmEmulator#DEFAULT_CLIENT_SECRET}). */
        public Builder clientSecret(String secret) {
            this.clientSecret = Objects.requireNonNull(secret);
            this.enforceClientSecret = true;
            return this;
        }

        /** Accept any client id and any non-empty secret (a client_id and a secret or assertion stay required). */
        public Builder acceptAnyClient() {
            this.enforceClientId = false;
            this.enforceClientSecret = false;
            return this;
        }

        /** Accept any client id (the secret is still checked when one is configured). */
        public Builder acceptAnyClientId() {
            this.enforceClientId = false;
            return this;
        }

        /** Accept any non-empty client secret. */
        public Builder acceptAnyClientSecret() {
            this.enforceClientSecret = false;
            return this;
        }

        /** The resource group of VMs whose spec names none (default {@value ArmEmulator#DEFAULT_RESOURCE_GROUP}). */
        public Builder resourceGroup(String rg) {
            this.resourceGroup = Objects.requireNonNull(rg);
            return this;
        }

        /** The region of VMs whose spec names none (default {@value ArmEmulator#DEFAULT_LOCATION}). */
        public Builder location(String loc) {
            this.location = Objects.requireNonNull(loc);
            return this;
        }

        /** The HTTPS port; 0 (default) picks a free one. */
        public Builder port(int httpsPort) {
            this.port = httpsPort;
            return this;
        }

        /** Also serve plain HTTP on this port (0 = a free one), e.g. for a managed-identity client; default off. */
        public Builder httpPort(int plainPort) {
            this.httpPort = plainPort;
            return this;
        }

        /** The address to listen on (default 127.0.0.1). */
        public Builder bindAddress(String address) {
            this.bindAddress = Objects.requireNonNull(address);
            return this;
        }

        /** A delay added to every response (default none). */
        public Builder latency(Duration d) {
            this.latency = Objects.requireNonNull(d);
            return this;
        }

        /** How long start/deallocate/powerOff take (default 2 s); a VM's own setting wins. */
        public Builder lroDuration(Duration d) {
            this.lroDuration = Objects.requireNonNull(d);
            return this;
        }

        /** The {@code Retry-After} of 202s and InProgress polls (default 1). */
        public Builder retryAfterSeconds(int seconds) {
            if (seconds < 0) {
                throw new IllegalArgumentException("Retry-After must be >= 0");
            }
            this.retryAfterSeconds = seconds;
            return this;
        }

        /** Items per page of the list operations (default 100). */
        public Builder pageSize(int size) {
            if (size < 1) {
                throw new IllegalArgumentException("page size must be >= 1");
            }
            this.pageSize = size;
            return this;
        }

        /** Throttling buckets (default {@link ThrottleSettings#none()}). */
        public Builder throttle(ThrottleSettings settings) {
            this.throttle = Objects.requireNonNull(settings);
            return this;
        }

        /**
         * For this long after a start, deallocate or powerOff that changes the power state is accepted, the instance
         * view (GET with {@code $expand=instanceView}, {@code /instanceView}, the {@code statusOnly} list) still shows
         * the power state from before, with {@code ProvisioningState/updating}, as Azure's does (default none).
         */
        public Builder stateLag(Duration lag) {
            this.stateLag = checkLag(Objects.requireNonNull(lag));
            return this;
        }

        /**
         * Where a failed start (a VM's {@code startFailure}) leaves the VM: {@code DEALLOCATED} (default),
         * {@code STARTING} (stuck until deallocated) or {@code RUNNING} (running, and billed, although the operation
         * failed), as Azure sometimes does.
         */
        public Builder failedStartState(PowerState state) {
            this.failedStartState = checkFailedStartState(Objects.requireNonNull(state));
            return this;
        }

        /** ARM requests without {@code api-version} answer 400 MissingApiVersionParameter, as Azure's (default off). */
        public Builder requireApiVersion(boolean required) {
            this.requireApiVersion = required;
            return this;
        }

        /**
         * The principal's role: {@link AccessScope#subscription()} (default) or scoped to resource groups, optionally
         * lacking actions in some; what it does not cover answers 403 AuthorizationFailed.
         */
        public Builder access(AccessScope scope) {
            this.access = Objects.requireNonNull(scope);
            return this;
        }

        /**
         * The limit of a compute quota that {@code GET .../locations/{loc}/usages} reports in every region: {@code cores}
         * (Total Regional vCPUs), {@code virtualMachines}, or a VM family such as {@code standardDSv5Family} (default
         * {@value Quotas#DEFAULT_LIMIT} each, {@value Quotas#DEFAULT_VM_LIMIT} VMs). Usage counts the vCPUs of the
         * VMs that are not deallocated, as Azure's does; starts are not refused by it.
         */
        public Builder quota(String usageName, int limit) {
            quotas.put(Quotas.key(usageName), Quotas.checkLimit(limit));
            return this;
        }

        /** Record requests (default on); off keeps only counters, for long benchmarks. */
        public Builder journal(boolean on) {
            this.journal = on;
            return this;
        }

        /** How many requests the journal keeps (default 100,000; the oldest are dropped). */
        public Builder journalCapacity(int capacity) {
            this.journalCapacity = capacity;
            return this;
        }

        /** Accept any bearer token on ARM requests, not only the ones the emulator issued. */
        public Builder lenientAuth(boolean lenient) {
            this.lenientAuth = lenient;
            return this;
        }

        /** How long issued tokens are valid (default 3599 s); ARM refuses expired ones with 401. */
        public Builder tokenLifetime(Duration d) {
            this.tokenLifetime = Objects.requireNonNull(d);
            return this;
        }

        /** Where the certificate is made and cached (default {@code ${java.io.tmpdir}/arm-emulator-tls-<user>}). */
        public Builder tlsDirectory(Path dir) {
            this.tlsDirectory = dir;
            return this;
        }

        /** Append one line per power-state change to this file (default: none). */
        public Builder eventsFile(Path file) {
            this.eventsFile = file;
            return this;
        }

        /** Jetty's request threads (default 64). */
        public Builder containerThreads(int threads) {
            this.containerThreads = threads;
            return this;
        }

        /** Starts the server; returns once it accepts connections. */
        public ArmEmulator start() throws IOException {
            List<VmSpec> resolved = new ArrayList<>(vms.size());
            for (VmSpec s : vms) {
                VmSpec r = s.copyNamed(s.name());
                r.subscriptionId(s.subscriptionId() != null ? s.subscriptionId() : subscriptionId);
                r.resourceGroup(s.resourceGroup() != null ? s.resourceGroup() : resourceGroup);
                r.location(s.location() != null ? s.location() : location);
                resolved.add(r);
            }
            VmSpecs.assignPrivateIps(resolved);
            TlsMaterial tls = TlsMaterial.prepare(tlsDirectory != null ? tlsDirectory
                    : TlsMaterial.defaultDirectory());
            Settings settings = new Settings(this);
            EventLog events = new EventLog(eventsFile);
            Cloud cloud = null;
            WireMockServer server = null;
            try {
                cloud = new Cloud(settings, resolved, events);
                Throttler throttler = new Throttler(throttle, System::nanoTime);
                EmulatorHandler handler = new EmulatorHandler(settings, cloud, throttler,
                        new RequestLog(journal, journalCapacity));
                String[] base = {"https://127.0.0.1/"};
                WireMockBridge bridge = new WireMockBridge(handler, () -> base[0]);
                WireMockConfiguration cfg = WireMockConfiguration.options()
                        .bindAddress(bindAddress)
                        .httpsPort(port)
                        .keystorePath(tls.keystore().toString())
                        .keystorePassword(TlsMaterial.PASSWORD)
                        .keyManagerPassword(TlsMaterial.PASSWORD)
                        .keystoreType("PKCS12")
                        .extensions(bridge)
                        .mappingSource(new WireMockBridge.NoMappings())
                        .notifier(new WireMockBridge.QuietNotifier())
                        .asynchronousResponseEnabled(true)
                        .asynchronousResponseThreads(asyncThreads)
                        .containerThreads(containerThreads)
                        .jettyAcceptQueueSize(4096)
                        .templatingEnabled(false)
                        // Never proxies: a client that fails keeps WireMock from building Apache HttpClient
                        // (about 300 ms of start-up).
                        .httpClientFactory((HttpClientFactory) (options, trustAll, trusted, useSystemProperties) ->
                                request -> {
                                    throw new IOException("the ARM emulator does not proxy");
                                })
                        .stubRequestLoggingDisabled(true)
                        .gzipDisabled(true);
                cfg = httpPort < 0 ? cfg.httpDisabled(true) : cfg.port(httpPort);
                cfg = journal ? cfg.maxRequestJournalEntries(1000) : cfg.disableRequestJournal();
                server = new WireMockServer(cfg);
                server.start();
                server.stubFor(WireMock.any(WireMock.anyUrl()).willReturn(WireMock.aResponse().withStatus(200)));
                String host = switch (bindAddress) {
                    case "0.0.0.0", "::", "127.0.0.1", "localhost" -> "127.0.0.1";
                    default -> bindAddress.contains(":") ? "[" + bindAddress + "]" : bindAddress;
                };
                base[0] = "https://" + host + ":" + server.httpsPort() + "/";
                return new ArmEmulator(server, handler, events, tls, List.copyOf(resolved), base[0]);
            } catch (RuntimeException e) {
                if (server != null) {
                    server.stop();
                }
                if (cloud != null) {
                    cloud.close();
                }
                events.close();
                throw e;
            }
        }
    }
}
