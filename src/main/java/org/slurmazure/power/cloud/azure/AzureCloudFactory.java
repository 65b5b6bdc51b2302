package org.slurmazure.power.cloud.azure;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;

import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpPipeline;
import com.azure.core.http.HttpPipelineBuilder;
import com.azure.core.http.ProxyOptions;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.core.http.policy.AddDatePolicy;
import com.azure.core.http.policy.ExponentialBackoff;
import com.azure.core.http.policy.HttpLogDetailLevel;
import com.azure.core.http.policy.HttpLogOptions;
import com.azure.core.http.policy.HttpLoggingPolicy;
import com.azure.core.http.policy.RequestIdPolicy;
import com.azure.core.http.policy.RetryPolicy;
import com.azure.core.http.policy.UserAgentPolicy;
import com.azure.core.management.AzureEnvironment;
import com.azure.core.management.http.policy.ArmChallengeAuthenticationPolicy;
import com.azure.core.util.Configuration;

/**
 * Builds {@link AzureCloudVms} from {@link AzureConnection}: one JDK HttpClient (extra CAs, proxy, timeouts) shared by
 * ARM and the token endpoint, and a pipeline with the SDK's retry policy followed by the {@link ThrottleGate}.
 * Nothing is read from the environment ({@link Configuration#NONE}): slurmctld passes none.
 */
public final class AzureCloudFactory {
    /** Per request: 3 retries of transient failures, honouring Retry-After (the SDK's ARM default). */
    static final int MAX_RETRIES = 3;

    private AzureCloudFactory() {
    }

    /**
     * Builds the client and takes a token (bounded by twice the request timeout), so that a credential problem is
     * reported once, up front.
     */
    public static AzureCloudVms create(AzureConnection settings, String userAgentVersion)
            throws IOException, GeneralSecurityException {
        DroppedErrors.toDebug();
        HttpClient http = httpClient(settings);
        PrefetchedCredential credential = new PrefetchedCredential(Credentials.build(settings, http));
        try {
            credential.prefetch(scope(settings.audience()), settings.requestTimeout().multipliedBy(2));
        } catch (PrefetchedCredential.CredentialException e) {
            throw new GeneralSecurityException(settings.credential().type().name().toLowerCase(java.util.Locale.ROOT)
                    .replace('_', '-') + " credential: " + e.getMessage(), e);
        }
        ThrottleGate gate = new ThrottleGate(settings.concurrency());
        HttpPipeline pipeline = new HttpPipelineBuilder()
                .httpClient(http)
                .policies(
                        new UserAgentPolicy(null, "slurm-azure-power", userAgentVersion, Configuration.NONE),
                        new RequestIdPolicy(),
                        new AddDatePolicy(),
                        new RetryPolicy(new ExponentialBackoff(MAX_RETRIES, Duration.ofMillis(800),
                                Duration.ofSeconds(8)), "Retry-After", ChronoUnit.SECONDS),
                        gate,
                        new ArmChallengeAuthenticationPolicy(credential, scope(settings.audience())),
                        new HttpLoggingPolicy(new HttpLogOptions().setLogLevel(HttpLogDetailLevel.NONE)))
                .build();
        return new AzureCloudVms(pipeline, settings.resourceManager(), environment(settings), gate);
    }

    static HttpClient httpClient(AzureConnection settings) throws IOException, GeneralSecurityException {
        java.net.http.HttpClient.Builder jdk = java.net.http.HttpClient.newBuilder()
                .sslContext(TlsTrust.sslContext(settings.caCertificates()));
        Duration timeout = settings.requestTimeout();
        JdkHttpClientBuilder builder = new JdkHttpClientBuilder(jdk)
                .configuration(Configuration.NONE)
                .connectionTimeout(timeout.compareTo(Duration.ofSeconds(10)) < 0 ? timeout : Duration.ofSeconds(10))
                .responseTimeout(timeout)
                .readTimeout(timeout)
                .writeTimeout(timeout);
        if (settings.proxy() != null) {
            int port = settings.proxy().getPort() > 0 ? settings.proxy().getPort() : 3128;
            builder.proxy(new ProxyOptions(ProxyOptions.Type.HTTP,
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
