package org.slurmazure.power.bench;

import java.lang.management.ManagementFactory;

import com.azure.core.http.HttpPipeline;
import com.azure.core.http.HttpPipelineBuilder;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.core.management.AzureEnvironment;
import com.azure.core.management.profile.AzureProfile;
import com.azure.resourcemanager.compute.ComputeManager;
import com.azure.resourcemanager.compute.implementation.ComputeManagementClientBuilder;

/**
 * Cold cost of building the VM client, once per JVM: the fluent {@code ComputeManager} (which also builds the
 * network, storage and authorization managers) against the lean compute service client the program uses. No request
 * is sent. Run one fresh JVM per sample (docs/benchmarks.md): {@code ClientBuildBenchmark lean|fluent}.
 */
public final class ClientBuildBenchmark {
    private ClientBuildBenchmark() {
    }

    public static void main(String[] args) {
        boolean fluent = args.length > 0 && args[0].equals("fluent");
        long start = System.nanoTime();
        HttpPipeline pipeline = new HttpPipelineBuilder().httpClient(new JdkHttpClientBuilder().build()).build();
        AzureProfile profile = new AzureProfile("tenant", "00000000-0000-0000-0000-000000000001", AzureEnvironment.AZURE);
        Object vms = fluent
                ? ComputeManager.authenticate(pipeline, profile).serviceClient().getVirtualMachines()
                : new ComputeManagementClientBuilder().pipeline(pipeline).endpoint("https://management.azure.com/")
                        .environment(AzureEnvironment.AZURE).subscriptionId(profile.getSubscriptionId())
                        .buildClient().getVirtualMachines();
        long built = System.nanoTime();
        System.out.printf("%s %d ms build, %d ms since JVM start, %d classes loaded (%s)%n",
                fluent ? "fluent" : "lean", (built - start) / 1_000_000,
                System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime(),
                ManagementFactory.getClassLoadingMXBean().getLoadedClassCount(), vms.getClass().getSimpleName());
    }
}
