package org.slurmazure.power.cloud.azure;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpPipeline;
import com.azure.core.http.HttpPipelineBuilder;
import com.azure.core.http.ProxyOptions;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.core.http.policy.AddDatePolicy;
import com.azure.core.http.policy.HttpLogDetailLevel;
import com.azure.core.http.policy.HttpLogOptions;
import com.azure.core.http.policy.HttpLoggingPolicy;
import com.azure.core.http.policy.RequestIdPolicy;
import com.azure.core.http.policy.UserAgentPolicy;
import com.azure.core.management.AzureEnvironment;
import com.azure.core.management.http.policy.ArmChallengeAuthenticationPolicy;
import com.azure.core.util.Configuration;

import org.slurmazure.power.cloud.AccessProbe;
import org.slurmazure.power.cloud.CloudException;

/**
 * Builds {@link AzureCloudVms} from {@link AzureConnection}: one JDK HttpClient (extra CAs, proxy, timeouts) shared by
 * ARM and the token endpoint, and a pipeline with the {@link ThrottleGate} and no retry policy of the SDK's: a failed
 * request comes back at once, classified, and the engine decides whether and when to try again (Retry-After,
 * back-off, the deadline). The SDK's retries would sleep up to seconds inside one request, past any deadline.
 * Nothing is read from the environment ({@link Configuration#NONE}): slurmctld passes none.
 */
public final class AzureCloudFactory {
    private AzureCloudFactory() {}

    /**
     * Builds the client and takes a token (within {@code tokenLimit}), so that a credential problem is reported
     * once, up front.
     *
     * @throws CloudException           no token: classified (a token endpoint that does not answer may pass)
     * @throws IOException              a credential, certificate or CA file cannot be read
     * @throws GeneralSecurityException a certificate or key cannot be used
     */
    public static AzureCloudVms create(AzureConnection settings, String userAgentVersion, Duration tokenLimit)
            throws IOException, GeneralSecurityException, CloudException {
        return connect(settings, userAgentVersion, tokenLimit).vms();
    }

    /**
     * The clients of one connection: the VMs, the {@link AccessProbe} of {@code doctor} on the same pipeline, and
     * how long the token took.
     */
    public record Connected(AzureCloudVms vms, AccessProbe probe, Duration tokenTime) {}

    /** As {@link #create}, with the {@link AccessProbe} too and the time the token took. */
    public static Connected connect(AzureConnection settings, String userAgentVersion, Duration tokenLimit)
            throws IOException, GeneralSecurityException, CloudException {
        DroppedErrors.toDebug();
        HttpClient http = httpClient(settings);
        PrefetchedCredential credential = new PrefetchedCredential(Credentials.build(settings, http));
        long tokenStart = System.nanoTime();
        try {
            credential.prefetch(scope(settings.audience()), tokenLimit);
        } catch (CloudException e) {
            throw new CloudException(
                    e.failure(),
                    e.retryable(),
                    e.httpStatus(),
                    e.errorCode(),
                    settings.credential()
                                    .type()
                                    .name()
                                    .toLowerCase(java.util.Locale.ROOT)
                                    .replace('_', '-') + " credential: " + e.getMessage(),
                    null,
                    e);
        }
        Duration tokenTime = Duration.ofNanos(System.nanoTime() - tokenStart);
        ThrottleGate gate = new ThrottleGate(settings.concurrency());
        HttpPipeline pipeline = new HttpPipelineBuilder()
                .httpClient(http)
                .policies(
                        new UserAgentPolicy(null, "slurm-azure-power", userAgentVersion, Configuration.NONE),
                        new RequestIdPolicy(),
                        new AddDatePolicy(),
                        gate,
                        new ArmChallengeAuthenticationPolicy(credential, scope(settings.audience())),
                        new HttpLoggingPolicy(new HttpLogOptions().setLogLevel(HttpLogDetailLevel.NONE)))
                .build();
        return new Connected(
                new AzureCloudVms(pipeline, settings.resourceManager(), environment(settings), gate),
                new AzureAccessProbe(pipeline, settings.resourceManager().toString()),
                tokenTime);
    }

    /** A file or key problem of the client's set-up as one line: what is wrong with which file. */
    public static String describeSetupProblem(Exception e) {
        return AzureFailures.setupProblem(e);
    }

    static HttpClient httpClient(AzureConnection settings) throws IOException, GeneralSecurityException {
        java.net.http.HttpClient.Builder jdk =
                java.net.http.HttpClient.newBuilder().sslContext(TlsTrust.sslContext(settings.caCertificates()));
        Duration timeout = settings.requestTimeout();
        JdkHttpClientBuilder builder = new JdkHttpClientBuilder(jdk)
                .configuration(Configuration.NONE)
                .connectionTimeout(timeout.compareTo(Duration.ofSeconds(10)) < 0 ? timeout : Duration.ofSeconds(10))
                .responseTimeout(timeout)
                .readTimeout(timeout)
                .writeTimeout(timeout);
        if (settings.proxy() != null) {
            int port = settings.proxy().getPort() > 0 ? settings.proxy().getPort() : 3128;
            builder.proxy(new ProxyOptions(
                    ProxyOptions.Type.HTTP,
                    InetSocketAddress.createUnresolved(settings.proxy().getHost(), port)));
        }
        return builder.build();
    }

    /** The resource's scope: {@code https://management.core.windows.net/} gives {@code ...windows.net//.default}. */
    static String scope(String audience) {
        return audience + "/.default";
    }

    private static AzureEnvironment environment(AzureConnection settings) {
        Map<String, String> endpoints = new HashMap<>(AzureEnvironment.AZURE.getEndpoints());
        endpoints.put("resourceManagerEndpointUrl", settings.resourceManager().toString());
        endpoints.put("activeDirectoryEndpointUrl", settings.authority().toString());
        endpoints.put("managementEndpointUrl", settings.audience());
        return new AzureEnvironment(endpoints);
    }
}
