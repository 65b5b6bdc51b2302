package org.slurmazure.power.config;

import java.net.URI;
import java.util.Objects;

/**
 * The resolved endpoints of the configured cloud: the one place the Azure layer reads them from.
 *
 * @param resourceManager the Azure Resource Manager (ARM) endpoint, https, ending with {@code /}
 * @param authority       the Microsoft Entra ID login endpoint (authority host), https, ending with {@code /}
 * @param audience        the token audience of ARM; the scope to request is {@link #scope()}
 */
public record AzureEndpoints(URI resourceManager, URI authority, String audience) {

    public AzureEndpoints {
        Objects.requireNonNull(resourceManager, "resourceManager");
        Objects.requireNonNull(authority, "authority");
        Objects.requireNonNull(audience, "audience");
    }

    /** The OAuth scope for ARM tokens: the audience followed by {@code .default}. */
    public String scope() {
        return (audience.endsWith("/") ? audience : audience + "/") + ".default";
    }
}
