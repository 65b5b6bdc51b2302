package org.slurmazure.power.cloud.azure;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.azure.core.http.HttpPipeline;

import org.slurmazure.power.cloud.AccessProbe;
import org.slurmazure.power.cloud.CloudException;
import org.slurmazure.power.json.JsonValue;

/**
 * {@link AccessProbe} on Azure Resource Manager: plain GETs through the same pipeline as the power programs (token,
 * throttle gate, no SDK retries), their JSON read as a tree. No management library besides compute: the
 * authorization, quota and SKU calls are a few lines of REST each.
 */
public final class AzureAccessProbe implements AccessProbe {
    static final String PERMISSIONS_API_VERSION = "2022-04-01";
    static final String USAGES_API_VERSION = "2024-07-01";
    static final String SKUS_API_VERSION = "2021-07-01";
    static final String COMPUTE_API_VERSION = "2024-07-01";

    private final HttpPipeline pipeline;
    private final String resourceManager;

    AzureAccessProbe(HttpPipeline pipeline, String resourceManager) {
        this.pipeline = pipeline;
        this.resourceManager = resourceManager.replaceAll("/+$", "");
    }

    @Override
    public List<Permission> permissions(String subscriptionId, String resourceGroup) throws CloudException {
        List<Permission> result = new ArrayList<>();
        for (JsonValue p : items(group(subscriptionId, resourceGroup)
                + "/providers/Microsoft.Authorization/permissions?api-version=" + PERMISSIONS_API_VERSION)) {
            result.add(new Permission(texts(p.path("actions")), texts(p.path("notActions"))));
        }
        return result;
    }

    @Override
    public Map<String, String> vmLocations(String subscriptionId, String resourceGroup) throws CloudException {
        Map<String, String> result = new HashMap<>();
        for (JsonValue vm : items(group(subscriptionId, resourceGroup)
                + "/providers/Microsoft.Compute/virtualMachines?api-version=" + COMPUTE_API_VERSION)) {
            if (vm.hasNonNull("name") && vm.hasNonNull("location")) {
                result.put(lower(vm.path("name").asText()), vm.path("location").asText());
            }
        }
        return result;
    }

    @Override
    public List<Usage> usages(String subscriptionId, String location) throws CloudException {
        List<Usage> result = new ArrayList<>();
        for (JsonValue u : items(resourceManager + "/subscriptions/" + encode(subscriptionId)
                + "/providers/Microsoft.Compute/locations/" + encode(location) + "/usages?api-version="
                + USAGES_API_VERSION)) {
            String name = u.path("name").path("value").asText("");
            if (!name.isEmpty()) {
                result.add(new Usage(
                        name,
                        u.path("name").path("localizedValue").asText(name),
                        u.path("currentValue").asLong(0),
                        u.path("limit").asLong(0)));
            }
        }
        return result;
    }

    @Override
    public Map<String, VmSize> vmSizes(String subscriptionId, String location) throws CloudException {
        Map<String, VmSize> result = new HashMap<>();
        for (JsonValue sku : items(resourceManager + "/subscriptions/" + encode(subscriptionId)
                + "/providers/Microsoft.Compute/skus?api-version=" + SKUS_API_VERSION + "&$filter="
                + encode("location eq '" + location + "'"))) {
            if (!"virtualMachines".equalsIgnoreCase(sku.path("resourceType").asText()) || !sku.hasNonNull("name")) {
                continue;
            }
            int vCpus = 0;
            for (JsonValue cap : sku.path("capabilities").elements()) {
                if ("vCPUs".equals(cap.path("name").asText())) {
                    try {
                        vCpus = Integer.parseInt(cap.path("value").asText().trim());
                    } catch (NumberFormatException e) {
                        vCpus = 0;
                    }
                }
            }
            String name = sku.path("name").asText();
            result.put(lower(name), new VmSize(name, sku.path("family").asText(""), vCpus));
        }
        return result;
    }

    private List<JsonValue> items(String url) throws CloudException {
        return AzureCalls.listItems(pipeline, url);
    }

    private String group(String subscriptionId, String resourceGroup) {
        return resourceManager + "/subscriptions/" + encode(subscriptionId) + "/resourceGroups/"
                + encode(resourceGroup);
    }

    private static List<String> texts(JsonValue array) {
        List<String> out = new ArrayList<>();
        array.elements().forEach(n -> out.add(n.asText()));
        return out;
    }

    /** A path segment or query value, percent-encoded (a space as %20, as ARM expects). */
    static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
