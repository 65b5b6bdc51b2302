package org.slurmazure.power.nativeimage;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;

import com.azure.core.http.HttpPipeline;
import com.azure.core.implementation.http.rest.SwaggerInterfaceParser;
import com.azure.core.util.serializer.SerializerAdapter;
import com.oracle.svm.core.annotate.Alias;
import com.oracle.svm.core.annotate.Substitute;
import com.oracle.svm.core.annotate.TargetClass;

/**
 * Native image only (src/native/java): azure-core's REST proxies for the service interfaces the program calls only.
 * {@code ComputeManagementClientImpl} creates all 52 operation groups of the compute API, each with a
 * {@code java.lang.reflect.Proxy} of its REST interface, and azure-resourcemanager-compute's metadata registers all 52
 * proxy classes (about 1.2 MB of code). The program calls {@code VirtualMachinesService} only (AzureCloudVms): the
 * native profile excludes that metadata, {@code azure/proxy-config.json} registers the interfaces named in
 * {@code create}, and every other interface gets no proxy: {@code create} returns null, which the 51 unused
 * operation groups hold and never use (a call through one would fail with a NullPointerException).
 * NativeImageMetadataTest keeps that list, the proxy-config.json and the program's calls in step.
 */
@TargetClass(className = "com.azure.core.http.rest.RestProxy")
final class Target_RestProxy {
    @Alias
    private Target_RestProxy(HttpPipeline httpPipeline, SerializerAdapter serializer,
                             SwaggerInterfaceParser interfaceParser) {
    }

    @Substitute
    @SuppressWarnings("unchecked")
    public static <A> A create(Class<A> swaggerInterface, HttpPipeline httpPipeline, SerializerAdapter serializer) {
        // The REST service interfaces the program calls: NativeImageMetadataTest.SERVICES (a substitution class
        // holds no fields of its own).
        String[] services = {
            "com.azure.resourcemanager.compute.implementation.VirtualMachinesClientImpl$VirtualMachinesService",
        };
        if (!java.util.Arrays.asList(services).contains(swaggerInterface.getName())) {
            return null;
        }
        SwaggerInterfaceParser interfaceParser = SwaggerInterfaceParser.getInstance(swaggerInterface);
        Object restProxy = new Target_RestProxy(httpPipeline, serializer, interfaceParser);
        return (A) Proxy.newProxyInstance(swaggerInterface.getClassLoader(), new Class<?>[] {swaggerInterface},
                (InvocationHandler) restProxy);
    }
}
