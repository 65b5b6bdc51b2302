package org.slurmazure.power.emulator;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

/** One HTTP request as the emulator's handlers see it, independent of WireMock. */
final class EmulatorRequest {
    final String method;
    /** The raw path, without the query. */
    final String path;
    /** The raw query, without '?', or "". */
    final String query;
    final Map<String, String> params;
    final String body;
    private final UnaryOperator<String> headers;
    private final String scheme;
    private final String fallbackBase;

    EmulatorRequest(String method, String url, UnaryOperator<String> headers, String body, String scheme,
            String fallbackBase) {
        this.method = method.toUpperCase(Locale.ROOT);
        int q = url.indexOf('?');
        this.path = q < 0 ? url : url.substring(0, q);
        this.query = q < 0 ? "" : url.substring(q + 1);
        this.params = parseForm(query);
        this.headers = headers;
        this.body = body == null ? "" : body;
        this.scheme = scheme == null ? "https" : scheme;
        this.fallbackBase = fallbackBase;
    }

    /** A header value, case-insensitive name, or null. */
    String header(String name) {
        return headers.apply(name);
    }

    /** A query parameter (first value, decoded), case-sensitive name as ARM's own are, or null. */
    String param(String name) {
        return params.get(name);
    }

    /** {@code https://<Host header>/}: what clients used to reach us, so absolute links work for localhost too. */
    String baseUrl() {
        String host = header("Host");
        if (host == null || host.isBlank()) {
            return fallbackBase;
        }
        return scheme + "://" + host.trim() + "/";
    }

    boolean isRead() {
        return method.equals("GET") || method.equals("HEAD");
    }

    /** Decodes {@code a=1&b=2} (a query or a form body). Keys keep their case; the first value wins. */
    static Map<String, String> parseForm(String s) {
        if (s == null || s.isEmpty()) {
            return Collections.emptyMap();
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : s.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = decode(eq < 0 ? pair : pair.substring(0, eq));
            String v = eq < 0 ? "" : decode(pair.substring(eq + 1));
            out.putIfAbsent(k, v);
        }
        return out;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }
}
