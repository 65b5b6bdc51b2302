package org.slurmazure.power.startup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import org.slurmazure.power.cloud.azure.ArmRoute;

/**
 * A local HTTPS stand-in for the Entra ID token endpoint and the few ARM operations a power program sends (VM GET,
 * start, deallocate, operation status, NIC GET), so that the install-time start-up archive is trained on a complete,
 * successful run without Azure or a network. Every VM it is asked about exists, carries the given tag and starts or
 * deallocates at once. Not a test double for correctness: the ARM emulator of the test suite is that.
 *
 * <p>Its certificate is made by the JDK's {@code keytool} (RSA 2048, like ARM's), valid for two days, for
 * {@code 127.0.0.1} only; {@link #certificatePem()} is what the training configuration trusts.
 */
public final class TrainingEndpoint implements AutoCloseable {
    private static final String API = "2025-04-01";
    private static final Pattern TOKEN = Pattern.compile("/[^/]+/oauth2/v2\\.0/token");

    private final HttpsServer server;
    private final ExecutorService executor;
    private final Path certificatePem;
    private final String tagName;
    private final String tagValue;
    /** Power state code of each VM asked about ("deallocated" until started). */
    private final Map<String, String> powerStates = new ConcurrentHashMap<>();

    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger unexpected = new AtomicInteger();

    private TrainingEndpoint(
            HttpsServer server, ExecutorService executor, Path certificatePem, String tagName, String tagValue) {
        this.server = server;
        this.executor = executor;
        this.certificatePem = certificatePem;
        this.tagName = tagName;
        this.tagValue = tagValue;
    }

