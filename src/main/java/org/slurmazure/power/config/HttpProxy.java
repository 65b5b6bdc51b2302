package org.slurmazure.power.config;

import java.util.Objects;

/**
 * {@code azure.proxy}: the HTTP proxy for every request to Azure (ARM and the token endpoint); HTTPS is tunnelled
 * through it with CONNECT.
 *
 * @param url  the URL as configured, e.g. {@code http://proxy.example:3128}
 * @param host the proxy host
 * @param port the proxy port
 */
public record HttpProxy(String url, String host, int port) {
    public HttpProxy {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(host, "host");
    }
}