    /**
     * Makes a key pair and certificate in {@code dir} with {@code keytool} from {@code javaHome} and listens on a
     * free port of 127.0.0.1. VMs answer with the tag {@code tagName=tagValue}.
     */
    public static TrainingEndpoint start(Path dir, Path javaHome, String tagName, String tagValue)
            throws IOException, GeneralSecurityException, InterruptedException {
        char[] password = password();
        Path keystore = dir.resolve("training.p12");
        makeKeyPair(javaHome.resolve("bin").resolve("keytool"), keystore, password);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            ks.load(in, password);
        }
        Certificate certificate = ks.getCertificate("training");
        Path pem = dir.resolve("training-ca.pem");
        Files.writeString(
                pem,
                "-----BEGIN CERTIFICATE-----\n"
                        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(certificate.getEncoded())
                        + "\n-----END CERTIFICATE-----\n",
                StandardCharsets.US_ASCII);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, password);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);

        // 127.0.0.1 itself, not getLoopbackAddress(): that is ::1 when the JVM file prefers IPv6.
        InetAddress loopback = InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
        HttpsServer server = HttpsServer.create(new InetSocketAddress(loopback, 0), 16);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "training-endpoint");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        TrainingEndpoint endpoint = new TrainingEndpoint(server, executor, pem, tagName, tagValue);
        server.createContext("/", endpoint::handle);
        server.start();
        return endpoint;
    }

    private static char[] password() {
        byte[] random = new byte[18];
        new SecureRandom().nextBytes(random);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(random).toCharArray();
    }

    private static void makeKeyPair(Path keytool, Path keystore, char[] password)
            throws IOException, InterruptedException {
        if (!Files.isExecutable(keytool)) {
            throw new IOException(keytool + " not found (the training endpoint needs the JDK's keytool)");
        }
        String pw = new String(password);
        Process p = new ProcessBuilder(List.of(
                        keytool.toString(),
                        "-genkeypair",
                        "-alias",
                        "training",
                        "-keyalg",
                        "RSA",
                        "-keysize",
                        "2048",
                        "-validity",
                        "2",
                        "-dname",
                        "CN=slurm-azure-power training",
                        "-ext",
                        "SAN=ip:127.0.0.1",
                        "-storetype",
                        "PKCS12",
                        "-keystore",
                        keystore.toString(),
                        "-storepass",
                        pw,
                        "-keypass",
                        pw))
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        byte[] output = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("keytool did not finish within 120 s");
        }
        if (p.exitValue() != 0) {
            throw new IOException("keytool failed (exit " + p.exitValue() + "): "
                    + new String(output, StandardCharsets.UTF_8).strip().replace('\n', ' '));
        }
    }

    /** The base URL, {@code https://127.0.0.1:PORT/}: both the authority and the resource manager. */
    public String url() {
        return "https://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    /** The PEM file of the endpoint's certificate (the training configuration's {@code azure.caCertificates}). */
    public Path certificatePem() {
        return certificatePem;
    }

    /** Requests answered so far. */
    public int requests() {
        return requests.get();
    }

    /** Requests it did not recognise (answered 404): a sign that the programs' requests changed. */
    public int unexpectedRequests() {
        return unexpected.get();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            exchange.getRequestBody().readAllBytes();
            requests.incrementAndGet();
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            ArmRoute route = ArmRoute.isArmPath(path) ? ArmRoute.parse(path) : null;
            ArmRoute.Kind kind = route == null ? ArmRoute.Kind.UNKNOWN : route.kind();
            if ("POST".equals(method) && TOKEN.matcher(path).matches()) {
                respond(
                        exchange,
                        200,
                        "{\"token_type\":\"Bearer\",\"expires_in\":3599,\"ext_expires_in\":3599,"
                                + "\"access_token\":\"training." + UUID.randomUUID() + "\"}");
            } else if ("GET".equals(method) && kind == ArmRoute.Kind.VM_GET) {
                respond(exchange, 200, vm(route.subscription(), route.resourceGroup(), route.name()));
            } else if ("POST".equals(method) && kind == ArmRoute.Kind.VM_ACTION) {
                powerStates.put(
                        route.name(),
                        "start".equals(route.segment())
                                ? "running"
                                : "deallocate".equals(route.segment()) ? "deallocated" : "stopped");
                String operation = url() + "subscriptions/" + route.subscription()
                        + "/providers/Microsoft.Compute/locations/training/operations/" + UUID.randomUUID()
                        + "?api-version=" + API;
                exchange.getResponseHeaders().add("Azure-AsyncOperation", operation);
                exchange.getResponseHeaders().add("Location", operation + "&monitor=true");
                exchange.getResponseHeaders().add("Retry-After", "0");
                respond(exchange, 202, "");
            } else if ("GET".equals(method) && kind == ArmRoute.Kind.OPERATION) {
                String now = Instant.now().toString();
                respond(
                        exchange,
                        200,
                        "{\"startTime\":\"" + now + "\",\"endTime\":\"" + now
                                + "\",\"status\":\"Succeeded\",\"name\":\"" + route.name() + "\"}");
            } else if ("GET".equals(method)
                    && kind == ArmRoute.Kind.NIC_GET
                    && route.name().endsWith("-nic")) {
                respond(
                        exchange,
                        200,
                        nic(
                                route.subscription(),
                                route.resourceGroup(),
                                route.name().substring(0, route.name().length() - "-nic".length())));
            } else {
                unexpected.incrementAndGet();
                respond(
                        exchange,
                        404,
                        "{\"error\":{\"code\":\"NotFound\",\"message\":\"The training endpoint " + "does not serve "
                                + method + " " + path + ".\"}}");
            }
        }
    }

    private String vm(String subscription, String group, String name) {
        String id = "/subscriptions/" + subscription + "/resourceGroups/" + group;
        String power = powerStates.computeIfAbsent(name, n -> "deallocated");
        return "{\"name\":\"" + name + "\",\"id\":\"" + id + "/providers/Microsoft.Compute/virtualMachines/" + name
                + "\",\"type\":\"Microsoft.Compute/virtualMachines\",\"location\":\"training\",\"tags\":{\""
                + tagName + "\":\"" + tagValue + "\"},\"properties\":{\"vmId\":\""
                + UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8))
                + "\",\"hardwareProfile\":{\"vmSize\":\"Standard_D4s_v5\"},\"networkProfile\":{\"networkInterfaces\":"
                + "[{\"id\":\"" + id + "/providers/Microsoft.Network/networkInterfaces/" + name + "-nic\","
                + "\"properties\":{\"primary\":true}}]},\"provisioningState\":\"Succeeded\",\"instanceView\":"
                + "{\"computerName\":\"" + name + "\",\"statuses\":[{\"code\":\"ProvisioningState/succeeded\","
                + "\"level\":\"Info\",\"displayStatus\":\"Provisioning succeeded\",\"time\":\"" + Instant.now()
                + "\"},{\"code\":\"PowerState/" + power + "\",\"level\":\"Info\",\"displayStatus\":\"VM " + power
                + "\"}]}}}";
    }

    private static String nic(String subscription, String group, String vm) {
        String id = "/subscriptions/" + subscription + "/resourceGroups/" + group
                + "/providers/Microsoft.Network/networkInterfaces/" + vm + "-nic";
        return "{\"name\":\"" + vm + "-nic\",\"id\":\"" + id + "\",\"type\":\"Microsoft.Network/networkInterfaces\","
                + "\"location\":\"training\",\"properties\":{\"provisioningState\":\"Succeeded\","
                + "\"ipConfigurations\":[{\"name\":\"ipconfig1\",\"id\":\"" + id + "/ipConfigurations/ipconfig1\","
                + "\"properties\":{\"provisioningState\":\"Succeeded\",\"privateIPAddress\":\"192.0.2.4\","
                + "\"privateIPAllocationMethod\":\"Dynamic\",\"primary\":true,\"privateIPAddressVersion\":\"IPv4\"}}],"
                + "\"primary\":true,\"virtualMachine\":{\"id\":\"/subscriptions/" + subscription + "/resourceGroups/"
                + group + "/providers/Microsoft.Compute/virtualMachines/" + vm + "\"}}}";
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        if (!body.isEmpty()) {
            exchange.getResponseHeaders().add("Content-Type", "application/json; charset=utf-8");
        }
        exchange.getResponseHeaders().add("x-ms-request-id", UUID.randomUUID().toString());
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }
}
